"""Appointed moderators: people a commissioner appoints (for example from a user-led
organisation) to work the reviews queue, and nothing else (docs/moderation.md).

Appointing creates a 'moderator' account with a random password nobody knows, and emails the
person a link to choose their own. The link is signed (itsdangerous, with the app's secret) and
carries a fingerprint of the password hash, so it works once: setting a password changes the
hash and every earlier link stops working. It also expires after WELCOME_LINK_DAYS. No
password is ever typed by the commissioner, shown, emailed or logged.

Removing a moderator closes the account and ends its sessions, so the role stops working on the
person's next click. Appointing the same address again reopens it with a fresh link.
"""
from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from marketplace.accounts import sessions
from marketplace.accounts.models import User
from marketplace.accounts.services import find_user_by_email, register_user
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.notifications.services import queue_email

ROLE = "moderator"
WELCOME_LINK_DAYS = 7
_SALT = "moderator-welcome"
LINK_NOT_VALID = ("This link has expired or was already used. Ask the commissioner who "
                  "appointed you to send a new one.")


class WelcomeLinkNotValid(DomainError):
    status = 404
    code = "welcome_link_not_valid"


def moderators() -> list[User]:
    """Moderators who can work the queue now, by name."""
    return list(db.session.scalars(sa.select(User).where(
        User.role == ROLE, User.is_active_account.is_(True)).order_by(User.display_name, User.id)))


def appoint(commissioner: User, *, email: str, display_name: str) -> User:
    """Create (or reopen) a moderator's account and email them a link to set a password."""
    existing = find_user_by_email(email)
    if existing is not None and (existing.role != ROLE or existing.is_active_account):
        # A person has one role: a holder or provider cannot also moderate from that account.
        raise DomainError("This email address already has a Pathways account. A moderator "
                          "needs an address of their own.", field="email")
    if existing is None:
        user = register_user(email=email, password=secrets.token_urlsafe(32),
                             display_name=display_name, role=ROLE)
    else:
        user = existing
        user.display_name, user.is_active_account = display_name.strip(), True
        user.set_password(secrets.token_urlsafe(32))  # an old link must not work again
        db.session.flush()
    _send_welcome(commissioner, user)
    return user


def remove(moderator_id: int) -> User:
    """Close a moderator's account and end every session it has: it stops working at once."""
    user = db.session.get(User, moderator_id)
    if user is None or user.role != ROLE or not user.is_active_account:
        raise NotFound("We could not find that moderator.")
    user.is_active_account = False
    sessions.end_sessions(user)
    db.session.flush()
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def welcome_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "hash": _fingerprint(user)})


def welcomed(token: str) -> User:
    """The moderator a still-valid link was sent to; WelcomeLinkNotValid otherwise."""
    try:
        payload = _serializer().loads(token, max_age=WELCOME_LINK_DAYS * 24 * 3600)
    except (SignatureExpired, BadSignature) as refused:
        raise WelcomeLinkNotValid(LINK_NOT_VALID) from refused
    user = db.session.get(User, payload.get("user")) if isinstance(payload, dict) else None
    if (user is None or user.role != ROLE or not user.is_active_account
            or payload.get("hash") != _fingerprint(user)):
        raise WelcomeLinkNotValid(LINK_NOT_VALID)
    return user


def set_first_password(token: str, password: str) -> User:
    user = welcomed(token)
    user.set_password(password)
    db.session.flush()
    return user


def _send_welcome(commissioner: User, user: User) -> None:
    site = current_app.config.get("SITE_URL", "http://127.0.0.1:5000")
    # A plain path, not url_for, so appointing works outside a request too (a command).
    link = f"{site}/moderation/welcome/{welcome_token(user)}"
    queue_email(user.email, "You are a reviews moderator on Pathways", (
        f"Hello {user.display_name},\n\n"
        f"{commissioner.display_name} has asked you to help check reviews on Pathways before "
        "they show: you will publish them, edit personal details out of them, or turn them "
        "down with a reason.\n\n"
        f"Choose your password here (the link works once, for {WELCOME_LINK_DAYS} days):\n"
        f"{link}\n\n"
        f"Then log in with this email address, {user.email}.\n\n"
        "If you did not expect this, you can ignore this email.\n\nPathways\n"))
