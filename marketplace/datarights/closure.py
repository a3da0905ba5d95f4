"""What closing an account does to the copies of a person's data (accounts/closure.py).

A prepared copy is everything held about the person, so it goes with the account: every
request and its zip are deleted, whatever their state. A copy being prepared at that moment
loses its row; the worker's fenced updates then find nothing and it stops (exports.LostLease).
The log of who viewed a holder's information holds only ids and times, so it stays, linked to
the pseudonym, for the council's audit of supporters' access.
"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.datarights.models import DataExport, DataExportFile
from marketplace.extensions import db


def forget_exports(person: User) -> None:
    mine = sa.select(DataExport.id).where(DataExport.user_id == person.id)
    db.session.execute(sa.delete(DataExportFile).where(DataExportFile.export_id.in_(mine))
                       .execution_options(synchronize_session=False))
    db.session.execute(sa.delete(DataExport).where(DataExport.user_id == person.id)
                       .execution_options(synchronize_session=False))
