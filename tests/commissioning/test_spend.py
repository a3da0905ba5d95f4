"""Spend: a small known market (budgets allocated, orders confirmed by both routes, a refund,
orders not yet confirmed, one pooled purchase) checked to the penny against the ledger before
disclosure control, then as a commissioner sees it (page, CSV), and refused to everyone else."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from marketplace import vocabulary
from marketplace.accounts import home_area
from marketplace.commissioning import spend as spend_view
from marketplace.commissioning.disclosure import Rule
from marketplace.commissioning.market_map import MarketQuery
from marketplace.commissioning.spend_figures import shown_spend
from marketplace.extensions import db
from marketplace.ledger.models import LedgerLine, LedgerTransaction
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from marketplace.pools import services as pools
from marketplace.pools.models import Pool
from marketplace.pools.services import Pledge
from tests.factories import make_funded_budget, make_provider, make_service, make_user
from tests.orders.pages import text
from tests.pools.helpers import group_service, holder_with_budget, organisation, request
from tests.commissioning.summaries import summarise_if_asked

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
PERIOD = MarketQuery(since=datetime(2026, 11, 1, tzinfo=timezone.utc),
                     until=datetime(2026, 12, 1, tzinfo=timezone.utc))
#: Every route of the spend and equality views (refused below to everyone but commissioners).
URLS = ["/commissioning/spend", "/commissioning/spend.csv", "/commissioning/equality",
        "/commissioning/equality.csv"]


def _order(holder, budget, service, quantity=1, *, confirm=True):
    order = orders.place_order(holder, holder.id, OrderRequest(budget.id, service.id,
                                                               quantity=quantity))
    if order.state == "awaiting_payment":
        orders.record_card_payment_succeeded(order, holder)
    owner = service.provider.owner
    orders.act_on_order(owner, order.id, "accept")
    orders.act_on_order(owner, order.id, "deliver")
    if confirm:
        orders.act_on_order(holder, order.id, "confirm")
    db.session.commit()
    return order


@pytest.fixture
def known_spend(app, clock, figures_from):
    people = build_known_spend(clock)
    summarise_if_asked(figures_from)
    return people


def build_known_spend(clock) -> dict:
    """The known market of these tests, in November 2026, on the app's database."""
    clock.set(NOW)
    easy = organisation()  # approves every order here itself
    peers = make_service(make_provider(name="Salford Peers", provider_type="ulo",
                                       is_user_led=True, staff_count=20), price_pence=1_500)
    arts = make_service(make_provider(name="Bolton Arts", staff_count=8), category="arts",
                        local_authorities=["bolton"], price_pence=2_000)
    big = make_service(make_provider(name="Big Care", provider_type="larger-provider",
                                     staff_count=9), category="personal-assistance",
                       local_authorities=["manchester"], price_pence=5_000)
    # Ann: managed, lives in Salford: 2 sessions of peer support confirmed (£30).
    ann, ann_budget = holder_with_budget("Ann", 40_000, organisation=easy)
    _order(ann, ann_budget, peers, 2)
    # Ben: direct payment, no home area: arts confirmed (£20); one paid by card and
    # delivered but not confirmed, and one cancelled: neither is spent.
    ben = make_user("holder", name="Ben")
    ben_budget = make_funded_budget(ben, amount_pence=10_000, route="direct")
    _order(ben, ben_budget, arts)
    _order(ben, ben_budget, arts, confirm=False)
    cancelled = orders.place_order(ben, ben.id, OrderRequest(ben_budget.id, arts.id, quantity=1))
    orders.act_on_order(ben, cancelled.id, "cancel")
    db.session.commit()
    # Cal: managed: personal assistance confirmed (£50) then refunded by the provider.
    cal = make_user("holder", name="Cal")
    cal_budget = make_funded_budget(cal, amount_pence=20_000, organisation=easy)
    refunded = _order(cal, cal_budget, big)
    orders.act_on_order(big.provider.owner, refunded.id, "refund")
    db.session.commit()
    # Three people buy a £60 group together (£20 each), each share confirmed.
    walks = group_service()  # Salford Arts: a micro-provider of 3
    people = [holder_with_budget(name, 20_000, organisation=easy) for name in ("Di", "Ed", "Flo")]
    (di, di_budget), *rest = people
    started = pools.start_pool(di, di.id, request(walks, sessions=6, min_members=3,
                                                  max_members=3), Pledge(di_budget.id, "Di"))
    for holder, budget in rest:
        pools.join_pool(holder, holder.id, started.pool.id, Pledge(budget.id, holder.display_name))
    db.session.commit()
    assert db.session.get(Pool, started.pool.id).state == "funded"
    for member in db.session.get(Pool, started.pool.id).members:
        orders.act_on_order(walks.provider.owner, member.order_id, "accept")
        orders.act_on_order(walks.provider.owner, member.order_id, "deliver")
        orders.act_on_order(member.holder, member.order_id, "confirm")
    db.session.commit()
    return {"ann": ann, "ben": ben, "cal": cal, "pool": started.pool}


