"""Reading a budget's money for the person it belongs to: the "My budget" cards, the statement
(every ledger movement touching the budget's two accounts) and the direct-payment spending
return.

Invariants:
- Figures come only from the ledger (cached balances and lines) and the card payment records;
  nothing here writes.
- Amounts are int pence. CSV amounts are pounds as text ("12.50") made by money.py, never floats.
- A statement row is one ledger transaction. "Money in" and "Money out" are the change in the
  budget's *available* account, so the running "available after" column always equals the
  previous row's plus money in minus money out; "set aside" is the change in the reserved
  (committed) account.
- Statements read ledger_lines by (budget_id, id) or (account_id, id) index ranges only, newest
  first with a keyset cursor, so a page costs the same at a million lines as at ten. A page
  for a period reads the (budget_id, created_at, id, transaction_id) range of that period (each line carries
  its transaction's moment), so a month long ago costs that month's lines, not every line
  since.
- Access is checked by budget_for() through accounts.consent; every refusal is a NotFound.
- Periods are London days (times.london_day_bounds): [start 00:00 London, the day after end
  00:00 London), so a moment belongs to exactly one day, 25-hour days included; dates and times
  shown or written to CSV are London's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.accounts.supporters import done_by_text
from marketplace.budgets import services as budget_services
from marketplace.budgets.models import Budget, FundingStream, Instalment
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerAccount, LedgerLine, LedgerTransaction
from marketplace.money import pence_to_pounds_text
from marketplace.orders.models import Order
from marketplace.payments.models import CardPayment, CardRefund
from marketplace.providers.models import Provider, Service
from marketplace.times import format_time, iso_date, london_date, london_day_bounds
from marketplace.vocabulary import CATEGORIES, label

PAGE_SIZE = 50
#: The printable statement shows at most this many rows; the CSV has them all.
PRINT_LIMIT = 2000

# ---------------------------------------------------------------- access


def budget_for(
    user: User, budget_id: int, *, holder_id: int | None = None, scope: str = "view"
) -> Budget:
    """The budget if `user` may act for its holder with `scope`, else NotFound.

    holder_id, when given (the /people/<holder_id>/ pages), must be the budget's holder too.
    """
    budget = db.session.get(Budget, budget_id)
    if budget is None or (holder_id is not None and budget.holder_id != holder_id):
        raise NotFound("We could not find that budget, or you do not have permission to see it.")
    consent.holder_for(user, budget.holder_id, scope)
    return budget


def route_label(budget: Budget) -> str:
    if budget.route == "managed" and budget.managed_by is not None:
        return f"Managed account held by {budget.managed_by.name}"
    return "Direct payment"


# ---------------------------------------------------------------- "My budget"


@dataclass(frozen=True)
class BudgetCard:
    budget: Budget
    route_label: str
    balances: ledger.BudgetBalances
    next_instalment: Instalment | None
    #: The period's last day (the allocation's period_end is the first day after it).
    period_last_day: date


@dataclass(frozen=True)
class StreamGroup:
    stream: FundingStream
    cards: list[BudgetCard]


def budget_cards(holder: User) -> list[StreamGroup]:
    """Every budget of the holder with its ledger figures, grouped by funding stream (by name),
    direct payment before managed account within a stream."""
    budgets = db.session.scalars(
        sa.select(Budget)
        .join(FundingStream, FundingStream.id == Budget.stream_id)
        .where(Budget.holder_id == holder.id)
        .order_by(FundingStream.name, Budget.route, Budget.id)
        .options(
            so.selectinload(Budget.stream),
            so.selectinload(Budget.managed_by),
            so.selectinload(Budget.allocation),
        )
    ).all()
    groups: list[StreamGroup] = []
    for budget in budgets:
        card = BudgetCard(
            budget=budget,
            route_label=route_label(budget),
            balances=ledger.budget_balances(budget.id),
            next_instalment=budget_services.next_instalment(budget),
            period_last_day=budget.allocation.period_end - timedelta(days=1),
        )
        if groups and groups[-1].stream.id == budget.stream_id:
            groups[-1].cards.append(card)
        else:
            groups.append(StreamGroup(stream=budget.stream, cards=[card]))
    return groups


# ---------------------------------------------------------------- statement


@dataclass(frozen=True)
class StatementRow:
    transaction_id: int
    happened_at: datetime
    description: str
    money_in_pence: int
    money_out_pence: int
    #: Change in money set aside for orders not yet paid (positive: more set aside).
    set_aside_change_pence: int
    available_after_pence: int
    done_by: str


@dataclass(frozen=True)
class StatementPage:
    rows: list[StatementRow]
    #: Pass as `before` to get the next (older) page; None on the last page.
    next_before: int | None


def _day_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """Inclusive London dates as a half-open range of aware UTC moments:
    [start 00:00 London, day after end 00:00 London)."""
    return london_day_bounds(start, end)


def _page_keys(
    budget_id: int, before: int | None, start_at, end_at, wanted: int
) -> list[tuple[int, int]]:
    """(transaction_id, newest line id) of up to `wanted` transactions, newest first, walking the
    (budget_id, id) index backwards from `before` in small batches; for a period, within the
    (budget_id, created_at, id, transaction_id) range of the period."""
    keys: dict[int, int] = {}
    cursor = before
    batch = wanted * 2 + 2  # a transaction has one or two lines on a budget's accounts
    while len(keys) < wanted:
        query = sa.select(LedgerLine.id, LedgerLine.transaction_id).where(
            LedgerLine.budget_id == budget_id
        )
        if cursor is not None:
            query = query.where(LedgerLine.id < cursor)
        if start_at is None and end_at is None:
            query = query.order_by(LedgerLine.id.desc()).limit(batch)
        else:
            if start_at is not None:
                query = query.where(LedgerLine.created_at >= start_at)
            if end_at is not None:
                query = query.where(LedgerLine.created_at < end_at)
            # MATERIALIZED: read the period's (budget_id, created_at, id, transaction_id) index
            # range first, then take the newest. Left to itself, the planner walks the
            # (budget_id, id) index back from today, testing every newer line's date.
            period = query.cte("period_lines").prefix_with("MATERIALIZED")
            query = (sa.select(period.c.id, period.c.transaction_id)
                     .order_by(period.c.id.desc()).limit(batch))
        rows = db.session.execute(query).all()
        for line_id, transaction_id in rows:
            keys.setdefault(transaction_id, line_id)
        if len(rows) < batch:
            break
        cursor = rows[-1][0]
    return list(keys.items())[:wanted]


def _available_after(account_id: int, line_id: int) -> int:
    """The available balance just after line `line_id`: the sum of the account's lines up to
    it, or today's balance less every later line - whichever side is shorter to add up (deep
    pages of a long statement would otherwise sum almost every line). Each is one statement,
    so its numbers come from one snapshot."""
    lowest, highest = db.session.execute(
        sa.select(sa.func.min(LedgerLine.id), sa.func.max(LedgerLine.id)).where(
            LedgerLine.account_id == account_id
        )
    ).one()
    lines = sa.func.coalesce(sa.func.sum(LedgerLine.amount_pence), 0)
    if lowest is not None and line_id - lowest < highest - line_id:
        return int(db.session.scalar(
            sa.select(lines).where(LedgerLine.account_id == account_id, LedgerLine.id <= line_id)
        ))
    later = (
        sa.select(lines)
        .where(LedgerLine.account_id == account_id, LedgerLine.id > line_id)
        .scalar_subquery()
    )
    return int(db.session.scalar(
        sa.select(LedgerAccount.balance_pence - later).where(LedgerAccount.id == account_id)
    ))


def _people(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


def statement_page(
    budget: Budget,
    *,
    before: int | None = None,
    start: date | None = None,
    end: date | None = None,
    page_size: int = PAGE_SIZE,
) -> StatementPage:
    """One page of the statement, newest first, optionally within a date range (inclusive)."""
    start_at, end_at = _day_bounds(start, end)
    keys = _page_keys(budget.id, before, start_at, end_at, page_size + 1)
    has_more = len(keys) > page_size
    keys = keys[:page_size]
    if not keys:
        return StatementPage(rows=[], next_before=None)
    transaction_ids = [transaction_id for transaction_id, _ in keys]
    available = ledger.budget_available_account(budget.id)
    lines = db.session.execute(
        sa.select(
            LedgerLine.transaction_id, LedgerLine.id, LedgerLine.account_id, LedgerLine.amount_pence
        ).where(LedgerLine.budget_id == budget.id, LedgerLine.transaction_id.in_(transaction_ids))
    ).all()
    available_delta: dict[int, int] = {}
    reserved_delta: dict[int, int] = {}
    newest_line: dict[int, int] = {}
    oldest_line: dict[int, int] = {}
    for transaction_id, line_id, account_id, amount in lines:
        target = available_delta if account_id == available.id else reserved_delta
        target[transaction_id] = target.get(transaction_id, 0) + amount
        newest_line[transaction_id] = max(newest_line.get(transaction_id, line_id), line_id)
        oldest_line[transaction_id] = min(oldest_line.get(transaction_id, line_id), line_id)
    # A transaction whose lines straddle the cursor was already shown on the newer page.
    if before is not None:
        keys = [(tid, line) for tid, line in keys if newest_line[tid] < before]
        if not keys:
            return StatementPage(rows=[], next_before=None)
    transactions = {
        t.id: t
        for t in db.session.scalars(
            sa.select(LedgerTransaction).where(LedgerTransaction.id.in_(transaction_ids))
        )
    }
    people = _people(
        {t.actor_id for t in transactions.values() if t.actor_id}
        | {t.on_behalf_of_id for t in transactions.values() if t.on_behalf_of_id}
    )
    running = _available_after(available.id, keys[0][1])
    rows: list[StatementRow] = []
    for transaction_id, _ in keys:
        transaction = transactions[transaction_id]
        delta = available_delta.get(transaction_id, 0)
        rows.append(
            StatementRow(
                transaction_id=transaction_id,
                happened_at=transaction.created_at,
                description=transaction.description,
                money_in_pence=max(delta, 0),
                money_out_pence=max(-delta, 0),
                set_aside_change_pence=reserved_delta.get(transaction_id, 0),
                available_after_pence=running,
                done_by=done_by_text(
                    people.get(transaction.actor_id), people.get(transaction.on_behalf_of_id)
                ),
            )
        )
        running -= delta
    # The next page starts below every line of the last row shown, so it never reappears.
    return StatementPage(rows=rows, next_before=oldest_line[keys[-1][0]] if has_more else None)


def all_statement_rows(
    budget: Budget, *, start: date | None = None, end: date | None = None, limit: int | None = None
) -> tuple[list[StatementRow], bool]:
    """Every row in the range, newest first (at most `limit`), and whether rows were left out."""
    rows: list[StatementRow] = []
    before = None
    while True:
        page = statement_page(budget, before=before, start=start, end=end, page_size=500)
        rows.extend(page.rows)
        if limit is not None and len(rows) > limit:
            return rows[:limit], True
        if page.next_before is None:
            return rows, False
        before = page.next_before


def _signed_pounds(pence: int) -> str:
    return ("-" if pence < 0 else "") + pence_to_pounds_text(abs(pence))


def _csv_text(value: str) -> str:
    """Stop a spreadsheet from running text as a formula (descriptions name services)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


