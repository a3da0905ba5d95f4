"""Resetting a forgotten password with a link sent by email.

Invariants:
- Asking always gets the same answer, whether or not the address has an account, so the page
  cannot be used to learn who uses Pathways. An email is queued only for an open account.
- The link works once, for PASSWORD_RESET_TTL_MINUTES, and only while the account still has
  the address it was sent to (accounts.email_links).
- Setting the new password follows the registration rules (accounts.forms), sets aside every
  other reset link and any address change waiting to be confirmed, and ends every session the
  account has: whoever held a cookie, the old password or a half-finished address change is
  out. The account's address is told that the password changed.
- Using the link also confirms the address: the person read mail there.
- Callers commit.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from marketplace.accounts import email_links, sessions
from marketplace.accounts.models import EmailLink, User
from marketplace.accounts.services import find_user_by_email
from marketplace.errors import say_duration
from marketplace.notifications.services import queue_email
from marketplace.times import utcnow

LINK_NOT_USABLE = ("This link to reset your password has expired or was already used. "
                   "Ask for a new one below.")


def link_lifetime() -> timedelta:
    return timedelta(minutes=current_app.config["PASSWORD_RESET_TTL_MINUTES"])


def lifetime_words() -> str:
    """'1 hour': how long a reset link works, as the page and the email say it."""
    return say_duration(int(link_lifetime().total_seconds()))


def request_password_reset(email: str) -> None:
    """Queue a reset link if an open account has this address; otherwise do nothing."""
    user = find_user_by_email(email or "")
    if user is None or not user.is_active_account:
        return
    link = email_links.make_link(user, "reset_password", user.email, link_lifetime())
    queue_email(user.email, "Reset your Pathways password", (
        f"Hello {user.display_name},\n\n"
        "Someone, probably you, asked to reset the password of your Pathways account.\n\n"
        f"Choose a new password here (the link works once, for {lifetime_words()}):\n"
        f"{link}\n\n"
        "Setting a new password logs your account out on every device.\n\n"
        "If you did not ask, you can ignore this email: your password stays as it is.\n\n"
        "Pathways\n"))


def reset_link(token: str | None) -> EmailLink:
    """The live reset link for token, or LinkNotUsable."""
    return email_links.usable_link(token, ("reset_password",), LINK_NOT_USABLE)


def reset_password(token: str | None, new_password: str) -> User:
    """Set the new password through a live link; returns the account, with no live sessions."""
    link = reset_link(token)
    email_links.use_link(link, LINK_NOT_USABLE)
    user = link.user
    user.set_password(new_password)
    email_links.set_aside(user, "reset_password", "change_email")
    sessions.end_sessions(user)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    site = current_app.config.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/")
    queue_email(user.email, "Your Pathways password was changed", (
        f"Hello {user.display_name},\n\n"
        "The password of your Pathways account was just changed with a reset link sent to "
        "this address, and your account was logged out on every other device.\n\n"
        "If that was not you, reset it again at once:\n"
        f"{site}/forgot-password\n\nPathways\n"))
    return user
