"""Email delivery as the worker runs it, against a real local SMTP server: a page only queues
email; the mail server refusing connections and then recovering gets each message once, after
the backoff, with its tries counted; a message that keeps failing is marked failed; a worker
that died mid-send leaves nothing stuck, and nothing is sent twice within a lease."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.notifications.delivery import (
    DeliverySettings,
    _claim_batch,
    deliver_due_emails,
)
from marketplace.notifications.models import EmailMessage
from marketplace.notifications.services import queue_email
from marketplace.times import utcnow
from tests.factories import make_user
from tests.mail import emails_to

RETRY = 10  # seconds before the first retry; doubling after each failed try


@pytest.fixture
def smtp(app, mail_server):
    app.config.update(mail_server.settings(), MAIL_RETRY_SECONDS=RETRY, MAIL_MAX_ATTEMPTS=3)
    return mail_server


def settings(app, **changes) -> DeliverySettings:
    base = DeliverySettings.from_config(app.config)
    return DeliverySettings(**{**base.__dict__, **changes})


def queued(count: int) -> list[int]:
    ids = []
    for number in range(count):
        message = queue_email(f"person{number}@example.org", f"Hello {number}", "Words.")
        db.session.flush()
        ids.append(message.id)
    db.session.commit()
    return ids


def states() -> list[tuple[str, int]]:
    db.session.expire_all()
    return [(m.status, m.attempts) for m in db.session.scalars(
        sa.select(EmailMessage).order_by(EmailMessage.id))]


def test_a_page_only_queues_email_and_the_worker_sends_it(app, client, smtp):
    holder = make_user("holder", email="sam@example.org")
    smtp.up()
    client.post("/login", data={"email": holder.email, "password": "correct horse battery"})
    response = client.post("/supporters", data={
        "email": "asha@example.org", "relationship": "my sister", "scopes": ["view"]})
    assert response.status_code == 302
    [invitation] = emails_to("asha@example.org")
    assert invitation.status == "queued" and smtp.handler.messages == []

    report = deliver_due_emails("worker-1")
    assert report.sent == 1
    [invitation] = emails_to("asha@example.org")
    assert invitation.status == "sent" and invitation.attempts == 1
    [received] = smtp.handler.messages
    assert str(received["To"]) == "asha@example.org"
    assert smtp.handler.message_ids == [invitation.message_id]
    assert "/supporters/accept/" in received.get_content()


def test_delivery_refuses_to_run_inside_a_web_request(app):
    with app.test_request_context("/"):
        with pytest.raises(RuntimeError, match="never inside a web request"):
            deliver_due_emails("worker-1")


def test_smtp_down_then_up_delivers_each_message_once_after_the_backoff(app, smtp):
    queued(3)
    start = utcnow()
    report = deliver_due_emails("worker-1", now=start)
    assert report.retrying == 3 and report.sent == 0
    assert states() == [("queued", 1)] * 3
    message = db.session.scalars(sa.select(EmailMessage)).first()
    assert message.last_error == "The mail server refused the connection (it may be down)."

    # Within the backoff nothing is tried; after it, each message has its second try.
    assert deliver_due_emails("worker-1", now=start + timedelta(seconds=RETRY - 1)).handled == 0
    assert deliver_due_emails("worker-1", now=start + timedelta(seconds=RETRY)).retrying == 3
    assert states() == [("queued", 2)] * 3
    # The wait doubles: 20 seconds after the second try.
    second = start + timedelta(seconds=RETRY)
    assert deliver_due_emails("worker-1", now=second + timedelta(seconds=19)).handled == 0

    smtp.up()
    report = deliver_due_emails("worker-1", now=second + timedelta(seconds=2 * RETRY))
    assert report.sent == 3
    assert states() == [("sent", 3)] * 3
    assert deliver_due_emails("worker-1", now=second + timedelta(hours=1)).handled == 0
    ids = [m.message_id for m in db.session.scalars(sa.select(EmailMessage))]
    assert sorted(smtp.handler.message_ids) == sorted(ids) and len(set(ids)) == 3


def test_while_the_server_is_down_each_message_is_tried_before_any_is_tried_again(app, smtp):
    queued(3)
    app.config["MAIL_BATCH_SIZE"] = 2
    now = utcnow()
    # Server down: one batch a pass, then the worker waits for its next pass.
    assert deliver_due_emails("worker-1", now=now).retrying == 2
    assert states() == [("queued", 1), ("queued", 1), ("queued", 0)]
    later = now + timedelta(seconds=RETRY)
    assert deliver_due_emails("worker-1", now=later).retrying == 2
    assert states() == [("queued", 2), ("queued", 1), ("queued", 1)]


def test_a_message_that_keeps_failing_is_marked_failed_after_the_limit(app, smtp):
    queued(1)
    now = utcnow()
    for _ in range(3):
        deliver_due_emails("worker-1", now=now)
        now += timedelta(hours=1)
    assert states() == [("failed", 3)]
    assert deliver_due_emails("worker-1", now=now + timedelta(days=1)).handled == 0
    smtp.up()
    assert deliver_due_emails("worker-1", now=now + timedelta(days=1)).handled == 0
    assert smtp.handler.messages == []


def test_a_recipient_the_server_refuses_for_good_fails_at_once_and_the_rest_go(app, smtp):
    queued(3)
    smtp.handler.refuse.add("person1@example.org")
    smtp.up()
    report = deliver_due_emails("worker-1")
    assert (report.sent, report.failed) == (2, 1)
    assert states() == [("sent", 1), ("failed", 1), ("sent", 1)]
    [refused] = emails_to("person1@example.org")
    assert refused.last_error.startswith("The mail server answered 550")


def test_a_message_whose_worker_died_mid_send_is_sent_once_after_its_lease(app, smtp):
    [message_id] = queued(1)
    smtp.up()
    start = utcnow()
    # A worker claimed it and died before saying whether it was sent.
    assert len(_claim_batch("dead-worker/1", start, settings(app))) == 1
    assert states() == [("sending", 1)]
    # Within the lease no other worker sends it.
    during = start + timedelta(seconds=settings(app).lease_seconds - 1)
    assert deliver_due_emails("worker-2", now=during).handled == 0
    assert smtp.handler.messages == []
    # After the lease it is taken again and sent, once.
    after = start + timedelta(seconds=settings(app).lease_seconds)
    assert deliver_due_emails("worker-2", now=after).sent == 1
    assert deliver_due_emails("worker-2", now=after + timedelta(hours=1)).handled == 0
    assert states() == [("sent", 2)]
    assert smtp.handler.message_ids == [db.session.get(EmailMessage, message_id).message_id]


def test_a_message_that_stops_its_workers_too_often_is_marked_failed(app, smtp):
    queued(1)
    now = utcnow()
    lease = timedelta(seconds=settings(app).lease_seconds)
    for attempt in range(3):
        assert len(_claim_batch(f"dying-worker/{attempt}", now, settings(app))) == 1
        now += lease
    smtp.up()
    assert deliver_due_emails("worker-2", now=now).handled == 0
    assert states() == [("failed", 3)]
    assert "stopped part-way" in db.session.scalars(sa.select(EmailMessage)).one().last_error
    assert smtp.handler.messages == []


def test_a_claim_takes_one_batch_and_two_claims_never_share_a_message(app):
    queued(7)
    now = utcnow()
    first = _claim_batch("worker-1/a", now, settings(app, batch_size=3))
    second = _claim_batch("worker-2/b", now, settings(app, batch_size=3))
    third = _claim_batch("worker-3/c", now, settings(app, batch_size=3))
    assert [len(first), len(second), len(third)] == [3, 3, 1]
    ids = [m.id for m in first + second + third]
    assert len(set(ids)) == 7
