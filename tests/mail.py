"""Delivering queued email in tests the way the worker does: requests only queue email, so a
test that checks what a person received runs the worker's delivery step first."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.notifications.delivery import DeliveryReport, deliver_due_emails
from marketplace.notifications.models import EmailMessage


def deliver_emails() -> DeliveryReport:
    """One delivery pass, as the worker runs it (captured, since tests use MAIL_BACKEND=capture)."""
    report = deliver_due_emails("test-worker")
    db.session.expire_all()
    return report


def emails_to(address: str) -> list[EmailMessage]:
    return list(db.session.scalars(
        sa.select(EmailMessage).where(EmailMessage.to_address == address)
        .order_by(EmailMessage.id)
    ))


def count_with_status(status: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(EmailMessage).where(EmailMessage.status == status)
    )
