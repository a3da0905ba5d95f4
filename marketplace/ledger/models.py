"""Design overview of the ledger.

Money lives in accounts; a transaction moves it between accounts with lines whose signed
amounts (integer pence) sum to zero. Transactions and lines are append-only: a mistake is
corrected by a reversing transaction, never by editing or deleting a row.

Accounts and what their balance means (a positive balance is money held there):

- funding:<stream>            the funding stream's source; goes negative as money is allocated
- budget:<id>:available       a budget's money that is free to spend (never below zero)
- budget:<id>:reserved        a budget's money committed to orders or pledges not yet settled
                              (never below zero)
- provider:<id>:payable       money owed to a provider for confirmed orders, not yet in a run
- provider:<id>:in_payout     money in a payout run that has not been marked paid
- payouts:paid                money that has left for providers' bank or Stripe accounts

For each budget: allocated = spent + committed + available, where allocated is the sum of
allocation transactions into it, committed and available are the balances of its reserved and
available accounts, and spent is what settle transactions moved out of it to providers, less
refunds. A pooled purchase reserves from several budgets and settles them into one provider's
payable in one transaction (any number of lines), or releases them all.

The database keeps the rules too (migration 0003, docs/money.md): lines and transactions
cannot be updated or deleted, a transaction's lines must sum to zero (two or more of them), and
kinds are CHECKed against ACCOUNT_KINDS and TRANSACTION_KINDS. The lines of a transaction are
written before the transaction row (post_transaction): SQLite has no deferred triggers, so it
checks the sum when the transaction row goes in; PostgreSQL checks at commit.

Cached balances (LedgerAccount.balance_pence) are updated in the same database transaction as
the lines, by an atomic conditional UPDATE that takes the row lock and refuses to take a
guarded account below zero: this is what keeps a budget from being overspent by concurrent
requests on both SQLite and PostgreSQL.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.extensions import db
from marketplace.columns import BigIntegerKey, one_of
from marketplace.times import utcnow

ACCOUNT_KINDS = (
    "funding",
    "budget_available",
    "budget_reserved",
    "provider_payable",
    "provider_in_payout",
    "payouts_paid",
)
#: Accounts whose balance may never go below zero.
GUARDED_KINDS = ("budget_available", "budget_reserved", "provider_payable", "provider_in_payout")

TRANSACTION_KINDS = (
    "allocation",  # funding -> budget available
    "reserve",  # budget available -> budget reserved (order placed, pledge made)
    "release",  # budget reserved -> budget available (cancelled, declined, pool not funded)
    "settle",  # budget reserved -> provider payable (delivery confirmed, pool funded)
    "refund",  # provider payable -> budget available (money returned before payout)
    "payout",  # provider payable -> provider in payout (run exported or sent)
    "payout_paid",  # provider in payout -> payouts paid (run marked paid)
    "payout_cancelled",  # provider in payout -> provider payable (run cancelled)
    "reversal",  # the exact opposite of an earlier transaction
)


class LedgerAccount(db.Model):
    __tablename__ = "ledger_accounts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Unique readable name, e.g. "budget:12:available".
    code: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(30), index=True)
    budget_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("budgets.id"), nullable=True, index=True
    )
    provider_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("providers.id"), nullable=True, index=True
    )
    funding_stream_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("funding_streams.id"), nullable=True
    )
    #: Sum of this account's lines, kept in step in the same transaction as each line.
    balance_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(
            "kind NOT IN ('budget_available', 'budget_reserved', 'provider_payable', "
            "'provider_in_payout') OR balance_pence >= 0",
            name="guarded_balance_not_negative",
        ),
        sa.CheckConstraint(one_of("kind", ACCOUNT_KINDS), name="kind_known"),
    )


class LedgerTransaction(db.Model):
    __tablename__ = "ledger_transactions"

    id: so.Mapped[int] = so.mapped_column(BigIntegerKey, primary_key=True, autoincrement=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(30), index=True)
    #: Plain-English description shown on statements.
    description: so.Mapped[str] = so.mapped_column(sa.String(255))
    #: Who did it, and for whom when a supporter acted on a holder's behalf.
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), nullable=True)
    on_behalf_of_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id"), nullable=True
    )
    order_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("orders.id"), nullable=True, index=True
    )
    payout_run_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("payout_runs.id"), nullable=True, index=True
    )
    card_payment_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("card_payments.id"), nullable=True
    )
    reverses_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("ledger_transactions.id"), nullable=True, unique=True
    )
    #: Makes a posting safe to retry: the same key never posts twice.
    idempotency_key: so.Mapped[str | None] = so.mapped_column(
        sa.String(200), nullable=True, unique=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)

    lines: so.Mapped[list["LedgerLine"]] = so.relationship(
        back_populates="transaction", order_by="LedgerLine.id"
    )

    __table_args__ = (sa.CheckConstraint(one_of("kind", TRANSACTION_KINDS), name="kind_known"),)


class LedgerLine(db.Model):
    __tablename__ = "ledger_lines"

    id: so.Mapped[int] = so.mapped_column(BigIntegerKey, primary_key=True, autoincrement=True)
    #: Checked at commit: the lines are written before their transaction.
    transaction_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("ledger_transactions.id", deferrable=True, initially="DEFERRED"), index=True
    )
    account_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("ledger_accounts.id"))
    #: Signed: positive moves money into the account, negative out of it.
    amount_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    #: The budget this line belongs to, when the account is a budget's (fast statements).
    budget_id: so.Mapped[int | None] = so.mapped_column(sa.Integer, nullable=True)
    #: The moment of its transaction (copied, so a month of a budget is one index range).
    created_at: so.Mapped[datetime] = so.mapped_column()

    transaction: so.Mapped[LedgerTransaction] = so.relationship(back_populates="lines")
    account: so.Mapped[LedgerAccount] = so.relationship()

    __table_args__ = (
        sa.CheckConstraint("amount_pence <> 0", name="amount_not_zero"),
        sa.Index("ix_ledger_lines_budget_id_id", "budget_id", "id"),
        sa.Index("ix_ledger_lines_account_id_id", "account_id", "id"),
        # transaction_id too, so a statement's period is read from the index alone.
        sa.Index("ix_ledger_lines_budget_id_created_at_id", "budget_id", "created_at", "id",
                 "transaction_id"),
        # Budget lines by moment: a day's spending across every budget (commissioning).
        sa.Index("ix_ledger_lines_budget_lines_created_at", "created_at",
                 sqlite_where=sa.text("budget_id IS NOT NULL"),
                 postgresql_where=sa.text("budget_id IS NOT NULL")),
    )
