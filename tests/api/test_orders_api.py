"""POST /api/v1/orders, GET /api/v1/orders/<id> and the order actions: the money moves exactly as
on the pages, retries are safe, and everyone can do only what their role allows."""
import threading

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.api import auth
from marketplace.budgets import plans
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerTransaction
from marketplace.orders.models import Order
from tests.budgets.helpers import grant, make_stream
from tests.factories import make_account_manager, make_funded_budget, make_service, make_user


def _bearer(user, scopes=("read", "order"), key=None):
    _, secret = auth.create_token(user, "Test token", list(scopes))
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


class Market:
    def __init__(self):
        self.holder = make_user("holder", name="Sam Patel")
        self.budget = make_funded_budget(self.holder, amount_pence=50_000)
        self.manager = make_account_manager(self.budget.managed_by)
        self.service = make_service(price_pence=2_500, price_unit="session",
                                    title="Photography group")
        self.provider = self.service.provider.owner
        self.tokens = {}

    def headers(self, user, key=None):
        if user.id not in self.tokens:
            self.tokens[user.id] = _bearer(user)
        return {**self.tokens[user.id], **({"Idempotency-Key": key} if key else {})}

    def body(self, **changes):
        return {"budget_id": self.budget.id, "service_id": self.service.id, "quantity": 4,
                **changes}

    def place(self, client, key="order-1", user=None, **changes):
        return client.post("/api/v1/orders", headers=self.headers(user or self.holder, key),
                           json=self.body(**changes))

    def act(self, client, user, order_id, action, **body):
        return client.post(f"/api/v1/orders/{order_id}/{action}", headers=self.headers(user),
                           json=body or None)


@pytest.fixture
def market(app):
    return Market()


def _reservations(order_id):
    return db.session.scalar(sa.select(sa.func.count(LedgerTransaction.id)).where(
        LedgerTransaction.order_id == order_id, LedgerTransaction.kind == "reserve"))


def _order_count():
    return db.session.scalar(sa.select(sa.func.count(Order.id)))


def test_placing_an_order_sets_its_cost_aside_and_describes_it(client, market, matches_schema):
    response = market.place(client, note_to_provider="Mornings suit me best",
                            starts_on="2026-05-04", ends_on="2026-05-25")

    assert response.status_code == 201
    body = response.get_json()
    matches_schema("Order", body)
    assert response.headers["Location"] == body["api_url"]
    assert response.headers["Cache-Control"] == "no-store"
    assert body["state"]["value"] == "awaiting_approval"
    assert body["total_pence"] == 10_000 and body["total_display"] == "£100.00"
    assert body["holder"] == body["placed_by"] == {"id": market.holder.id,
                                                   "display_name": "Sam Patel"}
    assert body["note_to_provider"] == "Mornings suit me best"
    assert (body["starts_on"], body["ends_on"]) == ("2026-05-04", "2026-05-25")
    assert body["allowed_actions"] == ["cancel"]
    assert body["events"][0]["done_by"] == "by Sam Patel"
    assert body["events"][0]["to_state"]["value"] == "awaiting_approval"
    balances = ledger.budget_balances(market.budget.id)
    assert (balances.committed_pence, balances.available_pence) == (10_000, 40_000)

    fetched = client.get(body["api_url"], headers=market.headers(market.holder))
    assert fetched.status_code == 200 and fetched.get_json() == body


def test_the_same_idempotency_key_gives_the_same_order_and_sets_money_aside_once(
        client, market, matches_schema):
    first = market.place(client, key="retry-me")
    again = market.place(client, key="retry-me")

    assert (first.status_code, again.status_code) == (201, 200)
    matches_schema("Order", again.get_json())
    assert again.get_json()["id"] == first.get_json()["id"]
    assert _order_count() == 1
    assert _reservations(first.get_json()["id"]) == 1
    assert ledger.budget_balances(market.budget.id).committed_pence == 10_000


@pytest.mark.parametrize("changes", [{"quantity": 5}, {"note_to_provider": "Something else"},
                                     {"starts_on": "2026-06-01"}])
def test_a_key_used_for_a_different_order_is_refused(client, market, matches_schema, changes):
    assert market.place(client, key="once").status_code == 201
    refused = market.place(client, key="once", **changes)
    assert refused.status_code == 422
    matches_schema("Error", refused.get_json())
    assert refused.get_json()["error"]["code"] == "idempotency_key_reused"
    assert refused.get_json()["error"]["parameter"] == "Idempotency-Key"
    assert _order_count() == 1
    assert ledger.budget_balances(market.budget.id).committed_pence == 10_000


def test_an_order_needs_an_idempotency_key(client, market, matches_schema):
    response = market.place(client, key=None)
    assert response.status_code == 400
    matches_schema("Error", response.get_json())
    assert response.get_json()["error"]["parameter"] == "Idempotency-Key"
    assert "Idempotency-Key" in response.get_json()["error"]["message"]
    assert _order_count() == 0


def test_simultaneous_retries_with_one_key_place_one_order(app, market):
    headers = market.headers(market.holder, "same-moment")
    body = market.body()
    db.session.remove()
    barrier = threading.Barrier(6, timeout=60)
    statuses, ids = [], []
    lock = threading.Lock()

    def post():
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/v1/orders", headers=headers, json=body)
        with lock:
            statuses.append(response.status_code)
            ids.append((response.get_json() or {}).get("id"))

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [200] * 5 + [201], statuses
    assert len(set(ids)) == 1
    assert _order_count() == 1 and _reservations(ids[0]) == 1


def test_a_managed_order_goes_from_approval_to_payment_through_the_api(client, market,
                                                                       matches_schema):
    order_id = market.place(client).get_json()["id"]
    steps = [(market.manager, "approve", "awaiting_provider", ["accept", "decline"]),
             (market.provider, "accept", "accepted", ["deliver"]),
             (market.provider, "deliver", "delivered", []),
             (market.holder, "confirm", "confirmed", ["refund"])]
    for actor, action, state, provider_may in steps:
        response = market.act(client, actor, order_id, action, note=f"{action} via API")
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        matches_schema("Order", body)
        assert body["state"]["value"] == state
        assert body["events"][-1]["note"] == f"{action} via API"
        seen_by_provider = client.get(f"/api/v1/orders/{order_id}",
                                      headers=market.headers(market.provider)).get_json()
        assert seen_by_provider["allowed_actions"] == provider_may
    assert body["delivered_at"] is not None
    assert [event["done_by"] for event in body["events"][1:]] == [
        f"by {market.manager.display_name}", f"by {market.provider.display_name}",
        f"by {market.provider.display_name}", "by Sam Patel"]
    assert ledger.budget_balances(market.budget.id) == ledger.BudgetBalances(
        50_000, 10_000, 0, 40_000)
    assert ledger.account_balance(ledger.provider_payable_account(market.service.provider_id)) \
        == 10_000


def test_a_dispute_holds_the_money_until_the_organisation_settles_it(client, market):
    order_id = market.place(client).get_json()["id"]
    for actor, action in [(market.manager, "approve"), (market.provider, "accept"),
                          (market.provider, "deliver"), (market.holder, "dispute")]:
        assert market.act(client, actor, order_id, action).status_code == 200
    assert ledger.budget_balances(market.budget.id).committed_pence == 10_000
    assert market.act(client, market.holder, order_id, "resolve_release").status_code == 403
    settled = market.act(client, market.manager, order_id, "resolve_release",
                         note="The sessions did not happen")
    assert settled.get_json()["state"]["value"] == "cancelled"
    assert ledger.budget_balances(market.budget.id) == ledger.BudgetBalances(
        50_000, 0, 0, 50_000)


def test_cancelling_and_declining_give_the_money_back(client, market):
    cancelled = market.place(client, key="a").get_json()["id"]
    declined = market.place(client, key="b").get_json()["id"]
    assert market.act(client, market.holder, cancelled, "cancel").status_code == 200
    assert market.act(client, market.manager, declined, "approve").status_code == 200
    response = market.act(client, market.provider, declined, "decline", note="We are full")
    assert response.get_json()["state"]["value"] == "declined"
    assert ledger.budget_balances(market.budget.id).available_pence == 50_000


