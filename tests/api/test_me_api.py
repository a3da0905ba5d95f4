"""GET /api/v1/me/budgets and /api/v1/me/statement: a holder's own money, a supporter's view of
the people who chose them, and nobody else's."""
from datetime import date

import pytest

from marketplace.accounts import supporters
from marketplace.api import auth
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from tests.budgets.helpers import allocate, grant, make_stream, reserve
from tests.factories import make_service, make_user


def _bearer(user, scopes=("read",)):
    _, secret = auth.create_token(user, "Test token", list(scopes))
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def sam(app):
    """Sam, with a social care budget split between a direct payment and a managed account."""
    holder = make_user("holder", name="Sam Patel")
    stream = make_stream("Adult social care", rules=[
        ("sport-fitness", "gym memberships are paid for by the leisure pass scheme")])
    direct, managed = allocate(holder, stream=stream, route="split", total=52_000, direct=20_000)
    return holder, direct, managed


def test_a_holder_sees_each_budget_with_its_ledger_figures(client, sam, matches_schema):
    holder, direct, managed = sam
    reserve(managed, 1_000, actor=holder)

    response = client.get("/api/v1/me/budgets", headers=_bearer(holder))

    assert response.status_code == 200
    body = response.get_json()
    matches_schema("BudgetList", body)
    assert [b["id"] for b in body["budgets"]] == [direct.id, managed.id]
    first_direct, first_managed = direct.instalments[0], managed.instalments[0]
    shown_direct, shown_managed = body["budgets"]
    assert shown_direct["holder"] == {"id": holder.id, "display_name": "Sam Patel"}
    assert shown_direct["route"] == {"value": "direct", "label": "Direct payment"}
    assert shown_direct["managed_by"] is None
    assert shown_direct["allocated_pence"] == shown_direct["available_pence"] == \
        first_direct.amount_pence
    assert shown_direct["planned_pence"] == 20_000 and shown_direct["planned_display"] == "£200.00"
    assert (shown_direct["period_start"], shown_direct["period_end"]) == ("2026-04-01",
                                                                          "2027-03-31")
    assert shown_direct["next_instalment"] == {
        "due_on": direct.instalments[1].due_on.isoformat(),
        "amount_pence": direct.instalments[1].amount_pence,
        "amount_display": f"£{direct.instalments[1].amount_pence / 100:.2f}",
    }
    assert shown_managed["route_display"] == f"Managed account held by {managed.managed_by.name}"
    assert shown_managed["committed_pence"] == 1_000
    assert shown_managed["available_pence"] == first_managed.amount_pence - 1_000
    assert shown_managed["allocated_pence"] == (shown_managed["spent_pence"]
                                                + shown_managed["committed_pence"]
                                                + shown_managed["available_pence"])
    assert shown_managed["cannot_buy"] == [{
        "category": {"value": "sport-fitness", "label": "Sport, fitness and outdoors"},
        "reason": "gym memberships are paid for by the leisure pass scheme"}]
    assert shown_managed["statement_url"].endswith(f"/api/v1/me/statement?budget_id={managed.id}")


def test_a_supporter_sees_only_the_budgets_of_people_who_let_them_view(client, sam,
                                                                       matches_schema):
    holder, direct, managed = sam
    someone_else = make_user("holder", name="Alex Other")
    allocate(someone_else)
    supporter = make_user("supporter", name="Jo Broker")
    invitation = grant(holder, supporter, ["view"])
    headers = _bearer(supporter)

    body = client.get("/api/v1/me/budgets", headers=headers).get_json()
    matches_schema("BudgetList", body)
    assert [b["id"] for b in body["budgets"]] == [direct.id, managed.id]
    assert {b["holder"]["display_name"] for b in body["budgets"]} == {"Sam Patel"}

    supporters.revoke_grant(holder, invitation.id)
    db.session.commit()
    assert client.get("/api/v1/me/budgets", headers=headers).get_json() == {"budgets": []}
    refused = client.get("/api/v1/me/statement", headers=headers,
                         query_string={"budget_id": direct.id})
    assert refused.status_code == 404


