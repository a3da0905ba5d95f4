"""The index outbox: listing changes queue an entry in the same transaction; entries are
applied to the index after commit (see index.apply_pending)."""
from __future__ import annotations

from marketplace.extensions import db
from marketplace.search.models import IndexOutboxEntry


def queue_reindex(service_id: int) -> None:
    """Record that a service's search document must be rewritten (or removed if gone)."""
    db.session.add(IndexOutboxEntry(service_id=service_id))
