"""A person's notifications page: newest first, and marking them read. Only ever the
logged-in person's own notifications. Callers commit."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.times import utcnow
from marketplace.notifications.models import Notification

PAGE_SIZE = 100


def notifications_for(user: User, limit: int = PAGE_SIZE) -> list[Notification]:
    return list(db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ))


def mark_all_read(user: User) -> int:
    """Mark every unread notification of this person as read; returns how many."""
    return db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount
