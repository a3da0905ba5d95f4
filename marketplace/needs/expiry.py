"""Needs that have been on the board for NEED_OPEN_DAYS London days close by themselves, so
providers are not shown needs nobody is waiting on. Run by the worker's `need-expiry` job.

Each need moves by a compare-and-set on its state, and the worker commits the job's effect
with its run, so two workers (or a retry after a crash) expire it once and tell its holder once; the waiting quotes are declined with the same kind
note as when a holder declines them."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.extensions import db
from marketplace.needs.answers import decline_live_quotes
from marketplace.needs.models import Need
from marketplace.needs.services import short_words
from marketplace.notifications.services import notify
from marketplace.times import london_date, london_midnight, london_today, utcnow


def last_day_open(need: Need) -> date:
    """The last London day an open need stays on the board: NEED_OPEN_DAYS days counting the
    day it was posted."""
    return (london_date(need.created_at)
            + timedelta(days=current_app.config["NEED_OPEN_DAYS"] - 1))


def expire_due_needs() -> int:
    """Expire every open need whose time on the board is over. Returns how many. Flushes; the
    worker commits this with the job's run, so it happens once (docs/worker.md)."""
    days = current_app.config["NEED_OPEN_DAYS"]
    # Posted on London day D, a need closes at the start of D + days: due once D <= today - days.
    cutoff = london_midnight(london_today() - timedelta(days=days - 1))
    due = db.session.scalars(sa.select(Need.id).where(
        Need.state == "open", Need.created_at < cutoff).order_by(Need.id)).all()
    expired = 0
    for need_id in due:
        changed = db.session.execute(
            sa.update(Need).where(Need.id == need_id, Need.state == "open")
            .values(state="expired", ended_at=utcnow(), updated_at=utcnow()),
            execution_options={"synchronize_session": False}).rowcount
        if changed != 1:
            continue  # answered, closed or expired by someone else meanwhile
        need = db.session.get(Need, need_id)
        db.session.refresh(need)
        decline_live_quotes(need)
        notify(need.holder, f"Your need “{short_words(need.words)}” has been on the needs "
               f"board for {days} days, so it has closed and providers no longer see it. If "
               "you still need it, you can post it again.", link=f"/needs/{need.id}",
               email_subject="Your need has closed")
        expired += 1
    db.session.flush()
    return expired
