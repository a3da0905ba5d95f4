"""A need left on the board for NEED_OPEN_DAYS London days closes by itself, through the
worker: its holder is told once, each provider whose quote was waiting gets the kind note,
providers stop seeing it, and a second run (another worker) changes nothing."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.jobs import catalogue
from marketplace.jobs.runner import run_due_jobs
from marketplace.needs.answers import KIND_DECLINE
from marketplace.needs.models import Need, Quote
from marketplace.notifications.models import Notification
from marketplace.times import LONDON, UTC
from tests.needs.helpers import market, need_form, quote_form
from tests.orders.pages import browser, text, with_order_pages


def _told(user) -> list[str]:
    return db.session.scalars(sa.select(Notification.message).where(
        Notification.user_id == user.id).order_by(Notification.id)).all()


def test_a_need_closes_after_its_days_on_the_board_once_across_workers(app, clock):
    app = with_order_pages(app)
    app.config["NEED_OPEN_DAYS"] = 30
    # Posted late in the evening of 1 March, London time.
    clock.set(datetime(2027, 3, 1, 23, 30, tzinfo=LONDON).astimezone(UTC))
    people = market()
    sam = browser(app, people["sam"])
    sam.post("/needs/new", data=need_form())
    need = db.session.scalars(sa.select(Need)).one()
    browser(app, people["arts"].owner).post(f"/provider/needs/{need.id}",
                                            data=quote_form(people["arts_walks"], days=60))
    registry = catalogue.load()
    # Still open on the last London day of its 30 (30 March), however late.
    clock.set(datetime(2027, 3, 30, 23, 59, tzinfo=LONDON).astimezone(UTC))
    run_due_jobs("worker-a", registry)
    db.session.expire_all()
    assert db.session.get(Need, need.id).state == "open"
    assert "It stays on the board until the end of 30 March 2027" in text(
        sam.get(f"/needs/{need.id}"))
    # Closed from the start of 31 March, London time.
    clock.set(datetime(2027, 3, 31, 0, 5, tzinfo=LONDON).astimezone(UTC) + timedelta(hours=1))
    run_due_jobs("worker-a", registry)
    run_due_jobs("worker-b", registry)
    db.session.expire_all()
    assert db.session.get(Need, need.id).state == "expired"
    assert db.session.scalars(sa.select(Quote.state)).all() == ["declined"]
    closing = [m for m in _told(people["sam"]) if "has been on the needs board for 30 days" in m]
    assert len(closing) == 1
    assert _told(people["arts"].owner)[-1] == KIND_DECLINE.format(
        words="A weekly photography walk for 6 people")
    assert "Expired" in text(sam.get(f"/needs/{need.id}"))
    assert f"/provider/needs/{need.id}" not in browser(app, people["arts"].owner).get(
        "/provider/needs").get_data(as_text=True)
