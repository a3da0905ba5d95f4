"""Market position statements: the council's public account of its local market for a period
(Care Act 2014 statutory guidance, para 4.81), drafted by Pathways from the market figures,
edited by a commissioner, then published as a public page (docs/market-position.md)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.columns import one_of
from marketplace.extensions import db
from marketplace.times import utcnow

#: "preparing": asked for, the worker's statement-drafts job writes its sections; "failed":
#: the job could not write them (the commissioner can ask again); then "draft", "published".
STATEMENT_STATES = ("preparing", "failed", "draft", "published")
#: (field, heading): the sections, in the order a statement reads.
SECTIONS: list[tuple[str, str]] = [
    ("introduction", "About this statement"),
    ("supply", "What is offered"),
    ("demand", "What people look for"),
    ("gaps", "Where the market falls short"),
    ("small_providers", "User-led organisations and micro-providers"),
    ("quality", "Whether support helps"),
    ("intentions", "What the council will do"),
]
SECTION_LIMIT = 6000


class MarketPositionStatement(db.Model):
    __tablename__ = "market_position_statements"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    period_start: so.Mapped[date] = so.mapped_column(sa.Date)
    period_end: so.Mapped[date] = so.mapped_column(sa.Date)
    #: {section field: plain text}: every key of SECTIONS.
    sections: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    state: so.Mapped[str] = so.mapped_column(sa.String(10), default="draft", index=True)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    published_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)

    __table_args__ = (
        sa.CheckConstraint(one_of("state", STATEMENT_STATES), name="state_known"),
        sa.CheckConstraint("period_end >= period_start", name="period_in_order"),
        sa.CheckConstraint("state <> 'published' OR published_at IS NOT NULL",
                           name="published_has_a_date"),
    )

    def section(self, name: str) -> str:
        return (self.sections or {}).get(name, "")
