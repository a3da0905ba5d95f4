"""Every date and time a person reads is London wall time; the API says UTC with an offset."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from marketplace.api import auth
from marketplace.extensions import db
from marketplace.notifications.models import EmailMessage
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from tests.budgets.helpers import allocate, login, reserve
from tests.factories import make_funded_budget, make_service, make_user
from tests.orders.pages import Market, browser, text
from tests.times.helpers import utc


def test_a_time_on_the_statement_is_london_wall_time(client, clock):
    holder = make_user("holder")
    clock.set(utc(2026, 1, 5, 9, 0))
    budget = allocate(holder, start=date(2026, 1, 5), end=date(2027, 1, 4))[0]
    clock.set(utc(2026, 1, 10, 14, 5))  # winter: London is on UTC
    reserve(budget, 100, "A winter order")
    clock.set(utc(2026, 6, 10, 14, 5))  # summer: London is an hour ahead
    reserve(budget, 100, "A summer order")
    login(client, holder)
    page = text(client.get(f"/budget/{budget.id}/statement"))
    assert "10 June 2026, 15:05 A summer order" in page
    assert "10 January 2026, 14:05 A winter order" in page


def test_the_invoice_order_history_and_print_view_use_the_london_day(app, clock):
    market = Market()
    clock.set(utc(2026, 3, 31, 23, 30))  # 00:30 on 1 April in London
    order = orders.place_order(market.sam, market.sam.id,
                               OrderRequest(market.budget.id, market.service.id, 1))
    orders.act_on_order(market.staff, order.id, "approve")
    orders.act_on_order(market.provider_owner, order.id, "accept")
    db.session.commit()

    invoice = text(browser(app, market.provider_owner).get(f"/provider/orders/{order.id}/invoice"))
    assert "Ordered on 1 April 2026" in invoice
    sam = browser(app, market.sam)
    assert "Placed by Sam Patel on 1 April 2026" in text(sam.get(f"/orders/{order.id}"))
    printed = text(sam.get(f"/budget/{market.budget.id}/statement/print"))
    assert "Printed on 1 April 2026" in printed


def test_the_delivered_email_gives_the_london_day_it_confirms_itself(app, clock):
    market = Market()
    order = orders.place_order(market.sam, market.sam.id,
                               OrderRequest(market.budget.id, market.service.id, 1))
    orders.act_on_order(market.staff, order.id, "approve")
    orders.act_on_order(market.provider_owner, order.id, "accept")
    clock.set(utc(2026, 10, 24, 23, 30))  # 00:30 on Sunday 25 October in London
    orders.act_on_order(market.provider_owner, order.id, "deliver")
    db.session.commit()
    email = db.session.scalar(sa.select(EmailMessage).where(
        EmailMessage.to_address == market.sam.email,
        EmailMessage.subject == f"Order {order.id} was marked as delivered"))
    assert "it is confirmed automatically on 1 November 2026." in email.body


def test_the_api_gives_utc_with_an_explicit_offset(client, clock):
    holder = make_user("holder")
    clock.set(utc(2026, 3, 31, 23, 30))
    budget = make_funded_budget(holder, amount_pence=50_000)
    service = make_service(price_pence=2_500)
    _, secret = auth.create_token(holder, "Clock test", ["read", "order"])
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "clock-1"}

    body = client.post("/api/v1/orders", headers=headers,
                       json={"budget_id": budget.id, "service_id": service.id,
                             "quantity": 1}).get_json()
    assert body["created_at"] == "2026-03-31T23:30:00+00:00"
    assert datetime.fromisoformat(body["events"][0]["happened_at"]).utcoffset() == timedelta(0)
    document = client.get("/api/v1/openapi.json").get_json()
    order_schema = document["components"]["schemas"]["Order"]["properties"]
    assert "explicit offset" in order_schema["created_at"]["description"]
    assert "explicit offset" in document["info"]["description"]
