"""A new account is sent a link to confirm its address; until it is opened the site says so
plainly on every page and offers to send it again. The link works once, for a week."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import EmailLink, User
from marketplace.extensions import db
from tests.accounts.links import last_link_to, links_sent_to
from tests.factories import PASSWORD, make_user
from tests.mail import emails_to

BANNER = "Please confirm your email address."


def register(client, email="ana@example.org", role="holder"):
    return client.post("/register", data={"display_name": "Ana Silva", "email": email,
                                          "role": role, "password": PASSWORD,
                                          "confirm_password": PASSWORD})


def person(email="ana@example.org") -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def log_in(app, user):
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_a_new_account_confirms_its_address_from_the_emailed_link(app, client):
    registered = register(client)
    assert registered.status_code == 302
    assert not person().email_verified
    (message,) = emails_to("ana@example.org")
    assert message.subject == "Confirm your email address for Pathways"
    assert "The link works once, for 7 days." in message.body
    assert "http://127.0.0.1:5000/confirm-email/" in message.body  # SITE_URL

    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "We have sent a link to ana@example.org" in page
    assert BANNER in page and "Send the link again" in page
    assert "(not confirmed yet)" in client.get("/account").get_data(as_text=True)

    path = last_link_to("ana@example.org")
    opened = client.get(path)
    assert opened.status_code == 200 and opened.headers["Cache-Control"] == "no-store"
    assert "confirm that ana@example.org is your email address" in opened.get_data(as_text=True)
    assert not person().email_verified  # opening the link (a mail scanner might) is not enough

    confirmed = client.post(path)
    assert confirmed.status_code == 302 and confirmed.location.endswith("/account")
    page = client.get("/account").get_data(as_text=True)
    assert "Thank you: your email address is confirmed." in page
    assert BANNER not in page and "(confirmed)" in page
    assert person().email_verified


def test_the_link_works_once(app, client):
    register(client)
    path = last_link_to("ana@example.org")
    client.post(path)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
        assert "has expired or was already used" in response.get_data(as_text=True)


def test_the_link_expires_after_the_configured_days(app, client, clock):
    app.config["EMAIL_VERIFICATION_TTL_DAYS"] = 2
    register(client)
    assert "for 2 days" in emails_to("ana@example.org")[-1].body
    path = last_link_to("ana@example.org")
    clock.set(clock.now + timedelta(days=2))
    assert client.post(path).status_code == 410
    assert not person().email_verified


def test_the_link_works_on_another_device_without_logging_in(app, client):
    register(client)
    path = last_link_to("ana@example.org")
    elsewhere = app.test_client()
    confirmed = elsewhere.post(path)
    assert confirmed.status_code == 302 and "/login" in confirmed.location
    page = elsewhere.get(confirmed.location).get_data(as_text=True)
    assert "Log in with ana@example.org to carry on." in page
    assert person().email_verified


def test_send_the_link_again(app, client):
    register(client)
    again = client.post("/account/confirm-email", data={"next": "/search"})
    assert again.status_code == 302 and again.location.endswith("/search")
    assert "We have sent a new link to ana@example.org." in client.get(
        "/search").get_data(as_text=True)
    first, second = links_sent_to("ana@example.org")
    assert first != second
    assert client.post(first).status_code == 302  # either link works, once
    assert client.post(second).status_code == 410  # and then none is needed


def test_send_the_link_again_never_leaves_the_site(client):
    register(client)
    sent = client.post("/account/confirm-email", data={"next": "https://evil.example/"})
    assert sent.location.endswith("/account")


def test_a_confirmed_address_is_sent_no_link(app):
    ana = make_user("holder")
    client = log_in(app, ana)
    sent = client.post("/account/confirm-email")
    assert sent.status_code == 302
    assert "already confirmed" in client.get("/account").get_data(as_text=True)
    assert emails_to(ana.email) == []


def test_sending_again_needs_a_login(client):
    assert "/login" in client.post("/account/confirm-email").location


@pytest.mark.app_config(CONFIRMATION_EMAIL_RATE_LIMIT="2 per hour")
def test_sending_again_is_limited_per_person(app):
    ana = make_user("holder", verified=False)
    at_home = log_in(app, ana)
    at_home.environ_base["REMOTE_ADDR"] = "203.0.113.5"
    for _ in range(2):
        assert at_home.post("/account/confirm-email").status_code == 302
    refused = at_home.post("/account/confirm-email")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    at_work = log_in(app, ana)
    at_work.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert at_work.post("/account/confirm-email").status_code == 429
    assert len(emails_to(ana.email)) == 2


def test_the_banner_is_for_people_who_registered_themselves(app):
    moderator = make_user("moderator", verified=False)  # appointed: a welcome link instead
    assert BANNER not in log_in(app, moderator).get("/account").get_data(as_text=True)


def test_only_a_hash_of_the_link_is_stored(client):
    register(client)
    secret = last_link_to("ana@example.org").rsplit("/", 1)[1]
    link = db.session.scalars(sa.select(EmailLink)).one()
    assert (link.purpose, link.email) == ("verify_email", "ana@example.org")
    assert secret not in link.token_hash and len(link.token_hash) == 64


def test_a_made_up_link_is_refused(client):
    for path in ("/confirm-email/nonsense", "/confirm-email/" + "y" * 400):
        assert client.get(path).status_code == 410
        assert client.post(path).status_code == 410


@pytest.mark.parametrize("sql", [
    "INSERT INTO email_links (user_id, purpose, email, token_hash, created_at, expires_at) "
    "VALUES (:user, 'log_in', 'a@example.org', 'h1', :now, :later)",
    "INSERT INTO email_links (user_id, purpose, email, token_hash, created_at, expires_at) "
    "VALUES (:user, 'verify_email', 'a@example.org', 'h2', :later, :now)",
])
def test_the_database_refuses_unknown_purposes_and_links_that_expire_before_they_are_made(
        app, sql):
    from marketplace.times import utcnow

    ana = make_user("holder")
    now = utcnow()
    with pytest.raises(sa.exc.IntegrityError):
        with db.engine.begin() as connection:
            connection.execute(sa.text(sql), {"user": ana.id, "now": now,
                                              "later": now + timedelta(hours=1)})
