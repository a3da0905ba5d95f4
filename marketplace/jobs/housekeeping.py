"""The worker's own housekeeping jobs."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.extensions import db
from marketplace.jobs.models import JobRun
from marketplace.jobs.registry import JobContext, scheduled_job
from marketplace.jobs.schedules import DailyAt
from marketplace.times import utcnow


@scheduled_job("prune-job-runs", DailyAt(hour=3))
def prune_job_runs(context: JobContext) -> str:
    """Deletes the records of finished job runs older than JOB_RUN_RETENTION_DAYS (90), so the
    table holds months, not years. Running and retrying runs are kept.

    Running it twice is harmless: the second finds nothing that old left to delete.
    """
    days = int(current_app.config.get("JOB_RUN_RETENTION_DAYS", 90))
    deleted = db.session.execute(
        sa.delete(JobRun).where(JobRun.status.in_(("succeeded", "failed")),
                                JobRun.due_at < utcnow() - timedelta(days=days))
        .execution_options(synchronize_session=False)
    ).rowcount
    return f"Deleted {deleted} old job run record{'' if deleted == 1 else 's'}."
