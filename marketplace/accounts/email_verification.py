"""Confirming email addresses: a new account's, and a new address a person asks to change to.

Invariants:
- A new account starts unconfirmed and is sent a link (EMAIL_VERIFICATION_TTL_DAYS); until it
  is used, accounts.permissions.verified_email_required refuses buying, pledging, listing,
  reviewing and messaging. "Send the link again" sends a fresh one; any live one works.
- Changing the address needs the current password. The account keeps its old address until
  the link sent to the new one is used: only then does the address change (and count as
  confirmed). The old address is told at once, and again when it changes. Why this way, and not
  "change now, confirm later": docs/accounts.md.
- Only the newest address change waits: asking again, resetting the password or cancelling
  sets the earlier link aside. Once the address changes, every link sent to the old one
  (resets, confirmations) stops working.
- Callers commit.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts import email_links
from marketplace.accounts.models import EmailLink, User
from marketplace.accounts.services import find_user_by_email
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.notifications.services import queue_email
from marketplace.times import utcnow

LINK_NOT_USABLE = ("This link to confirm an email address has expired or was already used. "
                   "Log in and ask for a new one.")
ADDRESS_TAKEN = "Another account uses this email address. Choose a different one."


def link_lifetime() -> timedelta:
    return timedelta(days=current_app.config["EMAIL_VERIFICATION_TTL_DAYS"])


def _days() -> str:
    days = current_app.config["EMAIL_VERIFICATION_TTL_DAYS"]
    return f"{days} day{'' if days == 1 else 's'}"


def _site() -> str:
    return current_app.config.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/")


def send_verification_link(user: User) -> None:
    """Queue a link confirming the account's address (none if it is confirmed already)."""
    if user.email_verified:
        return
    link = email_links.make_link(user, "verify_email", user.email, link_lifetime())
    queue_email(user.email, "Confirm your email address for Pathways", (
        f"Hello {user.display_name},\n\n"
        "Please confirm that this is your email address, so that you can buy support, join "
        "pools, list services, write reviews and send messages on Pathways:\n"
        f"{link}\n\n"
        f"The link works once, for {_days()}. If you did not make a Pathways account, you can "
        "ignore this email.\n\nPathways\n"))


def confirmation_link(token: str | None) -> EmailLink:
    """The live link confirming an address (an account's, or a new one), or LinkNotUsable."""
    return email_links.usable_link(token, ("verify_email", "change_email"), LINK_NOT_USABLE)


def confirm_email(token: str | None) -> EmailLink:
    """Use a confirmation link: the account's address counts as confirmed, or, for a change,
    becomes the new address. Returns the link used (its purpose says which)."""
    link = confirmation_link(token)
    user = link.user
    if link.purpose == "change_email" and _taken(link.email, user):
        raise DomainError(ADDRESS_TAKEN, field="email", code="email_taken")
    email_links.use_link(link, LINK_NOT_USABLE)
    if link.purpose == "verify_email":
        user.email_verified_at = user.email_verified_at or utcnow()
        email_links.set_aside(user, "verify_email")
        return link
    old_address = user.email
    user.email, user.email_verified_at = link.email, utcnow()
    try:
        with db.session.begin_nested():  # another account took it a moment ago
            db.session.flush()
    except sa.exc.IntegrityError as taken:
        raise DomainError(ADDRESS_TAKEN, field="email", code="email_taken") from taken
    # Links sent to the old address stop working: it no longer opens this account.
    email_links.set_aside(user, "reset_password", "verify_email", "change_email")
    queue_email(old_address, "The email address of your Pathways account has changed", (
        f"Hello {user.display_name},\n\n"
        f"Your Pathways account now uses the email address {user.email}, confirmed just now "
        "from a link sent there. We will not write to this address again.\n\n"
        "If you did not make this change, someone else knows your password: tell the people "
        "who run Pathways where you live as soon as you can.\n\nPathways\n"))
    return link


def _taken(address: str, user: User) -> bool:
    other = find_user_by_email(address)
    return other is not None and other.id != user.id


def request_email_change(user: User, *, current_password: str, new_email: str) -> None:
    """Send a confirmation link to the new address and a notice to the current one."""
    if not user.check_password(current_password or ""):
        raise DomainError("Your current password is not right", field="current_password")
    address = (new_email or "").strip().lower()
    if address == user.email:
        raise DomainError("This is already your email address", field="new_email")
    if _taken(address, user):
        raise DomainError(ADDRESS_TAKEN, field="new_email")
    email_links.set_aside(user, "change_email")
    link = email_links.make_link(user, "change_email", address, link_lifetime())
    queue_email(address, "Confirm your new email address for Pathways", (
        f"Hello {user.display_name},\n\n"
        "You asked to use this email address for your Pathways account. Confirm it here (the "
        f"link works once, for {_days()}):\n{link}\n\n"
        "Until you do, your account keeps its current address. If you did not ask for this, "
        "you can ignore this email.\n\nPathways\n"))
    queue_email(user.email, "Someone asked to change the email address of your Pathways account", (
        f"Hello {user.display_name},\n\n"
        f"Someone logged in to your Pathways account asked to change its email address to "
        f"{address}. Nothing changes unless the link we sent there is used.\n\n"
        "If that was you, there is nothing more to do here.\n\n"
        "If it was not you, reset your password now: that stops the change and logs everyone "
        f"out of your account.\n{_site()}/forgot-password\n\nPathways\n"))


def pending_change(user: User) -> EmailLink | None:
    """The new address waiting to be confirmed, if any."""
    return email_links.pending_link(user, "change_email")


def cancel_email_change(user: User) -> bool:
    """Set aside the waiting address change; False if there was none."""
    return email_links.set_aside(user, "change_email") > 0
