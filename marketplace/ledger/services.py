"""Posting to the ledger. The only code that writes ledger rows.

Invariants kept here: every transaction has at least two lines, no zero line, and its lines sum
to zero; rows are only ever inserted; a guarded account's balance never goes below zero, even
under concurrent postings (see post_transaction). Callers commit.

Write order: the lines first, then the transaction row, under an id taken beforehand. The
database refuses a transaction row whose lines are missing or unbalanced (SQLite checks as the
row goes in, having no deferred triggers; PostgreSQL at commit) and a line added to a
transaction already written (migration 0003).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.errors import DomainError
from marketplace.times import utcnow
from marketplace.extensions import db
from marketplace.ledger.models import (
    GUARDED_KINDS,
    TRANSACTION_KINDS,
    LedgerAccount,
    LedgerLine,
    LedgerTransaction,
)


class UnbalancedTransaction(DomainError):
    """A programming error: lines that do not sum to zero are never written."""

    status = 500
    code = "unbalanced_transaction"


class InsufficientFunds(DomainError):
    status = 409
    code = "insufficient_funds"

    def __init__(self, account: LedgerAccount, message: str | None = None):
        super().__init__(message or "There is not enough left in this budget for that.")
        self.account = account


# ---------------------------------------------------------------- accounts


def budget_account_codes(budget_id: int) -> tuple[str, str]:
    return f"budget:{budget_id}:available", f"budget:{budget_id}:reserved"


def get_account(code: str, kind: str, **owner) -> LedgerAccount:
    """The account with this code, created if it does not exist yet (safe under races)."""
    account = db.session.scalar(sa.select(LedgerAccount).where(LedgerAccount.code == code))
    if account is not None:
        return account
    values = {"code": code, "kind": kind, "balance_pence": 0, **owner}
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    db.session.execute(
        insert(LedgerAccount).values(**values).on_conflict_do_nothing(index_elements=["code"])
    )
    return db.session.scalar(sa.select(LedgerAccount).where(LedgerAccount.code == code))


def funding_account(stream_id: int) -> LedgerAccount:
    return get_account(f"funding:{stream_id}", "funding", funding_stream_id=stream_id)


def budget_available_account(budget_id: int) -> LedgerAccount:
    return get_account(f"budget:{budget_id}:available", "budget_available", budget_id=budget_id)


def budget_reserved_account(budget_id: int) -> LedgerAccount:
    return get_account(f"budget:{budget_id}:reserved", "budget_reserved", budget_id=budget_id)


def provider_payable_account(provider_id: int) -> LedgerAccount:
    return get_account(
        f"provider:{provider_id}:payable", "provider_payable", provider_id=provider_id
    )


def provider_in_payout_account(provider_id: int) -> LedgerAccount:
    return get_account(
        f"provider:{provider_id}:in_payout", "provider_in_payout", provider_id=provider_id
    )


def payouts_paid_account() -> LedgerAccount:
    return get_account("payouts:paid", "payouts_paid")


# ---------------------------------------------------------------- posting


@dataclass(frozen=True)
class Leg:
    account: LedgerAccount
    amount_pence: int


def post_transaction(
    kind: str,
    description: str,
    legs: list[Leg],
    *,
    actor_id: int | None = None,
    on_behalf_of_id: int | None = None,
    order_id: int | None = None,
    payout_run_id: int | None = None,
    card_payment_id: int | None = None,
    reverses_id: int | None = None,
    idempotency_key: str | None = None,
    insufficient_message: str | None = None,
) -> LedgerTransaction:
    """Write one balanced transaction and move the cached balances with it.

    Balances move first, each by an atomic conditional UPDATE in account-id order (a fixed
    order, so concurrent postings cannot deadlock on PostgreSQL). The UPDATE takes the row lock
    and re-checks the guard against the committed balance, so two requests can never both spend
    the last pound. If a guard refuses, the balances already moved by this call are moved back
    and InsufficientFunds is raised: nothing of the posting remains.
    """
    if kind not in TRANSACTION_KINDS:
        raise ValueError(f"unknown transaction kind {kind!r}")
    if len(legs) < 2 or any(leg.amount_pence == 0 for leg in legs):
        raise UnbalancedTransaction("A transaction needs two or more non-zero lines.")
    if any(not isinstance(leg.amount_pence, int) or isinstance(leg.amount_pence, bool) for leg in legs):
        raise UnbalancedTransaction("Ledger amounts are whole pence.")
    if sum(leg.amount_pence for leg in legs) != 0:
        raise UnbalancedTransaction("A transaction's lines must sum to zero.")
    if idempotency_key:
        existing = db.session.scalar(
            sa.select(LedgerTransaction).where(LedgerTransaction.idempotency_key == idempotency_key)
        )
        if existing is not None:
            return existing

    by_account: dict[int, int] = {}
    accounts: dict[int, LedgerAccount] = {}
    for leg in legs:
        by_account[leg.account.id] = by_account.get(leg.account.id, 0) + leg.amount_pence
        accounts[leg.account.id] = leg.account
    moved: list[tuple[int, int]] = []
    table = LedgerAccount.__table__
    for account_id in sorted(by_account):
        delta = by_account[account_id]
        if delta == 0:
            continue
        account = accounts[account_id]
        statement = (
            sa.update(table)
            .where(table.c.id == account_id)
            .values(balance_pence=table.c.balance_pence + delta)
        )
        if account.kind in GUARDED_KINDS and delta < 0:
            statement = statement.where(table.c.balance_pence + delta >= 0)
        result = db.session.execute(statement, execution_options={"synchronize_session": False})
        if result.rowcount != 1:
            for undo_id, undo_delta in moved:
                db.session.execute(
                    sa.update(table)
                    .where(table.c.id == undo_id)
                    .values(balance_pence=table.c.balance_pence - undo_delta),
                    execution_options={"synchronize_session": False},
                )
            raise InsufficientFunds(account, insufficient_message)
        moved.append((account_id, delta))

    db.session.flush()  # whatever the transaction refers to (an order, a run) exists first
    transaction_id = _next_transaction_id()
    now = utcnow()
    db.session.execute(
        sa.insert(LedgerLine.__table__),
        [
            {
                "transaction_id": transaction_id,
                "account_id": leg.account.id,
                "amount_pence": leg.amount_pence,
                "budget_id": leg.account.budget_id,
                "created_at": now,
            }
            for leg in legs
        ],
    )
    db.session.execute(
        sa.insert(LedgerTransaction.__table__).values(
            id=transaction_id,
            kind=kind,
            description=description[:255],
            actor_id=actor_id,
            on_behalf_of_id=on_behalf_of_id,
            order_id=order_id,
            payout_run_id=payout_run_id,
            card_payment_id=card_payment_id,
            reverses_id=reverses_id,
            idempotency_key=idempotency_key,
            created_at=now,
        )
    )
    for account in accounts.values():
        db.session.expire(account, ["balance_pence"])
    return db.session.get(LedgerTransaction, transaction_id)


def _next_transaction_id() -> int:
    """The id the next transaction takes, before it is written (its lines go in first).

    PostgreSQL: the id sequence, as an insert would use it. SQLite: one more than the highest;
    safe because the balance UPDATEs above already hold SQLite's single write lock, so no
    other connection can write a transaction in between."""
    if db.session.get_bind().dialect.name == "postgresql":
        return db.session.scalar(
            sa.text("SELECT nextval(pg_get_serial_sequence('ledger_transactions', 'id'))")
        )
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(LedgerTransaction.id), 0) + 1)
    )


def move(
    kind: str,
    description: str,
    amount_pence: int,
    source: LedgerAccount,
    destination: LedgerAccount,
    **details,
) -> LedgerTransaction:
    """The common two-line transaction: amount_pence from source to destination."""
    if amount_pence <= 0:
        raise UnbalancedTransaction("A movement of money must be a positive number of pence.")
    return post_transaction(
        kind,
        description,
        [Leg(source, -amount_pence), Leg(destination, amount_pence)],
        **details,
    )


def reverse_transaction(
    original: LedgerTransaction, description: str, *, actor_id: int | None = None
) -> LedgerTransaction:
    """Post the exact opposite of a transaction. A transaction can be reversed only once."""
    legs = [Leg(line.account, -line.amount_pence) for line in original.lines]
    return post_transaction(
        "reversal",
        description,
        legs,
        actor_id=actor_id,
        order_id=original.order_id,
        payout_run_id=original.payout_run_id,
        card_payment_id=original.card_payment_id,
        reverses_id=original.id,
        idempotency_key=f"reversal-of-{original.id}",
    )


# ---------------------------------------------------------------- reading


def account_balance(account: LedgerAccount) -> int:
    return db.session.scalar(
        sa.select(LedgerAccount.balance_pence).where(LedgerAccount.id == account.id)
    )


@dataclass(frozen=True)
class BudgetBalances:
    allocated_pence: int
    spent_pence: int
    committed_pence: int
    available_pence: int


def budget_balances(budget_id: int) -> BudgetBalances:
    """allocated = spent + committed + available, read in O(instalments), not O(lines).

    Allocated is what the budget's instalments paid in: the lines on its available account of
    the instalments' own transactions (instalments.transaction_id) and of any reversal of them
    (reverses_id). Committed and available are the cached balances; spent is what is left of
    allocated. Exact while money enters a budget only by instalments (pay_due_instalments is
    the only code posting "allocation"); `flask check-ledger` recomputes every figure from the
    lines daily and reports any budget where the two ways disagree.
    """
    from marketplace.budgets.models import Instalment

    available = budget_available_account(budget_id)
    reserved = budget_reserved_account(budget_id)
    paid_in = list(db.session.scalars(sa.select(Instalment.transaction_id).where(
        Instalment.budget_id == budget_id, Instalment.transaction_id.is_not(None))))
    allocated = 0
    if paid_in:
        reversals = list(db.session.scalars(
            sa.select(LedgerTransaction.id).where(LedgerTransaction.reverses_id.in_(paid_in))))
        allocated = int(db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(LedgerLine.amount_pence), 0)).where(
                LedgerLine.transaction_id.in_(paid_in + reversals),
                LedgerLine.account_id == available.id)
        ))
    committed, free = account_balance(reserved), account_balance(available)
    return BudgetBalances(
        allocated_pence=allocated,
        spent_pence=allocated - committed - free,
        committed_pence=committed,
        available_pence=free,
    )


def unbalanced_transactions() -> list[int]:
    """Ids of transactions whose lines do not sum to zero (should always be empty)."""
    return list(
        db.session.scalars(
            sa.select(LedgerLine.transaction_id)
            .group_by(LedgerLine.transaction_id)
            .having(sa.func.sum(LedgerLine.amount_pence) != 0)
        )
    )


def drifted_accounts() -> list[str]:
    """Codes of accounts whose cached balance differs from the sum of their lines."""
    sums = (
        sa.select(LedgerLine.account_id, sa.func.sum(LedgerLine.amount_pence).label("total"))
        .group_by(LedgerLine.account_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(LedgerAccount.code)
        .outerjoin(sums, sums.c.account_id == LedgerAccount.id)
        .where(LedgerAccount.balance_pence != sa.func.coalesce(sums.c.total, 0))
    )
    return [code for (code,) in rows]
