"""Statement and spending-return periods are London days: what happens at 00:30 on 1 April in
a British summer belongs to April, and the night the clocks go back is counted once."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from marketplace.times import UTC, utcnow
from tests.budgets.helpers import allocate, card_order, login, reserve
from tests.factories import make_service, make_user
from tests.orders.pages import text
from tests.times.helpers import csv_rows, london, utc

GOOD_CARD = {"card_number": "4242 4242 4242 4242", "expiry_month": "12", "expiry_year": "2030",
             "cvc": "123"}


@pytest.fixture
def holder(app):
    return make_user("holder", name="Priya Shah")


def direct_budget(clock, holder, start: date, total: int = 52_000):
    """A direct payment for a year from `start`; the first instalment is paid that morning."""
    clock.set(utc(start.year, start.month, start.day, 9, 0))
    return allocate(holder, route="direct", start=start, end=start.replace(year=start.year + 1),
                    total=total, today=start)[0]


def test_an_order_placed_at_half_past_midnight_on_1_april_is_in_april(
    client, clock, holder, stripe_app
):
    budget = direct_budget(clock, holder, date(2026, 3, 1))
    service = make_service(price_pence=2_500, title="Art group")
    db.session.commit()
    # 00:30 on 1 April in London is 23:30 on 31 March in UTC (British Summer Time).
    clock.set(utc(2026, 3, 31, 23, 30))
    order = orders.place_order(holder, holder.id, OrderRequest(budget.id, service.id, 1))
    db.session.commit()
    login(client, holder)
    paid = client.post(f"/orders/{order.id}/pay", data=GOOD_CARD)
    assert paid.status_code == 302, paid.get_data(as_text=True)
    # Spent on the spending return once the provider is paid: confirmed, still at 00:30.
    for actor, action in ((service.provider.owner, "accept"), (service.provider.owner, "deliver"),
                          (holder, "confirm")):
        orders.act_on_order(actor, order.id, action)
    db.session.commit()

    april, march = "start=2026-04-01&end=2026-04-30", "start=2026-03-01&end=2026-03-31"
    statement = text(client.get(f"/budget/{budget.id}/statement?{april}"))
    assert f"1 April 2026, 00:30 Set aside for order {order.id}: Art group" in statement
    assert f"order {order.id}" not in text(client.get(f"/budget/{budget.id}/statement?{march}"))

    [row] = [r for r in csv_rows(client.get(f"/budget/{budget.id}/statement.csv?{april}"))
             if f"order {order.id}" in r["What happened"]]
    assert (row["Date"], row["Time (UK)"], row["Money out (GBP)"]) == ("2026-04-01", "00:30",
                                                                       "25.00")
    assert not [r for r in csv_rows(client.get(f"/budget/{budget.id}/statement.csv?{march}"))
                if f"order {order.id}" in r["What happened"]]

    spending = text(client.get(f"/budget/{budget.id}/spending-return?{april}"))
    assert "1 April 2026 Art group" in spending and "ending 4242" in spending
    assert "Nothing was paid to providers in these dates" in text(
        client.get(f"/budget/{budget.id}/spending-return?{march}"))
    [payment] = [r for r in csv_rows(client.get(f"/budget/{budget.id}/spending-return.csv?{april}"))
                 if r["Line"] == "Payment"]
    assert (payment["Date"], payment["Service"], payment["Amount (GBP)"]) == (
        "2026-04-01", "Art group", "25.00")
    assert not [r for r in csv_rows(client.get(f"/budget/{budget.id}/spending-return.csv?{march}"))
                if r["Line"] == "Payment"]


def test_the_night_the_clocks_go_back_counts_every_line_once(client, clock, holder):
    """On Sunday 25 October 2026 London runs 01:00-02:00 twice, so that day has 25 hours.
    Something happens on every hour from 00:00 London on 24 October to 23:00 on the 26th."""
    budget = direct_budget(clock, holder, date(2026, 10, 1), total=520_000)
    service = make_service(price_pence=100, title="Hourly support")
    # Counted in UTC: adding an hour to a London wall time would skip the repeated hour.
    moment, hours = london(2026, 10, 24, 0, 0).astimezone(UTC), []
    while moment < london(2026, 10, 27, 0, 0):
        clock.set(moment)
        card_order(budget, service=service, amount=100, receipt=f"H-{len(hours)}",
                   paid_at=utcnow())
        reserve(budget, 100, f"Hour {len(hours)}")
        hours.append(moment)
        moment += timedelta(hours=1)  # 60 real minutes, across the change too
    assert len(hours) == 24 + 25 + 24
    login(client, holder)

    def statement(start: str, end: str) -> list[str]:
        rows = csv_rows(client.get(f"/budget/{budget.id}/statement.csv?start={start}&end={end}"))
        return [row["What happened"] for row in rows if row["What happened"].startswith("Hour")]

    def receipts(start: str, end: str) -> list[str]:
        rows = csv_rows(
            client.get(f"/budget/{budget.id}/spending-return.csv?start={start}&end={end}"))
        return [row["Receipt number"] for row in rows if row["Line"] == "Payment"]

    for lines in (statement, receipts):
        days = [lines(day, day) for day in ("2026-10-24", "2026-10-25", "2026-10-26")]
        assert [len(day) for day in days] == [24, 25, 24]
        every = lines("2026-10-24", "2026-10-26")
        assert len(every) == len(set(every)) == 73
        assert sorted(every) == sorted(line for day in days for line in day)

    # The statement shows both 01:00s, in the order they happened (printable: all on one page,
    # as each hour has the card order's two lines too).
    page = text(client.get(f"/budget/{budget.id}/statement/print?start=2026-10-25&end=2026-10-25"))
    assert page.count("25 October 2026, 01:00 Hour") == 2
    assert page.index("25 October 2026, 01:00 Hour 26") < page.index(
        "25 October 2026, 01:00 Hour 25")  # newest first
