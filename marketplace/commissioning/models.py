"""What commissioners decide about a service on the "services to review" list: support it to
change, watch it, or de-commission it, with a date to look again. The worker reminds the
commissioner who decided when that date comes (docs/quality-view.md)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.columns import one_of
from marketplace.extensions import db
from marketplace.times import utcnow

DECISIONS = (
    ("support_to_change", "Support it to change"),
    ("watch", "Watch it"),
    ("decommission", "De-commission it"),
)
NOTE_LIMIT = 2000


class ServiceDecision(db.Model):
    __tablename__ = "service_decisions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    service_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("services.id"), index=True)
    decision: so.Mapped[str] = so.mapped_column(sa.String(20))
    #: Why, in the commissioner's words: the evidence they relied on and what happens next.
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: The London day to look at the service again.
    look_again_on: so.Mapped[date] = so.mapped_column(sa.Date, index=True)
    decided_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: Set once, by the reminder job, when it has told the commissioner.
    reminded_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)

    service: so.Mapped["Service"] = so.relationship()  # noqa: F821
    decided_by: so.Mapped["User"] = so.relationship()  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint(one_of("decision", tuple(v for v, _ in DECISIONS)),
                           name="decision_known"),
        sa.CheckConstraint(f"length(note) <= {NOTE_LIMIT}", name="note_not_too_long"),
    )

    @property
    def decision_label(self) -> str:
        return dict(DECISIONS)[self.decision]
