"""Running the worker's statement-drafts job in a test, as the worker would."""
from __future__ import annotations

from marketplace.extensions import db
from marketplace.jobs import catalogue
from marketplace.jobs.runner import RunnerSettings, run_due_job
from marketplace.times import utcnow


def run_statement_drafts() -> str:
    """One run of the job (claimed, run and committed by the runner); its result."""
    job = catalogue.load().jobs["statement-drafts"]
    outcome = run_due_job(job, "test-worker", now=utcnow(), settings=RunnerSettings())
    assert outcome is not None and outcome.status == "succeeded", outcome
    db.session.expire_all()
    return outcome.message
