"""What the worker has been doing, for `flask jobs` and the commissioners' operations page:
each job's last run, result, next run and failure, failed runs, and the email queue. Times are
given as text in Europe/London."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.jobs import catalogue
from marketplace.jobs.models import JobRun
from marketplace.jobs.registry import Registry
from marketplace.jobs.schedules import to_london
from marketplace.notifications.models import EMAIL_STATUSES, EmailMessage
from marketplace.times import utcnow

STATUS_WORDS = {
    "running": "Running now",
    "succeeded": "Succeeded",
    "retrying": "Failed; will try again",
    "failed": "Failed",
}


def london_text(value: datetime | None) -> str:
    """'1 December 2026, 01:00' in London time; '' for None."""
    if value is None:
        return ""
    local = to_london(value)
    return f"{local.day} {local:%B %Y}, {local:%H:%M}"


@dataclass(frozen=True)
class JobStatus:
    name: str
    schedule: str
    description: str
    last_run: JobRun | None
    next_run_at: datetime
    #: The next run is a due time nobody has run yet: it starts as soon as a worker is running.
    overdue: bool

    @property
    def last_run_text(self) -> str:
        return london_text(self.last_run.started_at) if self.last_run else "Never run"

    @property
    def outcome_text(self) -> str:
        if self.last_run is None:
            return ""
        words = STATUS_WORDS[self.last_run.status]
        if self.last_run.status == "succeeded" and self.last_run.result:
            return f"{words}: {self.last_run.result}"
        return words

    @property
    def failure(self) -> str:
        if self.last_run is None or self.last_run.status not in ("retrying", "failed"):
            return ""
        return f"{self.last_run.error} (after {self.last_run.attempts} tr" + (
            "y)" if self.last_run.attempts == 1 else "ies)")

    @property
    def next_run_text(self) -> str:
        if self.overdue:
            return f"As soon as a worker is running (due {london_text(self.next_run_at)})"
        return london_text(self.next_run_at)


def job_statuses(registry: Registry | None = None, now: datetime | None = None) -> list[JobStatus]:
    registry = registry or catalogue.load()
    now = now or utcnow()
    statuses = []
    for job in registry.jobs.values():
        last = db.session.scalars(
            sa.select(JobRun).where(JobRun.job_name == job.name)
            .order_by(JobRun.due_at.desc(), JobRun.id.desc()).limit(1)
        ).first()
        latest_due = job.schedule.latest_due(now)
        ran_latest = db.session.scalar(sa.select(sa.exists().where(
            JobRun.job_name == job.name, JobRun.due_at == latest_due)))
        if ran_latest:
            next_run, overdue = job.schedule.next_due(now), False
        else:
            next_run, overdue = latest_due, True
        if last is not None and last.status == "retrying" and last.next_attempt_at is not None:
            next_run, overdue = last.next_attempt_at, False
        statuses.append(JobStatus(job.name, job.schedule.describe(), job.description, last,
                                  next_run, overdue))
    return statuses


def failed_runs(limit: int = 20) -> list[JobRun]:
    """Runs that failed or are waiting to be tried again, newest first."""
    return list(db.session.scalars(
        sa.select(JobRun).where(JobRun.status.in_(("retrying", "failed")))
        .order_by(JobRun.due_at.desc(), JobRun.id.desc()).limit(limit)
    ))


def email_counts() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(EmailMessage.status, sa.func.count()).group_by(EmailMessage.status)
    ).all()
    counts = dict.fromkeys(EMAIL_STATUSES, 0)
    counts.update({status: count for status, count in rows})
    return counts


@dataclass(frozen=True)
class OperationsReport:
    """Everything the commissioners' operations page shows."""

    jobs: list[JobStatus]
    failed_runs: list[JobRun]
    emails: dict[str, int]
    failed_emails: list[EmailMessage]
    failed_email_limit: int


def operations_report(failed_email_limit: int = 50) -> OperationsReport:
    return OperationsReport(job_statuses(), failed_runs(), email_counts(),
                            failed_emails(failed_email_limit), failed_email_limit)


def failed_emails(limit: int = 50) -> list[EmailMessage]:
    return list(db.session.scalars(
        sa.select(EmailMessage).where(EmailMessage.status == "failed")
        .order_by(EmailMessage.last_attempt_at.desc(), EmailMessage.id.desc()).limit(limit)
    ))
