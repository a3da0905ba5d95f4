"""The market map: supply against live demand by kind of support and area, checked against a
small known market before disclosure control, then as a commissioner sees it (page, CSV, one
gap opened), and refused to everyone else."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from marketplace.commissioning.market_map import MarketQuery, market_map
from marketplace.extensions import db
from marketplace.needs import services as needs
from marketplace.needs.services import NeedDetails, QuoteDetails
from marketplace.search.models import SearchLogEntry
from marketplace.times import london_today
from tests.factories import make_provider, make_service, make_user
from tests.orders.pages import text
from tests.commissioning.summaries import summarise_if_asked

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
PERIOD = MarketQuery(since=datetime(2026, 11, 1, tzinfo=timezone.utc),
                     until=datetime(2026, 12, 1, tzinfo=timezone.utc))


def _searches(count: int, *, category: str | None, area: str | None, results: int,
              words: str = "", when: datetime = NOW) -> None:
    filters = {"category": category} if category else {}
    db.session.add_all(SearchLogEntry(query_text=words, filters=filters, area=area,
                                      result_count=results, created_at=when)
                       for _ in range(count))
    db.session.commit()


def _need(holder, category: str, authority: str, words: str, district: str = ""):
    need = needs.post_need(holder, holder.id, NeedDetails(
        words=words, category=category, local_authority=authority, timing="evenings",
        budget_low_pence=2000, budget_high_pence=8000, postcode_district=district))
    db.session.commit()
    return need


@pytest.fixture
def known_market(app, clock, figures_from):
    clock.set(NOW)
    salford_group = make_provider(name="Salford Peers")
    make_service(salford_group, title="Monday group", evenings=True)
    make_service(salford_group, title="Saturday group", weekends=True)
    make_service(make_provider(name="Fallowfield Friends"), title="Fallowfield group",
                 local_authorities=[], postcode_districts=["M14"])
    make_service(make_provider(name="Bolton Arts"), category="arts",
                 local_authorities=["bolton"], title="Painting")
    make_service(make_provider(name="Paused Peers"), status="paused", title="Paused group")
    # Salford peer support: 9 searches found nothing, 2 found a few, 12 found plenty.
    _searches(9, category="peer-support", area="salford", results=0,
              words="peer support in urdu, call 07700 900123")
    _searches(2, category="peer-support", area="M6", results=2)
    _searches(12, category="peer-support", area="salford", results=40)
    _searches(3, category="arts", area="bolton", results=0, words="pottery")
    _searches(5, category=None, area="salford", results=10)  # no category: not placed
    _searches(4, category="peer-support", area="salford", results=0,
              when=NOW - timedelta(days=40))  # before the period
    holder = make_user("holder")
    _need(holder, "peer-support", "salford", "An evening peer group for men in M6", "M6")
    answered = _need(make_user("holder"), "arts", "bolton", "A pottery class")
    provider = make_provider(name="Bolton Clay")
    clay = make_service(provider, category="arts", local_authorities=["bolton"], title="Clay")
    needs.give_quote(provider.owner, answered.id, QuoteDetails(
        service_id=clay.id, price_pence=3000, price_unit="session", sessions=4,
        expires_on=london_today() + timedelta(days=10)))
    db.session.commit()
    summarise_if_asked(figures_from)
    return {"provider": salford_group}


def _by_cell(found):
    return {(gap.category, gap.authority): gap for gap in found.gaps}


def test_supply_and_demand_agree_with_the_listings_the_search_log_and_the_needs(known_market):
    found = market_map(PERIOD)
    cells = _by_cell(found)
    salford = cells[("peer-support", "salford")]
    assert (salford.services, salford.providers, salford.evening_services,
            salford.weekend_services) == (2, 1, 1, 1)
    assert (salford.searches, salford.zero_result, salford.few_result) == (23, 9, 2)
    assert (salford.needs, salford.unanswered_needs, salford.expired_pools) == (1, 1, 0)
    assert salford.unmet == 12
    manchester = cells[("peer-support", "manchester")]
    assert (manchester.services, manchester.searches) == (1, 0)
    bolton = cells[("arts", "bolton")]
    assert (bolton.services, bolton.zero_result, bolton.needs, bolton.unanswered_needs) == (
        2, 3, 1, 0)
    assert found.unplaced_searches == 5
    assert found.gaps[0] is salford  # the biggest gap first


def test_filters_narrow_by_category_and_by_district(known_market):
    only_arts = market_map(MarketQuery(PERIOD.since, PERIOD.until, category="arts"))
    assert {gap.category for gap in only_arts.gaps} == {"arts"}
    m6 = _by_cell(market_map(MarketQuery(PERIOD.since, PERIOD.until, district="M6")))
    assert set(m6) == {("peer-support", "salford")}
    cell = m6[("peer-support", "salford")]
    # Both Salford-wide services reach M6; only the M6 searches and the M6 need count.
    assert (cell.services, cell.searches, cell.few_result, cell.needs) == (2, 2, 2, 1)


def test_a_commissioner_sees_the_map_as_a_chart_and_a_table_with_small_counts_hidden(
        client, logged_in_commissioner, known_market):
    response = client.get("/commissioning/market?start=2026-11-01&end=2026-11-30")
    assert response.status_code == 200
    page = text(response)
    assert "Peer support and self-help groups, Salford" in page
    assert "<svg" in response.get_data(as_text=True)
    assert "fewer than 8" in page  # 2 services, 1 need ... are hidden
    html = response.get_data(as_text=True)
    row = html[html.index("Peer support and self-help groups, Salford</a>"):]
    row = row[:row.index("</tr>")]
    # services 2, providers 1, evening 1, weekend 1, searches 23 -> 25, nothing 9 -> 10,
    # a few 2, needs 1, unanswered 1, pools 0, unmet 12 -> 10
    cells = [cell.split(">", 1)[1] for cell in row.split("<td")[1:]]
    cells = [cell[:cell.index("<")] for cell in cells]
    assert cells == ["fewer than 8"] * 4 + ["25", "10", "fewer than 8", "fewer than 8",
                                            "fewer than 8", "0", "10"]


def test_the_csv_has_the_same_disclosed_figures(client, logged_in_commissioner, known_market):
    response = client.get("/commissioning/market.csv?start=2026-11-01&end=2026-11-30")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "market-map-2026-11-01-to-2026-11-30.csv" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("Kind of support,Area,Services listed,Providers")
    assert lines[1] == ("Peer support and self-help groups,Salford,fewer than 8,fewer than 8,"
                        "fewer than 8,fewer than 8,25,10,fewer than 8,fewer than 8,"
                        "fewer than 8,0,10")


def test_opening_a_gap_shows_the_words_searched_without_personal_details(
        client, logged_in_commissioner, known_market):
    page = text(client.get("/commissioning/market/gap?gap_category=peer-support"
                           "&gap_area=salford&start=2026-11-01&end=2026-11-30"))
    assert "peer support in urdu, call [phone number removed]" in page
    assert "07700" not in page
    assert "call [phone number removed] 10" in page  # searched 9 times, shown rounded
    assert "An evening peer group for men in M6" in page
    assert "Fallowfield Friends" in page  # the same kind of support in another area
    assert "Bolton Arts" not in page


def test_bad_filters_are_explained_and_unknown_gaps_are_not_found(
        client, logged_in_commissioner, known_market):
    response = client.get("/commissioning/market?area=Narnia&end-day=40&end-month=1&end-year=2026")
    assert response.status_code == 400
    page = text(response)
    assert "Type a Greater Manchester local authority" in page
    assert client.get("/commissioning/market?area=L1").status_code == 400
    assert client.get("/commissioning/market/gap?gap_category=nope&gap_area=salford"
                      ).status_code == 404
    assert client.get("/commissioning/market.csv?area=Narnia").status_code == 400


@pytest.mark.parametrize("role", ["holder", "provider", "supporter", "account_manager"])
def test_only_commissioners_reach_the_market_views(client, auth, known_market, role):
    assert auth.login(make_user(role).email).status_code == 302
    for url in ("/commissioning/market", "/commissioning/market.csv",
                "/commissioning/market/gap?gap_category=peer-support&gap_area=salford"):
        assert client.get(url).status_code == 403, url


def test_anonymous_people_are_sent_to_log_in(client, known_market):
    response = client.get("/commissioning/market")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
