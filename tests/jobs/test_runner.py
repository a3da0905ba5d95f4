"""The job runner in one process, with the clock in the test's hands: one run per due time, a
failing job rolled back and tried again after a doubling wait until it is marked failed, a run
whose worker died taken over after its lease, and a worker that lost its lease committing
nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.jobs import status
from marketplace.jobs.models import JobRun
from marketplace.jobs.registry import Registry
from marketplace.jobs.runner import RunnerSettings, run_due_jobs
from marketplace.jobs.schedules import Every
from marketplace.notifications.models import Notification
from marketplace.notifications.services import notify
from marketplace.times import utcnow
from tests.factories import make_user

SETTINGS = RunnerSettings(lease_seconds=60, max_attempts=3, retry_seconds=60)
EVERY = Every(hours=12)


@pytest.fixture
def person(app):
    return make_user("holder")


@pytest.fixture
def t0():
    """A time well inside one 12-hour slot, a day ahead (so it is later than the real clock)."""
    return EVERY.latest_due(utcnow() + timedelta(days=1)) + timedelta(hours=1)


def told(person) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(Notification.message).where(Notification.user_id == person.id)))


def runs(name: str = "record") -> list[JobRun]:
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(JobRun).where(JobRun.job_name == name).order_by(JobRun.due_at, JobRun.id)))


def recording_registry(person, *, fail: bool = False, during=None) -> Registry:
    registry = Registry()

    @registry.scheduled_job("record", EVERY)
    def record(context):
        """Tells the person once per due time (the test counts them)."""
        if during:
            during(context)
        notify(db.session.merge(person), f"Run for {context.due_at:%H:%M}")
        db.session.flush()
        if fail:
            raise RuntimeError("The ledger did not balance")
        return "Recorded."

    return registry


def test_each_due_time_runs_once_whoever_asks(app, person, t0):
    registry = recording_registry(person)
    [outcome] = run_due_jobs("worker-1", registry, now=t0, settings=SETTINGS)
    assert outcome.status == "succeeded" and outcome.message == "Recorded."
    assert run_due_jobs("worker-2", registry, now=t0, settings=SETTINGS) == []
    assert run_due_jobs("worker-1", registry, now=t0 + timedelta(hours=5), settings=SETTINGS) == []
    [later] = run_due_jobs("worker-2", registry, now=t0 + timedelta(hours=12), settings=SETTINGS)
    assert later.status == "succeeded"
    assert len(told(person)) == 2
    assert [(r.status, r.attempts, r.result) for r in runs()] == [("succeeded", 1, "Recorded.")] * 2
    assert [r.lease_owner for r in runs()] == ["worker-1", "worker-2"]


def test_a_failing_job_is_rolled_back_retried_with_backoff_then_marked_failed(app, person, t0):
    registry = recording_registry(person, fail=True)
    [first] = run_due_jobs("worker-1", registry, now=t0, settings=SETTINGS)
    assert first.status == "retrying"
    [run] = runs()
    assert run.error == "RuntimeError: The ledger did not balance"
    assert told(person) == []  # what the job did before failing was rolled back

    # 60 seconds before the second try, then 120 before the third, the last.
    assert run_due_jobs("worker-1", registry, now=t0 + timedelta(seconds=59),
                        settings=SETTINGS) == []
    [second] = run_due_jobs("worker-2", registry, now=t0 + timedelta(seconds=60),
                            settings=SETTINGS)
    assert (second.status, second.attempt) == ("retrying", 2)
    assert run_due_jobs("worker-1", registry, now=t0 + timedelta(seconds=179),
                        settings=SETTINGS) == []
    [third] = run_due_jobs("worker-1", registry, now=t0 + timedelta(seconds=180),
                           settings=SETTINGS)
    assert (third.status, third.attempt) == ("failed", 3)
    assert run_due_jobs("worker-1", registry, now=t0 + timedelta(hours=2),
                        settings=SETTINGS) == []
    assert told(person) == []

    [failed] = status.failed_runs()
    assert failed.job_name == "record" and failed.attempts == 3
    [job] = status.job_statuses(registry, now=t0 + timedelta(hours=2))
    assert job.outcome_text == "Failed"
    assert job.failure == "RuntimeError: The ledger did not balance (after 3 tries)"

    # The next due time is a fresh run.
    [fresh] = run_due_jobs("worker-1", recording_registry(person),
                           now=t0 + timedelta(hours=12), settings=SETTINGS)
    assert (fresh.status, fresh.attempt) == ("succeeded", 1)
    assert len(told(person)) == 1


def _abandoned_run(t0, *, attempts: int = 1) -> None:
    db.session.add(JobRun(
        job_name="record", due_at=EVERY.latest_due(t0), status="running", attempts=attempts,
        lease_owner="dead-worker", lease_expires_at=t0 + timedelta(seconds=30), started_at=t0,
    ))
    db.session.commit()


def test_a_run_whose_worker_died_is_left_alone_during_its_lease_then_taken_over(
        app, person, t0):
    _abandoned_run(t0)
    registry = recording_registry(person)
    assert run_due_jobs("worker-2", registry, now=t0 + timedelta(seconds=29),
                        settings=SETTINGS) == []
    [outcome] = run_due_jobs("worker-2", registry, now=t0 + timedelta(seconds=30),
                             settings=SETTINGS)
    assert (outcome.status, outcome.attempt) == ("succeeded", 2)
    [run] = runs()
    assert (run.status, run.attempts, run.lease_owner) == ("succeeded", 2, "worker-2")
    assert len(told(person)) == 1


def test_a_run_whose_workers_keep_dying_is_marked_failed(app, person, t0):
    _abandoned_run(t0, attempts=3)
    registry = recording_registry(person)
    assert run_due_jobs("worker-2", registry, now=t0 + timedelta(minutes=1),
                        settings=SETTINGS) == []
    [run] = runs()
    assert run.status == "failed" and "stopped before it finished, 3 times" in run.error
    assert told(person) == []


def test_a_worker_that_lost_its_lease_commits_nothing(app, person, t0):
    def taken_over_meanwhile(context):
        # Another worker takes the run over (as if this one had stalled past its lease).
        with db.engine.begin() as connection:
            connection.execute(
                sa.update(JobRun.__table__)
                .where(JobRun.job_name == context.name, JobRun.due_at == context.due_at)
                .values(lease_owner="worker-2", attempts=2))

    registry = recording_registry(person, during=taken_over_meanwhile)
    [outcome] = run_due_jobs("worker-1", registry, now=t0, settings=SETTINGS)
    assert outcome.status == "lost"
    assert told(person) == []
    [run] = runs()
    assert (run.status, run.lease_owner, run.attempts) == ("running", "worker-2", 2)


def test_a_job_without_a_docstring_saying_why_twice_is_harmless_is_refused():
    registry = Registry()
    with pytest.raises(ValueError, match="docstring"):
        registry.add_job("careless", EVERY, lambda context: "Done.")


def test_finished_runs_older_than_the_retention_are_pruned_daily(app, t0):
    from marketplace.jobs import catalogue

    old = utcnow() - timedelta(days=91)
    for name, due_at, state in [("old-done", old, "succeeded"), ("old-failed", old, "failed"),
                                ("old-retrying", old, "retrying"),
                                ("recent", utcnow() - timedelta(days=89), "succeeded")]:
        db.session.add(JobRun(job_name=name, due_at=due_at, status=state, attempts=1,
                              lease_owner="w", lease_expires_at=due_at, started_at=due_at))
    db.session.commit()
    prune = Registry()
    prune.jobs["prune-job-runs"] = catalogue.load().jobs["prune-job-runs"]
    [outcome] = run_due_jobs("worker-1", prune, now=t0, settings=SETTINGS)
    assert outcome.message == "Deleted 2 old job run records."
    db.session.expire_all()
    assert sorted(db.session.scalars(sa.select(JobRun.job_name))) == [
        "old-retrying", "prune-job-runs", "recent"]
