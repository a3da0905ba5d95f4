"""A commissioner invites a new commissioner by email. The person chooses their own password
with a link that works once, stops working after 7 days and cannot be guessed (only its hash
is stored); the inviting commissioner never sees or types it. Only commissioners invite."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.commissioning import invitations
from marketplace.commissioning.records import CommissionerInvitation
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.notifications.models import EmailMessage
from marketplace.times import utcnow
from tests.factories import make_user
from tests.mail import deliver_emails, emails_to

KIM = {"display_name": "Kim Colleague", "email": "Kim@Council.example.org"}


def _link_in(message: EmailMessage, site: str) -> str:
    [link] = re.findall(re.escape(site) + r"(/commissioning/invitations/[A-Za-z0-9_-]+)",
                        message.body)
    return link


def _invite(client, app) -> str:
    response = client.post("/commissioning/commissioners", data=KIM)
    assert response.status_code == 302
    deliver_emails()
    [message] = emails_to("kim@council.example.org")
    return _link_in(message, app.config["SITE_URL"].rstrip("/"))


def _kim() -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == "kim@council.example.org"))


def test_the_invited_person_chooses_their_password_once(app, client, auth,
                                                        logged_in_commissioner):
    form = client.get("/commissioning/commissioners").get_data(as_text=True)
    assert 'type="password"' not in form and "Send the invitation" in form

    page = client.post("/commissioning/commissioners", data=KIM,
                       follow_redirects=True).get_data(as_text=True)
    assert "An invitation is on its way to kim@council.example.org" in page
    assert "Kim Colleague (kim@council.example.org), invited by Cara Commissioner" in page
    assert _kim() is None  # no account until they choose a password
    deliver_emails()
    [message] = emails_to("kim@council.example.org")
    assert message.status == "captured"  # delivered by the worker (tests capture mail)
    assert message.subject == "You are invited to be a commissioner on Pathways"
    assert "Cara Commissioner has invited you" in message.body
    link = _link_in(message, app.config["SITE_URL"].rstrip("/"))

    auth.logout()
    opened = client.get(link)
    assert opened.status_code == 200
    assert "kim@council.example.org" in opened.get_data(as_text=True)
    mismatch = client.post(link, data={"password": "a good long password",
                                       "confirm_password": "another password"})
    assert mismatch.status_code == 400
    assert "The two passwords do not match" in mismatch.get_data(as_text=True)
    short = client.post(link, data={"password": "short", "confirm_password": "short"})
    assert short.status_code == 400 and "Use at least 10 characters" in short.get_data(
        as_text=True)
    assert _kim() is None

    done = client.post(link, data={"password": "my own long password",
                                   "confirm_password": "my own long password"})
    assert done.status_code == 302 and "/login" in done.headers["Location"]
    kim = _kim()
    assert (kim.role, kim.display_name) == ("commissioner", "Kim Colleague")
    assert auth.login("kim@council.example.org", "my own long password").status_code == 302
    assert client.get("/commissioning").status_code == 200
    auth.logout()

    # The link works once.
    again = client.get(link)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    assert client.post(link, data={"password": "taken over password",
                                   "confirm_password": "taken over password"}).status_code == 410
    assert auth.login("kim@council.example.org", "my own long password").status_code == 302


def test_the_link_expires_after_seven_days(app, client, auth, logged_in_commissioner, clock):
    sent = utcnow()
    clock.set(sent)
    link = _invite(client, app)
    auth.logout()
    clock.set(sent + timedelta(days=7) - timedelta(seconds=1))
    assert client.get(link).status_code == 200
    clock.set(sent + timedelta(days=7))
    expired = client.get(link)
    assert expired.status_code == 410 and "has expired" in expired.get_data(as_text=True)
    response = client.post(link, data={"password": "my own long password",
                                       "confirm_password": "my own long password"})
    assert response.status_code == 410 and _kim() is None

    # A new invitation can then be sent.
    auth.login(logged_in_commissioner.email)
    assert client.post("/commissioning/commissioners", data=KIM).status_code == 302


def test_the_link_cannot_be_guessed(app, client, auth, logged_in_commissioner):
    link = _invite(client, app)
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes
    [invitation] = db.session.scalars(sa.select(CommissionerInvitation))
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with db.engine.connect() as connection:  # the token itself is nowhere in the table
        row = connection.execute(sa.text("SELECT * FROM commissioner_invitations")).one()
    assert token not in [str(value) for value in row]
    auth.logout()
    for guess in [token[:-1] + ("A" if token[-1] != "A" else "B"), "0" * 43, invitation.token_hash]:
        response = client.get(f"/commissioning/invitations/{guess}")
        assert response.status_code == 404 and "not right" in response.get_data(as_text=True)


def test_an_address_with_an_account_or_an_invitation_is_refused(client, logged_in_commissioner):
    make_user("holder", email="kim@council.example.org")
    response = client.post("/commissioning/commissioners", data=KIM)
    assert response.status_code == 400
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert "already exists" in response.get_data(as_text=True)
    other = {"display_name": "Lee", "email": "lee@council.example.org"}
    assert client.post("/commissioning/commissioners", data=other).status_code == 302
    response = client.post("/commissioning/commissioners", data=other)
    assert response.status_code == 400 and "already has an invitation" in response.get_data(
        as_text=True)
    assert len(emails_to("lee@council.example.org")) == 1


def test_someone_logged_in_cannot_use_the_link(app, client, auth, logged_in_commissioner):
    link = _invite(client, app)
    assert client.get(link).status_code == 409
    auth.login(make_user("holder").email)
    response = client.post(link, data={"password": "my own long password",
                                       "confirm_password": "my own long password"})
    assert response.status_code == 409 and _kim() is None


@pytest.mark.parametrize("role", ["holder", "provider", "supporter", "account_manager", None])
def test_only_commissioners_invite(client, auth, role):
    if role:
        auth.login(make_user(role).email)
    for method in ("GET", "POST"):
        response = client.open("/commissioning/commissioners", method=method, data=KIM)
        if role:
            assert response.status_code == 403
        else:
            assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CommissionerInvitation)) == 0
    assert emails_to("kim@council.example.org") == []


@pytest.mark.parametrize("role", ["holder", "provider", "supporter", "account_manager"])
def test_the_service_refuses_other_roles_too(app, role):
    with pytest.raises(DomainError):
        invitations.invite_commissioner(make_user(role), **KIM)
