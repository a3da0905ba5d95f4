"""Search bookkeeping: the ordered index log, each index's position in it, and the anonymous
search log.

A listing change appends an IndexLogEntry in the same database transaction as the change, with
a position taken from IndexLogHead at commit (see outbox.py for why positions are safe under
concurrent commits). Each node's index (one per SEARCH_INDEX_DIR) applies the log in position
order and records how far it got in SearchIndexPosition; entries are pruned once every live
index has passed them (or after a retention window, when a lagging index rebuilds instead).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.extensions import db
from marketplace.columns import BigIntegerKey
from marketplace.times import utcnow

#: SearchIndexPosition.state values.
INDEX_STATES = ("building", "current")


class IndexLogEntry(db.Model):
    """One listing change to (re)write in, or remove from, every node's index."""

    __tablename__ = "index_log_entries"

    id: so.Mapped[int] = so.mapped_column(BigIntegerKey, primary_key=True, autoincrement=True)
    #: Order of application, unique and without gaps until pruned; NULL until the commit that
    #: adds the entry assigns it under the head row's lock, so a position never becomes
    #: visible after a higher one (outbox.py). Entries without one are not applied yet.
    position: so.Mapped[int | None] = so.mapped_column(sa.BigInteger, unique=True, nullable=True)
    #: Not a foreign key: the entry must outlive a deleted service so its document is removed.
    service_id: so.Mapped[int] = so.mapped_column(sa.Integer, index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


#: The name other areas' code and tests know the log by.
IndexOutboxEntry = IndexLogEntry


class IndexLogHead(db.Model):
    """A single row (id 1): the highest position handed out and the highest pruned. Its row
    lock, taken when a transaction appends to the log, orders the appending commits."""

    __tablename__ = "index_log_head"

    id: so.Mapped[int] = so.mapped_column(sa.Integer, primary_key=True)
    position: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    #: Every entry at or below this position may be gone: an index behind it must rebuild.
    pruned_through: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)


class SearchIndexPosition(db.Model):
    """How far one node's index has applied the log. The index id is kept in the index
    directory, so a wiped or new directory is a new index."""

    __tablename__ = "search_index_positions"
    __table_args__ = (
        sa.CheckConstraint("state IN ('building', 'current')", name="state_known"),
    )

    index_id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True)
    #: host:directory, for operators telling nodes apart.
    location: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    #: "building" while a full rebuild runs (applied_position is then the log head it started
    #: from, which holds pruning back), "current" once the index holds applied_position.
    state: so.Mapped[str] = so.mapped_column(sa.String(10), default="building")
    applied_position: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    #: Refreshed by the node's upkeep; an index unseen for SEARCH_INDEX_LIVE_SECONDS is dead
    #: and no longer holds pruning back.
    last_seen_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)


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
    #: A specialism the query's words asked for (vocabulary.SPECIALISM_WORDS), if any.
    specialism: so.Mapped[str | None] = so.mapped_column(sa.String(20), nullable=True)
    #: "web" or "api".
    channel: so.Mapped[str] = so.mapped_column(sa.String(10), default="web")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)

    __table_args__ = (
        # The words of searches that found nothing in an area (one gap of the market map).
        sa.Index("ix_search_log_entries_nothing_found", "area", "created_at",
                 sqlite_where=sa.text("result_count = 0"),
                 postgresql_where=sa.text("result_count = 0")),
    )
