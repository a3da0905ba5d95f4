"""Telling people what happened: an in-app notification plus an email, queued in the same
transaction as the change they report, so nobody is told about something that was rolled back.
The worker delivers queued email (delivery.py), never a web request. Emails leave the machine
only when MAIL_BACKEND is "smtp"; in development and tests they are captured (kept in the
table, marked "captured").
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications.models import EmailMessage, Notification


def queue_email(to_address: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage(to_address=to_address, subject=subject[:200], body=body)
    db.session.add(message)
    return message


def notify(user: User, message: str, *, link: str = "", order_id: int | None = None,
           email_subject: str | None = None) -> Notification | None:
    """Tell a person something on their notifications page and by email. Nobody reads a
    closed account (accounts/closure.py) and its address is a placeholder, so it is told
    nothing (a refund of an order after its holder closed, say)."""
    if user.is_closed:
        return None
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
