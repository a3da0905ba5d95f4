"""The direct-payment spending return: money in, each card payment with its receipt, totals by
category and the balance at the start and end of the chosen dates."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import sqlalchemy as sa

from marketplace.budgets import spending_return as returns
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerTransaction
from marketplace.times import UTC
from tests.budgets.helpers import (
    allocate,
    backdate,
    card_order,
    card_refund,
    login,
    refund,
)
from tests.factories import make_provider, make_service


def utc(*fields) -> datetime:
    return datetime(*fields, tzinfo=UTC)


def paid_by_card(budget, service, amount, when, receipt):
    return card_order(budget, service=service, amount=amount, receipt=receipt, paid_at=when)


def setup_return(holder):
    """Instalments on 1 and 29 April; card payments on 1, 5 and 20 April and 2 May; a refund
    on 3 May."""
    budget = allocate(holder, today=date(2026, 4, 29))[0]  # two instalments of 37.15
    for instalment, when in zip(
        budget.instalments[:2], [utc(2026, 4, 1, 6), utc(2026, 4, 29, 6)]
    ):
        backdate(db.session.get(LedgerTransaction, instalment.transaction_id), when)
    arts = make_service(
        make_provider(name="Salford Arts"), title="Photography walks", category="arts"
    )
    gym = make_service(
        make_provider(name="Eccles Gym"), title="Gym membership", category="sport-fitness"
    )
    paid_by_card(budget, arts, 1200, utc(2026, 4, 1, 12), "R-BEFORE")
    arts_order, arts_payment = paid_by_card(budget, arts, 1250, utc(2026, 4, 5, 10), "R-100")
    paid_by_card(budget, arts, 800, utc(2026, 4, 20, 10), "R-101")
    paid_by_card(budget, gym, 2000, utc(2026, 5, 2, 9), "R-102")
    # Part of an order back: the app refunds whole orders today, but the return counts
    # whatever the ledger moved.
    card_refund(arts_payment, 250, utc(2026, 5, 3, 9))
    backdate(
        refund(budget, 250, arts.provider, "Refund: photography walk cancelled", order=arts_order),
        utc(2026, 5, 3, 9),
    )
    return budget


def test_spending_return_totals_by_category_and_balances(app, holder):
    budget = setup_return(holder)
    report = returns.spending_return(budget, date(2026, 4, 2), date(2026, 5, 31))
    assert report.totals_by_category == [
        ("sport-fitness", "Sport, fitness and outdoors", 2000),
        ("arts", "Arts and creative activities", 1250 + 800 - 250),
    ]
    assert [(p.kind, p.receipt_number, p.card_last4, p.amount_pence) for p in report.payments] == [
        ("Payment", "R-100", "4242", 1250),
        ("Payment", "R-101", "4242", 800),
        ("Payment", "R-102", "4242", 2000),
        ("Refund", "R-100", "4242", -250),
    ]
    assert report.money_in_pence == 3715  # 29 April; 1 April's came before these dates
    assert report.balance_at_start_pence == 3715 - 1200
    assert report.spent_pence == 3800
    assert report.balance_at_end_pence == 3715 - 1200 + 3715 - 3800
    # and the end balance is what the budget holds today
    balances = ledger.budget_balances(budget.id)
    assert report.balance_at_end_pence == balances.available_pence + balances.committed_pence


def test_balance_at_start_and_end_come_from_the_ledger(app, holder):
    budget = setup_return(holder)
    # Before 5 April: first instalment in, 12.00 spent on 31 March.
    report = returns.spending_return(budget, date(2026, 4, 5), date(2026, 4, 30))
    assert report.balance_at_start_pence == 3715 - 1200
    assert report.money_in_pence == 3715  # the instalment of 29 April
    assert report.spent_pence == 1250 + 800
    assert report.balance_at_end_pence == 3715 - 1200 + 3715 - 2050
    assert [p.receipt_number for p in report.payments] == ["R-100", "R-101"]


def test_spending_return_page_and_csv(client, holder):
    budget = setup_return(holder)
    login(client, holder)
    response = client.get(f"/budget/{budget.id}/spending-return?start=2026-04-02&end=2026-05-31")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "A <strong>spending return</strong> is the report the council asks" in html
    assert "R-100" in html and "R-101" in html and "R-102" in html
    assert "R-BEFORE" not in html
    assert "ending 4242" in html and "Salford Arts" in html and "Photography walks" in html
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Arts and creative activities £18.00" in text
    assert "Sport, fitness and outdoors £20.00" in text
    assert "All categories £38.00" in text

    response = client.get(
        f"/budget/{budget.id}/spending-return.csv?start=2026-04-02&end=2026-05-31"
    )
    assert response.status_code == 200
    assert (
        "spending-return-budget-%d-2026-04-02-to-2026-05-31.csv" % budget.id
        in response.headers["Content-Disposition"]
    )
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert lines[0] == returns.RETURN_CSV_HEADER
    kinds = [line[0] for line in lines[1:]]
    assert kinds == [
        "Balance at start",
        "Money in",
        "Payment",
        "Payment",
        "Payment",
        "Refund",
        "Total for category",
        "Total for category",
        "Total spent (less refunds)",
        "Balance at end",
        "Of which set aside for orders not yet confirmed",
    ]
    assert lines[1] == ["Balance at start", "2026-04-02", "", "", "", "", "", "25.15"]
    assert lines[3] == [
        "Payment",
        "2026-04-05",
        "Photography walks",
        "Salford Arts",
        "Arts and creative activities",
        "R-100",
        "4242",
        "12.50",
    ]
    assert lines[6][-1] == "-2.50"
    assert lines[8] == [
        "Total for category",
        "",
        "",
        "",
        "Arts and creative activities",
        "",
        "",
        "18.00",
    ]
    assert lines[9] == ["Total spent (less refunds)", "", "", "", "", "", "", "38.00"]
    assert lines[10] == ["Balance at end", "2026-05-31", "", "", "", "", "", "24.30"]


def test_the_default_period_is_the_budget_period_so_far(client, holder):
    budget = setup_return(holder)
    login(client, holder)
    html = client.get(f"/budget/{budget.id}/spending-return").get_data(as_text=True)
    # Day, month and year boxes, as the GOV.UK date pattern.
    for part, value in (("day", "1"), ("month", "4"), ("year", "2026")):
        assert f'name="start-{part}" type="text" inputmode="numeric" value="{value}"' in html
    assert "1 April 2026 to" in html


def test_managed_accounts_have_no_spending_return(client, holder):
    budget = allocate(holder, route="managed")[0]
    login(client, holder)
    response = client.get(f"/budget/{budget.id}/spending-return")
    assert response.status_code == 404
    assert "Spending returns are only for direct payments" in response.get_data(as_text=True)
    assert client.get(f"/budget/{budget.id}/spending-return.csv").status_code == 404


def test_a_corrected_payment_shows_as_a_correction_and_every_total_drops(client, clock, holder):
    budget = allocate(holder)[0]
    arts = make_service(make_provider(name="Salford Arts"), title="Photography walks",
                        category="arts")
    order, _ = card_order(budget, service=arts, amount=1250, receipt="R-200")
    settled = db.session.scalar(sa.select(LedgerTransaction).where(
        LedgerTransaction.order_id == order.id, LedgerTransaction.kind == "settle"))
    clock.set(utc(2026, 4, 20, 12))
    ledger.reverse_transaction(settled, "Correction: paid to the wrong provider")
    db.session.commit()
    login(client, holder)
    # Paid on 10 April, corrected on the 20th ("today"): both in the budget's period so far.
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(
        f"/budget/{budget.id}/spending-return").get_data(as_text=True)))
    assert "Photography walks Salford Arts Arts and creative activities R-200 ending 4242 £12.50" in text
    assert "Photography walks (correction) Salford Arts" in text and "-£12.50" in text
    assert "Spent, less refunds £0.00" in text
    assert "Arts and creative activities £0.00" in text and "All categories £0.00" in text
