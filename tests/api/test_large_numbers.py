"""Numbers no row can have, in any URL or query string, are a 404 or a 400 for everyone,
never a 500: every rule the app serves is walked with ids of 2^31, 2^63 and 2^70, and every
page with huge query values, as an anonymous visitor and as each kind of signed-in person."""
from __future__ import annotations

import pytest

from marketplace.api import auth
from marketplace.extensions import db
from marketplace.ids import MAX_ID
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from tests.budgets.helpers import grant
from tests.factories import make_account_manager, make_funded_budget, make_service, make_user
from tests.orders.pages import anonymous, browser

HUGE = [2**31, 2**63, 2**70]
#: Every whole-number query parameter a page or endpoint reads, plus ids a form might carry.
QUERY_NAMES = ["page", "before", "page_size", "holder_id", "budget_id", "service_id",
               "order_id", "outcome_id", "quantity", "min_rating", "provider_id", "stream_id"]
NON_INT_VALUES = {"token": "not-a-token", "action": "approve", "unknown": "x",
                  "filename": "css/none.css"}


class World:
    """One of everyone, and an order, so signed-in pages reach their database queries."""

    def __init__(self, app):
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
        self.holder = make_user("holder", name="Sam Patel")
        self.budget = make_funded_budget(self.holder, amount_pence=50_000)
        self.manager = make_account_manager(self.budget.managed_by)
        self.service = make_service(price_pence=2_500, title="Photography group")
        self.provider = self.service.provider.owner
        self.supporter = make_user("supporter", name="Ash Broker")
        grant(self.holder, self.supporter, ["view", "buy", "plan"])
        self.commissioner = make_user("commissioner")
        self.order = orders.place_order(self.holder, self.holder.id, OrderRequest(
            budget_id=self.budget.id, service_id=self.service.id, quantity=1), "walk-1")
        db.session.commit()
        self.people = [self.holder, self.supporter, self.provider, self.manager,
                       self.commissioner]
        #: A real id for each argument name, so query values are tried on routes that match.
        self.ids = {"holder_id": self.holder.id, "budget_id": self.budget.id,
                    "service_id": self.service.id, "provider_id": self.service.provider.id,
                    "order_id": self.order.id,
                    "organisation_id": self.budget.managed_by.id}


@pytest.fixture
def world(app):
    return World(app)


def _rules(app, *, with_ids: bool):
    for rule in app.url_map.iter_rules():
        int_args = [name for name, converter in rule._converters.items()
                    if converter.regex == r"\d+"]
        if with_ids and not int_args:
            continue
        yield rule, int_args


def _path(rule, values: dict) -> str:
    path = rule.rule
    for name, converter in rule._converters.items():
        kind = "int" if converter.regex == r"\d+" else None
        for text in (f"<int:{name}>", f"<bigint:{name}>", f"<path:{name}>", f"<{name}>"):
            path = path.replace(text, str(values.get(name) if kind else NON_INT_VALUES.get(
                name, "x")))
    return path


def _clients(app, world):
    yield "anonymous", anonymous(app), None
    for person in world.people:
        _, secret = auth.create_token(person, "Walk", ["read", "order"])
        db.session.commit()
        yield person.role, browser(app, person), {"Authorization": f"Bearer {secret}"}


def _failures(client, method, path, headers, **kwargs):
    response = client.open(path, method=method, headers=headers, **kwargs)
    return [] if response.status_code < 500 else [f"{method} {path}: {response.status_code}"]


def test_every_rule_answers_a_huge_id_with_a_4xx_for_everyone(app, world):
    failures = []
    for who, client, headers in _clients(app, world):
        for rule, int_args in _rules(app, with_ids=True):
            for number in HUGE:
                path = _path(rule, {name: number for name in int_args})
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    failures += [f"{who}: {failure}" for failure in _failures(
                        client, method, path, headers, json={} if "/api/" in path else None)]
    assert not failures, "\n".join(failures)


def test_every_page_answers_huge_query_values_with_a_4xx_for_everyone(app, world):
    failures = []
    for who, client, headers in _clients(app, world):
        for rule, int_args in _rules(app, with_ids=False):
            if "GET" not in rule.methods:
                continue
            path = _path(rule, {name: world.ids.get(name, 1) for name in int_args})
            for number in HUGE:
                query = {name: str(number) for name in QUERY_NAMES}
                failures += [f"{who}: {failure}" for failure in _failures(
                    client, "GET", path, headers, query_string=query)]
    assert not failures, "\n".join(failures)


def test_a_huge_id_is_not_found_like_a_missing_one(client, world):
    for path in ("/services/{}", "/providers/{}", "/api/v1/services/{}", "/api/v1/providers/{}"):
        response = client.get(path.format(2**63))
        assert response.status_code == 404, path
    for path in ("/api/v1/services/{}", "/api/v1/providers/{}"):
        # The same words as for an id nobody has: a huge id tells a caller nothing more.
        assert client.get(path.format(2**70)).get_json() == client.get(
            path.format(999_999)).get_json()


def test_a_huge_query_value_is_a_400_that_names_it(app, world):
    holder = browser(app, world.holder)
    response = holder.get(f"/budget/{world.budget.id}/statement", query_string={
        "before": str(2**70)})
    assert response.status_code == 400
    assert "whole number" in response.get_data(as_text=True)

    _, secret = auth.create_token(world.holder, "Reader", ["read"])
    db.session.commit()
    response = holder.get("/api/v1/me/statement", headers={"Authorization": f"Bearer {secret}"},
                          query_string={"budget_id": str(world.budget.id),
                                        "before": str(2**70)})
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == "before"


def test_the_largest_id_still_matches_its_route(client):
    # MAX_ID is a real id a row could have: it reaches the view, which finds nothing.
    response = client.get(f"/api/v1/services/{MAX_ID}")
    assert response.status_code == 404
    assert "no service with that number" in response.get_json()["error"]["message"]
