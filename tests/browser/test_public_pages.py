"""Public pages in a real browser: they render, work with the keyboard, and pass axe-core."""
from playwright.sync_api import expect

from tests.factories import make_user


def test_home_page_passes_axe_and_has_a_working_skip_link(page, check_accessibility):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Find support that works for you"
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("element => element === document.activeElement")
    check_accessibility(page, "home")


def test_login_page_passes_axe_including_its_error_state(page, check_accessibility):
    make_user("holder", email="ana@example.org")
    page.goto("/login")
    check_accessibility(page, "login")
    page.fill("#email", "ana@example.org")
    page.fill("#password", "not the right one")
    page.click("button[type=submit]")
    assert "email address or password is not right" in page.locator(".error-summary").inner_text()
    check_accessibility(page, "login error")


def test_registration_in_the_browser(page, check_accessibility):
    page.goto("/register")
    check_accessibility(page, "registration")
    page.click("button[type=submit]")
    summary = page.locator(".error-summary")
    assert "Enter your name" in summary.inner_text()
    check_accessibility(page, "registration errors")
    page.fill("#display_name", "Sam Patel")
    page.fill("#email", "sam@example.org")
    page.check("input[name=role][value=holder]")
    page.fill("#password", "correct horse battery")
    page.fill("#confirm_password", "correct horse battery")
    page.click("button[type=submit]")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_about_budgets_page_passes_axe(page, check_accessibility):
    page.goto("/how-personal-budgets-work")
    assert "direct payment" in page.content().lower()
    check_accessibility(page, "how budgets work")


def test_reviews_policy_page_passes_axe(page, check_accessibility):
    page.goto("/how-reviews-work")
    assert "Verified purchase through Pathways" in page.locator("main").inner_text()
    check_accessibility(page, "how reviews work")
