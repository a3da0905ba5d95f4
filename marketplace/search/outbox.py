"""The index log: every listing change appends an entry, in the transaction that makes the
change, and every node's index applies the entries in position order (upkeep.py).

Positions are assigned at commit, under a lock
-----------------------------------------------
queue_reindex adds an entry without a position. Just before that transaction commits
(before_commit), assign_positions takes the row lock on the single IndexLogHead row (an
UPDATE of it, or an upsert when it is missing), moves the head on by the number of this
transaction's entries and gives them the positions in between. The row lock is held until
the transaction ends, and PostgreSQL makes a transaction's rows visible before it releases
its locks, so the next transaction to take a position can only do so once every lower
position is committed and visible. Hence: **a position never becomes visible after a higher
one**, and an index that has applied up to N and reads "position > N" can never skip an entry
that commits late. (The alternative, ids from a sequence plus a settle window, only makes a
late commit unlikely; a transaction that stalls longer than the window would be lost.) The
cost is that transactions appending to the log commit one after another, for the moment
between their before_commit and their COMMIT; on SQLite writers are serialised anyway.

The saver's node shows its own change at once: after the commit, the hook applies the new
entries to this node's index (apply_new, with a short lock wait). Other nodes apply them in
their worker's node task within a few seconds. If the hook cannot (another process holds the
index writer lock for long, or the index is being rebuilt), the entries wait for the worker:
nothing is lost, because applying is by position, not by deleting what was applied.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.extensions import db
from marketplace.search.models import IndexLogEntry, IndexLogHead
from marketplace.times import utcnow

log = logging.getLogger(__name__)

#: session.info key: this transaction added log entries (that still need positions).
_QUEUED = "pathways_search_log_queued"
#: session.info key: this transaction's commit appended entries; apply them after it.
_APPENDED = "pathways_search_log_appended"


def queue_reindex(service_id: int) -> None:
    """Record that a service's search document must be rewritten (or removed if gone)."""
    db.session.add(IndexLogEntry(service_id=service_id))
    db.session.info[_QUEUED] = True


def _advance_head(connection, count: int) -> int:
    """Move the head on by count under its row lock (held to the end of the transaction);
    returns the new head. Creates the head row if it is missing."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = IndexLogHead.__table__
    statement = dialect.insert(table).values(id=1, position=count, pruned_through=0)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.id], set_={"position": table.c.position + count}
    ).returning(table.c.position)
    return connection.execute(statement).scalar_one()


def assign_positions(connection) -> int:
    """Give every log entry without a position the next positions, in id order; returns how
    many. Call just before the transaction commits (the head's row lock orders commits)."""
    table = IndexLogEntry.__table__
    # Lock the head first, so two transactions never both pick up a committed entry that
    # was inserted without a position (by raw SQL).
    _advance_head(connection, 0)
    unpositioned = connection.execute(
        sa.select(table.c.id).where(table.c.position.is_(None)).order_by(table.c.id)
    ).scalars().all()
    if not unpositioned:
        return 0
    head = _advance_head(connection, len(unpositioned))
    first = head - len(unpositioned) + 1
    connection.execute(
        sa.update(table).where(table.c.id == sa.bindparam("entry_id"))
        .values(position=sa.bindparam("new_position")),
        [{"entry_id": entry_id, "new_position": first + offset}
         for offset, entry_id in enumerate(unpositioned)],
    )
    return len(unpositioned)


def append_changes(connection, service_ids: Iterable[int]) -> None:
    """Append entries for service_ids on a Core connection (scripts, tests, raw SQL changes);
    the caller commits. Sessions use queue_reindex instead."""
    rows = [{"service_id": service_id, "created_at": utcnow()} for service_id in service_ids]
    if rows:
        connection.execute(sa.insert(IndexLogEntry.__table__), rows)
        assign_positions(connection)


def _note_flushed_entries(session, flush_context) -> None:
    # Also catches entries added directly, without queue_reindex.
    if any(isinstance(instance, IndexLogEntry) for instance in session.new):
        session.info[_QUEUED] = True


def _assign_before_commit(session) -> None:
    if not session.info.pop(_QUEUED, False):
        return
    session.flush()
    if assign_positions(session.connection()):
        session.info[_APPENDED] = True


def _forget(session, *args) -> None:
    session.info.pop(_QUEUED, None)
    session.info.pop(_APPENDED, None)


def _apply_after_commit(session) -> None:
    if not session.info.pop(_APPENDED, False) or not has_app_context():
        return
    from marketplace.search import upkeep

    try:
        upkeep.apply_new(timeout=current_app.config.get("SEARCH_APPLY_TIMEOUT_SECONDS", 2.0))
    except upkeep.IndexBusy:
        log.info("Search index busy: this node's worker applies the change shortly")
    except Exception:  # the entries stay in the log; the worker applies them
        log.exception("Could not apply the search index log after commit")


_installed = False


def install_commit_hook() -> None:
    """Listen on every SQLAlchemy session (once per process)."""
    global _installed
    if _installed:
        return
    event.listen(so.Session, "after_flush", _note_flushed_entries)
    event.listen(so.Session, "before_commit", _assign_before_commit)
    event.listen(so.Session, "after_commit", _apply_after_commit)
    event.listen(so.Session, "after_rollback", _forget)
    _installed = True