STATEMENT_CSV_HEADER = [
    "Date",
    "Time (UK)",
    "What happened",
    "Money in (GBP)",
    "Money out (GBP)",
    "Change in money set aside (GBP)",
    "Available after (GBP)",
    "Who did it",
]


def statement_csv(rows: list[StatementRow]) -> str:
    lines = [STATEMENT_CSV_HEADER]
    for row in rows:
        lines.append(
            [
                iso_date(row.happened_at),
                format_time(row.happened_at),
                _csv_text(row.description),
                pence_to_pounds_text(row.money_in_pence) if row.money_in_pence else "",
                pence_to_pounds_text(row.money_out_pence) if row.money_out_pence else "",
                _signed_pounds(row.set_aside_change_pence) if row.set_aside_change_pence else "",
                _signed_pounds(row.available_after_pence),
                _csv_text(row.done_by),
            ]
        )
    return _csv(lines)


# ---------------------------------------------------------------- spending return


@dataclass(frozen=True)
class ReturnPayment:
    paid_on: date
    #: "Card payment" or "Refund".
    kind: str
    service_title: str
    provider_name: str
    category: str
    receipt_number: str
    card_last4: str
    #: Negative for a refund.
    amount_pence: int
    order_id: int


@dataclass(frozen=True)
class SpendingReturn:
    budget: Budget
    start: date
    end: date
    balance_at_start_pence: int
    instalments: list[tuple[date, str, int]]
    money_in_pence: int
    #: What left the budget for providers in the period by the ledger, less refunds.
    spent_pence: int
    #: Corrections that are neither money in nor spending (normally zero).
    other_pence: int
    balance_at_end_pence: int
    payments: list[ReturnPayment]
    #: (category value, plain-English label, net total pence), largest first.
    totals_by_category: list[tuple[str, str, int]]
    card_total_pence: int


