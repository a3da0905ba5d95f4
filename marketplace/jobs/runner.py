"""Running scheduled jobs once per due time, across any number of workers and nodes.

How a run is claimed, on PostgreSQL and on SQLite alike:
1. Each pass, for each job, a worker computes the job's latest due time and, unless a run for
   it exists, inserts a job_runs row for it with INSERT ... ON CONFLICT DO NOTHING. The unique
   (job_name, due_at) means one worker's insert wins; the others insert nothing and move on.
2. Otherwise it looks for a run of that job to take again: one that failed and whose backoff
   has passed ("retrying"), or one still "running" whose lease has expired (its worker
   crashed or was killed). It takes it with a conditional UPDATE on the status and attempt it
   saw, so only one worker can.
3. While the job runs, a thread renews the lease. The job flushes; the runner then marks the
   run "succeeded" with an UPDATE that matches only if this worker still holds the lease
   (owner and attempt), and commits that together with the job's own changes. A worker that
   lost its lease meanwhile rolls everything back, so the effect happens once.
4. A job that raises is rolled back; the run is tried again after an exponential backoff, and
   marked "failed" after JOB_MAX_ATTEMPTS tries. The next due time runs afresh.

A job that commits part of its work itself (a long batch job, say) gives up the all-or-nothing
guarantee of step 3 for those parts; its docstring says why doing them again is harmless.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.extensions import db
from marketplace.jobs.models import JobRun
from marketplace.jobs.registry import JobContext, Registry, ScheduledJob
from marketplace.times import utcnow

log = logging.getLogger("marketplace.jobs")


@dataclass(frozen=True)
class RunnerSettings:
    lease_seconds: float = 300
    max_attempts: int = 5
    retry_seconds: float = 60
    retry_max_seconds: float = 3600

    @classmethod
    def from_config(cls, config) -> "RunnerSettings":
        return cls(
            lease_seconds=float(config.get("JOB_LEASE_SECONDS", cls.lease_seconds)),
            max_attempts=int(config.get("JOB_MAX_ATTEMPTS", cls.max_attempts)),
            retry_seconds=float(config.get("JOB_RETRY_SECONDS", cls.retry_seconds)),
            retry_max_seconds=float(config.get("JOB_RETRY_MAX_SECONDS", cls.retry_max_seconds)),
        )

    def backoff(self, attempts: int) -> timedelta:
        """Wait before try number attempts + 1: retry_seconds, doubling, at most the maximum."""
        return timedelta(seconds=min(self.retry_seconds * 2 ** (attempts - 1),
                                     self.retry_max_seconds))


@dataclass(frozen=True)
class RunOutcome:
    job: str
    due_at: datetime
    attempt: int
    #: "succeeded", "retrying", "failed", or "lost" (another worker took the run over).
    status: str
    message: str


def run_due_jobs(worker_id: str, registry: Registry, *, now: datetime | None = None,
                 settings: RunnerSettings | None = None) -> list[RunOutcome]:
    """One pass: claim and run every job that is due, one run per job at most."""
    from flask import current_app

    settings = settings or RunnerSettings.from_config(current_app.config)
    outcomes = []
    for job in registry.jobs.values():
        outcome = run_due_job(job, worker_id, now=now or utcnow(), settings=settings)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


def run_due_job(job: ScheduledJob, worker_id: str, *, now: datetime,
                settings: RunnerSettings) -> RunOutcome | None:
    run = claim_run(job, worker_id, now=now, settings=settings)
    if run is None:
        return None
    return execute_run(job, run, worker_id, now=now, settings=settings)


# ---------------------------------------------------------------- claiming


def _live_run_exists(job: ScheduledJob, now: datetime) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(
        JobRun.job_name == job.name, JobRun.status == "running", JobRun.lease_expires_at > now,
    )))


def _run_exists(job: ScheduledJob, due_at: datetime) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(
        JobRun.job_name == job.name, JobRun.due_at == due_at)))


def _insert_new_run(job: ScheduledJob, due_at: datetime, worker_id: str, now: datetime,
                    settings: RunnerSettings) -> int | None:
    """The new run's id, or None when another worker already has this due time."""
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    statement = insert(JobRun).values(
        job_name=job.name, due_at=due_at, status="running", attempts=1,
        lease_owner=worker_id, lease_expires_at=now + timedelta(seconds=settings.lease_seconds),
        started_at=now,
    ).on_conflict_do_nothing(index_elements=["job_name", "due_at"]).returning(JobRun.id)
    return db.session.execute(statement).scalar()


def claim_run(job: ScheduledJob, worker_id: str, *, now: datetime,
              settings: RunnerSettings) -> JobRun | None:
    """Take the job's latest due run, or one to try again; None if there is nothing to do.
    Commits the claim before the job starts, so other workers see it at once."""
    try:
        # One run of a job at a time: a run still under a live lease is left to its worker.
        if _live_run_exists(job, now):
            return None
        due_at = job.schedule.latest_due(now)
        # Most passes find the due time already run: a read then, so that on SQLite a quiet
        # worker does not take the write lock every few seconds.
        run_id = None if _run_exists(job, due_at) else _insert_new_run(
            job, due_at, worker_id, now, settings)
        if run_id is None:
            run_id = _take_over(job, worker_id, now, settings)
        db.session.commit()
        return db.session.get(JobRun, run_id) if run_id else None
    except Exception:
        db.session.rollback()
        raise