def _ledger_spent() -> int:
    """What budgets paid providers, straight from the ledger: minus the budget lines of every
    settle and refund transaction."""
    return -int(db.session.scalar(
        sa.select(sa.func.sum(LedgerLine.amount_pence))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerLine.transaction_id)
        .where(LedgerLine.budget_id.is_not(None),
               LedgerTransaction.kind.in_(("settle", "refund")))))


def test_spend_agrees_with_the_ledger_to_the_penny(known_spend):
    found = spend_view.spend(PERIOD)
    assert found.total.pence == _ledger_spent() == 3_000 + 2_000 + 0 + 6_000
    assert found.total.people == 6  # Cal's refunded order still has Cal behind it
    assert {k: m.pence for k, m in found.by_category.items()} == {
        "peer-support": 3_000, "arts": 8_000, "personal-assistance": 0}
    # Ann and the pool live in Salford; Ben gave no home, so the arts service's Bolton.
    assert {k: m.pence for k, m in found.by_area.items()} == {
        "salford": 9_000, "bolton": 2_000, "manchester": 0}
    assert {k: m.pence for k, m in found.by_route.items()} == {
        "managed": 3_000, "direct": 2_000, "pooled": 6_000}
    assert {k: m.pence for k, m in found.by_month.items()} == {"2026-11": 11_000}
    assert found.months == ["2026-11"]
    assert found.user_led.pence == 3_000 and found.user_led.people == 1
    # Bolton Arts has 8 staff (micro), Salford Arts 3 (micro), Big Care 9 (not).
    assert found.micro.pence == 8_000 and found.micro.people == 4
    assert sum(m.pence for m in found.by_stream.values()) == 11_000


@pytest.mark.app_config(DISCLOSURE_MIN_COUNT=2)
def test_people_below_the_threshold_are_counted_exactly_whatever_the_buckets(
        known_spend, monkeypatch):
    """On PostgreSQL a figure whose holders fill 2 (the threshold here) of the 63 buckets has
    at least 2 people; with every holder in one bucket no figure is proved, and every one is
    counted exactly instead: the same people, figure by figure."""
    proved = spend_view.spend(PERIOD)
    assert proved.total.people == 6 and proved.micro.people == 4
    monkeypatch.setattr(spend_view, "BUCKETS", 1)
    counted = spend_view.spend(PERIOD)
    assert counted == proved
    assert counted.user_led.people == 1 and counted.by_route["direct"].people == 1


def test_budgets_direct_payment_share_average_used_and_pools(known_spend):
    budgets = spend_view.budgets_in_period(PERIOD)
    assert (budgets.people, budgets.direct_payment_people) == (6, 1)
    # Ann 3,000/40,000, Ben 2,000/10,000, Cal 0, Di, Ed, Flo 2,000/20,000 each.
    assert budgets.used_people == 6
    assert budgets.used_sum == pytest.approx(0.075 + 0.2 + 0.0 + 0.1 + 0.1 + 0.1)
    funded, expired = spend_view.pools(PERIOD)
    assert (funded.count, funded.value.pence, funded.value.people) == (1, 6_000, 3)
    assert (expired.count, expired.value.pence) == (0, 0)


def test_filters_narrow_spend_by_category_and_area(known_spend):
    arts = spend_view.spend(MarketQuery(PERIOD.since, PERIOD.until, category="arts"))
    assert arts.total.pence == 8_000 and set(arts.by_category) == {"arts"}
    bolton = spend_view.spend(MarketQuery(PERIOD.since, PERIOD.until, authority="bolton"))
    assert bolton.total.pence == 2_000
    before = spend_view.spend(MarketQuery(datetime(2026, 10, 1, tzinfo=timezone.utc),
                                          PERIOD.since))
    assert before.total.pence == 0


