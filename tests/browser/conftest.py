"""Browser fixtures: the app served on loopback from a thread, and Debian's Chromium driven
headless by Playwright. Playwright's own browser download does not work here, so the browser
is found at CHROMIUM_PATH (default /usr/bin/chromium); without it these tests are skipped
with a loud reason, and CI fails on any skip."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"BROWSER TESTS SKIPPED: Chromium not found at {CHROMIUM}. "
            "Install it with: sudo apt-get install chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """Serve the test app on a free loopback port for the length of one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Another person's browser (its own cookies), opened when the test asks: new_page(),
    or new_page(java_script_enabled=False, viewport={"width": 320, "height": 700})."""
    contexts = []

    def open_page(*, viewport=None, **options):
        context = browser.new_context(base_url=live_server,
                                      viewport=viewport or {"width": 1280, "height": 900},
                                      **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.scripts_off = options.get("java_script_enabled") is False
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def check_accessibility():
    """Run axe-core at WCAG 2.2 AA on the current page and fail listing every violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, label: str) -> None:
        # axe is JavaScript: in a page with scripts off its evaluate waits for ever.
        assert not getattr(page, "scripts_off", False), (
            f"axe cannot check the {label} page: its scripts are off; check it in a page "
            "with scripts on")
        # Layout rules (target size, reflow, contrast) are only true once the stylesheets
        # apply: a page whose text has arrived may still be loading them on a busy machine.
        page.wait_for_load_state("load")
        results = axe.run(
            page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}}
        )
        violations = results.response["violations"]
        details = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in violations
        )
        assert not violations, f"axe found WCAG 2.2 AA problems on the {label} page:\n{details}"

    return check
