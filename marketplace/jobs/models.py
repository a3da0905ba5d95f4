"""Job runs: one row per scheduled job per due time, and the lease that says who is running it.

Invariants:
- UNIQUE (job_name, due_at): whichever worker inserts the row for a due time owns that run, so
  no two workers on any number of nodes ever start the same due time (PostgreSQL and SQLite).
- A run is "running" only under a lease (lease_owner, lease_expires_at). The owner renews the
  lease while the job runs; a run whose lease has expired (its worker crashed or was killed) is
  taken over by another worker with a conditional UPDATE, and attempts goes up by one.
- A job's effect and the run's "succeeded" are committed in one transaction, and only while the
  committing worker still holds the lease (owner and attempt match): a worker that lost its
  lease rolls its work back instead of doing it a second time.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.columns import BigIntegerKey
from marketplace.extensions import db

#: running: a worker holds the lease; succeeded: done; retrying: failed, tried again at
#: next_attempt_at; failed: gave up after JOB_MAX_ATTEMPTS (the next due time runs afresh).
JOB_RUN_STATUSES = ("running", "succeeded", "retrying", "failed")


class JobRun(db.Model):
    __tablename__ = "job_runs"
    __table_args__ = (
        sa.UniqueConstraint("job_name", "due_at", name="uq_job_runs_job_name_due_at"),
        sa.CheckConstraint(
            "status IN ('running', 'succeeded', 'retrying', 'failed')", name="status_known"
        ),
        sa.CheckConstraint("attempts >= 1", name="attempts_positive"),
        sa.Index("ix_job_runs_status", "status"),
    )

    id: so.Mapped[int] = so.mapped_column(BigIntegerKey, primary_key=True, autoincrement=True)
    #: The registered job's name, e.g. "pay-instalments".
    job_name: so.Mapped[str] = so.mapped_column(sa.String(80))
    #: The schedule's due time this run is for (UTC); the same for every worker that computes it.
    due_at: so.Mapped[datetime] = so.mapped_column()
    status: so.Mapped[str] = so.mapped_column(sa.String(20))
    #: How many times a worker has started this run (1 for the first try).
    attempts: so.Mapped[int] = so.mapped_column(sa.Integer, default=1)
    #: The worker that holds (or last held) the lease: host, process id and a random part.
    lease_owner: so.Mapped[str] = so.mapped_column(sa.String(120))
    lease_expires_at: so.Mapped[datetime] = so.mapped_column()
    #: For "retrying": not before this time (exponential backoff).
    next_attempt_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    started_at: so.Mapped[datetime] = so.mapped_column()
    finished_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    #: What the job did, in plain words ("Paid in 3 instalments.").
    result: so.Mapped[str | None] = so.mapped_column(sa.String(500), nullable=True)
    #: Why the last attempt failed (the exception, without the traceback).
    error: so.Mapped[str | None] = so.mapped_column(sa.Text, nullable=True)
