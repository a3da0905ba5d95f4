"""`flask worker --once` does one pass (due jobs, then email), and `flask jobs` lists each job
with its schedule, last run, result, next run and any failure, and the email queue."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.jobs.models import JobRun
from marketplace.notifications.models import EmailMessage
from marketplace.notifications.services import queue_email
from tests.mail import count_with_status


def test_one_worker_pass_runs_the_due_jobs_and_delivers_email(app, runner):
    queue_email("sam@example.org", "Hello", "Words.")
    db.session.commit()
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert count_with_status("captured") == 1
    runs = {run.job_name: run for run in db.session.scalars(sa.select(JobRun))}
    assert set(runs) == {"pay-instalments", "auto-confirm-orders", "prune-job-runs",
                         "check-ledger", "pool-deadlines", "need-expiry", "service-look-again",
                         "review-hold-ends", "review-reminders", "data-exports",
                         "market-summaries", "statement-drafts"}
    assert runs["pay-instalments"].result == "Paid in 0 instalments."
    assert {run.status for run in runs.values()} == {"succeeded"}


def test_the_jobs_command_lists_runs_results_next_runs_and_failures(app, runner, monkeypatch):
    before = runner.invoke(args=["jobs"])
    assert before.exit_code == 0, before.output
    lines = before.output.splitlines()
    assert lines[0].split() == ["Job", "Schedule", "Last", "run", "Result", "Next", "run"]
    assert "pay-instalments" in lines[1] and "daily at 01:00 London time" in lines[1]
    assert "Never run" in lines[1] and "As soon as a worker is running" in lines[1]
    auto_confirm = next(line for line in lines if line.startswith("auto-confirm-orders"))
    assert "every 15 minutes" in auto_confirm

    def broken(today):
        raise RuntimeError("The funding account is missing")

    monkeypatch.setattr("marketplace.commissioning.jobs.pay_due_instalments", broken)
    queue_email("sam@example.org", "Hello", "Words.")
    db.session.commit()
    app.config["JOB_RETRY_SECONDS"] = 600
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    queue_email("ali@example.org", "Hello", "Words.")
    failed = queue_email("bo@example.org", "Hello", "Words.")
    db.session.flush()
    failed.status = "failed"
    db.session.commit()

    after = runner.invoke(args=["jobs"])
    assert after.exit_code == 0, after.output
    lines = after.output.splitlines()
    assert "Failed; will try again" in lines[1]
    assert "Succeeded: Confirmed 0 orders automatically." in next(
        line for line in lines if line.startswith("auto-confirm-orders"))
    assert ("pay-instalments failed: RuntimeError: The funding account is missing "
            "(after 1 try)") in after.output
    assert lines[-1] == "Email: 1 waiting to be sent, 1 failed."
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EmailMessage)) == 3
