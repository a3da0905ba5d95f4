"""Links sent by email, in a real browser on a 320 px phone: a person resets a forgotten
password, a new account confirms its address (after being told plainly that buying waits for
it), and an address is changed from the account page. axe finds nothing on any new page, and
none scrolls sideways."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.people import layout_width, log_in, open_emailed_link, register, submit
from tests.factories import PASSWORD, make_service, make_user

PHONE = {"width": 320, "height": 700}
NEW_PASSWORD = "a fresh long secret"


def checked(page, check_accessibility, label: str) -> None:
    check_accessibility(page, label)
    assert layout_width(page) <= PHONE["width"], f"the {label} page scrolls sideways"


def test_a_person_resets_a_forgotten_password(new_page, check_accessibility):
    make_user("holder", email="ana@example.org")
    phone = new_page(viewport=PHONE)
    phone.goto("/login")
    with phone.expect_navigation():
        phone.get_by_role("link", name="Forgotten your password?").click()
    expect(phone.get_by_role("heading", name="Reset your password")).to_be_visible()
    checked(phone, check_accessibility, "forgotten password")

    submit(phone, "Send me a link")  # nothing typed
    expect(phone.get_by_text("Enter your email address").first).to_be_visible()
    checked(phone, check_accessibility, "forgotten password with an error")

    phone.get_by_label("Email address").fill("ana@example.org")
    submit(phone, "Send me a link")
    expect(phone.get_by_text("If an account uses ana@example.org, we have sent it a link")
           ).to_be_visible()
    checked(phone, check_accessibility, "reset link sent")

    open_emailed_link(phone, "ana@example.org", "Reset")
    link = phone.url
    expect(phone.get_by_role("heading", name="Choose a new password")).to_be_visible()
    checked(phone, check_accessibility, "choose a new password")
    phone.get_by_label("New password", exact=True).fill("too short")
    phone.get_by_label("Type the new password again").fill("too short")
    submit(phone, "Save my new password")
    expect(phone.get_by_text("Use at least 10 characters").first).to_be_visible()
    checked(phone, check_accessibility, "choose a new password with an error")

    phone.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    submit(phone, "Save my new password")
    expect(phone.get_by_text("Your password is changed.")).to_be_visible()

    phone.goto(link)  # once only
    expect(phone.get_by_role("heading", name="This link has expired")).to_be_visible()
    checked(phone, check_accessibility, "used reset link")

    laptop = new_page()
    laptop.goto("/login")
    laptop.get_by_label("Email address").fill("ana@example.org")
    laptop.get_by_label("Password").fill(NEW_PASSWORD)
    submit(laptop, "Log in")
    expect(laptop.get_by_role("link", name="Your account")).to_be_visible()


def test_a_new_account_confirms_its_email_address(new_page, check_accessibility):
    service = make_service(title="Canal photography walks")
    phone = new_page(viewport=PHONE)
    register(phone, "Ana Silva", "ana@example.org", "Budget holder")
    banner = phone.get_by_role("region", name="Confirm your email address")
    expect(banner).to_contain_text("We sent a link to ana@example.org")
    checked(phone, check_accessibility, "home page with the confirm banner")

    phone.goto(f"/services/{service.id}/enquire")
    expect(phone.get_by_role("heading", name="Confirm your email address first")).to_be_visible()
    checked(phone, check_accessibility, "confirm your email address first")

    with phone.expect_navigation():
        banner.get_by_role("button", name="Send the link again").click()
    expect(phone.get_by_text("We have sent a new link to ana@example.org.")).to_be_visible()

    open_emailed_link(phone, "ana@example.org", "Confirm")
    expect(phone.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    checked(phone, check_accessibility, "confirm your email address")
    submit(phone, "Confirm my email address")
    expect(phone.get_by_text("Thank you: your email address is confirmed.")).to_be_visible()
    expect(phone.get_by_role("region", name="Confirm your email address")).to_have_count(0)

    phone.goto(f"/services/{service.id}/enquire")
    expect(phone.get_by_role("heading", name="Confirm your email address first")).to_have_count(0)


def test_a_person_changes_their_email_address(new_page, check_accessibility):
    ana = make_user("holder", email="ana@example.org")
    phone = new_page(viewport=PHONE)
    log_in(phone, ana)
    phone.goto("/account")
    phone.get_by_label("New email address").fill("ana.new@example.org")
    phone.get_by_label("Your password").fill("not my password")
    submit(phone, "Send a link to the new address")
    expect(phone.get_by_text("Your current password is not right").first).to_be_visible()
    checked(phone, check_accessibility, "account with an email change error")

    phone.get_by_label("New email address").fill("ana.new@example.org")
    phone.get_by_label("Your password").fill(PASSWORD)
    submit(phone, "Send a link to the new address")
    expect(phone.get_by_text("You asked to change it to ana.new@example.org.")).to_be_visible()
    checked(phone, check_accessibility, "account with an email change waiting")

    open_emailed_link(phone, "ana.new@example.org", "Confirm")
    checked(phone, check_accessibility, "confirm a new email address")
    submit(phone, "Confirm my email address")
    expect(phone.get_by_text("Your email address is now ana.new@example.org.")).to_be_visible()
    expect(phone.get_by_text("ana.new@example.org (confirmed)")).to_be_visible()