def test_people_without_budgets_get_an_empty_list(client, app):
    provider = make_user("provider")
    response = client.get("/api/v1/me/budgets", headers=_bearer(provider))
    assert response.status_code == 200 and response.get_json() == {"budgets": []}


def test_the_statement_shows_who_moved_money_on_whose_behalf(client, sam, matches_schema):
    holder, direct, _ = sam
    supporter = make_user("supporter", name="Jo Broker")
    grant(holder, supporter, ["view", "buy"])
    service = make_service(price_pence=500, title="Hearing voices group")
    order = orders.place_order(supporter, holder.id, OrderRequest(direct.id, service.id, 2))
    db.session.commit()

    response = client.get("/api/v1/me/statement", headers=_bearer(holder),
                          query_string={"budget_id": direct.id})

    assert response.status_code == 200
    body = response.get_json()
    matches_schema("StatementPage", body)
    assert body["budget_id"] == direct.id and body["next_before"] is None
    newest, instalment = body["rows"]
    assert newest["description"] == f"Set aside for order {order.id}: Hearing voices group"
    assert newest["done_by"] == "by Jo Broker on behalf of Sam Patel"
    assert newest["money_out_pence"] == 1_000 and newest["money_out_display"] == "£10.00"
    assert newest["set_aside_change_pence"] == 1_000
    assert newest["available_after_pence"] == direct.instalments[0].amount_pence - 1_000
    assert instalment["money_in_pence"] == direct.instalments[0].amount_pence
    assert instalment["done_by"].startswith("by Test Commissioner")  # who allocated it


def test_the_statement_comes_in_pages_by_cursor(client, sam, matches_schema):
    holder, direct, _ = sam
    for number in range(4):
        reserve(direct, 100 + number, description=f"Order {number}")
    headers = _bearer(holder)
    seen = []
    query = {"budget_id": direct.id, "page_size": 2}
    while True:
        body = client.get("/api/v1/me/statement", headers=headers, query_string=query).get_json()
        matches_schema("StatementPage", body)
        seen += [row["description"] for row in body["rows"]]
        if body["next_before"] is None:
            assert body["next_url"] is None
            break
        assert f"before={body['next_before']}" in body["next_url"]
        query["before"] = body["next_before"]
    assert seen[:4] == ["Order 3", "Order 2", "Order 1", "Order 0"]
    assert len(seen) == 5 and len(set(seen)) == 5  # the first instalment last, nothing twice


@pytest.mark.parametrize("query, parameter", [
    ({}, "budget_id"),
    ({"budget_id": "abc"}, "budget_id"),
    ({"budget_id": "0"}, "budget_id"),
    ({"budget_id": "99999999999"}, "budget_id"),
    ({"budget_id": "²"}, "budget_id"),
    ({"budget_id": "1", "before": "-5"}, "before"),
    ({"budget_id": "1", "page_size": "1000"}, "page_size"),
])
def test_a_bad_statement_parameter_is_a_400_naming_it(client, sam, matches_schema, query,
                                                     parameter):
    holder, _, _ = sam
    response = client.get("/api/v1/me/statement", headers=_bearer(holder), query_string=query)
    assert response.status_code == 400
    matches_schema("Error", response.get_json())
    assert response.get_json()["error"]["parameter"] == parameter


def test_another_holders_statement_is_not_found(client, sam, matches_schema):
    _, direct, _ = sam
    stranger = make_user("holder")
    response = client.get("/api/v1/me/statement", headers=_bearer(stranger),
                          query_string={"budget_id": direct.id})
    assert response.status_code == 404
    matches_schema("Error", response.get_json())
    missing = client.get("/api/v1/me/statement", headers=_bearer(stranger),
                         query_string={"budget_id": 999_999})
    assert missing.get_json() == response.get_json()
    assert response.get_json()["error"]["parameter"] == "budget_id"


def test_a_budget_period_is_shown_as_its_last_day(client, app):
    holder = make_user("holder")
    (budget,) = allocate(holder, start=date(2026, 1, 1), end=date(2026, 7, 1))
    shown = client.get("/api/v1/me/budgets", headers=_bearer(holder)).get_json()["budgets"][0]
    assert (shown["id"], shown["period_end"]) == (budget.id, "2026-06-30")
