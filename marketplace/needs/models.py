"""Needs and the quotes providers give for them (docs/needs.md).

A need is what a holder (or a supporter with the buy scope for them) wants, in their words;
providers who serve its category and area see it without the holder's name and may quote.
The database keeps the rules that matter: a budget range that makes sense, one live quote
per provider per need, prices and sessions above zero."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.columns import one_of
from marketplace.extensions import db
from marketplace.times import london_today, utcnow

NEED_STATES = ("open", "accepted", "closed", "expired")
TIMINGS = ("daytime", "evenings", "weekends", "any")
QUOTE_STATES = ("live", "withdrawn", "accepted", "declined")
#: A quote in one of these states is the provider's one quote for the need.
STANDING_QUOTE_STATES = ("live", "accepted", "declined")
MAX_GROUP = 50


class Need(db.Model):
    __tablename__ = "needs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    holder_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The holder, or a supporter with the buy scope posting for them.
    posted_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    #: What they need, in their own words: plain text, escaped wherever it is shown.
    words: so.Mapped[str] = so.mapped_column(sa.Text)
    #: One of vocabulary.CATEGORIES.
    category: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    #: A local authority slug (marketplace.areas), and optionally a district within it.
    local_authority: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    postcode_district: so.Mapped[str] = so.mapped_column(sa.String(8), default="")
    #: One of vocabulary.LANGUAGES, or "" for any.
    language: so.Mapped[str] = so.mapped_column(sa.String(10), default="")
    #: vocabulary.SPECIALISMS: who it is especially for, or "".
    specialism: so.Mapped[str] = so.mapped_column(sa.String(20), default="", server_default="")
    timing: so.Mapped[str] = so.mapped_column(sa.String(10), default="any")
    budget_low_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    budget_high_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    would_pool: so.Mapped[bool] = so.mapped_column(sa.Boolean, default=False)
    #: How many people it is for (more than 1 for a group).
    group_size: so.Mapped[int] = so.mapped_column(sa.Integer, default=1)
    #: "Tell me if others near me need the same": only then is it matched with others.
    peers_consent: so.Mapped[bool] = so.mapped_column(sa.Boolean, default=False)
    state: so.Mapped[str] = so.mapped_column(sa.String(10), default="open", index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)

    holder: so.Mapped["User"] = so.relationship(foreign_keys=[holder_id])  # noqa: F821
    quotes: so.Mapped[list["Quote"]] = so.relationship(back_populates="need",
                                                       order_by="Quote.id")

    __table_args__ = (
        sa.CheckConstraint("budget_low_pence >= 0 AND budget_high_pence > 0 AND "
                           "budget_low_pence <= budget_high_pence", name="budget_sensible"),
        sa.CheckConstraint(f"group_size >= 1 AND group_size <= {MAX_GROUP}",
                           name="group_size_sensible"),
        sa.CheckConstraint(one_of("state", NEED_STATES), name="state_known"),
        sa.CheckConstraint(one_of("timing", TIMINGS), name="timing_known"),
    )

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def standing_quotes(self) -> list["Quote"]:
        return [quote for quote in self.quotes if quote.state in STANDING_QUOTE_STATES]

    @property
    def accepted_quote(self) -> "Quote | None":
        return next((quote for quote in self.quotes if quote.state == "accepted"), None)


class Quote(db.Model):
    __tablename__ = "need_quotes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    need_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("needs.id"), index=True)
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"), index=True)
    #: One of the provider's active services covering the need's category and area.
    service_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("services.id"))
    price_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    #: One of vocabulary.PRICE_UNITS.
    price_unit: so.Mapped[str] = so.mapped_column(sa.String(20))
    sessions: so.Mapped[int] = so.mapped_column(sa.Integer)
    starts_on: so.Mapped[date | None] = so.mapped_column(sa.Date, nullable=True)
    message: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: The last London day it can be accepted.
    expires_on: so.Mapped[date] = so.mapped_column(sa.Date)
    state: so.Mapped[str] = so.mapped_column(sa.String(10), default="live", index=True)
    #: The pool started from it, when the holder accepted it into one.
    pool_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("pools.id"), nullable=True)
    #: The order placed at this quote's price, when the holder accepted it by ordering it.
    order_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("orders.id"), nullable=True,
                                                       unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    answered_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)

    need: so.Mapped[Need] = so.relationship(back_populates="quotes")
    provider: so.Mapped["Provider"] = so.relationship()  # noqa: F821
    service: so.Mapped["Service"] = so.relationship()  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint("price_pence > 0", name="price_positive"),
        sa.CheckConstraint("sessions > 0", name="sessions_positive"),
        sa.CheckConstraint(one_of("state", QUOTE_STATES), name="state_known"),
        sa.Index("uq_need_quotes_one_per_provider", "need_id", "provider_id", unique=True,
                 sqlite_where=sa.text(one_of("state", STANDING_QUOTE_STATES)),
                 postgresql_where=sa.text(one_of("state", STANDING_QUOTE_STATES))),
    )

    @property
    def total_pence(self) -> int:
        return self.price_pence * self.sessions

    @property
    def is_expired(self) -> bool:
        return self.expires_on < london_today()
