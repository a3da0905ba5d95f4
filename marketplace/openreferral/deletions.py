"""Noting deleted services for the feed (models.DeletedService): called by the providers
area in the transaction that deletes the row, so the note and the deletion commit together."""
from __future__ import annotations

from marketplace.extensions import db
from marketplace.openreferral.models import DeletedService
from marketplace.times import utcnow


def note_deleted_service(service_id: int) -> None:
    """Remember that this service was deleted now (again, if its id was used twice)."""
    note = db.session.get(DeletedService, service_id)
    if note is None:
        db.session.add(DeletedService(service_id=service_id, deleted_at=utcnow()))
    else:
        note.deleted_at = utcnow()
