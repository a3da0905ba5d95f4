"""The worker's market-summaries job: the market views read its summaries for complete past
days and live data for the rest, with the same figures as live to the count and the penny; a
change shows once the job runs again, and each page and API answer says how fresh its
figures are; running it twice, or from two workers, counts nothing twice."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from marketplace.commissioning import spend as spend_view
from marketplace.commissioning.equality import equality
from marketplace.commissioning.market_map import MarketQuery, market_map
from marketplace.commissioning.search_counts import counted
from marketplace.commissioning.summary_models import (SearchCountDaily, SpendDaily,
                                                      SummaryDay, SupplyCount)
from marketplace.commissioning.summary_refresh import refresh_summaries
from marketplace.extensions import db
from marketplace.jobs import catalogue
from marketplace.jobs.models import JobRun
from marketplace.jobs.runner import RunnerSettings, run_due_job
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from marketplace.providers.services import pause_service
from marketplace.search.models import SearchLogEntry
from marketplace.times import london_day_bounds
from tests.factories import make_funded_budget, make_provider, make_service, make_user
from tests.orders.pages import text
from tests.pools.helpers import organisation

#: A Monday morning: the clocks went back on Sunday 25 October, inside the data.
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
PERIOD = MarketQuery(since=datetime(2026, 10, 1, tzinfo=timezone.utc),
                     until=datetime(2026, 12, 1, tzinfo=timezone.utc))
MAP = "/commissioning/market?start=2026-11-01&end=2026-11-30"


def _searches(count: int, when: datetime, *, category="peer-support", area="salford",
              results=0, **flags) -> None:
    filters = {"category": category, "area": area, **{name: "true" for name in flags}}
    db.session.add_all(SearchLogEntry(query_text="peer group", filters=filters, area=area,
                                      result_count=results, created_at=when)
                       for _ in range(count))
    db.session.commit()


def _confirmed_order(holder, budget, service, quantity: int = 1) -> None:
    order = orders.place_order(holder, holder.id, OrderRequest(budget.id, service.id,
                                                               quantity=quantity))
    if order.state == "awaiting_payment":
        orders.record_card_payment_succeeded(order, holder)
    owner = service.provider.owner
    for action in ("accept", "deliver"):
        orders.act_on_order(owner, order.id, action)
    orders.act_on_order(holder, order.id, "confirm")
    db.session.commit()


@pytest.fixture
def history(app, clock):
    """Searches and spending spread over two months, around the clock change and midnight."""
    easy = organisation()  # approves every order itself
    peers = make_service(make_provider(name="Salford Peers"), price_pence=1_500, evenings=True)
    arts = make_service(make_provider(name="Bolton Arts"), category="arts",
                        local_authorities=["bolton"], postcode_districts=["BL1"],
                        price_pence=2_000, languages=["en", "ur"])
    moments = [datetime(2026, 10, 24, 22, 30, tzinfo=timezone.utc),  # 23:30 BST, 24 October
               datetime(2026, 10, 24, 23, 30, tzinfo=timezone.utc),  # 00:30 BST, 25 October
               datetime(2026, 10, 25, 23, 30, tzinfo=timezone.utc),  # 23:30 GMT, 25 October
               datetime(2026, 11, 1, 0, 15, tzinfo=timezone.utc),
               datetime(2026, 11, 28, 14, 0, tzinfo=timezone.utc),
               NOW - timedelta(hours=1)]  # today: read live
    for number, when in enumerate(moments):
        _searches(number + 1, when)
        _searches(2, when, category="arts", area="BL1", results=2, language="ur")
        _searches(1, when, category="peer-support", area="M6", results=9, evenings=True)
        clock.set(when)
        holder = make_user("holder")
        budget = make_funded_budget(holder, amount_pence=50_000, route="direct") \
            if number % 2 else make_funded_budget(holder, amount_pence=50_000, organisation=easy)
        _confirmed_order(holder, budget, peers if number % 2 else arts, quantity=number + 1)
    clock.set(NOW)
    return {"peers": peers, "arts": arts}


def _everything(query: MarketQuery) -> tuple:
    spend = spend_view.spend(query)
    budgets = spend_view.budgets_in_period(query)
    return (market_map(query), equality(query), spend, budgets, spend_view.pools(query))


@pytest.mark.parametrize("query", [
    PERIOD,
    MarketQuery(datetime(2026, 10, 24, 23, tzinfo=timezone.utc),  # 25 October, London
                datetime(2026, 10, 26, 0, tzinfo=timezone.utc)),
    MarketQuery(PERIOD.since, PERIOD.until, authority="bolton"),
    MarketQuery(PERIOD.since, PERIOD.until, district="M6", category="peer-support"),
], ids=["two months", "the day the clocks went back", "an authority", "a district and kind"])
def test_the_summaries_and_the_live_tail_give_the_live_figures(history, query):
    live = _everything(query)
    assert "searches: 37 days summarised" in refresh_summaries()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchCountDaily)) > 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SpendDaily)) > 0
    assert _everything(query) == live


def test_a_day_is_summarised_by_its_london_day(history):
    refresh_summaries()
    db.session.commit()
    since, until = london_day_bounds(datetime(2026, 10, 25).date(), datetime(2026, 10, 25).date())
    # 00:30 BST and 23:30 GMT fall on 25 October; 23:30 BST on the 24th does not.
    assert sum(row.searches for row in counted(since, until, ["category"])) == 2 + 3 + 2 * 3
    summarised = db.session.scalar(sa.select(SummaryDay.source_rows).where(
        SummaryDay.name == "searches", SummaryDay.day == datetime(2026, 10, 25).date()))
    assert summarised == 2 + 3 + 2 * 3


def test_a_late_search_shows_after_the_next_refresh_and_the_page_says_so(
        client, logged_in_commissioner, history, clock):
    refresh_summaries()
    db.session.commit()
    page = text(client.get(MAP))
    assert "Figures up to 09:00 on 30 November 2026 (brought up to date every 10 minutes)" \
        in page
    before = market_map(PERIOD)
    # Searches logged late for 28 November (a web process flushed its buffer after a delay).
    _searches(20, datetime(2026, 11, 28, 15, 0, tzinfo=timezone.utc))
    # Searches today are counted at once: today is read live.
    _searches(3, NOW - timedelta(minutes=5))
    waiting = _cell(market_map(PERIOD))
    assert waiting.searches == _cell(before).searches + 3
    clock.set(NOW + timedelta(minutes=10))
    assert "searches: 1 day summarised" in refresh_summaries()
    db.session.commit()
    assert _cell(market_map(PERIOD)).searches == _cell(before).searches + 23
    page = text(client.get(MAP))
    assert "Figures up to 09:10 on 30 November 2026" in page


def test_a_row_written_weeks_late_is_counted_by_the_first_run_of_the_next_day(history, clock):
    refresh_summaries()
    db.session.commit()
    _searches(8, datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc))  # a restored backup, say
    clock.set(NOW + timedelta(minutes=10))
    # Runs in the day count only the last week again...
    assert "searches: 0 days summarised, 8 checked" in refresh_summaries()
    db.session.commit()
    summarised = _cell(market_map(PERIOD)).searches
    # ...and the first run of each London day counts every day.
    clock.set(NOW + timedelta(days=1))
    assert "searches: 2 days summarised" in refresh_summaries()  # 1 November and yesterday
    db.session.commit()
    assert _cell(market_map(PERIOD)).searches == summarised + 8


def _cell(found):
    return next(gap for gap in found.gaps if (gap.category, gap.authority) ==
                ("peer-support", "salford"))


def test_running_the_refresh_twice_changes_nothing(history):
    first = refresh_summaries()
    db.session.commit()
    rows = _summary_rows()
    figures = _everything(PERIOD)
    second = refresh_summaries()
    db.session.commit()
    assert "searches: 0 days summarised" in second and "spend: 0 days summarised" in second
    assert "supply: listings unchanged" in second and first != second
    assert _summary_rows() == rows
    assert _everything(PERIOD) == figures


def _summary_rows() -> list:
    return [sorted(tuple(row) for row in db.session.execute(sa.select(*table.__table__.c)))
            for table in (SearchCountDaily, SpendDaily, SupplyCount)]


def test_two_workers_run_the_job_once_per_due_time(history, clock):
    job = catalogue.load().jobs["market-summaries"]
    settings = RunnerSettings()
    first = run_due_job(job, "worker-1", now=NOW, settings=settings)
    assert first.status == "succeeded" and "summarised" in first.message
    assert run_due_job(job, "worker-2", now=NOW, settings=settings) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JobRun).where(
        JobRun.job_name == "market-summaries")) == 1
    assert _everything(PERIOD) == _live_after_forgetting_summaries()


def _live_after_forgetting_summaries() -> tuple:
    """The same figures with the summaries set aside (worked out live)."""
    from marketplace.commissioning.summary_models import SummaryRefresh

    saved = {row.name: row.settings for row in db.session.scalars(sa.select(SummaryRefresh))}
    for row in db.session.scalars(sa.select(SummaryRefresh)):
        row.settings = {"set aside": True}
    db.session.flush()
    figures = _everything(PERIOD)
    for row in db.session.scalars(sa.select(SummaryRefresh)):
        row.settings = saved[row.name]
    db.session.rollback()
    return figures


def test_a_changed_setting_sets_the_summary_aside_until_the_next_refresh(app, history):
    refresh_summaries()
    db.session.commit()
    app.config["MARKET_FEW_RESULTS"] = 1
    live = _everything(PERIOD)  # the summary's "few results" used 3: not read
    assert _cell(market_map(PERIOD)).few_result == 0
    assert "searches: 37 days summarised" in refresh_summaries()  # every day again
    db.session.commit()
    assert _everything(PERIOD) == live


def test_a_paused_service_leaves_the_map_at_the_next_refresh(history, clock):
    refresh_summaries()
    db.session.commit()
    pause_service(history["arts"])  # as its provider does: the search index log moves on
    db.session.commit()
    bolton = ("arts", "bolton")
    cells = {(g.category, g.authority): g for g in market_map(PERIOD).gaps}
    assert cells[bolton].services == 1  # as listed at the last refresh
    clock.set(NOW + timedelta(minutes=10))
    assert "supply: listings unchanged" not in refresh_summaries()
    db.session.commit()
    cells = {(g.category, g.authority): g for g in market_map(PERIOD).gaps}
    assert cells[bolton].services == 0


def test_the_api_says_how_fresh_its_figures_are(client, history):
    from marketplace.api.auth import create_token

    commissioner = make_user("commissioner")
    _, secret = create_token(commissioner, "figures", ["read"])
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    live = client.get("/api/v1/commissioning/market", headers=headers).get_json()
    assert live["figures_up_to"] is None
    assert live["freshness"].startswith("Worked out from live data at 09:00")
    refresh_summaries()
    db.session.commit()
    answer = client.get("/api/v1/commissioning/market", headers=headers).get_json()
    assert answer["figures_up_to"] == "2026-11-30T09:00:00+00:00"
    assert answer["freshness"].startswith("Figures up to 09:00 on 30 November 2026")
    assert answer["rows"] == live["rows"]
    quality = client.get("/api/v1/commissioning/quality", headers=headers).get_json()
    assert quality["figures_up_to"] is None  # reviews are always read live
