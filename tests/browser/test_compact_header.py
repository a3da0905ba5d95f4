"""On a phone the header leaves the screen to the page: a logged-in budget holder (the longest
menu) sees it take at most a quarter of a 320 x 640 screen, every link still reachable."""
from __future__ import annotations

from tests.factories import PASSWORD, make_user


def test_the_header_of_a_logged_in_holder_is_compact_on_a_small_phone(app, page):
    holder = make_user("holder")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/login")
    page.fill("#email", holder.email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.goto("/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 160, header
    for name in ("Find support", "My budget", "My orders", "Pools", "Needs", "My plan", "Supporters",
                 "Notifications", "Your account"):
        link = page.get_by_role("link", name=name, exact=True)
        box = link.bounding_box()
        assert box["height"] >= 24 and box["x"] >= 0 and box["x"] + box["width"] <= 320, name
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
