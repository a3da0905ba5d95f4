"""The commissioners' operations page: each job's last run, result and next run, failed job
runs and failed emails in plain words, and "Try again" for a failed email. Only commissioners
see it or use it."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.jobs import catalogue
from marketplace.jobs.runner import RunnerSettings, run_due_jobs
from marketplace.notifications.delivery import deliver_due_emails
from marketplace.notifications.models import EmailMessage
from marketplace.notifications.services import queue_email
from tests.factories import make_user
from tests.mail import deliver_emails
from tests.orders.pages import anonymous, browser, text

PAGE = "/commissioning/operations"


@pytest.fixture
def failed_email(app, mail_server):
    """An email the worker gave up on: the mail server was down for its one allowed try."""
    message = queue_email("sam@example.org", "Your order was approved", "Words.")
    db.session.commit()
    app.config.update(mail_server.settings(), MAIL_MAX_ATTEMPTS=1)
    assert deliver_due_emails("worker-1").failed == 1
    app.config.update(MAIL_BACKEND="capture")
    return db.session.get(EmailMessage, message.id)


@pytest.fixture
def failed_job(app, monkeypatch):
    """pay-instalments failed for good; the other jobs succeeded."""
    def broken(today):
        raise RuntimeError("The funding account is missing")

    monkeypatch.setattr("marketplace.commissioning.jobs.pay_due_instalments", broken)
    outcomes = run_due_jobs("worker-1", catalogue.load(),
                            settings=RunnerSettings(max_attempts=1))
    assert {o.job: o.status for o in outcomes} == {"pay-instalments": "failed",
                                                    "auto-confirm-orders": "succeeded",
                                                    "prune-job-runs": "succeeded",
                                                    "check-ledger": "succeeded",
                                                    "service-look-again": "succeeded",
                                                    "pool-deadlines": "succeeded",
                                                    "need-expiry": "succeeded",
                                                    "review-hold-ends": "succeeded",
                                                    "review-reminders": "succeeded",
                                                    "data-exports": "succeeded",
                                                    "market-summaries": "succeeded",
                                                    "statement-drafts": "succeeded"}


def test_a_commissioner_sees_what_the_jobs_did_and_what_failed(app, failed_job, failed_email):
    page = text(browser(app, make_user("commissioner")).get(PAGE))
    assert "Scheduled jobs and email" in page
    assert "Daily at 01:00 London time" in page and "Every 15 minutes" in page
    assert "Succeeded: Confirmed 0 orders automatically." in page
    assert ("What went wrong: RuntimeError: The funding account is missing (after 1 try)"
            in page)
    assert "Failed job runs" in page and "Gave up" in page
    assert "Failed emails" in page and "sam@example.org" in page
    assert "Your order was approved" in page
    assert "The mail server refused the connection (it may be down)." in page
    assert "Try again to send “Your order was approved” to sam@example.org" in page


def test_nothing_failed_says_so(app):
    page = text(browser(app, make_user("commissioner")).get(PAGE))
    assert "No job has failed." in page and "No email has failed." in page
    assert "Never run" in page and "As soon as a worker is running" in page


def test_try_again_queues_a_failed_email_and_the_worker_sends_it(app, failed_email):
    commissioner = browser(app, make_user("commissioner"))
    response = commissioner.post(f"{PAGE}/emails/{failed_email.id}/retry")
    assert response.status_code == 302 and response.location.endswith(PAGE)
    page = text(commissioner.get(PAGE))
    assert ("The email “Your order was approved” to sam@example.org will be tried again "
            "shortly.") in page
    assert "No email has failed." in page
    db.session.expire_all()
    email = db.session.get(EmailMessage, failed_email.id)
    assert (email.status, email.attempts) == ("queued", 0)
    assert deliver_emails().captured == 1

    again = commissioner.post(f"{PAGE}/emails/{failed_email.id}/retry")
    assert again.status_code == 302
    assert "That email has not failed, so there is nothing to try again." in text(
        commissioner.get(PAGE))


def test_try_again_needs_the_form_s_security_token(app, failed_email):
    commissioner = browser(app, make_user("commissioner"))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = commissioner.post(f"{PAGE}/emails/{failed_email.id}/retry")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(EmailMessage, failed_email.id).status == "failed"


def test_unknown_emails_are_not_found(app):
    commissioner = browser(app, make_user("commissioner"))
    for email_id in (999999, 2**63, 2**70):
        assert commissioner.post(f"{PAGE}/emails/{email_id}/retry").status_code == 404


@pytest.mark.parametrize("role", ["holder", "provider", "supporter", "account_manager"])
def test_other_roles_are_refused_and_change_nothing(app, failed_email, role):
    other = browser(app, make_user(role))
    assert other.get(PAGE).status_code == 403
    assert other.post(f"{PAGE}/emails/{failed_email.id}/retry").status_code == 403
    db.session.expire_all()
    assert db.session.get(EmailMessage, failed_email.id).status == "failed"


def test_anonymous_people_are_sent_to_log_in(app, failed_email):
    for response in (anonymous(app).get(PAGE),
                     anonymous(app).post(f"{PAGE}/emails/{failed_email.id}/retry")):
        assert response.status_code == 302 and "/login" in response.location
    db.session.expire_all()
    assert db.session.scalar(sa.select(EmailMessage.status)) == "failed"
