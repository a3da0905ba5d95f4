"""Search bookkeeping: the index outbox and the anonymous search log.

Index changes are written to the outbox in the same database transaction as the listing change
and applied to the Whoosh index after commit, so any number of workers stay consistent: a
crash between commit and indexing leaves the entry to be applied by the next worker.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.extensions import db
from marketplace.columns import BigIntegerKey
from marketplace.times import utcnow


class IndexOutboxEntry(db.Model):
    __tablename__ = "index_outbox_entries"

    id: so.Mapped[int] = so.mapped_column(BigIntegerKey, primary_key=True, autoincrement=True)
    #: Not a foreign key: the entry must outlive a deleted service so its document is removed.
    service_id: so.Mapped[int] = so.mapped_column(sa.Integer, index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class SearchLogEntry(db.Model):
    """One search, with no identity: no user, session, IP address or full postcode."""

    __tablename__ = "search_log_entries"

    id: so.Mapped[int] = so.mapped_column(BigIntegerKey, primary_key=True, autoincrement=True)
    query_text: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: The filters used, as {parameter: value}, without q, sort and page.
    filters: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    #: Local authority slug or postcode district searched, if any.
    area: so.Mapped[str | None] = so.mapped_column(sa.String(40), nullable=True, index=True)
    result_count: so.Mapped[int] = so.mapped_column(sa.Integer)
    #: "web" or "api".
    channel: so.Mapped[str] = so.mapped_column(sa.String(10), default="web")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
