"""Single-use links sent by email: set a new password, confirm an account's address, confirm a
new address. accounts.password_reset and accounts.email_verification use them.

Invariants:
- The secret exists only in the email; only its SHA-256 hash is stored (as for supporter
  invitations, API tokens and sign-in sessions), so a copy of the database opens no account.
- A link works once. Using it is one conditional UPDATE (still unused, not yet expired), so
  two clicks at the same moment cannot both succeed.
- A link expires at expires_at, fixed when it is made from a named setting
  (PASSWORD_RESET_TTL_MINUTES, EMAIL_VERIFICATION_TTL_DAYS).
- A link belongs to the address it was sent to: a reset or confirmation link sent to an address
  the account no longer has does nothing.
- Callers commit. The email is queued in the same transaction as the link.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts.models import EmailLink, User
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.times import utcnow

#: Where each kind of link leads (plain paths, so links can be made outside a request too).
PATHS = {
    "reset_password": "/reset-password/{token}",
    "verify_email": "/confirm-email/{token}",
    "change_email": "/confirm-email/{token}",
}


class LinkNotUsable(DomainError):
    """Unknown, used, expired or meant for another address: all look the same to the person,
    so a guessed link teaches nothing."""

    status = 410
    code = "link_not_usable"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def make_link(user: User, purpose: str, email: str, lifetime: timedelta) -> str:
    """Store a new link's hash and return its full address (SITE_URL) for the email."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(EmailLink(user_id=user.id, purpose=purpose, email=email,
                             token_hash=_hash(token), created_at=now, expires_at=now + lifetime))
    db.session.flush()
    site = current_app.config.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/")
    return site + PATHS[purpose].format(token=token)


def usable_link(token: str | None, purposes: tuple[str, ...], message: str) -> EmailLink:
    """The live link for token, or LinkNotUsable(message)."""
    link = None
    if token and isinstance(token, str) and len(token) <= 200:
        link = db.session.scalar(sa.select(EmailLink).where(
            EmailLink.token_hash == _hash(token), EmailLink.purpose.in_(purposes)))
    if (link is None or link.used_at is not None or link.expires_at <= utcnow()
            or not link.user.is_active_account or not _still_meant(link)):
        raise LinkNotUsable(message)
    return link


def _still_meant(link: EmailLink) -> bool:
    # A new address is not the account's yet; every other link is for the account's address.
    return link.purpose == "change_email" or link.email == link.user.email


def use_link(link: EmailLink, message: str) -> None:
    """Mark the link used, or refuse if another request used it first."""
    now = utcnow()
    used = db.session.execute(
        sa.update(EmailLink).where(EmailLink.id == link.id, EmailLink.used_at.is_(None),
                                   EmailLink.expires_at > now)
        .values(used_at=now), execution_options={"synchronize_session": False}).rowcount
    if used != 1:
        raise LinkNotUsable(message)
    db.session.expire(link, ["used_at"])


def set_aside(user: User, *purposes: str) -> int:
    """Stop the user's unused links for these purposes from working; returns how many."""
    return db.session.execute(
        sa.update(EmailLink).where(EmailLink.user_id == user.id, EmailLink.used_at.is_(None),
                                   EmailLink.purpose.in_(purposes))
        .values(used_at=utcnow()), execution_options={"synchronize_session": False}).rowcount


def pending_link(user: User, purpose: str) -> EmailLink | None:
    """The newest unused, unexpired link of this purpose (e.g. a new address waiting)."""
    return db.session.scalar(
        sa.select(EmailLink).where(EmailLink.user_id == user.id, EmailLink.purpose == purpose,
                                   EmailLink.used_at.is_(None), EmailLink.expires_at > utcnow())
        .order_by(EmailLink.id.desc()).limit(1))
