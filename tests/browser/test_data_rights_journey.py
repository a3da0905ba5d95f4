"""One person's whole say over their account, in real headless Chromium: Ana registers on her
phone and confirms her address from the emailed link, forgets her password and resets it on
her laptop (which logs her phone out), downloads a copy of her data that the worker prepared,
then closes her account, after which nothing lets her, or anyone, back in. axe checks every
page she sees, none of which scrolls sideways at 320 px."""
from __future__ import annotations

import io
import json
import zipfile

from playwright.sync_api import expect

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.jobs import catalogue
from marketplace.jobs.runner import RunnerSettings, run_due_job
from marketplace.times import utcnow
from tests.browser.people import layout_width, open_emailed_link, register, submit
from tests.factories import PASSWORD

PHONE = {"width": 320, "height": 700}
EMAIL = "ana.silva@example.org"
NEW_PASSWORD = "a fresh long secret"


def _checked(page, check_accessibility, label: str) -> None:
    check_accessibility(page, label)
    width = layout_width(page)
    assert width <= PHONE["width"], f"the {label} page is {width} px wide on a 320 px phone"


def _prepare_the_copy() -> None:
    job = catalogue.load().jobs["data-exports"]
    outcome = run_due_job(job, "browser-test-worker", now=utcnow(), settings=RunnerSettings())
    assert outcome.status == "succeeded", outcome.message


def _log_in(page, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(password)
    submit(page, "Log in")


def test_register_confirm_reset_download_and_close(new_page, check_accessibility):
    phone = new_page(viewport=PHONE)
    register(phone, "Ana Silva", EMAIL, "Budget holder")
    expect(phone.get_by_role("region", name="Confirm your email address")).to_contain_text(
        f"We sent a link to {EMAIL}")
    open_emailed_link(phone, EMAIL, "Confirm")
    submit(phone, "Confirm my email address")
    expect(phone.get_by_text("Thank you: your email address is confirmed.")).to_be_visible()
    _checked(phone, check_accessibility, "address confirmed")

    laptop = new_page(viewport=PHONE)
    laptop.goto("/login")
    with laptop.expect_navigation():
        laptop.get_by_role("link", name="Forgotten your password?").click()
    laptop.get_by_label("Email address").fill(EMAIL)
    submit(laptop, "Send me a link")
    open_emailed_link(laptop, EMAIL, "Reset")
    laptop.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    laptop.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    submit(laptop, "Save my new password")
    expect(laptop.get_by_text("Your password is changed.")).to_be_visible()
    _checked(laptop, check_accessibility, "password changed")
    phone.goto("/account")
    expect(phone.get_by_role("heading", name="Log in")).to_be_visible()  # logged out there

    laptop.goto("/account")
    with laptop.expect_navigation():
        laptop.get_by_role("link", name="Download your data").click()
    submit(laptop, "Ask for a copy of my data")
    expect(laptop.get_by_role("heading", name="Your copy is being prepared")).to_be_visible()
    _checked(laptop, check_accessibility, "copy being prepared")
    _prepare_the_copy()
    with laptop.expect_navigation():
        laptop.get_by_role("link", name="Check again").click()
    expect(laptop.get_by_role("heading", name="Your copy is ready")).to_be_visible()
    _checked(laptop, check_accessibility, "copy ready")
    with laptop.expect_download() as arrived:
        laptop.get_by_role("link", name="Download the copy made on").click()
    with open(arrived.value.path(), "rb") as file, zipfile.ZipFile(io.BytesIO(file.read())) as zip_:
        account = json.loads(zip_.read("data.json"))["account"][0]
    assert (account["email"], account["name"]) == (EMAIL, "Ana Silva")

    laptop.goto("/account")
    with laptop.expect_navigation():
        laptop.get_by_role("link", name="Close your account").click()
    expect(laptop.locator("main")).not_to_contain_text("Finish these first")
    _checked(laptop, check_accessibility, "close your account")
    laptop.get_by_label("Your password").fill(PASSWORD)  # the old one no longer works
    submit(laptop, "Close my account")
    expect(laptop.locator(".error-summary")).to_contain_text("Your password is not right")
    laptop.get_by_label("Your password").fill(NEW_PASSWORD)
    submit(laptop, "Close my account")
    expect(laptop.get_by_role("heading", name="Your account is closed")).to_be_visible()
    _checked(laptop, check_accessibility, "account closed")

    _log_in(phone, NEW_PASSWORD)
    expect(phone.locator("main")).to_contain_text("The email address or password is not right")
    db.session.expire_all()
    closed = db.session.scalar(db.select(User).where(User.display_name.like("Former member%")))
    assert closed is not None and closed.email != EMAIL and closed.closed_at is not None
