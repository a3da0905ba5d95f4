"""A person's data rights (UK GDPR): their requests for a copy of their data, the copies
themselves, and the log of who looked at a budget holder's information for them.

The database keeps the rules that protect people:
- one request at a time per person: a partial unique index on the waiting and preparing ones;
- a ready copy says when it was finished and when it stops being downloadable;
- the copy's bytes live in their own table (data_export_files), in the database rather than
  on one node's disk, so whichever node answers the download can read it; they are deleted
  when the copy expires, the request row staying as a record that it was made;
- a view is never of one's own information.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.columns import BigIntegerKey, one_of
from marketplace.extensions import db
from marketplace.times import utcnow

#: waiting: asked for, no worker has taken it; preparing: a worker holds its lease and is
#: building it; ready: downloadable until expires_at; failed: gave up after
#: DATA_EXPORT_MAX_ATTEMPTS tries; expired: past expires_at, its bytes deleted.
EXPORT_STATES = ("waiting", "preparing", "ready", "failed", "expired")
#: A request in one of these is "in hand": a person has at most one.
IN_HAND_STATES = ("waiting", "preparing")


class DataExport(db.Model):
    """One "Download my data" request and how far its preparation has got."""

    __tablename__ = "data_exports"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="waiting", index=True)
    #: Progress while preparing: parts of the copy written so far, of how many, and the one
    #: being written now (its plain-English title).
    sections_done: so.Mapped[int] = so.mapped_column(sa.Integer, default=0)
    sections_total: so.Mapped[int] = so.mapped_column(sa.Integer, default=0)
    current_section: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    #: Tries so far; a worker that stops mid-way leaves its lease to run out, and the next try
    #: starts again from the first part.
    attempts: so.Mapped[int] = so.mapped_column(sa.Integer, default=0)
    lease_owner: so.Mapped[str | None] = so.mapped_column(sa.String(120), nullable=True)
    lease_expires_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    started_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    finished_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    #: The copy can be downloaded until then; afterwards the worker deletes its bytes.
    expires_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    size_bytes: so.Mapped[int | None] = so.mapped_column(sa.Integer, nullable=True)
    #: What went wrong on the last failed try, for operators (the person reads plain words).
    error: so.Mapped[str] = so.mapped_column(sa.String(500), default="")

    user: so.Mapped["User"] = so.relationship()  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint(one_of("status", EXPORT_STATES), name="status_known"),
        sa.CheckConstraint("sections_done >= 0 AND sections_done <= sections_total",
                           name="progress_sensible"),
        sa.CheckConstraint("status NOT IN ('ready', 'expired') OR "
                           "(finished_at IS NOT NULL AND expires_at IS NOT NULL)",
                           name="ready_says_until_when"),
        sa.Index("uq_data_exports_one_in_hand_per_user", "user_id", unique=True,
                 sqlite_where=sa.text(one_of("status", IN_HAND_STATES)),
                 postgresql_where=sa.text(one_of("status", IN_HAND_STATES))),
    )

    @property
    def in_hand(self) -> bool:
        return self.status in IN_HAND_STATES


class DataExportFile(db.Model):
    """The zip of a ready copy. Its own table, so reading requests never loads the bytes."""

    __tablename__ = "data_export_files"

    export_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("data_exports.id", ondelete="CASCADE"), primary_key=True)
    content: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)


#: What a supporter (or staff member) looked at: the plan page, the "My budget" page, a
#: budget's statement (page, CSV or print), its spending return, the list of orders, one order.
VIEWED_THINGS = ("plan", "budget", "statement", "spending_return", "orders", "order")
#: Why they could: a supporter through the holder's consent, or staff of the organisation
#: that holds the holder's managed account.
VIEWER_RELATIONS = ("supporter", "organisation_staff")
#: Through the website, or a program using an API token.
VIEW_CHANNELS = ("page", "api")


class InformationView(db.Model):
    """Someone other than the holder looked at the holder's plan, budget or orders."""

    __tablename__ = "information_views"

    id: so.Mapped[int] = so.mapped_column(BigIntegerKey, primary_key=True, autoincrement=True)
    holder_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    viewer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    viewer_relation: so.Mapped[str] = so.mapped_column(sa.String(20))
    what: so.Mapped[str] = so.mapped_column(sa.String(20))
    #: The budget (statement, spending return) or order looked at; None for whole pages.
    subject_id: so.Mapped[int | None] = so.mapped_column(sa.Integer, nullable=True)
    channel: so.Mapped[str] = so.mapped_column(sa.String(10), default="page")
    viewed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)

    viewer: so.Mapped["User"] = so.relationship(foreign_keys=[viewer_id])  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint(one_of("what", VIEWED_THINGS), name="what_known"),
        sa.CheckConstraint(one_of("viewer_relation", VIEWER_RELATIONS), name="relation_known"),
        sa.CheckConstraint(one_of("channel", VIEW_CHANNELS), name="channel_known"),
        sa.CheckConstraint("holder_id <> viewer_id", name="not_ones_own"),
        # The holder's page, newest first.
        sa.Index("ix_information_views_holder_viewed", "holder_id", "viewed_at", "id"),
    )
