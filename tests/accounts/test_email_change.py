"""Changing the email address: asked for on the account page with the current password; the
new address is sent a link and becomes the account's only when it is opened; the old address
is told at once, and again when it changes."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications.models import EmailMessage
from tests.accounts.links import last_link_to
from tests.factories import PASSWORD, make_user
from tests.mail import emails_to


@pytest.fixture
def ana(app):
    return make_user("holder", email="ana@example.org", name="Ana Silva")


@pytest.fixture
def signed_in(app, ana):
    client = app.test_client()
    assert client.post("/login", data={"email": ana.email, "password": PASSWORD}).status_code == 302
    return client


def ask_to_change(client, new_email="ana.new@example.org", password=PASSWORD):
    return client.post("/account/email", data={"new_email": new_email,
                                               "email_password": password})


def address_of(user) -> str:
    db.session.expire_all()
    return db.session.get(User, user.id).email


def logs_in(app, email) -> bool:
    return app.test_client().post(
        "/login", data={"email": email, "password": PASSWORD}).status_code == 302


def test_the_address_changes_only_once_the_new_one_is_confirmed(app, signed_in, ana):
    page = signed_in.get("/account").get_data(as_text=True)
    assert "Change your email address" in page

    asked = ask_to_change(signed_in, " Ana.New@Example.org ")
    assert asked.status_code == 302
    page = signed_in.get("/account").get_data(as_text=True)
    assert "We have sent a link to ana.new@example.org." in page
    assert "You asked to change it to ana.new@example.org." in page
    assert address_of(ana) == "ana@example.org"  # nothing changes yet

    (confirm,) = emails_to("ana.new@example.org")
    assert confirm.subject == "Confirm your new email address for Pathways"
    (notice,) = emails_to("ana@example.org")
    assert "asked to change its email address to ana.new@example.org" in notice.body
    assert "reset your password now" in notice.body
    assert "http://127.0.0.1:5000/forgot-password" in notice.body

    path = last_link_to("ana.new@example.org")
    opened = signed_in.get(path).get_data(as_text=True)
    assert "make ana.new@example.org the email address of your Pathways account" in opened
    assert signed_in.post(path).status_code == 302
    page = signed_in.get("/account").get_data(as_text=True)
    assert "Your email address is now ana.new@example.org." in page
    assert address_of(ana) == "ana.new@example.org"
    assert db.session.get(User, ana.id).email_verified

    changed = emails_to("ana@example.org")[-1]
    assert changed.subject == "The email address of your Pathways account has changed"
    assert "now uses the email address ana.new@example.org" in changed.body
    assert logs_in(app, "ana.new@example.org") and not logs_in(app, "ana@example.org")
    assert signed_in.post(path).status_code == 410  # once only


@pytest.mark.parametrize("new_email, password, field_message", [
    ("ana.new@example.org", "not my password", "Your current password is not right"),
    ("ana@example.org", PASSWORD, "This is already your email address"),
    ("ben@example.org", PASSWORD, "Another account uses this email address"),
    ("not an address", PASSWORD, "Enter an email address like name@example.com"),
    ("", PASSWORD, "Enter your new email address"),
    ("ana.new@example.org", "", "Enter your password"),
])
def test_a_change_that_cannot_be_made_is_explained_and_sends_nothing(signed_in, ana, new_email,
                                                                     password, field_message):
    make_user("holder", email="ben@example.org")
    response = ask_to_change(signed_in, new_email, password)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_message in page and "There is a problem" in page
    assert db.session.scalar(sa.select(sa.func.count(EmailMessage.id))) == 0
    assert address_of(ana) == "ana@example.org"


def test_changing_needs_a_login(client):
    assert "/login" in ask_to_change(client).location


def test_keeping_the_current_address_stops_the_link(signed_in, ana):
    ask_to_change(signed_in)
    path = last_link_to("ana.new@example.org")
    kept = signed_in.post("/account/email/cancel")
    assert kept.status_code == 302
    page = signed_in.get("/account").get_data(as_text=True)
    assert "Your account keeps ana@example.org." in page
    assert "You asked to change it to" not in page
    assert signed_in.post(path).status_code == 410
    assert address_of(ana) == "ana@example.org"


def test_only_the_newest_request_counts(signed_in, ana):
    ask_to_change(signed_in, "first@example.org")
    ask_to_change(signed_in, "second@example.org")
    assert signed_in.post(last_link_to("first@example.org")).status_code == 410
    assert signed_in.post(last_link_to("second@example.org")).status_code == 302
    assert address_of(ana) == "second@example.org"


def test_resetting_the_password_stops_a_change_someone_else_asked_for(app, signed_in, ana):
    """Someone who learnt Ana's password asks to move her account to their address; Ana reads
    the notice and resets her password from the link sent to her own address."""
    ask_to_change(signed_in, "thief@example.org")
    stolen_link = last_link_to("thief@example.org")
    owner = app.test_client()
    owner.post("/forgot-password", data={"email": "ana@example.org"})
    owner.post(last_link_to("ana@example.org", "Reset"),
               data={"new_password": "only ana knows this", "confirm_password":
                     "only ana knows this"})
    assert app.test_client().post(stolen_link).status_code == 410
    assert signed_in.get("/account").status_code == 302  # the other session ended too
    assert address_of(ana) == "ana@example.org"


def test_links_sent_to_the_old_address_stop_working_once_it_changes(app, signed_in, ana):
    app.test_client().post("/forgot-password", data={"email": "ana@example.org"})
    old_reset = last_link_to("ana@example.org", "Reset")
    ask_to_change(signed_in)
    signed_in.post(last_link_to("ana.new@example.org"))
    assert app.test_client().get(old_reset).status_code == 410


def test_an_address_taken_before_the_link_is_opened_is_refused(app, signed_in, ana):
    ask_to_change(signed_in, "shared@example.org")
    make_user("holder", email="shared@example.org")
    refused = signed_in.post(last_link_to("shared@example.org"))
    assert refused.status_code == 400
    assert "Another account uses this email address" in refused.get_data(as_text=True)
    assert address_of(ana) == "ana@example.org"


@pytest.mark.app_config(CONFIRMATION_EMAIL_RATE_LIMIT="2 per hour")
def test_asking_to_change_is_limited(signed_in):
    for number in range(2):
        assert ask_to_change(signed_in, f"new{number}@example.org").status_code == 302
    assert ask_to_change(signed_in, "new2@example.org").status_code == 429
    assert emails_to("new2@example.org") == []
