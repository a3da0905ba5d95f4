"""Two workers, each request prepared once: two `flask worker` processes on one database (as
on two nodes) run the data-exports job, and two workers preparing at the same moment never
take the same request; every person gets one copy and one email."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from marketplace.datarights import exports
from marketplace.datarights.exports import ExportSettings, prepare_waiting_exports
from marketplace.datarights.models import DataExport, DataExportFile
from marketplace.extensions import db
from marketplace.notifications.models import EmailMessage
from tests.factories import make_user
from tests.jobs.conftest import job_runs, wait_for

READY = "Your copy of your data is ready"


def _asked(count: int) -> list:
    people = [make_user("holder") for _ in range(count)]
    for person in people:
        exports.request_export(person)
    db.session.commit()
    return people


def _each_prepared_once(people) -> None:
    db.session.expire_all()
    requests = db.session.scalars(sa.select(DataExport)).all()
    assert {(r.status, r.attempts) for r in requests} == {("ready", 1)}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DataExportFile)) == len(people)
    ready = db.session.scalars(sa.select(EmailMessage.to_address)
                               .where(EmailMessage.subject == READY)).all()
    assert sorted(ready) == sorted(person.email for person in people)


def test_two_worker_processes_prepare_each_request_once(app, workers):
    people = _asked(3)
    pair = [workers.start(name, "data-exports") for name in ("node-a", "node-b")]
    wait_for(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(DataExport)
                                       .where(DataExport.status == "ready")) == 3,
             timeout=60, what="every copy to be ready")
    for process in pair:
        assert workers.stop(process) == 0, workers.logs()
    _each_prepared_once(people)
    runs = job_runs("data-exports")
    assert len({run.due_at for run in runs}) == len(runs)
    assert "3 copies of people's data ready" in "".join(run.result or "" for run in runs)


def test_two_workers_preparing_at_the_same_moment_never_take_the_same_request(app):
    people = _asked(4)
    start = threading.Barrier(2)
    reports, problems = {}, []

    def work(name: str) -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                reports[name] = prepare_waiting_exports(name, ExportSettings(batch_size=10))
        except Exception as error:  # noqa: BLE001 - reported by the test below
            problems.append(error)

    threads = [threading.Thread(target=work, args=(name,)) for name in ("worker-a", "worker-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert problems == []
    assert reports["worker-a"].ready + reports["worker-b"].ready == 4
    _each_prepared_once(people)
