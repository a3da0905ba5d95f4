"""Telling people what happened: an in-app notification plus an email, queued in the same
transaction as the change they report. Emails leave the machine only when MAIL_BACKEND is
"smtp"; in development and tests they are captured (kept in the table, marked "captured").
"""
from __future__ import annotations

import smtplib
from email.message import EmailMessage as MimeMessage

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.times import utcnow
from marketplace.notifications.models import EmailMessage, Notification


def queue_email(to_address: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage(to_address=to_address, subject=subject[:200], body=body)
    db.session.add(message)
    return message


def notify(user: User, message: str, *, link: str = "", order_id: int | None = None,
           email_subject: str | None = None) -> Notification:
    """Tell a person something on their notifications page and by email."""
    notification = Notification(user_id=user.id, message=message[:500], link=link, order_id=order_id)
    db.session.add(notification)
    site = current_app.config.get("SITE_URL", "http://127.0.0.1:5000")
    body = f"Hello {user.display_name},\n\n{message}\n"
    if link:
        body += f"\nSee the details: {site}{link}\n"
    body += "\nPathways\n"
    queue_email(user.email, email_subject or "An update from Pathways", body)
    return notification


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def deliver_queued_emails(limit: int = 100) -> int:
    """Send (or capture) queued emails. Called after commit; safe to call from any worker."""
    backend = current_app.config.get("MAIL_BACKEND", "capture")
    queued = db.session.scalars(
        sa.select(EmailMessage).where(EmailMessage.status == "queued").order_by(EmailMessage.id).limit(limit)
    ).all()
    delivered = 0
    for message in queued:
        # Claim the message first, so two workers never both send it.
        claimed = db.session.execute(
            sa.update(EmailMessage)
            .where(EmailMessage.id == message.id, EmailMessage.status == "queued")
            .values(status="sending"),
            execution_options={"synchronize_session": False},
        ).rowcount
        db.session.commit()
        if claimed != 1:
            continue
        if backend == "smtp":
            try:
                _send_smtp(message)
            except OSError:
                message.status = "queued"  # try again after the next request
                db.session.commit()
                raise
            message.status = "sent"
        else:
            message.status = "captured"
        message.sent_at = utcnow()
        db.session.commit()
        delivered += 1
    return delivered


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    mime = MimeMessage()
    mime["From"] = config["MAIL_FROM"]
    mime["To"] = message.to_address
    mime["Subject"] = message.subject
    mime.set_content(message.body)
    with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT", 587)), timeout=10) as smtp:
        smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(mime)
