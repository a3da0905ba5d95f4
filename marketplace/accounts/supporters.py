"""Supporters: a budget holder invites someone by email to act for them with scopes (view,
plan, buy); the supporter accepts with a one-time link while logged in to a supporter account;
the holder can revoke at any time, and the access ends at once (accounts.consent reads the
grant on every request).

Invariants:
- Only the SHA-256 hash of an invitation token is stored; the token exists only in the email.
- An invitation is accepted once, by a 'supporter' account, within INVITATION_DAYS, and never
  after it was revoked.
- A supporter holds at most one live grant per holder: accepting a newer invitation from the
  same holder revokes the older grant.
- 'plan' and 'buy' always include 'view': nobody changes a plan or spends a budget unseen.
- Callers commit. Emails and notifications are queued in the same transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts.models import SUPPORTER_SCOPES, SupporterGrant, User
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.times import utcnow
from marketplace.notifications.services import notify, queue_email

INVITATION_DAYS = 14
SCOPE_VALUES = [value for value, _ in SUPPORTER_SCOPES]


class InvitationNotUsable(DomainError):
    """The link exists but cannot be used (expired, used, cancelled, or the wrong account)."""

    status = 410
    code = "invitation_not_usable"


class InvitationNotFound(NotFound):
    code = "invitation_not_found"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def accept_path(token: str) -> str:
    return f"/supporters/accept/{token}"


def done_by_text(actor: User | None, on_behalf_of: User | None) -> str:
    """ "by Sam Patel", "by Jo Broker on behalf of Sam Patel", or "automatically by Pathways"."""
    if actor is None:
        return "automatically by Pathways"
    if on_behalf_of is None or on_behalf_of.id == actor.id:
        return f"by {actor.display_name}"
    return f"by {actor.display_name} on behalf of {on_behalf_of.display_name}"


#: The scopes as the supporter reads them: about the person, not in their voice ("See my ...").
SCOPES_FOR_SUPPORTER: dict[str, str] = {
    "view": "See {name}'s budget, statement, plan and orders",
    "plan": "Change {name}'s support plan",
    "buy": "Order and pay for support from {name}'s budget",
}


def scope_labels(scopes: list[str], holder: User | None = None) -> list[str]:
    """What the scopes allow, in the holder's words ("See my budget ..."); with `holder`, as
    their supporter reads it ("See Dani's budget ...")."""
    if holder is not None:
        return [SCOPES_FOR_SUPPORTER[value].format(name=holder.display_name)
                for value in SCOPE_VALUES if value in scopes]
    labels = dict(SUPPORTER_SCOPES)
    return [labels[value] for value in SCOPE_VALUES if value in scopes]


def normalise_scopes(scopes: list[str]) -> list[str]:
    chosen = set(scopes or [])
    unknown = chosen - set(SCOPE_VALUES)
    if unknown or not chosen:
        raise DomainError("Choose at least one thing they may do", field="scopes")
    if chosen & {"plan", "buy"}:
        chosen.add("view")
    return [value for value in SCOPE_VALUES if value in chosen]


def grant_status(grant: SupporterGrant, now: datetime | None = None) -> str:
    """'revoked', 'active', 'expired' (never accepted in time) or 'invited'."""
    if grant.revoked_at is not None:
        return "revoked"
    if grant.accepted_at is not None:
        return "active"
    if (now or utcnow()) - grant.created_at > timedelta(days=INVITATION_DAYS):
        return "expired"
    return "invited"


def invite_supporter(
    holder: User, *, email: str, relationship: str, scopes: list[str]
) -> tuple[SupporterGrant, str]:
    """Create an invitation and queue its email. Returns the grant and the one-time token."""
    if holder.role != "holder":
        raise DomainError("Only budget holders can invite supporters")
    address = (email or "").strip().lower()
    if not address:
        raise DomainError("Enter their email address", field="email")
    if address == holder.email:
        raise DomainError("Enter someone else's email address, not your own", field="email")
    scopes = normalise_scopes(scopes)
    for existing in grants_for_holder(holder):
        if existing.invite_email == address and grant_status(existing) in ("invited", "active"):
            raise DomainError(
                "You have already invited this email address. Stop that invitation or access "
                "first if you want to send a new one.",
                field="email",
            )
    token = secrets.token_urlsafe(32)
    grant = SupporterGrant(
        holder_id=holder.id,
        invite_email=address,
        relationship_text=relationship.strip()[:120],
        scopes=scopes,
        token_hash=hash_token(token),
    )
    db.session.add(grant)
    db.session.flush()
    queue_email(
        address,
        f"{holder.display_name} has asked you to be their supporter",
        _invitation_body(holder, grant, token),
    )
    return grant, token


def _invitation_body(holder: User, grant: SupporterGrant, token: str) -> str:
    site = current_app.config.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/")
    relationship = (
        f' They describe you as "{grant.relationship_text}".' if grant.relationship_text else ""
    )
    allowed = "\n".join(f"- {text}" for text in scope_labels(grant.scopes, holder))
    return (
        f"Hello,\n\n{holder.display_name} has asked you to help them with their personal budget "
        f"on Pathways.{relationship}\n\nThey would like you to be able to:\n{allowed}\n\n"
        f"To accept, open this link. It works once, for {INVITATION_DAYS} days:\n"
        f"{site}{accept_path(token)}\n\n"
        "You need a Pathways supporter account. If you do not have one, create one first and "
        "then open the link again.\n\n"
        f"{holder.display_name} can stop your access at any time. If you were not expecting "
        "this email, you can ignore it.\n\nPathways\n"
    )


def invitation_for_token(token: str, now: datetime | None = None) -> SupporterGrant:
    """The invitation this link stands for, if it can still be accepted."""
    grant = db.session.scalar(
        sa.select(SupporterGrant).where(SupporterGrant.token_hash == hash_token(token or ""))
    )
    if grant is None:
        raise InvitationNotFound(
            "This invitation link is not right. Check that you opened the whole link from the "
            "email, or ask the person to invite you again."
        )
    status = grant_status(grant, now)
    name = grant.holder.display_name
    if status == "revoked":
        raise InvitationNotUsable(
            f"{name} has cancelled this invitation.", code="invitation_revoked"
        )
    if status == "active":
        raise InvitationNotUsable(
            "This invitation has already been accepted. Each link works only once. If you need "
            f"access again, ask {name} to send a new invitation.",
            code="invitation_used",
        )
    if status == "expired":
        raise InvitationNotUsable(
            f"This invitation has expired: invitations work for {INVITATION_DAYS} days. "
            f"Ask {name} to invite you again.",
            code="invitation_expired",
        )
    return grant


def accept_invitation(token: str, supporter: User, now: datetime | None = None) -> SupporterGrant:
    grant = invitation_for_token(token, now)
    if supporter.role != "supporter":
        raise InvitationNotUsable(
            "Only a supporter account can accept an invitation. Log out, then log in with a "
            "supporter account or create one.",
            code="not_a_supporter",
        )
    now = now or utcnow()
    for older in db.session.scalars(
        sa.select(SupporterGrant).where(
            SupporterGrant.holder_id == grant.holder_id,
            SupporterGrant.supporter_id == supporter.id,
            SupporterGrant.accepted_at.is_not(None),
            SupporterGrant.revoked_at.is_(None),
        )
    ):
        older.revoked_at = now
    grant.supporter_id = supporter.id
    grant.accepted_at = now
    db.session.flush()
    allowed = "; ".join(text.lower() for text in scope_labels(grant.scopes))
    notify(
        grant.holder,
        f"{supporter.display_name} ({supporter.email}) accepted your invitation and can now: "
        f"{allowed}. You can stop this at any time.",
        link="/supporters",
        email_subject="Your supporter accepted your invitation",
    )
    return grant


def revoke_grant(holder: User, grant_id: int, now: datetime | None = None) -> SupporterGrant:
    """Stop an invitation or a supporter's access. Safe to repeat."""
    grant = db.session.get(SupporterGrant, grant_id)
    if grant is None or grant.holder_id != holder.id:
        raise NotFound("We could not find that supporter.")
    if grant.revoked_at is None:
        was_active = grant.accepted_at is not None
        grant.revoked_at = now or utcnow()
        db.session.flush()
        if was_active and grant.supporter is not None:
            notify(
                grant.supporter,
                f"{holder.display_name} has stopped your access to their budget and plan.",
                link="/people",
                email_subject="Your access as a supporter has ended",
            )
    return grant


def grants_for_holder(holder: User) -> list[SupporterGrant]:
    return list(
        db.session.scalars(
            sa.select(SupporterGrant)
            .where(SupporterGrant.holder_id == holder.id)
            .order_by(SupporterGrant.created_at.desc(), SupporterGrant.id.desc())
        )
    )


def grants_for_supporter(supporter: User) -> list[SupporterGrant]:
    """The supporter's live grants: the people they currently support."""
    return list(
        db.session.scalars(
            sa.select(SupporterGrant)
            .where(
                SupporterGrant.supporter_id == supporter.id,
                SupporterGrant.accepted_at.is_not(None),
                SupporterGrant.revoked_at.is_(None),
            )
            .order_by(SupporterGrant.accepted_at)
        )
    )
