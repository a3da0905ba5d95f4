"""Inviting commissioners. Nobody registers as a commissioner: a commissioner invites a person
by email, and the person opens the link in the email to choose their own password, which makes
their commissioner account. The inviting commissioner never sees or types that password.

Invariants (as for supporters' invitations, accounts.supporters, whose token hashing is reused):
- Only the SHA-256 hash of the token is stored; the token exists only in the email. A token is
  32 random bytes (secrets.token_urlsafe), so it cannot be guessed.
- A link works once, within INVITATION_DAYS of being sent, and only while its email address
  has no account: accepting sets accepted_at and user_id together (a CHECK keeps them so).
- Only commissioners invite (the routes check the role; invite_commissioner checks it again).
- Callers commit; the email is queued in the same transaction and sent by the worker.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts import services as account_services
from marketplace.accounts.models import User
from marketplace.accounts.supporters import InvitationNotFound, InvitationNotUsable, hash_token
from marketplace.commissioning import services
from marketplace.commissioning.records import CommissionerInvitation
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.notifications.services import queue_email
from marketplace.times import format_date, utcnow

INVITATION_DAYS = 7


def accept_path(token: str) -> str:
    return f"/commissioning/invitations/{token}"


def invite_commissioner(inviter: User, *, email: str, display_name: str,
                        now: datetime | None = None) -> tuple[CommissionerInvitation, str]:
    """Record the invitation and queue its email. Returns it and the one-time token."""
    if inviter.role != "commissioner":
        raise DomainError("Only commissioners can invite commissioners")
    address = (email or "").strip().lower()
    if account_services.find_user_by_email(address) is not None:
        raise DomainError("An account with this email address already exists. A person can "
                          "have only one account.", field="email")
    now = now or utcnow()
    if pending_invitation(address, now) is not None:
        raise DomainError("This email address already has an invitation that has not been "
                          "used yet. It works until it expires.", field="email")
    token = secrets.token_urlsafe(32)
    invitation = CommissionerInvitation(
        email=address, display_name=display_name.strip(), token_hash=hash_token(token),
        invited_by_id=inviter.id, created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    queue_email(address, "You are invited to be a commissioner on Pathways",
                _email_body(inviter, invitation, token))
    return invitation, token


def _email_body(inviter: User, invitation: CommissionerInvitation, token: str) -> str:
    site = current_app.config.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/")
    return (
        f"Hello {invitation.display_name},\n\n{inviter.display_name} has invited you to be a "
        "commissioner on Pathways: you will set up funding streams and organisations, allocate "
        "budgets and read the market figures.\n\n"
        "To accept, open this link and choose your password. The link works once, until "
        f"{format_date(invitation.expires_at)}:\n{site}{accept_path(token)}\n\n"
        "If you were not expecting this email, you can ignore it: nothing happens unless the "
        "link is opened.\n\nPathways\n"
    )


def pending_invitation(address: str, now: datetime) -> CommissionerInvitation | None:
    return db.session.scalar(
        sa.select(CommissionerInvitation).where(
            CommissionerInvitation.email == address,
            CommissionerInvitation.accepted_at.is_(None),
            CommissionerInvitation.expires_at > now,
        )
    )


def invitation_for_token(token: str, now: datetime | None = None) -> CommissionerInvitation:
    """The invitation this link stands for, if it can still be used."""
    invitation = db.session.scalar(
        sa.select(CommissionerInvitation)
        .where(CommissionerInvitation.token_hash == hash_token(token or ""))
    )
    if invitation is None:
        raise InvitationNotFound(
            "This invitation link is not right. Check that you opened the whole link from the "
            "email, or ask the commissioner who invited you to send a new invitation."
        )
    if invitation.accepted_at is not None:
        raise InvitationNotUsable(
            "This invitation has already been used: each link works only once. Log in with "
            "the password you chose.", code="invitation_used",
        )
    if (now or utcnow()) >= invitation.expires_at:
        raise InvitationNotUsable(
            f"This invitation has expired: invitations work for {INVITATION_DAYS} days. Ask "
            "the commissioner who invited you to send a new one.", code="invitation_expired",
        )
    return invitation


def accept_invitation(token: str, *, password: str, now: datetime | None = None) -> User:
    """Make the commissioner account with the password the invited person chose."""
    invitation = invitation_for_token(token, now)
    user = services.create_commissioner_account(
        email=invitation.email, password=password, display_name=invitation.display_name
    )
    invitation.user_id = user.id
    invitation.accepted_at = now or utcnow()
    db.session.flush()
    return user


def invitations_waiting(now: datetime | None = None) -> list[CommissionerInvitation]:
    """Invitations not used yet, newest first (expired ones say so on the page)."""
    return list(db.session.scalars(
        sa.select(CommissionerInvitation)
        .where(CommissionerInvitation.accepted_at.is_(None))
        .order_by(CommissionerInvitation.created_at.desc(), CommissionerInvitation.id.desc())
        .limit(50)
    ))
