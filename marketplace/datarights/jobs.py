"""Scheduled jobs of the data rights area, run by the worker (see marketplace/jobs/)."""
from __future__ import annotations

from marketplace.datarights.exports import expire_old_exports, prepare_waiting_exports
from marketplace.extensions import db
from marketplace.jobs import Every, JobContext, scheduled_job


@scheduled_job("data-exports", Every(minutes=1))
def data_exports(context: JobContext) -> str:
    """Deletes copies of people's data past their expiry, then prepares the copies people
    asked for, oldest first (DATA_EXPORT_BATCH_SIZE a run), emailing each person when theirs
    is ready.

    It commits as it goes, so each person's page shows the progress. Running it twice is
    harmless: each request is claimed by one conditional update, so only one worker prepares
    it; a copy is stored, marked ready and its email queued in one transaction, so a retry
    finds it done; a worker that stops part-way leaves its claim to run out, and the next try
    starts that copy again from the beginning, having kept nothing of the first.
    """
    expired = expire_old_exports()
    db.session.commit()
    report = prepare_waiting_exports(context.worker_id)
    words = [f"{report.ready} cop{'y' if report.ready == 1 else 'ies'} of people's data ready"]
    if report.retrying:
        words.append(f"{report.retrying} to try again")
    if report.failed:
        words.append(f"{report.failed} failed")
    words.append(f"{expired} expired")
    return ", ".join(words) + "."