class NotADirectPayment(NotFound):
    pass


def default_return_period(budget: Budget, today: date) -> tuple[date, date]:
    """The budget's period so far: from the start of the allocation to today (or its end)."""
    allocation = budget.allocation
    end = min(today, allocation.period_end - timedelta(days=1))
    return allocation.period_start, max(end, allocation.period_start)


def _budget_total_before(budget_id: int, moment: datetime) -> int:
    """Money in the budget (available plus set aside) just before `moment`."""
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(LedgerLine.amount_pence), 0))
            .where(LedgerLine.budget_id == budget_id, LedgerLine.created_at < moment)
        )
    )


def spending_return(budget: Budget, start: date, end: date) -> SpendingReturn:
    """The return a direct-payment holder sends to the council for [start, end] (inclusive)."""
    if budget.route != "direct":
        raise NotADirectPayment(
            "Spending returns are only for direct payments. The organisation holding a managed "
            "account keeps these records for you."
        )
    start_at, end_at = _day_bounds(start, end)
    original = so.aliased(LedgerTransaction)
    kind = sa.func.coalesce(
        original.kind, LedgerTransaction.kind
    )  # a reversal counts as its original
    movements = db.session.execute(
        sa.select(kind, sa.func.sum(LedgerLine.amount_pence))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerLine.transaction_id)
        .outerjoin(original, original.id == LedgerTransaction.reverses_id)
        .where(
            LedgerLine.budget_id == budget.id,
            LedgerLine.created_at >= start_at,
            LedgerLine.created_at < end_at,
        )
        .group_by(kind)
    ).all()
    money_in = spent = other = 0
    for row_kind, total in movements:
        total = int(total or 0)
        if row_kind == "allocation":
            money_in += total
        elif row_kind in ("settle", "refund"):
            spent -= total
        else:
            other += total
    instalments = [
        (london_date(created_at), description, int(amount))
        for created_at, description, amount in db.session.execute(
            sa.select(
                LedgerTransaction.created_at, LedgerTransaction.description, LedgerLine.amount_pence
            )
            .join(LedgerLine, LedgerLine.transaction_id == LedgerTransaction.id)
            .where(
                LedgerLine.budget_id == budget.id,
                LedgerTransaction.kind == "allocation",
                LedgerLine.created_at >= start_at,
                LedgerLine.created_at < end_at,
            )
            .order_by(LedgerTransaction.id)
        )
    ]
    payments = _card_payments(budget.id, start_at, end_at)
    totals: dict[str, int] = {}
    for payment in payments:
        totals[payment.category] = totals.get(payment.category, 0) + payment.amount_pence
    balance_at_start = _budget_total_before(budget.id, start_at)
    return SpendingReturn(
        budget=budget,
        start=start,
        end=end,
        balance_at_start_pence=balance_at_start,
        instalments=instalments,
        money_in_pence=money_in,
        spent_pence=spent,
        other_pence=other,
        balance_at_end_pence=balance_at_start + money_in - spent + other,
        payments=payments,
        totals_by_category=sorted(
            ((value, label(CATEGORIES, value), total) for value, total in totals.items()),
            key=lambda item: (-item[2], item[1]),
        ),
        card_total_pence=sum(payment.amount_pence for payment in payments),
    )


