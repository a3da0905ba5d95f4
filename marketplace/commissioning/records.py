"""What the commissioners' area records about its own running: the history of edits to funding
streams, their spending rules and managed-account organisations, and invitations to new
commissioners.

Invariants:
- A MarketChange is written in the same database transaction as the edit it describes, and is
  never updated or deleted: it is the history shown on the stream's or organisation's page and
  in the audit log. It names exactly one subject (a stream or an organisation; a rule's change
  belongs to its stream).
- A CommissionerInvitation stores only the SHA-256 hash of its token (the token exists only in
  the email), is used at most once (accepted_at and user_id are set together) and stops working
  at expires_at.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.columns import one_of
from marketplace.extensions import db
from marketplace.times import utcnow

#: What a MarketChange did.
CHANGE_ACTIONS = (
    "stream_changed",
    "rule_added",
    "rule_changed",
    "rule_removed",
    "organisation_changed",
)


class MarketChange(db.Model):
    __tablename__ = "market_changes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(30))
    #: The commissioner who made the change.
    actor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    funding_stream_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("funding_streams.id"), nullable=True, index=True
    )
    organisation_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("managed_account_organisations.id"), nullable=True, index=True
    )
    #: What changed: a list of {"label", "before", "after"}, the values as people read them
    #: ("£50.00", "7 days"), so the history still reads right after later changes.
    changes: so.Mapped[list[dict]] = so.mapped_column(sa.JSON, default=list)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)

    actor: so.Mapped["User"] = so.relationship()  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint(one_of("action", CHANGE_ACTIONS), name="action_known"),
        sa.CheckConstraint(
            "(funding_stream_id IS NULL) <> (organisation_id IS NULL)", name="one_subject"
        ),
    )


class CommissionerInvitation(db.Model):
    __tablename__ = "commissioner_invitations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Stored lower-cased, like users.email.
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    display_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    #: SHA-256 of the token in the emailed link (accounts.supporters.hash_token).
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    invited_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    expires_at: so.Mapped[datetime] = so.mapped_column()
    accepted_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    #: The account made when the invitation was accepted.
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id"), nullable=True, unique=True
    )

    invited_by: so.Mapped["User"] = so.relationship(foreign_keys=[invited_by_id])  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint("expires_at > created_at", name="expires_after_created"),
        sa.CheckConstraint("(accepted_at IS NULL) = (user_id IS NULL)", name="accepted_once"),
    )
