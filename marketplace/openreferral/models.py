"""What the feed keeps of its own: a note of each service deleted outright.

A service nobody ordered is deleted from the database (providers.services.delete_service), so
nothing else would remember that it existed. A council directory that copied it must still
learn that it has gone: `/openreferral/services?modified_after=...` lists each deleted
service as "defunct" from this note. The note holds the service's id and when it went, and
nothing about the service or the person who listed it.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.extensions import db
from marketplace.times import utcnow


class DeletedService(db.Model):
    __tablename__ = "deleted_services"

    #: Not a foreign key: the service row is gone. On SQLite a later service can be given
    #: the same id; the feed then lists the new service, not this note (queries.py).
    service_id: so.Mapped[int] = so.mapped_column(sa.Integer, primary_key=True,
                                                  autoincrement=False)
    deleted_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
