"""Reading a budget's money for the person it belongs to: the "My budget" cards, the statement
(every ledger movement touching the budget's two accounts). The direct-payment spending return
is in spending_return.py.

Invariants:
- Figures come only from the ledger (cached balances and lines); nothing here writes.
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

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.accounts.supporters import done_by_text
from marketplace.budgets import services as budget_services
from marketplace.budgets.csv_cells import csv_document, safe_text, signed_pounds
from marketplace.budgets.models import Budget, FundingStream, Instalment
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerAccount, LedgerLine, LedgerTransaction
from marketplace.money import pence_to_pounds_text
from marketplace.times import format_time, iso_date, london_day_bounds

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
                safe_text(row.description),
                pence_to_pounds_text(row.money_in_pence) if row.money_in_pence else "",
                pence_to_pounds_text(row.money_out_pence) if row.money_out_pence else "",
                signed_pounds(row.set_aside_change_pence) if row.set_aside_change_pence else "",
                signed_pounds(row.available_after_pence),
                safe_text(row.done_by),
            ]
        )
    return csv_document(lines)
