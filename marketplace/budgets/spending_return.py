"""The direct-payment spending return: the report a holder sends the council for chosen dates.

One meaning of "spent" (docs/spending-return.md): money paid from the direct payment to
providers, on the London day the ledger paid it to them (the order was confirmed, or a
dispute was settled for the provider), less refunds on the London day they came back; a
ledger correction counts as what it corrects. A card payment for an order not yet confirmed
is money set aside, not spent; if that order is called off the card is refunded and it never
counts.

Invariants:
- Every figure comes from one read of the budget's ledger lines in the dates
  (_period_transactions), grouped by transaction: allocations are the money in, settle and
  refund transactions (and corrections of them) are the payment rows, anything else is a
  correction. The headline, the category totals, the list, the CSV and the printout are sums
  of those same rows, so they cannot disagree, and the balance at the end is the balance at
  the start plus every line in between.
- The card payment records only add the receipt number and card to a row; they never decide
  what is counted or when.
- Amounts are int pence; CSV amounts are pounds as text (csv_cells). Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.budgets.csv_cells import csv_document, safe_text, signed_pounds
from marketplace.budgets.models import Budget
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerLine, LedgerTransaction
from marketplace.orders.models import Order
from marketplace.payments.models import CardPayment
from marketplace.providers.models import Provider, Service
from marketplace.times import london_date, london_day_bounds
from marketplace.vocabulary import CATEGORIES, label

#: Ledger kinds that are spending: paid to a provider, or paid back by one.
SPENDING_KINDS = {"settle": "Payment", "refund": "Refund"}


class NotADirectPayment(NotFound):
    pass


@dataclass(frozen=True)
class ReturnPayment:
    #: The London day the ledger moved the money.
    paid_on: date
    #: "Payment", "Refund" or "Correction".
    kind: str
    service_title: str
    provider_name: str
    category: str
    #: Plain English, "Other" for a row without an order (the app makes none today).
    category_label: str
    receipt_number: str
    card_last4: str
    #: Spent: positive paid to the provider, negative back to the budget.
    amount_pence: int
    order_id: int | None
    transaction_id: int


@dataclass(frozen=True)
class SpendingReturn:
    budget: Budget
    start: date
    end: date
    balance_at_start_pence: int
    #: (London day, description, pence) of each instalment paid in.
    instalments: list[tuple[date, str, int]]
    #: Corrections that are neither money in nor spending (normally zero).
    other_pence: int
    #: Money set aside at the end for orders not yet confirmed (part of the end balance).
    set_aside_at_end_pence: int
    payments: list[ReturnPayment]

    @property
    def money_in_pence(self) -> int:
        return sum(amount for _, _, amount in self.instalments)

    @property
    def spent_pence(self) -> int:
        return sum(payment.amount_pence for payment in self.payments)

    @property
    def balance_at_end_pence(self) -> int:
        return (self.balance_at_start_pence + self.money_in_pence - self.spent_pence
                + self.other_pence)

    @property
    def totals_by_category(self) -> list[tuple[str, str, int]]:
        """(category value, plain-English label, pence spent), largest first."""
        totals: dict[tuple[str, str], int] = {}
        for payment in self.payments:
            key = (payment.category, payment.category_label)
            totals[key] = totals.get(key, 0) + payment.amount_pence
        return sorted(((value, text, total) for (value, text), total in totals.items()),
                      key=lambda item: (-item[2], item[1]))


def default_return_period(budget: Budget, today: date) -> tuple[date, date]:
    """The budget's period so far: from the start of the allocation to today (or its end)."""
    allocation = budget.allocation
    end = min(today, allocation.period_end - timedelta(days=1))
    return allocation.period_start, max(end, allocation.period_start)


def spending_return(budget: Budget, start: date, end: date) -> SpendingReturn:
    """The return for [start, end] (inclusive London days)."""
    if budget.route != "direct":
        raise NotADirectPayment(
            "Spending returns are only for direct payments. The organisation holding a managed "
            "account keeps these records for you."
        )
    start_at, end_at = london_day_bounds(start, end)
    instalments: list[tuple[date, str, int]] = []
    spending: list[tuple] = []
    other = 0
    for row in _period_transactions(budget.id, start_at, end_at):
        if row.counts_as == "allocation":
            instalments.append((london_date(row.created_at), row.description, int(row.amount)))
        elif row.counts_as in SPENDING_KINDS:
            spending.append(row)
        else:
            other += int(row.amount)
    reserved = ledger.budget_reserved_account(budget.id)
    return SpendingReturn(
        budget=budget,
        start=start,
        end=end,
        balance_at_start_pence=_lines_before(LedgerLine.budget_id == budget.id, start_at),
        instalments=instalments,
        other_pence=other,
        set_aside_at_end_pence=_lines_before(LedgerLine.account_id == reserved.id, end_at),
        payments=_payment_rows(spending),
    )


