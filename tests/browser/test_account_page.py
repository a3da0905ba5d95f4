"""The account page in a real browser: axe finds nothing, before and after a failed password
change, on a desktop and a 320 px phone without sideways scrolling; "Log out of every device"
works from the keyboard alone."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.factories import PASSWORD, make_user

SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth - window.innerWidth"


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_account_page_passes_axe_and_fits_a_phone(page, check_accessibility):
    user = make_user("holder")
    _log_in(page, user.email)
    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", name="Your account", exact=True)).to_be_visible()
    check_accessibility(page, "account")

    page.get_by_label("Current password", exact=True).fill("not my password")
    page.get_by_label("New password", exact=True).fill("a brand new secret")
    page.get_by_label("Type the new password again").fill("a brand new secret")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your current password is not right").first).to_be_visible()
    check_accessibility(page, "account with an error")

    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate(SIDEWAYS_SCROLL) <= 0


def test_log_out_of_every_device_by_keyboard(page):
    user = make_user("provider")
    _log_in(page, user.email)
    page.goto("/account")
    button = page.get_by_role("button", name="Log out of every device")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/login")
    expect(page.get_by_text("You are logged out on every device")).to_be_visible()
    page.goto("/account")
    assert "/login" in page.url
