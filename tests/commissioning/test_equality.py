"""Equality and access: languages, evenings and weekends, and rural districts, asked for
against offered, checked against a small known market before disclosure control, then as a
commissioner sees it (page, CSV), and refused to everyone else."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from marketplace import areas
from marketplace.commissioning.equality import equality
from marketplace.commissioning.market_map import MarketQuery
from marketplace.extensions import db
from marketplace.needs import services as needs
from marketplace.needs.services import NeedDetails
from marketplace.search.models import SearchLogEntry
from tests.factories import make_provider, make_service, make_user
from tests.orders.pages import text
from tests.commissioning.summaries import summarise_if_asked

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
PERIOD = MarketQuery(since=datetime(2026, 11, 1, tzinfo=timezone.utc),
                     until=datetime(2026, 12, 1, tzinfo=timezone.utc))


def _searches(count: int, *, area: str | None, results: int = 5, when: datetime = NOW,
              specialism: str | None = None, **filters) -> None:
    db.session.add_all(SearchLogEntry(query_text="", filters=dict(filters), area=area,
                                      result_count=results, created_at=when,
                                      specialism=specialism)
                       for _ in range(count))
    db.session.commit()


@pytest.fixture
def known_market(app, clock, figures_from):
    clock.set(NOW)
    salford = make_provider(name="Salford Peers")
    make_service(salford, languages=["en", "pl"], evenings=True, specialisms=["lgbt"])
    make_service(salford, title="Saturday group", languages=["en"], weekends=True)
    make_service(make_provider(name="Marple Walks"), local_authorities=[],
                 postcode_districts=["SK6"], languages=["en"])
    make_service(make_provider(name="Paused"), status="paused", languages=["ur"], evenings=True)
    _searches(9, area="salford", results=0, language="ur", category="peer-support")
    _searches(2, area="M6", language="pl")
    _searches(3, area="SK6", results=0, evenings="true")
    _searches(4, area="salford", weekends="true")
    _searches(6, area="salford", language="ur", when=NOW - timedelta(days=40))  # before
    _searches(5, area="bury", results=0, specialism="veterans")
    _searches(1, area="salford", specialism="veterans", when=NOW - timedelta(days=40))
    holder = make_user("holder")
    needs.post_need(holder, holder.id, NeedDetails(
        words="An Urdu-speaking personal assistant in the evenings", category="peer-support",
        local_authority="salford", timing="evenings", budget_low_pence=2000,
        budget_high_pence=8000, postcode_district="M6", language="ur"))
    needs.post_need(holder, holder.id, NeedDetails(
        words="A group for ex-forces men", category="peer-support", local_authority="bury",
        timing="any", budget_low_pence=0, budget_high_pence=5000, specialism="veterans"))
    db.session.commit()
    summarise_if_asked(figures_from)


def test_rural_districts_are_real_greater_manchester_districts():
    assert areas.RURAL_DISTRICTS and areas.RURAL_DISTRICTS <= set(areas.DISTRICT_TO_AUTHORITY)
    assert "SK6" in areas.RURAL_DISTRICTS and "M6" not in areas.RURAL_DISTRICTS


def test_asked_for_and_offered_agree_with_the_search_log_the_needs_and_the_listings(
        known_market):
    found = equality(PERIOD)
    urdu, polish, english = (found.languages[c] for c in ("ur", "pl", "en"))
    assert (urdu.searches, urdu.needs, urdu.services) == (9, 1, 0)  # the paused one is off
    assert (polish.searches, polish.needs, polish.services) == (2, 0, 1)
    assert english.services == 3 and english.asked == 0
    evenings, weekends = found.timings["evenings"], found.timings["weekends"]
    assert (evenings.searches, evenings.needs, evenings.services) == (3, 1, 1)
    assert (weekends.searches, weekends.needs, weekends.services) == (4, 0, 1)
    lgbt, veterans = found.specialisms["lgbt"], found.specialisms["veterans"]
    assert (lgbt.searches, lgbt.needs, lgbt.services) == (0, 0, 1)
    assert (veterans.searches, veterans.needs, veterans.services) == (5, 1, 0)
    districts = {d.district: d for d in found.districts}
    assert districts["SK6"].rural and not districts["M6"].rural
    assert (districts["SK6"].services, districts["SK6"].searches,
            districts["SK6"].zero_result) == (1, 3, 3)
    assert (districts["M6"].services, districts["M6"].searches, districts["M6"].needs) == (2, 2, 1)
    assert found.districts[0].rural  # rural districts first


def test_filters_narrow_by_area_and_category(known_market):
    stockport = equality(MarketQuery(PERIOD.since, PERIOD.until, authority="stockport"))
    assert {d.authority for d in stockport.districts} == {"stockport"}
    assert "ur" not in stockport.languages and stockport.timings["evenings"].searches == 3
    m6 = equality(MarketQuery(PERIOD.since, PERIOD.until, district="M6"))
    assert [d.district for d in m6.districts] == ["M6"]
    assert m6.languages["pl"].searches == 2 and m6.languages["ur"].needs == 1
    arts = equality(MarketQuery(PERIOD.since, PERIOD.until, category="arts"))
    assert arts.languages == {} and all(d.services == 0 for d in arts.districts)


def test_a_commissioner_sees_the_page_and_csv_with_small_counts_hidden(
        client, logged_in_commissioner, known_market):
    response = client.get("/commissioning/equality?start=2026-11-01&end=2026-11-30")
    assert response.status_code == 200
    page = text(response)
    # Urdu: 9 searches round to 10; 1 need is hidden; asked for 10; nobody offers it.
    assert "Urdu 10 fewer than 8 10 0" in page
    assert "Rural districts (7)" in page and "SK6 (Stockport) Rural" in page
    assert "<svg" in response.get_data(as_text=True)
    csv = client.get("/commissioning/equality.csv?start=2026-11-01&end=2026-11-30")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    body = csv.get_data(as_text=True)
    assert "Languages,Urdu,10,fewer than 8,10,0" in body
    assert "Postcode districts,SK6 (Stockport),Rural,fewer than 8,fewer than 8,fewer than 8,0" in body


def test_bad_filters_are_explained(client, logged_in_commissioner, known_market):
    response = client.get("/commissioning/equality?area=L1")
    assert response.status_code == 400 and "Error: Equality and access" in text(response)
    assert client.get("/commissioning/equality.csv?area=Narnia").status_code == 400


# Refusals for these routes: tests/commissioning/test_spend.py, with the spend routes.