def _card_payments(budget_id: int, start_at: datetime, end_at: datetime) -> list[ReturnPayment]:
    paid_at = sa.func.coalesce(CardPayment.succeeded_at, CardPayment.created_at)
    columns = (
        Order.id,
        Order.service_title,
        Provider.name,
        Service.category,
        CardPayment.receipt_number,
        CardPayment.card_last4,
    )
    paid = db.session.execute(
        sa.select(paid_at, CardPayment.amount_pence, *columns)
        .join(Order, Order.id == CardPayment.order_id)
        .join(Provider, Provider.id == Order.provider_id)
        .join(Service, Service.id == Order.service_id)
        .where(
            Order.budget_id == budget_id,
            CardPayment.status == "succeeded",
            paid_at >= start_at,
            paid_at < end_at,
        )
    ).all()
    refunded = db.session.execute(
        sa.select(CardRefund.created_at, CardRefund.amount_pence, *columns)
        .join(CardPayment, CardPayment.id == CardRefund.card_payment_id)
        .join(Order, Order.id == CardPayment.order_id)
        .join(Provider, Provider.id == Order.provider_id)
        .join(Service, Service.id == Order.service_id)
        .where(
            Order.budget_id == budget_id,
            CardRefund.status == "succeeded",
            CardRefund.created_at >= start_at,
            CardRefund.created_at < end_at,
        )
    ).all()
    result = [
        ReturnPayment(
            paid_on=london_date(when),
            kind=kind,
            service_title=title,
            provider_name=provider,
            category=category,
            receipt_number=receipt or "",
            card_last4=last4 or "",
            amount_pence=sign * int(amount),
            order_id=order_id,
        )
        for kind, sign, rows in (("Card payment", 1, paid), ("Refund", -1, refunded))
        for when, amount, order_id, title, provider, category, receipt, last4 in rows
    ]
    return sorted(result, key=lambda payment: (payment.paid_on, payment.order_id, payment.kind))


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
    blank = ["", "", "", "", ""]
    lines = [RETURN_CSV_HEADER]
    lines.append(
        [
            "Balance at start",
            report.start.isoformat(),
            *blank,
            _signed_pounds(report.balance_at_start_pence),
        ]
    )
    for paid_on, description, amount in report.instalments:
        lines.append(
            [
                "Money in",
                paid_on.isoformat(),
                _csv_text(description),
                "",
                "",
                "",
                "",
                _signed_pounds(amount),
            ]
        )
    for payment in report.payments:
        lines.append(
            [
                payment.kind,
                payment.paid_on.isoformat(),
                _csv_text(payment.service_title),
                _csv_text(payment.provider_name),
                label(CATEGORIES, payment.category),
                _csv_text(payment.receipt_number),
                payment.card_last4,
                _signed_pounds(payment.amount_pence),
            ]
        )
    for _, category_label, total in report.totals_by_category:
        lines.append(
            ["Total for category", "", "", "", category_label, "", "", _signed_pounds(total)]
        )
    lines.append(["Total spent by card", "", *blank, _signed_pounds(report.card_total_pence)])
    lines.append(
        [
            "Balance at end",
            report.end.isoformat(),
            *blank,
            _signed_pounds(report.balance_at_end_pence),
        ]
    )
    return _csv(lines)
