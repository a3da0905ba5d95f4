"""Asking for a copy of one's data at /account/data: one request at a time, progress shown
while the worker prepares it, an email with a link when it is ready, downloads for the owner
only and only until it expires, a failed copy tried again and then given up, and a worker that
stops part-way taken over without anything done twice."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.datarights import exports, parts
from marketplace.datarights.exports import ExportSettings, claim_next, prepare_waiting_exports
from marketplace.datarights.models import DataExport, DataExportFile
from marketplace.extensions import db
from marketplace.notifications.models import EmailMessage
from tests.datarights.conftest import opened, prepared_copy
from tests.factories import make_user
from tests.mail import emails_to
from tests.orders.pages import anonymous, browser, grant, text

PAGE = "/account/data"


def _replace_part(monkeypatch, name: str, make_rows) -> None:
    """The part `name` with its rows made by make_rows(the real part), for this test only."""
    parts.sections_for(make_user("holder"))  # every part registered first
    monkeypatch.setattr(parts, "SECTIONS", [
        dataclasses.replace(part, rows=make_rows(part)) if part.name == name else part
        for part in parts.SECTIONS])


def _export(export_id: int) -> DataExport:
    db.session.expire_all()
    return db.session.get(DataExport, export_id)


def _ready_emails(user) -> list[EmailMessage]:
    return [email for email in emails_to(user.email)
            if email.subject == "Your copy of your data is ready"]


@pytest.fixture
def sam(app):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    return make_user("holder", name="Sam Patel")


def test_asking_for_a_copy_then_again_while_it_is_prepared_says_so(app, sam):
    person = browser(app, sam)
    page = text(person.get(PAGE))
    assert "Your data" in page and "Ask for a copy of my data" in page
    response = person.post(PAGE)
    assert response.status_code == 302 and response.location.endswith(PAGE)
    page = text(person.get(PAGE))
    assert "We are preparing a copy of your data" in page
    assert "Your copy is being prepared" in page and "waiting for its turn" in page
    assert "Check again" in page and "Ask for a copy of my data" not in page

    again = person.post(PAGE)
    assert again.status_code == 409
    assert "You already asked for a copy on" in text(again)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DataExport)) == 1


def test_the_database_refuses_a_second_request_in_hand(app, sam):
    exports.request_export(sam)
    db.session.commit()
    db.session.add(DataExport(user_id=sam.id, status="waiting", sections_total=1))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_two_requests_at_the_same_moment_make_one(app, sam, monkeypatch):
    first = exports.request_export(sam)
    db.session.commit()
    # The second tab checked before the first request was written: the index still refuses it.
    monkeypatch.setattr(exports, "in_hand", _after_first_call(exports.in_hand))
    with pytest.raises(exports.ExportInHand) as refused:
        exports.request_export(sam)
    assert "You already asked for a copy on" in refused.value.message
    db.session.commit()
    assert db.session.scalars(sa.select(DataExport.id)).all() == [first.id]


def _after_first_call(real):
    calls = []

    def in_hand(user):
        calls.append(user)
        return None if len(calls) == 1 else real(user)
    return in_hand


def test_the_page_shows_how_far_the_copy_has_got_while_the_worker_prepares_it(
        app, sam, monkeypatch):
    person = browser(app, sam)
    person.post(PAGE)
    seen = []

    def looking_in(real):
        def rows(user):  # the person checks their page while the worker is at "orders"
            seen.append(text(person.get(PAGE)))
            return real.rows(user)
        return rows

    _replace_part(monkeypatch, "orders", looking_in)
    assert prepare_waiting_exports("worker-1").ready == 1
    [page] = seen
    total = len(parts.sections_for(sam))
    done = [part.name for part in parts.sections_for(sam)].index("orders")
    assert f"{done} of {total} parts done. Now writing: Your orders." in page
    assert "Check again" in page
    ready = text(person.get(PAGE))
    assert "Your copy is ready" in ready and "Download the copy made on" in ready
    assert "Check again" not in ready


def test_the_ready_email_links_to_the_data_page_on_the_site(app, sam):
    app.config["SITE_URL"] = "https://pathways.example.gov.uk"
    export = prepared_copy(sam)
    [email] = _ready_emails(sam)
    assert "https://pathways.example.gov.uk/account/data" in email.body
    assert "Only you can download it" in email.body
    assert export.status == "ready" and export.expires_at == export.finished_at + timedelta(days=7)
    assert export.sections_done == export.sections_total > 10


def test_only_the_owner_downloads_the_copy(app, sam):
    jo = make_user("supporter", name="Jo Broker")
    grant(sam, jo, ["view", "plan", "buy"])
    export = prepared_copy(sam)
    url = f"{PAGE}/{export.id}/download"

    response = browser(app, sam).get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    assert opened(response.data).data["account"][0]["email"] == sam.email

    for someone in (jo, make_user("commissioner"), make_user("holder"), make_user("provider"),
                    make_user("account_manager")):
        refused = browser(app, someone).get(url)
        assert refused.status_code == 404, someone.role
        assert sam.email.encode() not in refused.data
    assert browser(app, sam).get(f"{PAGE}/{export.id + 1}/download").status_code == 404
    assert browser(app, sam).get(f"{PAGE}/99999999999/download").status_code == 404
    signed_out = anonymous(app).get(url)
    assert signed_out.status_code == 302 and "/login" in signed_out.location


def test_a_copy_waiting_or_being_prepared_cannot_be_downloaded(app, sam):
    export = exports.request_export(sam)
    db.session.commit()
    assert browser(app, sam).get(f"{PAGE}/{export.id}/download").status_code == 404


def test_a_copy_expires_and_its_bytes_are_deleted(app, sam, clock):
    export = prepared_copy(sam)
    url = f"{PAGE}/{export.id}/download"
    clock.set(export.expires_at + timedelta(seconds=1))
    # Past its time it is refused at once, before the worker has deleted it.
    late = browser(app, sam).get(url)
    assert late.status_code == 410 and "This copy expired on" in text(late)

    assert exports.expire_old_exports() == 1
    db.session.commit()
    assert _export(export.id).status == "expired"
    assert db.session.get(DataExportFile, export.id) is None
    assert browser(app, sam).get(url).status_code == 410
    page = text(browser(app, sam).get(PAGE))
    assert "Ask for a copy of my data" in page and "Your copy is ready" not in page
    assert exports.expire_old_exports() == 0  # twice is harmless


def _broken(monkeypatch, name: str = "orders"):
    def failing(real):
        def rows(user):
            raise RuntimeError("the orders table is unreadable")
        return rows

    _replace_part(monkeypatch, name, failing)


def test_a_copy_that_fails_is_tried_again_and_given_up_after_the_last_try(
        app, sam, monkeypatch):
    export = exports.request_export(sam)
    db.session.commit()
    _broken(monkeypatch)
    settings = ExportSettings(max_attempts=2, batch_size=1)
    first = prepare_waiting_exports("worker-1", settings)
    assert (first.ready, first.retrying, first.failed) == (0, 1, 0)
    assert _export(export.id).status == "waiting"
    assert "the orders table is unreadable" in _export(export.id).error
    second = prepare_waiting_exports("worker-1", settings)
    assert second.failed == 1
    failed = _export(export.id)
    assert (failed.status, failed.attempts) == ("failed", 2)
    assert db.session.get(DataExportFile, export.id) is None
    assert [e.subject for e in emails_to(sam.email)] == [
        "We could not prepare your copy of your data"]
    page = text(browser(app, sam).get(PAGE))
    assert "We could not prepare your copy" in page and "Ask for a copy of my data" in page


def test_a_worker_that_stops_part_way_is_taken_over_and_nothing_is_done_twice(
        app, sam, clock):
    export = exports.request_export(sam)
    db.session.commit()
    settings = ExportSettings(lease_seconds=60)
    # Worker A claims it, and stops (killed) before writing anything more.
    assert claim_next("worker-a", settings) == (export.id, 1)
    assert claim_next("worker-b", settings) is None  # A's claim is still live
    assert prepare_waiting_exports("worker-b", settings).ready == 0

    clock.set(clock.now + timedelta(seconds=61))
    assert prepare_waiting_exports("worker-b", settings).ready == 1
    done = _export(export.id)
    assert (done.status, done.attempts, done.lease_owner) == ("ready", 2, None)
    # A, come back to life, cannot write: its claim is gone.
    with pytest.raises(exports.LostLease):
        exports.build_export(export.id, "worker-a", 1, settings)
    assert _export(export.id).status == "ready"
    assert len(_ready_emails(sam)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DataExportFile)) == 1


def test_a_request_abandoned_on_every_try_is_failed(app, sam, clock):
    export = exports.request_export(sam)
    db.session.commit()
    settings = ExportSettings(lease_seconds=60, max_attempts=2)
    for worker in ("worker-a", "worker-b"):
        assert claim_next(worker, settings) is not None
        clock.set(clock.now + timedelta(seconds=61))
    assert claim_next("worker-c", settings) is None
    failed = _export(export.id)
    assert failed.status == "failed" and "stopped before it finished, 2 times" in failed.error
    assert [e.subject for e in emails_to(sam.email)] == [
        "We could not prepare your copy of your data"]


def test_the_job_prepares_every_waiting_request_and_says_what_it_did(app, sam):
    from marketplace.jobs import catalogue
    from marketplace.jobs.runner import RunnerSettings, run_due_job

    others = [make_user("holder"), make_user("provider")]
    for person in (sam, *others):
        exports.request_export(person)
    db.session.commit()
    job = catalogue.load().jobs["data-exports"]
    outcome = run_due_job(job, "worker-1", now=exports.utcnow(), settings=RunnerSettings())
    assert outcome.status == "succeeded"
    assert outcome.message == "3 copies of people's data ready, 0 expired."
    assert {e.status for e in db.session.scalars(sa.select(DataExport))} == {"ready"}
    assert all(len(_ready_emails(person)) == 1 for person in (sam, *others))
