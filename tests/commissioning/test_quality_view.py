"""Outcomes and quality for commissioners: who said it helped by kind of support and provider,
checked against known reviews before disclosure control and as shown; the services to review
with their reasons; a decision recorded with a date to look again, refused when wrong, and
the worker's reminder sent once; commissioners only."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from marketplace.commissioning.decisions import remind_due
from marketplace.commissioning.market_map import MarketQuery
from marketplace.commissioning.models import ServiceDecision
from marketplace.commissioning.quality_view import quality_view, services_to_review
from marketplace.extensions import db
from marketplace.notifications.models import EmailMessage
from marketplace.orders.models import Order
from marketplace.reviews.models import Review
from tests.factories import make_funded_budget, make_provider, make_service, make_user
from tests.orders.pages import text

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
PERIOD = MarketQuery(datetime(2026, 9, 1, tzinfo=timezone.utc),
                     datetime(2026, 12, 1, tzinfo=timezone.utc))


def _confirmed_order(service, holder) -> Order:
    """A confirmed order row for a review to belong to (no money moves: these tests read
    reviews, and the ledger's own tests cover the order flow)."""
    budget = make_funded_budget(holder, amount_pence=10_000, route="direct")
    order = Order(holder_id=holder.id, budget_id=budget.id, service_id=service.id,
                  provider_id=service.provider_id, route="direct", quantity=1,
                  unit_price_pence=service.price_pence, price_unit=service.price_unit,
                  total_pence=service.price_pence, service_title=service.title,
                  state="confirmed", placed_by_id=holder.id)
    db.session.add(order)
    db.session.flush()
    return order


def _reviews(service, answers: list[tuple[int, str]], when: datetime) -> None:
    """Published reviews written straight to the table: what the review flow leaves."""
    for stars, helped in answers:
        holder = make_user("holder")
        order = _confirmed_order(service, holder)
        db.session.add(Review(order_id=order.id, service_id=service.id,
                              provider_id=service.provider_id, holder_id=holder.id,
                              written_by_id=holder.id, stars=stars, helped=helped, text="",
                              shown_as="anonymous", state="published", held_reasons=[],
                              created_at=when, updated_at=when, published_at=when))
    db.session.commit()


@pytest.fixture
def reviewed(app, clock):
    clock.set(NOW)
    good = make_service(make_provider(name="Good Peers"), title="Good group")
    poor = make_service(make_provider(name="Poor Peers"), title="Poor group")
    falling = make_service(make_provider(name="Falling Arts"), category="arts", title="Falling")
    _reviews(good, [(5, "yes")] * 8 + [(4, "partly")] * 2, NOW - timedelta(days=10))
    _reviews(poor, [(2, "no")] * 3 + [(3, "partly")], NOW - timedelta(days=20))
    _reviews(falling, [(5, "yes")] * 3, NOW - timedelta(days=100))  # the 90 days before
    _reviews(falling, [(3, "yes")] * 2, NOW - timedelta(days=5))
    return {"good": good, "poor": poor, "falling": falling}


def test_helped_by_kind_and_provider_agree_with_the_reviews(reviewed):
    view = quality_view(PERIOD)
    peer = view.by_category["peer-support"]
    assert (peer.reviews, peer.helped, peer.stars) == (14, 8, 57)
    assert (view.by_category["arts"].reviews, view.by_category["arts"].helped) == (2, 2)
    assert [(p.name, t.reviews) for p, t in view.by_provider] == [
        ("Good Peers", 10), ("Poor Peers", 4), ("Falling Arts", 2)]
    assert [(month, tally.reviews) for month, tally in view.by_month] == [
        (date(2026, 11, 1), 16)]


def test_services_to_review_name_their_reasons_worst_first(reviewed):
    listed = services_to_review(PERIOD)
    assert [(c.service.title, c.reasons) for c in listed] == [
        ("Poor group", ["Few people said it helped"]),
        ("Falling", ["Its rating is falling"])]


def test_reported_reviews_put_a_service_on_the_list(reviewed):
    from marketplace.reviews import reports
    from marketplace.reviews.models import Review as ReviewRow

    good = db.session.scalars(sa.select(ReviewRow).where(
        ReviewRow.service_id == reviewed["good"].id).limit(2)).all()
    for review in good:
        reports.report(make_user("holder"), review.id, "not_genuine", "Looks bought.")
    db.session.commit()
    listed = {c.service.title: c.reasons for c in services_to_review(PERIOD)}
    assert listed["Good group"] == ["People reported its reviews"]
    assert quality_view(PERIOD).reports == {"open": 2}


def test_the_page_shows_disclosed_figures_and_the_list(client, logged_in_commissioner, reviewed):
    page = text(client.get("/commissioning/quality?start=2026-09-01&end=2026-11-30"))
    # Peer support: 14 reviews -> 15, 8 said it helped -> 10, 10 of 15 -> 67%, 57 / 14 stars.
    assert "Peer support and self-help groups 15 10 67% 4.1" in page
    assert "Good Peers 10 10 100% 4.8" in page
    assert "Poor Peers fewer than 8 0 not shown not shown" in page
    assert "Why it is here: Few people said it helped." in page
    assert "Why it is here: Its rating is falling." in page
    csv = client.get("/commissioning/quality.csv?start=2026-09-01&end=2026-11-30")
    assert csv.get_data(as_text=True).splitlines()[1:] == [
        "Arts and creative activities,fewer than 8,fewer than 8,not shown,not shown",
        "Peer support and self-help groups,15,10,67,4.1"]


def test_a_decision_is_recorded_and_reminds_once_on_its_day(
        client, logged_in_commissioner, reviewed, clock):
    url = f"/commissioning/quality/services/{reviewed['poor'].id}"
    response = client.post(url, data={"decision": "support_to_change",
                                      "note": "Meet the provider about cancellations.",
                                      "look_again_on": "2027-01-15"})
    assert response.status_code == 302
    page = text(client.get(url))
    assert "Recorded: support it to change. We will remind you on 15 January 2027." in page
    assert "support it to change; look again on 15 January 2027" in page
    assert "Meet the provider about cancellations." in page

    assert remind_due() == 0  # not yet
    clock.set(datetime(2027, 1, 15, 8, 0, tzinfo=timezone.utc))
    assert remind_due() == 1
    db.session.commit()
    assert remind_due() == 0  # once
    email = db.session.scalars(sa.select(EmailMessage).where(
        EmailMessage.to_address == logged_in_commissioner.email)).one()
    assert "time to look again at “Poor group”" in email.body
    assert f"/commissioning/quality/services/{reviewed['poor'].id}" in email.body


@pytest.mark.parametrize("form, message", [
    ({"note": "x", "look_again_on": "2027-01-15"}, "Choose what the council will do"),
    ({"decision": "watch"}, "Enter the date to look at this service again"),
    ({"decision": "watch", "look_again_on": "2026-11-30"}, "must be after today"),
    ({"decision": "close", "look_again_on": "2027-01-15"}, "Choose what the council will do"),
    ({"decision": "watch", "look_again_on": "2027-01-15", "note": "x" * 2001},
     "Use 2000 characters or fewer"),
])
def test_a_wrong_decision_is_explained_and_saves_nothing(
        client, logged_in_commissioner, reviewed, form, message):
    response = client.post(f"/commissioning/quality/services/{reviewed['poor'].id}", data=form)
    assert response.status_code == 400
    assert message in text(response)
    assert db.session.scalar(sa.select(sa.func.count(ServiceDecision.id))) == 0


def test_an_unknown_service_is_not_found(client, logged_in_commissioner, reviewed):
    assert client.get("/commissioning/quality/services/999999").status_code == 404


@pytest.mark.parametrize("role", ["holder", "provider", "supporter", "account_manager"])
def test_only_commissioners_reach_quality_and_decide(client, auth, reviewed, role):
    assert auth.login(make_user(role).email).status_code == 302
    url = f"/commissioning/quality/services/{reviewed['poor'].id}"
    for page in ("/commissioning/quality", "/commissioning/quality.csv", url):
        assert client.get(page).status_code == 403, page
    response = client.post(url, data={"decision": "watch", "look_again_on": "2027-01-15"})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(ServiceDecision.id))) == 0
