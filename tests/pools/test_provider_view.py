"""The provider's side of a funded pool: one group purchase with its size, the members'
display names (never their own names) and what to deliver, accepted, declined or marked
delivered as a whole; each member then confirms their share, and the provider is owed the
target once."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.notifications.models import Notification
from marketplace.orders.models import Order
from marketplace.pools import services as pools
from marketplace.pools.services import Pledge
from tests.factories import make_provider, make_user
from tests.orders.pages import browser, text, with_order_pages
from tests.pools.helpers import (
    assert_ledger_sound,
    balances,
    group_service,
    holder_with_budget,
    organisation,
    request,
)


@pytest.fixture
def app(app):
    return with_order_pages(app)


@pytest.fixture
def funded(app):
    org = organisation()
    service = group_service()
    people = [holder_with_budget(name, organisation=org)
              for name in ("Sam Patel", "Dani Jones", "Ali Khan")]
    (sam, sam_budget), *rest = people
    started = pools.start_pool(sam, sam.id, request(service, min_members=3, max_members=3),
                               Pledge(sam_budget.id, "Sam P"))
    for holder, budget in rest:
        pools.join_pool(holder, holder.id, started.pool.id,
                        Pledge(budget.id, holder.display_name[:3]))
    db.session.commit()
    return service, started.pool, people


def test_the_provider_sees_one_group_by_display_names(app, funded):
    service, pool, _people = funded
    owner = browser(app, service.provider.owner)
    page = text(owner.get("/provider/orders"))
    assert "Group purchases (1)" in page
    assert "3 people: Sam P, Dan, Ali" in page
    assert "Total £60.00" in page
    for real_name in ("Sam Patel", "Dani Jones", "Ali Khan"):
        assert real_name not in page
    assert "Accept the whole group" in page and "Decline the whole group" in page
    share = db.session.scalars(sa.select(Order)).first()
    order_page = text(owner.get(f"/orders/{share.id}"))
    assert "Sam Patel" not in order_page and "Dani Jones" not in order_page
    assert "Sam Patel" not in text(owner.get(f"/provider/orders/{share.id}/invoice"))


def test_accepting_delivering_and_confirming_pays_the_provider_the_target_once(app, funded):
    service, pool, people = funded
    owner = browser(app, service.provider.owner)
    done = owner.post(f"/provider/pools/{pool.id}/accept", follow_redirects=True)
    assert f"You accepted the group purchase {pool.title}." in text(done)
    assert {o.state for o in db.session.scalars(sa.select(Order))} == {"accepted"}
    # Accepting twice does nothing more.
    again = owner.post(f"/provider/pools/{pool.id}/accept", follow_redirects=True)
    assert "Nothing in this group purchase is waiting for that." in text(again)
    owner.post(f"/provider/pools/{pool.id}/deliver")
    db.session.expire_all()
    orders = db.session.scalars(sa.select(Order).order_by(Order.id)).all()
    assert {o.state for o in orders} == {"delivered"}
    for (holder, _budget), order in zip(people, orders):
        browser(app, holder).post(f"/orders/{order.id}/actions/confirm")
    db.session.expire_all()
    assert {o.state for o in db.session.scalars(sa.select(Order))} == {"confirmed"}
    # What the provider reads afterwards still names nobody.
    history = text(owner.get(f"/orders/{orders[0].id}"))
    assert "Confirmed as delivered by Sam P" in history and "Sam Patel" not in history
    told = " ".join(db.session.scalars(sa.select(Notification.message).where(
        Notification.user_id == service.provider.owner_id)))
    assert "was confirmed as delivered by Sam P." in told
    assert not any(name in told for name in ("Sam Patel", "Dani Jones", "Ali Khan"))
    payable = ledger.account_balance(ledger.provider_payable_account(pool.provider_id))
    assert payable == pool.target_pence == 6_000
    for _holder, budget in people:
        assert balances(budget).spent_pence == 2_000
    assert_ledger_sound()


def test_declining_the_group_gives_everyone_their_money_back(app, funded):
    service, pool, people = funded
    owner = browser(app, service.provider.owner)
    done = owner.post(f"/provider/pools/{pool.id}/decline", data={"note": "We are full"},
                      follow_redirects=True)
    assert "Everyone's money is back." in text(done)
    assert {o.state for o in db.session.scalars(sa.select(Order))} == {"declined"}
    for _holder, budget in people:
        assert balances(budget).committed_pence == 0
        assert balances(budget).available_pence == 20_000
    assert_ledger_sound()


def test_nobody_else_can_act_on_the_group(app, funded):
    _service, pool, people = funded
    other_provider = make_provider()
    response = browser(app, other_provider.owner).post(f"/provider/pools/{pool.id}/accept")
    assert response.status_code == 404
    holder, _ = people[0]
    assert browser(app, holder).post(f"/provider/pools/{pool.id}/accept").status_code == 403
    assert browser(app, make_user("commissioner")).post(
        f"/provider/pools/{pool.id}/accept").status_code == 403
    assert {o.state for o in db.session.scalars(sa.select(Order))} == {"awaiting_provider"}


def test_the_api_names_pool_members_to_the_provider_as_they_chose(app, client, funded):
    from tests.api.conftest import SchemaCheck
    from tests.api.test_orders_api import _bearer

    service, _pool, people = funded
    share = db.session.scalars(sa.select(Order).order_by(Order.id)).first()
    schema = SchemaCheck(client.get("/api/v1/openapi.json").get_json())
    seen = client.get(f"/api/v1/orders/{share.id}", headers=_bearer(service.provider.owner))
    assert seen.status_code == 200
    body = seen.get_json()
    schema("Order", body)
    assert body["holder"]["display_name"] == "Sam P"
    assert body["placed_by"]["display_name"] == "Sam P"
    assert body["price_unit"] == {"value": "pool_share",
                                  "label": "as a share of a group purchase"}
    assert "Sam Patel" not in seen.get_data(as_text=True)
    holder, _ = people[0]
    own = client.get(f"/api/v1/orders/{share.id}", headers=_bearer(holder)).get_json()
    assert own["holder"]["display_name"] == "Sam Patel"
