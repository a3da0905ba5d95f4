"""Steps a person takes in the browser tests: log in, press a button that loads a page, and
how wide the page is laid out (read through the browser's protocol, so it also works with
the page's own scripts off)."""
from __future__ import annotations

from tests.factories import PASSWORD


def log_in(page, user) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def submit(page, name) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def layout_width(page) -> int:
    # Until the load event the stylesheets may not apply yet, and an unstyled page is wide.
    page.wait_for_load_state("load")
    metrics = page.context.new_cdp_session(page).send("Page.getLayoutMetrics")
    return metrics["cssContentSize"]["width"]
