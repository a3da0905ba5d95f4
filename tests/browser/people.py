"""Steps a person takes in the browser tests: register, log in, open a link from an email,
press a button that loads a page, and
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


def register(page, name: str, email: str, role: str) -> None:
    """Make an account through the form; role is the label of its choice ("Budget holder")."""
    page.goto("/register")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label(role).check()
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    submit(page, "Create account")


def open_emailed_link(page, address: str, subject_word: str) -> None:
    """Open the newest link emailed to address (a reset, a confirmation), as the person would."""
    from marketplace.extensions import db
    from tests.accounts.links import last_link_to

    db.session.expire_all()  # the server's thread queued the email
    page.goto(last_link_to(address, subject_word))


def submit(page, name) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def layout_width(page) -> int:
    # Until the load event the stylesheets may not apply yet, and an unstyled page is wide.
    page.wait_for_load_state("load")
    metrics = page.context.new_cdp_session(page).send("Page.getLayoutMetrics")
    return metrics["cssContentSize"]["width"]
