"""A market position statement is drafted by the worker, not in the page: the request records
it "being written" and answers at once with a page that looks again by itself; the worker's
statement-drafts job writes it, and the page then opens the editor; a draft the job cannot
write says so and can be tried again. Commissioners only."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.commissioning import statements
from marketplace.commissioning.disclosure import current_rule
from marketplace.commissioning.statement_models import MarketPositionStatement
from marketplace.extensions import db
from marketplace.times import utcnow
from tests.commissioning.statement_drafting import run_statement_drafts
from tests.commissioning.test_market_position import market  # noqa: F401 - the fixture
from tests.factories import make_user
from tests.orders.pages import anonymous, text

PERIOD = {"start": "2026-09-01", "end": "2026-11-30"}


def _asked(client) -> MarketPositionStatement:
    response = client.post("/commissioning/statements", data=PERIOD)
    found = db.session.scalars(sa.select(MarketPositionStatement)).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/commissioning/statements/{found.id}/progress")
    return found


def test_asking_answers_at_once_and_the_worker_writes_the_draft(
        client, logged_in_commissioner, market):  # noqa: F811
    asked = _asked(client)
    assert asked.state == "preparing" and asked.sections == {}
    progress = client.get(f"/commissioning/statements/{asked.id}/progress")
    page = progress.get_data(as_text=True)
    assert progress.status_code == 200 and "The draft is being written" in text(progress)
    # It keeps still unless asked to look again by itself.
    assert "http-equiv" not in page and "Check again" in text(progress)
    again = client.get(f"/commissioning/statements/{asked.id}/progress?again=1")
    assert '<meta http-equiv="refresh" content="5">' in again.get_data(as_text=True)
    assert "Stop looking again by itself" in text(again)
    # Until it is written there is nothing to edit or publish; the list says so.
    editor = client.get(f"/commissioning/statements/{asked.id}")
    assert editor.headers["Location"].endswith(f"/statements/{asked.id}/progress")
    client.post(f"/commissioning/statements/{asked.id}/publish")
    assert "being written" in text(client.get("/commissioning/statements"))

    assert run_statement_drafts() == "Wrote 1 draft statement."
    found = db.session.get(MarketPositionStatement, asked.id)
    assert found.state == "draft"
    assert "10 services from fewer than 8 providers were listed" in found.section("supply")
    opened = client.get(f"/commissioning/statements/{asked.id}/progress", follow_redirects=True)
    assert "A draft is ready." in text(opened)
    assert "What the council will do" in text(opened)


def test_writing_twice_changes_nothing(app, client, logged_in_commissioner, market):  # noqa: F811
    asked = _asked(client)
    with app.test_request_context():
        assert statements.prepare_waiting_drafts(current_rule()).written == 1
        written = dict(db.session.get(MarketPositionStatement, asked.id).sections)
        again = statements.prepare_waiting_drafts(current_rule())
    assert (again.written, again.failed) == (0, 0)
    assert db.session.get(MarketPositionStatement, asked.id).sections == written


def test_a_draft_that_cannot_be_written_says_so_and_is_tried_again(
        client, clock, logged_in_commissioner, market, monkeypatch):  # noqa: F811
    asked = _asked(client)
    other = _asked_second(client)

    def broken(query, rule):
        if query.until - query.since < timedelta(days=60):
            raise RuntimeError("the figures could not be read")
        return real(query, rule)

    real = statements.draft_sections
    monkeypatch.setattr(statements, "draft_sections", broken)
    assert run_statement_drafts() == "Wrote 1 draft statement; 1 failed."
    assert db.session.get(MarketPositionStatement, other.id).state == "failed"
    assert db.session.get(MarketPositionStatement, asked.id).state == "draft"
    page = client.get(f"/commissioning/statements/{other.id}/progress")
    assert "We could not write this draft" in text(page)
    assert "http-equiv" not in page.get_data(as_text=True)
    assert "could not be written" in text(client.get("/commissioning/statements"))

    monkeypatch.setattr(statements, "draft_sections", real)
    retried = client.post(f"/commissioning/statements/{other.id}/try-again")
    assert retried.headers["Location"].endswith(f"/statements/{other.id}/progress")
    assert db.session.get(MarketPositionStatement, other.id).state == "preparing"
    clock.set(utcnow() + timedelta(minutes=1))  # the job's next due time
    assert run_statement_drafts() == "Wrote 1 draft statement."
    assert db.session.get(MarketPositionStatement, other.id).state == "draft"


def _asked_second(client) -> MarketPositionStatement:
    """A shorter period, so a test can break only this one."""
    client.post("/commissioning/statements", data={"start": "2026-11-01", "end": "2026-11-30"})
    return db.session.scalars(sa.select(MarketPositionStatement)
                              .order_by(MarketPositionStatement.id.desc())).first()


@pytest.mark.parametrize("role", ["holder", "provider", "supporter", "account_manager", None])
def test_only_commissioners_see_a_draft_being_written_or_try_it_again(
        app, client, auth, market, role):  # noqa: F811
    commissioner = make_user("commissioner")
    waiting = statements.request_draft(commissioner, utcnow().date() - timedelta(days=30),
                                       utcnow().date())
    failed = statements.request_draft(commissioner, utcnow().date() - timedelta(days=30),
                                      utcnow().date())
    failed.state = "failed"
    db.session.commit()
    visitor = anonymous(app) if role is None else client
    if role is not None:
        assert auth.login(make_user(role).email).status_code == 302
    refused = 302 if role is None else 403
    assert visitor.get(f"/commissioning/statements/{waiting.id}/progress").status_code == refused
    assert visitor.post(f"/commissioning/statements/{failed.id}/try-again").status_code == refused
    assert visitor.post("/commissioning/statements", data=PERIOD).status_code == refused
    db.session.expire_all()
    assert db.session.get(MarketPositionStatement, failed.id).state == "failed"
    assert db.session.scalar(sa.select(sa.func.count(MarketPositionStatement.id))) == 2
