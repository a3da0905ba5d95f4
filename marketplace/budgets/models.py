"""Funding streams, allocations, budgets, instalments, managed-account organisations and
support plans.

An Allocation is a commissioner's decision (person, stream, amount, period, schedule, route);
it creates one Budget per route: a direct-payment budget, a managed-account budget held by a
named organisation, or both when split. Money only enters a budget through the ledger, as
instalments fall due. Budget amounts here are the plan; balances come from the ledger.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.extensions import db
from marketplace.times import utcnow

STREAM_KINDS: list[tuple[str, str]] = [
    ("social_care", "Social care (council personal budget)"),
    ("health", "Health (personal health budget)"),
    ("joint", "Joint health and social care budget"),
]
ROUTES: list[tuple[str, str]] = [
    ("direct", "Direct payment"),
    ("managed", "Managed account"),
]
ORGANISATION_KINDS: list[tuple[str, str]] = [
    ("council", "Council"),
    ("ulo", "User-led organisation"),
    ("broker", "Independent broker"),
    ("provider", "Provider holding an individual service fund"),
]


class FundingStream(db.Model):
    __tablename__ = "funding_streams"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    rules: so.Mapped[list["SpendingRule"]] = so.relationship(
        back_populates="stream", cascade="all, delete-orphan", order_by="SpendingRule.id"
    )

    @property
    def budget_name(self) -> str:
        """ "Salford adult social care budget", but "Personal health budget", not "... budget
        budget": how a sentence names a budget from this stream."""
        return self.name if self.name.lower().endswith("budget") else f"{self.name} budget"

    __table_args__ = (
        sa.CheckConstraint("kind IN ('social_care', 'health', 'joint')", name="kind_known"),
    )


class SpendingRule(db.Model):
    """A category a funding stream may not buy, with the reason in plain English."""

    __tablename__ = "spending_rules"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    stream_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("funding_streams.id", ondelete="CASCADE"), index=True
    )
    #: A value from vocabulary.CATEGORIES.
    category: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: Finishes the sentence "Your <stream> budget can't be used for this because ...".
    reason: so.Mapped[str] = so.mapped_column(sa.String(300))

    stream: so.Mapped[FundingStream] = so.relationship(back_populates="rules")

    __table_args__ = (sa.UniqueConstraint("stream_id", "category", name="uq_spending_rules_stream_category"),)


class ManagedAccountOrganisation(db.Model):
    __tablename__ = "managed_account_organisations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(160), unique=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), default="ulo")
    #: Orders at or under this total are approved without a person looking (0 = never).
    auto_approve_limit_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    #: Delivered orders confirm themselves after this many days if the holder does nothing.
    auto_confirm_days: so.Mapped[int] = so.mapped_column(sa.Integer, default=7)
    contact_email: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    members: so.Mapped[list["OrganisationMember"]] = so.relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("auto_approve_limit_pence >= 0", name="limit_not_negative"),
        sa.CheckConstraint("auto_confirm_days >= 1", name="confirm_days_positive"),
    )


class OrganisationMember(db.Model):
    """A member of staff (role account_manager) who works for a managed-account organisation."""

    __tablename__ = "organisation_members"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organisation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("managed_account_organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), unique=True)

    organisation: so.Mapped[ManagedAccountOrganisation] = so.relationship(back_populates="members")
    user: so.Mapped["User"] = so.relationship()  # noqa: F821


class Allocation(db.Model):
    __tablename__ = "allocations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    holder_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    stream_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("funding_streams.id"))
    #: The whole amount for the period.
    total_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    period_start: so.Mapped[date] = so.mapped_column(sa.Date)
    period_end: so.Mapped[date] = so.mapped_column(sa.Date)
    #: Instalments fall due every this many weeks from period_start.
    instalment_every_weeks: so.Mapped[int] = so.mapped_column(sa.Integer, default=4)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    stream: so.Mapped[FundingStream] = so.relationship()
    holder: so.Mapped["User"] = so.relationship(foreign_keys=[holder_id])  # noqa: F821
    budgets: so.Mapped[list["Budget"]] = so.relationship(
        back_populates="allocation", order_by="Budget.id"
    )

    __table_args__ = (
        sa.CheckConstraint("total_pence > 0", name="total_positive"),
        sa.CheckConstraint("period_end > period_start", name="period_ordered"),
        sa.CheckConstraint("instalment_every_weeks >= 1", name="schedule_positive"),
    )


class Budget(db.Model):
    """One route's share of an allocation. Balances live in the ledger accounts."""

    __tablename__ = "budgets"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    allocation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("allocations.id"), index=True)
    holder_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    stream_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("funding_streams.id"))
    #: "direct" or "managed".
    route: so.Mapped[str] = so.mapped_column(sa.String(10))
    managed_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("managed_account_organisations.id"), nullable=True, index=True
    )
    #: This route's share of the allocation for the whole period.
    planned_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    allocation: so.Mapped[Allocation] = so.relationship(back_populates="budgets")
    stream: so.Mapped[FundingStream] = so.relationship()
    holder: so.Mapped["User"] = so.relationship()  # noqa: F821
    managed_by: so.Mapped[ManagedAccountOrganisation | None] = so.relationship()
    instalments: so.Mapped[list["Instalment"]] = so.relationship(
        back_populates="budget", order_by="Instalment.due_on"
    )

    __table_args__ = (
        sa.CheckConstraint("route IN ('direct', 'managed')", name="route_known"),
        sa.CheckConstraint(
            "(route = 'managed') = (managed_by_id IS NOT NULL)", name="managed_has_organisation"
        ),
        sa.CheckConstraint("planned_pence > 0", name="planned_positive"),
    )


class Instalment(db.Model):
    __tablename__ = "instalments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    budget_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("budgets.id"), index=True)
    due_on: so.Mapped[date] = so.mapped_column(sa.Date, index=True)
    amount_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    #: The allocation transaction that paid it in; None until due.
    transaction_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("ledger_transactions.id"), nullable=True, unique=True
    )

    budget: so.Mapped[Budget] = so.relationship(back_populates="instalments")

    __table_args__ = (sa.CheckConstraint("amount_pence > 0", name="amount_positive"),)


class SupportPlan(db.Model):
    """The holder's own words. Special-category data: only the holder and chosen supporters."""

    __tablename__ = "support_plans"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    holder_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), unique=True)
    #: "What matters to me", in the holder's words.
    about_me: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    review_on: so.Mapped[date | None] = so.mapped_column(sa.Date, nullable=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), nullable=True)

    outcomes: so.Mapped[list["Outcome"]] = so.relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Outcome.id"
    )


class Outcome(db.Model):
    __tablename__ = "outcomes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    plan_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("support_plans.id", ondelete="CASCADE"), index=True
    )
    text: so.Mapped[str] = so.mapped_column(sa.String(300))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: Retired outcomes stay linked to past purchases but are not offered for new ones.
    retired: so.Mapped[bool] = so.mapped_column(sa.Boolean, default=False)
    #: vocabulary.OUTCOME_THEMES, or "" where the holder did not choose one.
    theme: so.Mapped[str] = so.mapped_column(sa.String(20), default="", server_default="")

    plan: so.Mapped[SupportPlan] = so.relationship(back_populates="outcomes")
