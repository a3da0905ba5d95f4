"""A 320 px pass over every page: on the demo market, each role follows every link on its pages
(one page of each kind) and no page scrolls sideways (WCAG 1.4.10). Wide tables scroll inside
their own labelled region instead."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from marketplace.demo.commands import DEMO_PASSWORD

ROLES = ("demo-holder@example.org", "demo-supporter@example.org", "demo-provider@example.org",
         "demo-manager@example.org", "demo-commissioner@example.org", "demo-moderator@example.org",
         None)
#: Not pages: downloads, the API and its document.
NOT_PAGES = re.compile(r"\.csv|/api/|/static/|/logout")


def _kind(path: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(path).path)


def _pages_of(page, base: str) -> list[tuple[str, int]]:
    """Visit one page of each kind reachable from the home page; (path, width) for each."""
    seen, queue, kinds, widths = set(), ["/", "/search?q=support"], set(), []
    while queue:
        path = queue.pop(0)
        seen.add(path)
        page.goto(base + path)
        widths.append((path, page.evaluate("document.documentElement.scrollWidth")))
        for href in page.evaluate(
                "Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"):
            parts = urlsplit(urljoin(base + path, href))
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if (parts.netloc != urlsplit(base).netloc or NOT_PAGES.search(target)
                    or target in seen or target in queue or _kind(target) in kinds):
                continue
            kinds.add(_kind(target))
            queue.append(target)
    return widths


@pytest.mark.parametrize("email", ROLES, ids=lambda email: (email or "visitor").split("@")[0])
def test_no_page_scrolls_sideways_at_320_px(app, runner, browser, live_server, email):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        if email:
            page.goto(live_server + "/login")
            page.fill("#email", email)
            page.fill("#password", DEMO_PASSWORD)
            page.click("main button[type=submit]")
            assert "/login" not in page.url
        widths = _pages_of(page, live_server)
    finally:
        context.close()
    assert len(widths) >= (6 if email is None else 10)
    assert [(path, width) for path, width in widths if width > 320] == []
