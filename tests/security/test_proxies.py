"""Behind a proxy (TRUSTED_PROXIES=1) login limits count each person's own address, taken from
X-Forwarded-For; with no trusted proxy (the default) the connection's address counts and a
forged X-Forwarded-For changes nothing."""
from __future__ import annotations

import pytest

from tests.factories import make_user

PROXY = "10.0.0.2"  # the load balancer, as the app sees the connection


def attempt(client, email, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/login", data={"email": email, "password": "not the password"},
                       headers=headers).status_code


def from_address(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


@pytest.mark.app_config(TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT="3 per minute")
def test_two_people_behind_one_proxy_are_limited_separately(app):
    make_user("holder", email="ana@example.org")
    make_user("holder", email="ben@example.org")
    proxy = from_address(app, PROXY)
    assert [attempt(proxy, "ana@example.org", "203.0.113.5") for _ in range(3)] == [400] * 3
    assert attempt(proxy, "ana@example.org", "203.0.113.5") == 429
    # Ben, at another address behind the same proxy, is not held up by Ana's attempts.
    assert attempt(proxy, "ben@example.org", "198.51.100.7") == 400


@pytest.mark.app_config(TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT="3 per minute")
def test_behind_a_proxy_only_the_address_the_proxy_saw_counts(app):
    """A client that sends its own X-Forwarded-For gets the proxy's entry appended after it;
    only the last entry (the one the trusted proxy wrote) is believed."""
    for number in range(3):
        make_user("holder", email=f"guess{number}@example.org")
    make_user("holder", email="last@example.org")
    proxy = from_address(app, PROXY)
    for number in range(3):
        forged = f"192.0.2.{number + 1}, 203.0.113.5"
        assert attempt(proxy, f"guess{number}@example.org", forged) == 400
    assert attempt(proxy, "last@example.org", "192.0.2.99, 203.0.113.5") == 429


@pytest.mark.app_config(LOGIN_RATE_LIMIT="3 per minute")
def test_without_trusted_proxies_the_proxy_address_is_what_counts(app):
    make_user("holder", email="ana@example.org")
    make_user("holder", email="ben@example.org")
    assert app.config["TRUSTED_PROXIES"] == 0
    proxy = from_address(app, PROXY)
    assert [attempt(proxy, "ana@example.org", "203.0.113.5") for _ in range(3)] == [400] * 3
    # Everyone behind an untrusted proxy shares its address, so Ben is limited too...
    assert attempt(proxy, "ben@example.org", "198.51.100.7") == 429
    # ...while someone connecting directly is not.
    assert attempt(from_address(app, "198.51.100.8"), "ben@example.org") == 400


@pytest.mark.app_config(LOGIN_RATE_LIMIT="3 per minute")
def test_a_forged_forwarded_for_is_ignored_without_trusted_proxies(app):
    for number in range(4):
        make_user("holder", email=f"guess{number}@example.org")
    client = from_address(app, "203.0.113.5")
    statuses = [attempt(client, f"guess{number}@example.org", f"192.0.2.{number + 1}")
                for number in range(4)]
    assert statuses == [400, 400, 400, 429]
