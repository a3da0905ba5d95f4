"""Rate limits on registration (per address), supporter invitations (per person and per
address; they send email) and the API (per token, or per address without one). Going over
gives a plain 429 page, or the API's JSON error, with Retry-After; other people carry on."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.api.auth import create_token
from marketplace.errors import say_duration
from marketplace.extensions import db
from marketplace.notifications.models import EmailMessage
from tests.factories import PASSWORD, make_service, make_user


def from_address(app, address="203.0.113.5"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def assert_plain_wait_page(response):
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 3500 < wait <= 3600  # these tests' limits are "per hour"
    page = response.get_data(as_text=True)
    assert "Please wait a moment" in page
    # The words match Retry-After (or the second after, if the clock ticked in between).
    assert any("You have done this too many times in a short while. Please wait "
               f"{say_duration(seconds)} and try again." in page for seconds in (wait, wait + 1))


def assert_api_wait(response):
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= 60  # these tests' limits are "per minute"
    body = response.get_json()
    assert body["error"]["code"] == "too_many_requests"
    assert body["error"]["message"] in [f"Too many requests. Wait {say_duration(seconds)} and "
                                        "try again." for seconds in (wait, wait + 1)]
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}


@pytest.mark.parametrize("seconds, words", [
    (1, "1 second"), (40, "40 seconds"), (60, "1 minute"), (61, "2 minutes"),
    (3540, "59 minutes"), (3541, "1 hour"), (3600, "1 hour"), (3601, "2 hours"),
    (86_400, "24 hours"),
])
def test_waits_are_said_in_words_rounded_up(seconds, words):
    assert say_duration(seconds) == words


# ---------------------------------------------------------------- registration


def register(client, email):
    return client.post("/register", data={"display_name": "Ana", "email": email,
                                          "role": "holder", "password": PASSWORD,
                                          "confirm_password": PASSWORD})


@pytest.mark.app_config(REGISTRATION_RATE_LIMIT="2 per hour")
def test_registration_is_limited_per_address(app):
    for number in range(2):
        client = from_address(app)
        assert register(client, f"person{number}@example.org").status_code == 302
    assert_plain_wait_page(register(from_address(app), "person2@example.org"))
    # Someone at another address can still make an account.
    assert register(from_address(app, "198.51.100.7"), "other@example.org").status_code == 302
    emails = db.session.scalars(sa.text("SELECT email FROM users ORDER BY email")).all()
    assert emails == ["other@example.org", "person0@example.org", "person1@example.org"]


# ---------------------------------------------------------------- supporter invitations


def invite(client, email):
    return client.post("/supporters", data={"email": email, "relationship": "friend",
                                            "scopes": ["view"]})


def logged_in(app, user, address):
    client = from_address(app, address)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def invitations_emailed() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(EmailMessage.id)).where(EmailMessage.subject.contains("asked you to be their supporter")))


@pytest.mark.app_config(SUPPORTER_INVITE_RATE_LIMIT="2 per hour")
def test_supporter_invitations_are_limited_per_person(app):
    ana = make_user("holder", email="ana@example.org")
    ben = make_user("holder", email="ben@example.org")
    at_home = logged_in(app, ana, "203.0.113.5")
    assert invite(at_home, "not an email").status_code == 400  # a mistake sends nothing...
    assert invite(at_home, "one@example.org").status_code == 302
    assert invite(at_home, "two@example.org").status_code == 302
    assert invitations_emailed() == 2
    assert_plain_wait_page(invite(at_home, "three@example.org"))
    # Moving to another address does not reset Ana's own allowance.
    at_work = logged_in(app, ana, "198.51.100.7")
    assert_plain_wait_page(invite(at_work, "three@example.org"))
    assert invitations_emailed() == 2
    # Ben, elsewhere, is unaffected.
    assert invite(logged_in(app, ben, "192.0.2.44"), "four@example.org").status_code == 302
    assert invitations_emailed() == 3


@pytest.mark.app_config(SUPPORTER_INVITE_RATE_LIMIT="2 per hour")
def test_supporter_invitations_are_limited_per_address(app):
    people = [make_user("holder", email=f"holder{number}@example.org") for number in range(3)]
    shared_address = "203.0.113.5"
    assert invite(logged_in(app, people[0], shared_address), "one@example.org").status_code == 302
    assert invite(logged_in(app, people[1], shared_address), "two@example.org").status_code == 302
    assert_plain_wait_page(invite(logged_in(app, people[2], shared_address), "three@example.org"))
    assert invite(logged_in(app, people[2], "192.0.2.44"), "three@example.org").status_code == 302


@pytest.mark.app_config(ENQUIRY_RATE_LIMIT="2 per hour")
def test_questions_to_providers_are_limited_per_person(app):
    from marketplace.enquiries.models import EnquiryMessage

    ana = make_user("holder", email="ana@example.org")
    services = [make_service(title=f"Group {number}") for number in range(4)]
    at_home = logged_in(app, ana, "203.0.113.5")

    def ask(service, text="Is there step-free access?"):
        return at_home.post(f"/services/{service.id}/enquire", data={"text": text})

    assert ask(services[0], text="").status_code == 400  # a mistake sends nothing...
    assert ask(services[0]).status_code == 302
    assert ask(services[1]).status_code == 302
    assert_plain_wait_page(ask(services[2]))
    assert db.session.scalar(sa.select(sa.func.count(EnquiryMessage.id))) == 2
    # Another person is unaffected.
    ben = logged_in(app, make_user("holder", email="ben@example.org"), "192.0.2.44")
    assert ben.post(f"/services/{services[3].id}/enquire",
                    data={"text": "Evenings?"}).status_code == 302


# ---------------------------------------------------------------- the API


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.app_config(API_RATE_LIMIT="3 per minute")
def test_anonymous_api_calls_are_limited_per_address(app):
    client = from_address(app)
    assert [client.get("/api/v1/services?q=support").status_code for _ in range(3)] == [200] * 3
    assert_api_wait(client.get("/api/v1/services?q=support"))
    # The allowance covers the whole API, not one endpoint...
    assert_api_wait(client.get("/api/v1/openapi.json"))
    # ...and inventing a token does not get round it.
    assert_api_wait(client.get("/api/v1/services", headers=bearer("pwt_made_up")))
    assert from_address(app, "198.51.100.7").get("/api/v1/services").status_code == 200


@pytest.mark.app_config(API_RATE_LIMIT="3 per minute")
def test_api_calls_with_a_token_are_limited_per_token(app):
    ana, ben = make_user("holder"), make_user("holder")
    _, ana_secret = create_token(ana, "Spreadsheet", ["read"])
    _, ben_secret = create_token(ben, "Phone app", ["read"])
    db.session.commit()
    office = from_address(app)
    for _ in range(3):
        assert office.get("/api/v1/me/budgets", headers=bearer(ana_secret)).status_code == 200
    assert_api_wait(office.get("/api/v1/me/budgets", headers=bearer(ana_secret)))
    # Ana's token is spent wherever it is used, her address still has its own allowance,
    # and Ben's token, from the same office, is unaffected.
    assert_api_wait(from_address(app, "198.51.100.7").get("/api/v1/me/budgets", headers=bearer(ana_secret)))
    assert office.get("/api/v1/services").status_code == 200
    assert office.get("/api/v1/me/budgets", headers=bearer(ben_secret)).status_code == 200


def test_the_default_limits_do_not_trip_an_ordinary_journey(app):
    """TestConfig keeps journeys clear of the new limits; the production defaults are set."""
    from marketplace.config import Config

    for name in ("REGISTRATION_RATE_LIMIT", "SUPPORTER_INVITE_RATE_LIMIT", "ENQUIRY_RATE_LIMIT",
                 "API_RATE_LIMIT"):
        assert getattr(Config, name) and "per" in getattr(Config, name)
    client = from_address(app)
    assert all(client.get("/api/v1/services").status_code == 200 for _ in range(50))