def test_nobody_sees_or_acts_on_orders_that_are_not_theirs(client, market, matches_schema):
    order_id = market.place(client).get_json()["id"]
    other_holder = make_user("holder")
    other_provider = make_service().provider.owner
    other_manager = make_account_manager(make_funded_budget().managed_by)
    for outsider in (other_holder, other_provider, other_manager):
        seen = client.get(f"/api/v1/orders/{order_id}", headers=market.headers(outsider))
        assert seen.status_code == 404
        matches_schema("Error", seen.get_json())
        for action in ("approve", "accept", "cancel"):
            assert market.act(client, outsider, order_id, action).status_code == 404
    for missing_id in (999_999, 2**40):
        missing = client.get(f"/api/v1/orders/{missing_id}", headers=market.headers(other_holder))
        assert missing.status_code == 404 and missing.get_json() == seen.get_json()
    assert client.get(f"/api/v1/orders/{order_id}",
                      headers=market.headers(market.holder)).get_json()["state"]["value"] == \
        "awaiting_approval"


def test_people_cannot_take_actions_that_are_not_theirs(client, market, matches_schema):
    order_id = market.place(client).get_json()["id"]
    approving = market.act(client, market.holder, order_id, "approve")
    assert approving.status_code == 403
    matches_schema("Error", approving.get_json())
    assert approving.get_json()["error"]["code"] == "forbidden"
    assert market.act(client, market.provider, order_id, "cancel").status_code == 403
    too_early = market.act(client, market.holder, order_id, "confirm")
    assert too_early.status_code == 409
    assert too_early.get_json()["error"]["code"] == "illegal_transition"
    assert "cannot be confirmed as delivered now" in too_early.get_json()["error"]["message"]
    assert market.act(client, market.provider, order_id, "accept").status_code == 409
    assert _reservations(order_id) == 1
    assert ledger.budget_balances(market.budget.id).committed_pence == 10_000


def test_a_supporter_orders_and_cancels_on_the_holders_behalf(client, market, matches_schema):
    jo = make_user("supporter", name="Jo Broker")
    grant(market.holder, jo, ["view", "buy"])
    missing_holder = market.place(client, user=jo, key="jo-0")
    assert missing_holder.status_code == 400
    assert missing_holder.get_json()["error"]["parameter"] == "holder_id"

    placed = market.place(client, user=jo, key="jo-1", holder_id=market.holder.id)
    assert placed.status_code == 201
    body = placed.get_json()
    matches_schema("Order", body)
    assert body["placed_by"]["display_name"] == "Jo Broker"
    assert body["holder"]["display_name"] == "Sam Patel"
    assert body["events"][0]["done_by"] == "by Jo Broker on behalf of Sam Patel"
    assert body["events"][0]["on_behalf_of"] == {"id": market.holder.id,
                                                 "display_name": "Sam Patel"}
    reserve = db.session.scalar(sa.select(LedgerTransaction).where(
        LedgerTransaction.order_id == body["id"], LedgerTransaction.kind == "reserve"))
    assert (reserve.actor_id, reserve.on_behalf_of_id) == (jo.id, market.holder.id)

    cancelled = market.act(client, jo, body["id"], "cancel").get_json()
    assert cancelled["events"][-1]["done_by"] == "by Jo Broker on behalf of Sam Patel"


def test_a_supporter_who_may_only_view_cannot_buy_or_cancel(client, market):
    viewer = make_user("supporter")
    grant(market.holder, viewer, ["view"])
    order_id = market.place(client).get_json()["id"]
    refused = market.place(client, user=viewer, key="v-1", holder_id=market.holder.id)
    assert refused.status_code == 404
    assert client.get(f"/api/v1/orders/{order_id}",
                      headers=market.headers(viewer)).status_code == 200
    assert market.act(client, viewer, order_id, "cancel").status_code == 403
    assert _order_count() == 1


