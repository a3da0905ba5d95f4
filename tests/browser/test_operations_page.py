"""The commissioners' operations page in a real browser: a failed job and a failed email show
in plain words, "Try again" works, and the page passes axe-core at WCAG 2.2 AA on a desktop
and on a 320 px wide phone, where it never scrolls sideways."""
from __future__ import annotations

from marketplace.extensions import db
from marketplace.jobs import catalogue
from marketplace.jobs.runner import RunnerSettings, run_due_jobs
from marketplace.notifications.services import queue_email
from tests.factories import PASSWORD, make_user


def test_a_commissioner_sees_failures_and_tries_a_failed_email_again(
        app, page, check_accessibility, monkeypatch):
    def broken(today):
        raise RuntimeError("The funding account for Salford adult social care is missing")

    monkeypatch.setattr("marketplace.commissioning.jobs.pay_due_instalments", broken)
    run_due_jobs("worker-1", catalogue.load(), settings=RunnerSettings(max_attempts=1))
    email = queue_email("a.very.long.address.for.someone@example-council.gov.uk",
                        "An order is waiting for your approval", "Words.")
    email.status, email.attempts = "failed", 8
    email.last_error = "The mail server refused the connection (it may be down)."
    db.session.commit()
    commissioner = make_user("commissioner")

    page.goto("/login")
    page.fill("#email", commissioner.email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.goto("/commissioning/operations")
    assert page.locator("h1").inner_text() == "Scheduled jobs and email"
    content = page.locator("main").inner_text()
    assert "The funding account for Salford adult social care is missing" in content
    assert "a.very.long.address.for.someone@example-council.gov.uk" in content
    check_accessibility(page, "operations")

    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    check_accessibility(page, "operations on a phone")

    page.click("main form button[type=submit]")
    assert "will be tried again shortly" in page.locator("main").inner_text()
    assert "No email has failed." in page.locator("main").inner_text()
    check_accessibility(page, "operations after trying again")
