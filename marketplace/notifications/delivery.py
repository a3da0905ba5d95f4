"""Delivering queued email, in the worker only (never inside a web request).

Invariants:
- A worker claims a batch with a conditional UPDATE that sets status "sending", a lease
  (owner token, expiry) and attempts + 1, only on rows still due: "queued" past their backoff,
  or "sending" whose lease has expired. So two workers never hold the same message at once,
  and a message is never sent twice within a lease. Each batch has its own owner token, so a
  worker only ever sends what that one claim gave it.
- A worker that crashes mid-send leaves its messages "sending"; when the lease expires another
  worker takes them again. If the crash came after the server accepted a message, the server
  gets it again with the same Message-ID and can drop it. A message whose workers stopped
  mid-send MAIL_MAX_ATTEMPTS times is marked failed rather than retried for ever.
- After a failed try a message goes back to "queued" with next_attempt_at after an exponential
  backoff counted from the start of that try (MAIL_RETRY_SECONDS, doubling, at most
  MAIL_RETRY_MAX_SECONDS), or to "failed" once it has had MAIL_MAX_ATTEMPTS tries, or at once
  when the server refused it for good.
- Every status change after the claim matches the lease owner, so a worker that lost its lease
  changes nothing.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, NamedTuple

import sqlalchemy as sa
from flask import current_app, has_request_context

from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.notifications.mail import MailFailure, SmtpSender
from marketplace.notifications.models import EmailMessage
from marketplace.times import utcnow

log = logging.getLogger("marketplace.notifications")


@dataclass(frozen=True)
class DeliverySettings:
    backend: str = "capture"
    max_attempts: int = 8
    retry_seconds: float = 30
    retry_max_seconds: float = 3600
    lease_seconds: float = 300
    batch_size: int = 20
    max_batches: int = 10

    @classmethod
    def from_config(cls, config) -> "DeliverySettings":
        return cls(
            backend=config.get("MAIL_BACKEND", cls.backend),
            max_attempts=int(config.get("MAIL_MAX_ATTEMPTS", cls.max_attempts)),
            retry_seconds=float(config.get("MAIL_RETRY_SECONDS", cls.retry_seconds)),
            retry_max_seconds=float(config.get("MAIL_RETRY_MAX_SECONDS", cls.retry_max_seconds)),
            lease_seconds=float(config.get("MAIL_LEASE_SECONDS", cls.lease_seconds)),
            batch_size=int(config.get("MAIL_BATCH_SIZE", cls.batch_size)),
        )

    def backoff(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.retry_seconds * 2 ** (attempts - 1),
                                     self.retry_max_seconds))


@dataclass
class DeliveryReport:
    sent: int = 0
    captured: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.captured + self.retrying + self.failed


class EmailNotFailed(DomainError):
    status = 409
    code = "email_not_failed"


def deliver_due_emails(worker_id: str = "one-off", *, now: datetime | None = None,
                       settings: DeliverySettings | None = None,
                       should_stop: Callable[[], bool] = lambda: False) -> DeliveryReport:
    """Send (or capture) every email that is due, batch by batch. Commits as it goes."""
    if has_request_context():
        raise RuntimeError("Email is delivered by the worker, never inside a web request.")
    settings = settings or DeliverySettings.from_config(current_app.config)
    report = DeliveryReport()
    for _ in range(settings.max_batches):
        pass_time = now or utcnow()
        owner = f"{worker_id[:100]}/{secrets.token_hex(4)}"
        claimed = _claim_batch(owner, pass_time, settings)
        if not claimed:
            break
        reached_server = _deliver_batch(claimed, owner, pass_time, settings, report)
        if not reached_server or should_stop():
            break  # the mail server is down: the rest wait for the next pass
    return report


def _expired(now: datetime):
    return sa.or_(EmailMessage.lease_expires_at.is_(None), EmailMessage.lease_expires_at <= now)


def _claim_batch(owner: str, now: datetime, settings: DeliverySettings) -> list[EmailMessage]:
    abandoned = sa.and_(EmailMessage.status == "sending", _expired(now))
    # Workers stopped mid-send too often: give up rather than risk a message that kills them.
    # (Looked for first, so a quiet pass only reads: on SQLite every write locks the database.)
    given_up = sa.and_(abandoned, EmailMessage.attempts >= settings.max_attempts)
    if db.session.scalar(sa.select(sa.exists().where(given_up))):
        db.session.execute(
            sa.update(EmailMessage).where(given_up)
            .values(status="failed", lease_owner=None, lease_expires_at=None,
                    last_error="Sending stopped part-way too many times (the worker was "
                               "stopped).")
            .execution_options(synchronize_session=False)
        )
    due = sa.or_(
        sa.and_(EmailMessage.status == "queued",
                sa.or_(EmailMessage.next_attempt_at.is_(None),
                       EmailMessage.next_attempt_at <= now)),
        abandoned,
    )
    # Pick the batch first (on PostgreSQL locking its rows, skipping any another worker is
    # claiming), then claim only rows still due: one UPDATE with `IN (SELECT ... LIMIT)` can
    # run its subquery more than once on PostgreSQL and claim far more than a batch.
    # Oldest due first: a message never tried is due since it was queued, so messages that keep
    # failing and coming due again cannot starve the ones behind them.
    due_since = sa.func.coalesce(EmailMessage.next_attempt_at, EmailMessage.created_at)
    picked = db.session.scalars(
        sa.select(EmailMessage.id).where(due).order_by(due_since, EmailMessage.id)
        .limit(settings.batch_size).with_for_update(skip_locked=True)
    ).all()
    if not picked:
        db.session.commit()
        return []
    db.session.execute(
        sa.update(EmailMessage)
        # `due` again: on SQLite another worker may have claimed a row since it was picked.
        .where(EmailMessage.id.in_(picked), due)
        .values(status="sending", lease_owner=owner,
                lease_expires_at=now + timedelta(seconds=settings.lease_seconds),
                attempts=EmailMessage.attempts + 1, last_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(db.session.scalars(
        sa.select(EmailMessage)
        .where(EmailMessage.lease_owner == owner, EmailMessage.status == "sending")
        .order_by(EmailMessage.id)
    ))


def _finish(message_id: int, owner: str, **values) -> bool:
    changed = db.session.execute(
        sa.update(EmailMessage)
        .where(EmailMessage.id == message_id, EmailMessage.lease_owner == owner,
               EmailMessage.status == "sending")
        .values(lease_owner=None, lease_expires_at=None, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return changed == 1


class _Claimed(NamedTuple):
    """What a worker needs of a claimed message, read once so sending needs no more queries."""

    id: int
    attempts: int
    to_address: str
    subject: str
    body: str
    message_id: str


def _failed_try(message: _Claimed, owner: str, failure: MailFailure, now: datetime,
                settings: DeliverySettings, report: DeliveryReport) -> None:
    if failure.permanent or message.attempts >= settings.max_attempts:
        _finish(message.id, owner, status="failed", last_error=failure.text)
        report.failed += 1
        log.error("Email %s to %s failed for good: %s", message.id, message.to_address,
                  failure.text)
    else:
        _finish(message.id, owner, status="queued", last_error=failure.text,
                next_attempt_at=now + settings.backoff(message.attempts))
        report.retrying += 1
    report.errors.append(failure.text)


def _renew_if_short(message_id: int, owner: str, expires: datetime,
                    settings: DeliverySettings) -> tuple[bool, datetime]:
    """Before each send, at least half a lease must be left; renew it if not."""
    now = utcnow()
    if expires - now >= timedelta(seconds=settings.lease_seconds / 2):
        return True, expires
    renewed = now + timedelta(seconds=settings.lease_seconds)
    kept = db.session.execute(
        sa.update(EmailMessage)
        .where(EmailMessage.id == message_id, EmailMessage.lease_owner == owner,
               EmailMessage.status == "sending")
        .values(lease_expires_at=renewed)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.commit()
    return kept, renewed


def _deliver_batch(messages: list[EmailMessage], owner: str, now: datetime,
                   settings: DeliverySettings, report: DeliveryReport) -> bool:
    """Sends the claimed batch; False when the mail server could not be reached."""
    if settings.backend != "smtp":
        for message in messages:
            if _finish(message.id, owner, status="captured", sent_at=now, last_error=None):
                report.captured += 1
        return True
    expires = now + timedelta(seconds=settings.lease_seconds)
    pending = [_Claimed(m.id, m.attempts, m.to_address, m.subject, m.body, m.message_id)
               for m in messages]
    with SmtpSender(current_app.config) as sender:
        for index, message in enumerate(pending):
            kept, expires = _renew_if_short(message.id, owner, expires, settings)
            if not kept:
                continue
            try:
                sender.send(to=message.to_address, subject=message.subject, body=message.body,
                            message_id=message.message_id)
            except MailFailure as failure:
                # The server is unreachable: this try fails for the rest of the batch too.
                rest = pending[index:] if failure.connection else [message]
                for item in rest:
                    _failed_try(item, owner, failure, now, settings, report)
                if failure.connection:
                    log.warning("Mail server unreachable; %s email(s) wait: %s", len(rest),
                                failure.text)
                    return False
                continue
            if _finish(message.id, owner, status="sent", sent_at=utcnow(), last_error=None):
                report.sent += 1
    return True


def retry_failed_email(email_id: int) -> EmailMessage:
    """An operator asks for a failed email to be tried again: it goes back to the queue with a
    fresh count of tries. Flushes; the caller commits."""
    message = db.session.get(EmailMessage, email_id) if 0 < email_id < 2**63 else None
    if message is None:
        raise NotFound("We could not find that email.")
    if message.status != "failed":
        raise EmailNotFailed("That email has not failed, so there is nothing to try again.")
    message.status = "queued"
    message.attempts = 0
    message.next_attempt_at = None
    db.session.flush()
    return message
