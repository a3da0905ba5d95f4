"""The demo has needs with two quotes each: one the demo provider quoted for, one accepted
into a pool (the other quote declined kindly), and one open to compare."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.needs.models import Need
from marketplace.pools.models import Pool
from marketplace.demo.commands import DEMO_PASSWORD
from tests.orders.pages import anonymous, text
from tests.pools.helpers import assert_ledger_sound


def test_seeding_makes_needs_with_two_quotes_each_and_one_pool_from_a_quote(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    everything = db.session.scalars(sa.select(Need).order_by(Need.id)).all()
    # The needs board's own three come first; the market's demand (demo/demand.py) adds three
    # that no provider has answered.
    assert len(everything) == 6 and not any(need.quotes for need in everything[3:])
    needs = everything[:3]
    assert all(len({quote.provider_id for quote in need.quotes}) == 2 for need in needs)
    pooled = [need for need in needs if need.state == "accepted"]
    assert len(pooled) == 1
    accepted = pooled[0].accepted_quote
    pool = db.session.get(Pool, accepted.pool_id)
    assert pool.target_pence == accepted.sessions * accepted.price_pence
    assert sorted(q.state for q in pooled[0].quotes) == ["accepted", "declined"]
    assert_ledger_sound()
    # The demo provider sees the need it quoted for; the demo holder sees the quotes.
    provider_page = text(_demo_login(app, "demo-provider@example.org").get("/provider/needs"))
    holder_page = text(_demo_login(app, "demo-holder@example.org").get(f"/needs/{needs[0].id}"))
    assert "help me write my support plan" in provider_page
    assert "Plan Well Trafford" in holder_page and holder_page.count("Order at this price") == 2


def _demo_login(app, email: str):
    client = anonymous(app)
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client
