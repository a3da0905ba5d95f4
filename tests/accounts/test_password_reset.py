"""Forgotten passwords: a link by email that works once and for an hour, the same answer
whether or not the address has an account, and a reset that logs every other device out."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import EmailLink, User
from marketplace.extensions import db
from marketplace.notifications.models import EmailMessage
from tests.accounts.links import last_link_to, links_sent_to
from tests.factories import PASSWORD, make_user
from tests.mail import emails_to

NEW_PASSWORD = "a fresh long secret"


def ask_for_link(client, email):
    return client.post("/forgot-password", data={"email": email})


def reset(client, path, password=NEW_PASSWORD, again=None):
    return client.post(path, data={"new_password": password,
                                   "confirm_password": again or password})


def logs_in(app, email, password) -> bool:
    return app.test_client().post(
        "/login", data={"email": email, "password": password}).status_code == 302


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def logged_in_client(app, user):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_a_person_resets_a_forgotten_password_and_every_other_device_is_logged_out(app, client):
    ana = make_user("holder", email="ana@example.org", name="Ana Silva")
    phone, laptop = logged_in_client(app, ana), logged_in_client(app, ana)
    assert client.get("/login").get_data(as_text=True).count("Forgotten your password?") == 1

    answer = ask_for_link(client, "  Ana@Example.org ")
    assert answer.status_code == 200
    assert "we have sent it a link to choose a new password" in answer.get_data(as_text=True)
    (message,) = emails_to("ana@example.org")
    assert message.subject == "Reset your Pathways password"
    assert "the link works once, for 1 hour" in message.body
    assert "http://127.0.0.1:5000/reset-password/" in message.body  # SITE_URL
    path = last_link_to("ana@example.org")

    form = client.get(path)
    assert form.status_code == 200 and "Choose a new password" in form.get_data(as_text=True)
    assert form.headers["Cache-Control"] == "no-store"
    done = reset(client, path)
    assert done.status_code == 302
    page = client.get(done.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Your password is changed. You are logged in here and logged out on every other " \
           "device." in page

    assert signed_in(client)  # this browser has a fresh session...
    assert not signed_in(phone) and not signed_in(laptop)  # ...and every other one ended
    assert logs_in(app, "ana@example.org", NEW_PASSWORD)
    assert not logs_in(app, "ana@example.org", PASSWORD)
    notice = emails_to("ana@example.org")[-1]
    assert notice.subject == "Your Pathways password was changed"
    assert "http://127.0.0.1:5000/forgot-password" in notice.body


def test_the_link_works_only_once(app, client):
    make_user("holder", email="ana@example.org")
    ask_for_link(client, "ana@example.org")
    path = last_link_to("ana@example.org")
    assert reset(client, path).status_code == 302

    for response in (app.test_client().get(path), reset(app.test_client(), path, "another one 123")):
        assert response.status_code == 410
        page = response.get_data(as_text=True)
        assert "has expired or was already used" in page and "Ask for a new link" in page
    assert logs_in(app, "ana@example.org", NEW_PASSWORD)


def test_the_link_expires_after_the_configured_time(app, client, clock):
    app.config["PASSWORD_RESET_TTL_MINUTES"] = 30
    make_user("holder", email="ana@example.org")
    ask_for_link(client, "ana@example.org")
    assert "for 30 minutes" in emails_to("ana@example.org")[-1].body
    path = last_link_to("ana@example.org")
    start = clock.now

    clock.set(start + timedelta(minutes=29))
    assert client.get(path).status_code == 200
    clock.set(start + timedelta(minutes=30))
    assert client.get(path).status_code == 410
    assert reset(client, path).status_code == 410
    assert logs_in(app, "ana@example.org", PASSWORD)


def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    make_user("holder", email="ana@example.org")
    known = ask_for_link(client, "ana@example.org")
    unknown = ask_for_link(client, "nobody@example.org")

    def answer(response, address):
        return response.get_data(as_text=True).replace(address, "ADDRESS")

    assert known.status_code == unknown.status_code == 200
    assert answer(known, "ana@example.org") == answer(unknown, "nobody@example.org")
    assert emails_to("nobody@example.org") == []
    assert db.session.scalar(sa.select(sa.func.count(EmailLink.id))) == 1


def test_a_closed_account_is_sent_nothing(client):
    closed = make_user("moderator", email="gone@example.org")
    closed.is_active_account = False
    db.session.commit()
    assert ask_for_link(client, "gone@example.org").status_code == 200
    assert emails_to("gone@example.org") == []


def test_only_a_hash_of_the_link_is_stored(client):
    make_user("holder", email="ana@example.org")
    ask_for_link(client, "ana@example.org")
    secret = last_link_to("ana@example.org").rsplit("/", 1)[1]
    link = db.session.scalars(sa.select(EmailLink)).one()
    assert link.purpose == "reset_password" and len(link.token_hash) == 64
    assert secret not in link.token_hash


@pytest.mark.parametrize("password, again, message", [
    ("too short", "too short", "Use at least 10 characters"),
    (NEW_PASSWORD, "something else entirely", "The two passwords do not match"),
    ("", "", "Create a new password"),
])
def test_a_new_password_follows_the_registration_rules(app, client, password, again, message):
    make_user("holder", email="ana@example.org")
    ask_for_link(client, "ana@example.org")
    path = last_link_to("ana@example.org")
    response = reset(client, path, password, again)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert logs_in(app, "ana@example.org", PASSWORD)
    assert reset(client, path).status_code == 302  # the mistake did not use the link up


def test_the_form_asks_for_an_address(client):
    response = ask_for_link(client, "not an address")
    assert response.status_code == 400
    assert "Enter an email address like name@example.com" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(EmailMessage.id))) == 0


def test_using_one_link_stops_every_other_reset_link(app, client):
    make_user("holder", email="ana@example.org")
    ask_for_link(client, "ana@example.org")
    ask_for_link(client, "ana@example.org")
    first, second = links_sent_to("ana@example.org", "Reset")
    assert reset(client, second).status_code == 302
    assert app.test_client().get(first).status_code == 410


def test_a_reset_confirms_an_unconfirmed_address(client):
    make_user("holder", email="new@example.org", verified=False)
    ask_for_link(client, "new@example.org")
    reset(client, last_link_to("new@example.org", "Reset"))
    person = db.session.scalar(sa.select(User).where(User.email == "new@example.org"))
    assert person.email_verified


def test_a_made_up_link_is_refused(client):
    make_user("holder", email="ana@example.org")
    for path in ("/reset-password/not-a-real-token", "/reset-password/" + "x" * 500):
        assert client.get(path).status_code == 410
        assert reset(client, path).status_code == 410


@pytest.mark.app_config(PASSWORD_RESET_RATE_LIMIT="2 per hour")
def test_asking_is_limited_per_address_typed(app):
    make_user("holder", email="ana@example.org")
    for number in range(2):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{number + 1}"
        assert ask_for_link(client, "ana@example.org").status_code == 200
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    refused = ask_for_link(elsewhere, "ana@example.org")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert len(emails_to("ana@example.org")) == 2
    # Another address typed from there is still answered.
    assert ask_for_link(elsewhere, "ben@example.org").status_code == 200


@pytest.mark.app_config(PASSWORD_RESET_RATE_LIMIT="2 per hour")
def test_asking_is_limited_per_network_address(app):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.5"
    for number in range(2):
        assert ask_for_link(client, f"person{number}@example.org").status_code == 200
    assert ask_for_link(client, "person2@example.org").status_code == 429