def _period_transactions(budget_id: int, start_at: datetime, end_at: datetime):
    """Each ledger transaction with lines on the budget in the dates, oldest first, with what
    it counts as (a reversal counts as what it reverses) and its net effect on the budget."""
    original = so.aliased(LedgerTransaction)
    counts_as = sa.func.coalesce(original.kind, LedgerTransaction.kind)
    return db.session.execute(
        sa.select(
            LedgerTransaction.id,
            LedgerTransaction.kind,
            counts_as.label("counts_as"),
            LedgerTransaction.order_id,
            LedgerTransaction.description,
            LedgerTransaction.created_at,
            sa.func.sum(LedgerLine.amount_pence).label("amount"),
        )
        .join(LedgerTransaction, LedgerTransaction.id == LedgerLine.transaction_id)
        .outerjoin(original, original.id == LedgerTransaction.reverses_id)
        .where(
            LedgerLine.budget_id == budget_id,
            LedgerLine.created_at >= start_at,
            LedgerLine.created_at < end_at,
        )
        .group_by(LedgerTransaction.id, LedgerTransaction.kind, counts_as,
                  LedgerTransaction.order_id, LedgerTransaction.description,
                  LedgerTransaction.created_at)
        .order_by(LedgerTransaction.id)
    ).all()


def _lines_before(which, moment: datetime) -> int:
    return int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerLine.amount_pence), 0))
        .where(which, LedgerLine.created_at < moment)
    ))


def _payment_rows(spending: list) -> list[ReturnPayment]:
    """A row per spending transaction, with its order's service, provider and card receipt."""
    order_ids = {row.order_id for row in spending if row.order_id is not None}
    orders = {
        order_id: (title, provider, category)
        for order_id, title, provider, category in db.session.execute(
            sa.select(Order.id, Order.service_title, Provider.name, Service.category)
            .join(Provider, Provider.id == Order.provider_id)
            .join(Service, Service.id == Order.service_id)
            .where(Order.id.in_(order_ids))
        )
    } if order_ids else {}
    receipts = {
        order_id: (receipt or "", last4 or "")
        for order_id, receipt, last4 in db.session.execute(
            sa.select(CardPayment.order_id, CardPayment.receipt_number, CardPayment.card_last4)
            .where(CardPayment.order_id.in_(order_ids), CardPayment.status == "succeeded")
        )
    } if order_ids else {}
    rows = []
    for row in spending:
        title, provider, category = orders.get(row.order_id, (row.description, "", ""))
        receipt, last4 = receipts.get(row.order_id, ("", ""))
        rows.append(ReturnPayment(
            paid_on=london_date(row.created_at),
            kind="Correction" if row.kind == "reversal" else SPENDING_KINDS[row.kind],
            service_title=title,
            provider_name=provider,
            category=category,
            category_label=label(CATEGORIES, category) if category else "Other",
            receipt_number=receipt,
            card_last4=last4,
            # The budget's lines fall by what it spent: a payment is -amount, a refund +amount.
            amount_pence=-int(row.amount),
            order_id=row.order_id,
            transaction_id=row.id,
        ))
    return rows


RETURN_CSV_HEADER = [
    "Line",
    "Date",
    "Service",
    "Provider",
    "Category",
    "Receipt number",
    "Card ending",
    "Amount (GBP)",
]


def spending_return_csv(report: SpendingReturn) -> str:
    """One table a council can read: balances, money in, each payment, category totals."""
    def summary(line: str, day: date | None, pence: int, category: str = "") -> list[str]:
        return [line, day.isoformat() if day else "", "", "", category, "", "",
                signed_pounds(pence)]

    lines = [RETURN_CSV_HEADER, summary("Balance at start", report.start,
                                        report.balance_at_start_pence)]
    for paid_on, description, amount in report.instalments:
        lines.append(["Money in", paid_on.isoformat(), safe_text(description), "", "", "", "",
                      signed_pounds(amount)])
    for payment in report.payments:
        lines.append([
            payment.kind,
            payment.paid_on.isoformat(),
            safe_text(payment.service_title),
            safe_text(payment.provider_name),
            payment.category_label,
            safe_text(payment.receipt_number),
            payment.card_last4,
            signed_pounds(payment.amount_pence),
        ])
    for _, category, total in report.totals_by_category:
        lines.append(summary("Total for category", None, total, category))
    lines.append(summary("Total spent (less refunds)", None, report.spent_pence))
    if report.other_pence:
        lines.append(summary("Corrections", None, report.other_pence))
    lines.append(summary("Balance at end", report.end, report.balance_at_end_pence))
    lines.append(summary("Of which set aside for orders not yet confirmed", report.end,
                         report.set_aside_at_end_pence))
    return csv_document(lines)