def test_a_provider_cannot_order_from_someone_elses_budget(client, market):
    response = market.place(client, user=market.provider, holder_id=market.holder.id)
    assert response.status_code == 404
    assert _order_count() == 0


def test_an_order_the_budget_cannot_cover_is_409_with_the_plain_reason(client, market,
                                                                      matches_schema):
    response = market.place(client, quantity=21)
    assert response.status_code == 409
    matches_schema("Error", response.get_json())
    assert response.get_json()["error"] == {
        "code": "insufficient_funds",
        "message": "There is not enough left in this budget: £500.00 is available and this "
                   "order costs £525.00."}
    assert _order_count() == 0
    assert ledger.budget_balances(market.budget.id).available_pence == 50_000


def test_an_order_the_spending_rules_forbid_is_422_with_the_reason(client, app):
    holder = make_user("holder")
    stream = make_stream("Personal health budget", kind="health", rules=[
        ("sport-fitness", "the NHS does not pay for gym memberships")])
    budget = make_funded_budget(holder, stream=stream)
    gym = make_service(category="sport-fitness", title="Gym")
    response = client.post("/api/v1/orders", headers=_bearer(holder, key="gym"),
                           json={"budget_id": budget.id, "service_id": gym.id, "quantity": 1})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "not_allowed_by_budget_rules"
    assert response.get_json()["error"]["message"] == (
        "Your Personal health budget can't be used for this because the NHS does not "
        "pay for gym memberships")
    assert _order_count() == 0


@pytest.mark.parametrize("body, parameter", [
    ({"service_id": 1, "quantity": 1}, "budget_id"),
    ({"quantity": "2"}, "quantity"),
    ({"quantity": True}, "quantity"),
    ({"quantity": 0}, "quantity"),
    ({"quantity": 501}, "quantity"),
    ({"starts_on": "next week"}, "starts_on"),
    ({"starts_on": "2026-05-10", "ends_on": "2026-05-01"}, "ends_on"),
    ({"note_to_provider": "x" * 2001}, "note_to_provider"),
    ({"colour": "blue"}, "body"),
    ({"holder_id": "me"}, "holder_id"),
    ({"budget_id": 2**40}, "budget_id"),
    ("not json", "body"),
])
def test_a_bad_order_is_a_400_naming_what_is_wrong(client, market, matches_schema, body,
                                                  parameter):
    headers = market.headers(market.holder, "bad")
    if isinstance(body, str):
        response = client.post("/api/v1/orders", headers=headers, data=body)
    else:
        payload = body if "service_id" in body else market.body(**body)
        response = client.post("/api/v1/orders", headers=headers, json=payload)
    assert response.status_code == 400, response.get_json()
    matches_schema("Error", response.get_json())
    assert response.get_json()["error"]["parameter"] == parameter
    assert _order_count() == 0


def test_the_plan_outcome_is_shown_to_the_holder_but_not_the_provider(client, market,
                                                                      matches_schema):
    outcome = plans.add_outcome(market.holder, "Get out of the house twice a week",
                                actor=market.holder)
    db.session.commit()
    body = market.place(client, outcome_id=outcome.id).get_json()
    assert body["outcome"] == {"id": outcome.id, "text": "Get out of the house twice a week"}
    for outsider in (market.provider, market.manager):
        seen = client.get(f"/api/v1/orders/{body['id']}", headers=market.headers(outsider))
        matches_schema("Order", seen.get_json())
        assert seen.get_json()["outcome"] is None


def test_an_action_body_takes_only_a_note(client, market):
    order_id = market.place(client).get_json()["id"]
    response = market.act(client, market.holder, order_id, "cancel", reason="changed my mind")
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == "body"
    assert db.session.get(Order, order_id).state == "awaiting_approval"


def test_a_token_acts_as_its_owner_only(client, market):
    """A token made by the holder never acts as anyone else, whatever the body says."""
    other = make_user("holder")
    other_budget = make_funded_budget(other)
    response = market.place(client, holder_id=other.id, budget_id=other_budget.id)
    assert response.status_code == 404
    assert db.session.get(User, other.id) is not None and _order_count() == 0