def test_shown_figures_hide_money_of_fewer_than_eight_people(known_spend):
    shown = shown_spend(spend_view.spend(PERIOD), spend_view.budgets_in_period(PERIOD),
                        spend_view.pools(PERIOD), Rule())
    assert shown.total.suppressed and str(shown.total) == "not shown"
    assert str(shown.people_with_budgets) == "fewer than 8"
    assert shown.direct_payment_share.suppressed and shown.average_used.suppressed
    # With the threshold at 1, money rounds to the nearest £100 and shares follow the shown.
    open_rule = Rule(min_count=1)
    shown = shown_spend(spend_view.spend(PERIOD), spend_view.budgets_in_period(PERIOD),
                        spend_view.pools(PERIOD), open_rule)
    assert shown.total.value == 10_000  # £110 shown as £100
    assert shown.micro.value == 10_000 and shown.micro_share.value == 100
    assert shown.direct_payment_share.value == 0  # 1 rounds to 0 of 5
    assert shown.average_used.value == 10  # the mean of 7.5%, 20%, 0, 10%, 10%, 10%


def test_a_commissioner_sees_the_page_and_csv_with_small_figures_hidden(
        client, logged_in_commissioner, known_spend):
    response = client.get("/commissioning/spend?start=2026-11-01&end=2026-11-20")
    assert response.status_code == 200
    page = text(response)
    assert "Spent in this period: not shown" in page
    assert "£110" not in page and "£30" not in page
    assert "England, 2023 to 2024 25.5%" in page
    assert "November 2026" in page and "Pooled" in page and "Direct payment" in page
    assert "<svg" in response.get_data(as_text=True)
    csv = client.get("/commissioning/spend.csv?start=2026-11-01&end=2026-11-20")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    body = csv.get_data(as_text=True)
    assert "Spent,All,Spent (GBP),not shown" in body and "110.00" not in body
    assert "spend-2026-11-01-to-2026-11-20.csv" in csv.headers["Content-Disposition"]


@pytest.mark.app_config(DISCLOSURE_MIN_COUNT=1)
def test_with_every_figure_shown_the_page_rounds_to_the_nearest_100_pounds(
        client, logged_in_commissioner, known_spend):
    page = text(client.get("/commissioning/spend?start=2026-11-01&end=2026-11-20"))
    assert "Spent in this period: £100" in page
    csv = client.get("/commissioning/spend.csv?start=2026-11-01&end=2026-11-20")
    assert "Spent by route,Pooled,Spent (GBP),100.00" in csv.get_data(as_text=True)


def test_bad_filters_are_explained(client, logged_in_commissioner, known_spend):
    response = client.get("/commissioning/spend?area=Narnia")
    assert response.status_code == 400 and "Error: Spend" in text(response)
    assert client.get("/commissioning/spend.csv?area=Narnia").status_code == 400


@pytest.mark.parametrize("role", ["holder", "provider", "supporter", "account_manager"])
def test_only_commissioners_reach_spend_and_equality(client, auth, role):
    assert auth.login(make_user(role).email).status_code == 302
    for url in URLS:
        assert client.get(url).status_code == 403, url


def test_anonymous_people_are_sent_to_log_in(client):
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_micro_provider_has_the_named_number_of_staff_or_fewer(app):
    assert vocabulary.MICRO_PROVIDER_MAX_STAFF == 8
    assert make_provider(staff_count=8).is_micro and not make_provider(staff_count=9).is_micro


def test_home_area_decides_the_area_of_spend(known_spend, figures_from):
    """Ben gave no home area, so his money is placed by the service's. Once a day is
    summarised its money stays where it was spent: moving home later moves only spending not
    summarised yet (today's, and all of it while the figures are worked out live)."""
    before = spend_view.spend(PERIOD).by_area
    home_area.set_home_area(known_spend["ben"], local_authority="wigan", postcode_district="",
                            interests=[])
    db.session.commit()
    after = spend_view.spend(PERIOD).by_area
    if figures_from == "live":
        assert after["wigan"].pence == 2_000
    else:
        assert "wigan" not in after and after == before


def test_a_lone_hidden_route_takes_the_next_smallest_with_it(known_spend):
    """Ben alone pays by direct payment: hidden with fewer than 2 people, and the total
    less the others would give him away, so the managed-account cell is hidden too."""
    shown = shown_spend(spend_view.spend(PERIOD), spend_view.budgets_in_period(PERIOD),
                        spend_view.pools(PERIOD), Rule(min_count=2, money_round_pence=1))
    by_route = {table.key: table for table in shown.tables}["route"]
    assert [(label, figure.value) for label, figure in by_route.rows] == [
        ("Direct payment", None), ("Managed account", None), ("Pooled", 6_000)]
    assert by_route.total.value == 11_000
