"""Support-plan outcomes by theme on the market map: checked against a small known set of
plans, orders and reviews before disclosure control, then as a commissioner sees them (page,
CSV, API), never with an outcome's words."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from marketplace.budgets import plans
from marketplace.commissioning.market_map import MarketQuery
from marketplace.commissioning.outcome_themes import outcome_themes
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.reviews.models import Review
from tests.api.test_orders_api import _bearer
from tests.budgets.helpers import login
from tests.commissioning.test_quality_view import _confirmed_order
from tests.factories import make_provider, make_service, make_user
from tests.orders.pages import text

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
PERIOD = MarketQuery(since=datetime(2026, 11, 1, tzinfo=timezone.utc),
                     until=datetime(2026, 12, 1, tzinfo=timezone.utc))
SECRET = "Stop hearing the voices at night"


def _holder(authority: str, district: str = ""):
    holder = make_user("holder")
    holder.home_authority, holder.home_district = authority, district
    return holder


def _bought(holder, outcome, service, *, helped: str | None = None, state: str = "confirmed",
            when: datetime = NOW) -> Order:
    order = _confirmed_order(service, holder)
    order.outcome_id, order.state, order.created_at = outcome.id, state, when
    if helped:
        db.session.add(Review(order_id=order.id, service_id=service.id,
                              provider_id=service.provider_id, holder_id=holder.id,
                              written_by_id=holder.id, stars=4, helped=helped, text="",
                              shown_as="anonymous", state="published", held_reasons=[],
                              created_at=when, updated_at=when, published_at=when))
    db.session.commit()
    return order


@pytest.fixture
def known_plans(app, clock):
    clock.set(NOW)
    peer = make_service(make_provider(), category="peer-support")
    arts = make_service(make_provider(), category="arts")
    for n in range(20):  # Salford holders with a community outcome; 12 bought, 9 said helped
        holder = _holder("salford", "M6")
        outcome = plans.add_outcome(holder, f"Go to a group {n}", actor=holder, theme="community")
        if n < 12:
            _bought(holder, outcome, peer, helped="yes" if n < 9 else "no")
    bury = _holder("bury")
    mind = plans.add_outcome(bury, SECRET, actor=bury, theme="mental-health")
    _bought(bury, mind, arts, helped="yes")
    _bought(bury, mind, arts, state="cancelled")  # did not go ahead
    _bought(bury, mind, arts, when=NOW - timedelta(days=45))  # before the period
    retired = plans.add_outcome(bury, "An old aim", actor=bury, theme="home")
    retired.retired = True
    plans.add_outcome(bury, "No theme yet", actor=bury)
    db.session.commit()
    return peer, arts


def _by_label(rows):
    return {row.label: (row.outcomes, row.purchases, row.helped) for row in rows}


def test_outcomes_purchases_and_helped_agree_with_the_plans_orders_and_reviews(known_plans):
    found = _by_label(outcome_themes(PERIOD))
    assert found["Being part of my community"] == (20, 12, 9)
    assert found["Mental and emotional wellbeing"] == (1, 1, 1)
    assert found["Home and where I live"] == (0, 0, 0)  # retired outcomes are not counted
    assert found["No theme chosen"] == (1, 0, 0)
    assert list(found)[-1] == "No theme chosen"


def test_area_and_category_filters(known_plans):
    salford = _by_label(outcome_themes(MarketQuery(PERIOD.since, PERIOD.until,
                                                   authority="salford")))
    assert salford["Being part of my community"] == (20, 12, 9)
    assert salford["Mental and emotional wellbeing"] == (0, 0, 0)
    m6 = _by_label(outcome_themes(MarketQuery(PERIOD.since, PERIOD.until, district="M6")))
    assert m6["Being part of my community"] == (20, 12, 9)
    arts = _by_label(outcome_themes(MarketQuery(PERIOD.since, PERIOD.until, category="arts")))
    # The category narrows purchases only: outcomes belong to no kind of support.
    assert arts["Being part of my community"] == (20, 0, 0)
    assert arts["Mental and emotional wellbeing"] == (1, 1, 1)


def test_a_commissioner_sees_themes_disclosed_on_the_page_csv_and_api(known_plans, client):
    commissioner = make_user("commissioner")
    login(client, commissioner)
    query = {"start-day": "1", "start-month": "11", "start-year": "2026",
             "end-day": "30", "end-month": "11", "end-year": "2026"}
    page = client.get("/commissioning/market", query_string=query)
    words = text(page)
    assert page.status_code == 200
    assert "What support plans aim for" in words
    assert "Being part of my community 20 10 10" in words  # 12 and 9 round to 10
    assert "Mental and emotional wellbeing fewer than 8 fewer than 8 fewer than 8" in words
    assert "Support-plan outcomes by theme against purchases towards them" in words
    assert SECRET not in page.get_data(as_text=True)
    csv = client.get("/commissioning/market.csv", query_string=query).get_data(as_text=True)
    assert "Outcome theme,Outcomes in support plans,Purchases towards them" in csv
    assert "Being part of my community,20,10,10" in csv
    assert SECRET not in csv
    answer = client.get("/api/v1/commissioning/market",
                        query_string={"start": "2026-11-01", "end": "2026-11-30"},
                        headers=_bearer(commissioner, ["read"]))
    assert ["Being part of my community", "20", "10", "10"] in answer.get_json()["rows"]