def _take_over(job: ScheduledJob, worker_id: str, now: datetime,
               settings: RunnerSettings) -> int | None:
    waiting = sa.and_(JobRun.status == "retrying", JobRun.next_attempt_at <= now)
    abandoned = sa.and_(JobRun.status == "running", JobRun.lease_expires_at <= now)
    candidate = db.session.execute(
        sa.select(JobRun.id, JobRun.status, JobRun.attempts, JobRun.lease_owner)
        .where(JobRun.job_name == job.name, sa.or_(waiting, abandoned))
        .order_by(JobRun.due_at).limit(1)
    ).first()
    if candidate is None:
        return None
    seen = sa.and_(JobRun.id == candidate.id, JobRun.status == candidate.status,
                   JobRun.attempts == candidate.attempts,
                   JobRun.lease_owner == candidate.lease_owner)
    if candidate.status == "running" and candidate.attempts >= settings.max_attempts:
        db.session.execute(sa.update(JobRun).where(seen).values(
            status="failed", finished_at=now,
            error=f"The worker running it stopped before it finished, {candidate.attempts} "
                  "times; it will not be tried again for this due time.",
        ).execution_options(synchronize_session=False))
        log.error("%s: given up after %s abandoned tries", job.name, candidate.attempts)
        return None
    taken = db.session.execute(sa.update(JobRun).where(seen).values(
        status="running", attempts=JobRun.attempts + 1, lease_owner=worker_id,
        lease_expires_at=now + timedelta(seconds=settings.lease_seconds),
        next_attempt_at=None, started_at=now, finished_at=None,
    ).execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        return None
    if candidate.status == "running":
        log.warning("%s: taking over a run whose worker %s stopped", job.name,
                    candidate.lease_owner)
    return candidate.id


# ---------------------------------------------------------------- running


class LeaseKeeper:
    """Renews a run's lease from its own connection while the job runs, every third of the
    lease. If a renewal fails (the database is busy) the next one tries again; if the lease
    runs out anyway, the fence in execute_run stops this worker committing."""

    def __init__(self, engine: sa.Engine, run_id: int, worker_id: str, attempt: int,
                 lease_seconds: float) -> None:
        self._engine, self._lease = engine, lease_seconds
        self._where = sa.and_(JobRun.id == run_id, JobRun.lease_owner == worker_id,
                              JobRun.attempts == attempt, JobRun.status == "running")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, name=f"lease-{run_id}", daemon=True)

    def _renew(self) -> None:
        while not self._stop.wait(self._lease / 3):
            try:
                with self._engine.begin() as connection:
                    connection.execute(sa.update(JobRun.__table__).where(self._where).values(
                        lease_expires_at=utcnow() + timedelta(seconds=self._lease)))
            except sa.exc.OperationalError:
                log.warning("Could not renew a job lease; trying again shortly", exc_info=True)

    def __enter__(self) -> "LeaseKeeper":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


def execute_run(job: ScheduledJob, run: JobRun, worker_id: str, *, now: datetime,
                settings: RunnerSettings) -> RunOutcome:
    run_id, attempt, due_at = run.id, run.attempts, run.due_at
    mine = sa.and_(JobRun.id == run_id, JobRun.lease_owner == worker_id,
                   JobRun.attempts == attempt, JobRun.status == "running")
    context = JobContext(name=job.name, due_at=due_at, attempt=attempt, worker_id=worker_id)
    with LeaseKeeper(db.engine, run_id, worker_id, attempt, settings.lease_seconds):
        try:
            result = (job.function(context) or "Done.")[:500]
            db.session.flush()
            fenced = db.session.execute(sa.update(JobRun).where(mine).values(
                status="succeeded", finished_at=max(now, utcnow()), result=result, error=None,
            ).execution_options(synchronize_session=False)).rowcount
            if fenced != 1:
                db.session.rollback()
                log.warning("%s: lost the lease on its run for %s; its work is undone",
                            job.name, due_at)
                return RunOutcome(job.name, due_at, attempt, "lost", "Another worker took it over.")
            db.session.commit()
        except Exception as error:  # noqa: BLE001 - a failed job is recorded and tried again
            db.session.rollback()
            log.exception("%s failed (try %s)", job.name, attempt)
            return _record_failure(job, mine, due_at, attempt, error, now, settings)
    log.info("%s (due %s): %s", job.name, due_at, result)
    return RunOutcome(job.name, due_at, attempt, "succeeded", result)


def _record_failure(job: ScheduledJob, mine, due_at: datetime, attempt: int, error: Exception,
                    now: datetime, settings: RunnerSettings) -> RunOutcome:
    failed_at = max(now, utcnow())
    text = f"{type(error).__name__}: {error}"[:2000]
    if attempt >= settings.max_attempts:
        values = {"status": "failed", "finished_at": failed_at, "error": text}
    else:
        values = {"status": "retrying", "next_attempt_at": failed_at + settings.backoff(attempt),
                  "error": text}
    db.session.execute(sa.update(JobRun).where(mine).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    return RunOutcome(job.name, due_at, attempt, values["status"], text)
