"""Keeping this node's index current with the index log, and telling the world whether it is.

Each node has one index (its SEARCH_INDEX_DIR, shared by the node's web and worker
processes) known by an id kept in that directory. Its row in search_index_positions says how
far in the log it has applied (applied_position), whether it is "building" or "current", and
when its upkeep last ran (last_seen_at).

* keep_current() is the node task (jobs.py, every SEARCH_UPKEEP_SECONDS in the worker). With
  the index writer lock held it rebuilds the index if it must (never built here, its row
  gone, or it is behind the pruned part of the log) and then applies every newer entry in
  position order, recording the position after each index commit. A crash between the index
  commit and the record only means applying some entries again: harmless.
* A rebuild first records state "building" with applied_position = the log head it starts
  from: that holds pruning back, so the entries after it are still there when it finishes.
  The services are read after the head, so every entry up to it is covered.
* apply_new() is the same incremental step without rebuilding, run by the saver's web
  process right after its commit (outbox.py), so the saver's next page shows the change.
* No request ever rebuilds. A request on a node whose index was never built gets
  SearchStartingUp (503); /healthz says 503 "building" until status() is "current".
* prune_log() (in the node task, now and then) deletes entries every live index has applied, and entries
  older than SEARCH_LOG_RETENTION_SECONDS whatever the lagging indexes (which then rebuild);
  it forgets indexes unseen for that long.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from marketplace.extensions import db
from marketplace.search import index
from marketplace.search.errors import IndexBusy, SearchStartingUp
from marketplace.search.models import IndexLogEntry, IndexLogHead, SearchIndexPosition
from marketplace.times import utcnow

__all__ = ["IndexBusy", "apply_new", "keep_current", "prune_log", "rebuild", "status"]

#: Defaults for the settings (config.py may set them; see the README).
DEFAULTS = {
    #: A node's index whose oldest unapplied entry is older than this is "behind" (503).
    "SEARCH_INDEX_MAX_LAG_SECONDS": 30,
    #: An index whose upkeep has not run for this long is dead: it no longer holds pruning.
    "SEARCH_INDEX_LIVE_SECONDS": 600,
    #: Log entries older than this are pruned even if a live index still needs them.
    "SEARCH_LOG_RETENTION_SECONDS": 86400,
    #: How long the worker waits for the index writer lock.
    "SEARCH_UPKEEP_LOCK_TIMEOUT_SECONDS": 10.0,
}
#: last_seen_at is refreshed at least this often while nothing changes.
_SEEN_EVERY = timedelta(seconds=30)


def _setting(name: str):
    return current_app.config.get(name, DEFAULTS[name])


@dataclass(frozen=True)
class Status:
    #: "current", "behind" (applying, but too slowly) or "building".
    state: str
    applied_position: int | None
    head_position: int
    lag_seconds: float | None = None

    def as_json(self) -> dict:
        return {"search_index": self.state, "applied_position": self.applied_position,
                "log_head": self.head_position, "lag_seconds": self.lag_seconds}


def _head(connection) -> tuple[int, int]:
    row = connection.execute(
        sa.select(IndexLogHead.position, IndexLogHead.pruned_through).where(IndexLogHead.id == 1)
    ).first()
    return (row.position, row.pruned_through) if row else (0, 0)


def _position_row(connection, index_id: str):
    table = SearchIndexPosition.__table__
    return connection.execute(
        sa.select(table.c.state, table.c.applied_position, table.c.last_seen_at)
        .where(table.c.index_id == index_id)
    ).first()


def _needs_rebuild(row, pruned_through: int) -> bool:
    return row is None or row.state != "current" or row.applied_position < pruned_through


@dataclass(frozen=True)
class _Row:
    state: str
    applied_position: int


#: Plain SQL: /healthz runs it on every probe, and a text statement skips building and
#: cache-keying a Core statement each time (most of the check's CPU).
_STATUS = sa.text(
    "SELECT (SELECT position FROM index_log_head WHERE id = 1),"
    " (SELECT pruned_through FROM index_log_head WHERE id = 1),"
    " (SELECT state FROM search_index_positions WHERE index_id = :index_id),"
    " (SELECT applied_position FROM search_index_positions WHERE index_id = :index_id)"
)


def status() -> Status:
    """This node's index against the log: one statement of indexed reads (two when behind),
    no search."""
    index_id = index.index_id()
    connection = db.session.connection()
    head, pruned_through, state, applied = connection.execute(
        _STATUS, {"index_id": index_id}
    ).one()
    head, pruned_through = head or 0, pruned_through or 0
    row = _Row(state, applied) if state is not None else None
    if _needs_rebuild(row, pruned_through):
        return Status("building", row.applied_position if row else None, head)
    if row.applied_position >= head:
        return Status("current", row.applied_position, head, 0.0)
    oldest = connection.execute(
        sa.select(IndexLogEntry.created_at).where(
            IndexLogEntry.position == row.applied_position + 1
        )
    ).scalar()
    if oldest is None:  # pruned under it: the next upkeep rebuilds
        return Status("building", row.applied_position, head)
    lag = max(0.0, (utcnow() - oldest).total_seconds())
    state = "current" if lag <= _setting("SEARCH_INDEX_MAX_LAG_SECONDS") else "behind"
    return Status(state, row.applied_position, head, round(lag, 3))


def ensure_ready() -> None:
    """Raise SearchStartingUp unless this node's index has been built (a search may then run
    on it, even while a rebuild replaces it). One indexed read until it has been seen built."""
    if index.is_ready():
        return
    row = _position_row(db.session.connection(), index.index_id())
    if row is not None and (row.state == "current" or index.has_documents()):
        index.mark_ready()
        return
    raise SearchStartingUp()


def _location() -> str:
    return f"{socket.gethostname()}:{current_app.config['SEARCH_INDEX_DIR']}"[:500]


def _record(session: so.Session, index_id: str, *, state: str, applied: int,
            now: datetime) -> None:
    row = session.get(SearchIndexPosition, index_id)
    if row is None:
        session.add(SearchIndexPosition(index_id=index_id, location=_location(), state=state,
                                        applied_position=applied, last_seen_at=now))
    else:
        row.state, row.applied_position, row.last_seen_at = state, applied, now
        row.location = _location()
    session.commit()


def rebuild(writing: index.IndexWriting) -> int:
    """Rebuild this node's index from the database (writer lock held); returns the number of
    services indexed."""
    index_id = index.index_id()
    with so.Session(db.engine) as session:
        head, _ = _head(session.connection())
        session.rollback()  # the services are read in a later snapshot than the head
        _record(session, index_id, state="building", applied=head, now=utcnow())
        count = writing.replace_with_all_services(session)
        writing.commit(replace=True)
        _record(session, index_id, state="current", applied=head, now=utcnow())
    index.mark_ready()
    return count


def _apply_entries(writing: index.IndexWriting, applied: int) -> tuple[int, int]:
    """Apply every entry after position applied; returns (entries applied, new position)."""
    index_id = index.index_id()
    count = 0
    while True:
        with so.Session(db.engine) as session:
            entries = session.execute(
                sa.select(IndexLogEntry.position, IndexLogEntry.service_id)
                .where(IndexLogEntry.position > applied)
                .order_by(IndexLogEntry.position)
                .limit(index.BATCH_SIZE)
            ).all()
            if not entries:
                return count, applied
            writing.write_services(session, [service_id for _, service_id in entries])
            writing.commit()
            applied = entries[-1].position
            count += len(entries)
            _record(session, index_id, state="current", applied=applied, now=utcnow())


def apply_new(*, timeout: float = 2.0) -> int:
    """Apply the entries this node's index has not (no rebuild); returns how many. Raises
    IndexBusy if the writer lock is not free within timeout."""
    with index.locked_for_writing(timeout=timeout) as writing:
        with db.engine.connect() as connection:
            _, pruned_through = _head(connection)
            row = _position_row(connection, index.index_id())
        if _needs_rebuild(row, pruned_through):
            return 0  # the worker rebuilds it
        applied, _ = _apply_entries(writing, row.applied_position)
        return applied


@dataclass(frozen=True)
class Upkeep:
    rebuilt: int | None
    applied: int


def keep_current(*, force_rebuild: bool = False) -> Upkeep:
    """The node task: rebuild this node's index if it must (or if force_rebuild: `flask
    reindex`), then apply every newer entry and note that this index is alive. Safe to call
    at any time (see the module docstring)."""
    timeout = float(_setting("SEARCH_UPKEEP_LOCK_TIMEOUT_SECONDS"))
    index_id = index.index_id()
    if not force_rebuild:
        with db.engine.connect() as connection:
            head, pruned_through = _head(connection)
            row = _position_row(connection, index_id)
        if not _needs_rebuild(row, pruned_through) and row.applied_position >= head:
            # Nothing to do (the usual case, every two seconds): no writer lock, no Whoosh.
            _note_seen(index_id, row)
            return Upkeep(None, 0)
    with index.locked_for_writing(timeout=timeout) as writing:
        with db.engine.connect() as connection:
            _, pruned_through = _head(connection)
            row = _position_row(connection, index_id)
        rebuilt = None
        if force_rebuild or _needs_rebuild(row, pruned_through):
            current_app.logger.warning("Rebuilding search index %s (%s)", index_id, _location())
            rebuilt = rebuild(writing)
            with db.engine.connect() as connection:
                row = _position_row(connection, index_id)
        applied, _ = _apply_entries(writing, row.applied_position)
        if not applied and rebuilt is None:
            _note_seen(index_id, row)
        return Upkeep(rebuilt, applied)


def _note_seen(index_id: str, row) -> None:
    """Refresh last_seen_at if it is getting old (so a live index keeps holding pruning)."""
    if utcnow() - row.last_seen_at <= _SEEN_EVERY:
        return
    with so.Session(db.engine) as session:
        session.execute(
            sa.update(SearchIndexPosition)
            .where(SearchIndexPosition.index_id == index_id)
            .values(last_seen_at=utcnow())
        )
        session.commit()


def adopt_if_market_empty() -> bool:
    """At start-up: a never-built index over a database with no listings is already exact,
    so record it current at the log head instead of waiting for the worker. Returns True if
    it did. Quietly does nothing before the tables exist (`flask db upgrade`)."""
    from marketplace.providers.models import Service

    try:
        with db.engine.connect() as connection:
            if _position_row(connection, index.index_id()) is not None:
                return False
            if index.has_documents() or connection.execute(
                sa.select(Service.id).where(Service.status == "active").limit(1)
            ).first() is not None:
                return False
            head, _ = _head(connection)
        with so.Session(db.engine) as session:
            _record(session, index.index_id(), state="current", applied=head, now=utcnow())
    except sa.exc.SQLAlchemyError:
        return False
    index.mark_ready()
    return True


def prune_log(now: datetime | None = None) -> int:
    """Delete log entries no live index needs (and any past the retention window); forget
    indexes unseen for the retention window. Returns how many entries it deleted. Flushes;
    the caller commits."""
    now = now or utcnow()
    session = db.session
    live_since = now - timedelta(seconds=_setting("SEARCH_INDEX_LIVE_SECONDS"))
    keep_since = now - timedelta(seconds=_setting("SEARCH_LOG_RETENTION_SECONDS"))
    head, pruned_through = _head(session.connection())
    lowest_live = session.scalar(
        sa.select(sa.func.min(SearchIndexPosition.applied_position))
        .where(SearchIndexPosition.last_seen_at >= live_since)
    )
    expired = session.scalar(
        sa.select(sa.func.max(IndexLogEntry.position)).where(IndexLogEntry.created_at < keep_since)
    )
    through = pruned_through
    if lowest_live is not None:  # with no live index, only the retention window prunes
        through = max(through, min(lowest_live, head))
    if expired is not None:
        through = max(through, expired)
    deleted = 0
    if through > pruned_through:
        deleted = session.execute(
            sa.delete(IndexLogEntry).where(IndexLogEntry.position <= through)
        ).rowcount
        session.execute(
            sa.update(IndexLogHead).where(IndexLogHead.id == 1).values(pruned_through=through)
        )
    session.execute(
        sa.delete(SearchIndexPosition).where(SearchIndexPosition.last_seen_at < keep_since)
    )
    session.flush()
    return deleted
