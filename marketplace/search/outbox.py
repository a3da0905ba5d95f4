"""The index outbox: listing changes queue an entry in the same transaction; entries are
applied to the index after commit (see index.apply_pending).

queue_reindex marks the session; when that session commits, the hook applies the outbox at
once (on its own connection), so the page a route redirects to already shows the change. If
that fails (crash, another process holding the index lock), the entries stay in the table and
the next search or `flask reindex` applies them: an entry is deleted only after the index
commit that covers it.
"""
from __future__ import annotations

import logging

import sqlalchemy.orm as so
from flask import has_app_context
from sqlalchemy import event

from marketplace.extensions import db
from marketplace.search.models import IndexOutboxEntry

log = logging.getLogger(__name__)

#: session.info key: this transaction queued index entries.
_QUEUED = "pathways_search_outbox_queued"


def queue_reindex(service_id: int) -> None:
    """Record that a service's search document must be rewritten (or removed if gone)."""
    db.session.add(IndexOutboxEntry(service_id=service_id))
    db.session.info[_QUEUED] = True


def _note_flushed_entries(session, flush_context) -> None:
    # Also catches entries added directly, without queue_reindex.
    if any(isinstance(instance, IndexOutboxEntry) for instance in session.new):
        session.info[_QUEUED] = True


def _forget(session, *args) -> None:
    session.info.pop(_QUEUED, None)


def _apply_after_commit(session) -> None:
    if not session.info.pop(_QUEUED, False) or not has_app_context():
        return
    from marketplace.search import index

    try:
        index.apply_pending()
    except Exception:  # the entries stay queued; the next search applies them
        log.exception("Could not apply the search index outbox after commit")


_installed = False


def install_commit_hook() -> None:
    """Listen on every SQLAlchemy session (once per process)."""
    global _installed
    if _installed:
        return
    event.listen(so.Session, "after_flush", _note_flushed_entries)
    event.listen(so.Session, "after_commit", _apply_after_commit)
    event.listen(so.Session, "after_rollback", _forget)
    _installed = True
