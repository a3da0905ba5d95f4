"""Creating accounts and checking logins. Callers commit."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import ROLES, User
from marketplace.errors import DomainError
from marketplace.extensions import db


class EmailAlreadyRegistered(DomainError):
    code = "email_taken"


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def register_user(*, email: str, password: str, display_name: str, role: str) -> User:
    if role not in dict(ROLES):
        raise DomainError("Choose a role from the list", field="role")
    if display_name.strip().lower().startswith("former member"):
        # What closed accounts are called (accounts/closure.py): nobody may pass as one.
        raise DomainError("Choose another name: closed accounts are called “Former member”",
                          field="display_name")
    if find_user_by_email(email):
        raise EmailAlreadyRegistered(
            "An account with this email address already exists. Log in instead.", field="email"
        )
    user = User(email=email.strip().lower(), display_name=display_name.strip(), role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user if the email and password match an open account, else None."""
    user = find_user_by_email(email)
    if user is None or not user.is_active_account or not user.check_password(password):
        return None
    return user


def change_password(user: User, *, current_password: str, new_password: str,
                    keep_session_token: str | None) -> int:
    """Set a new password after checking the current one, and end every other session (a
    stolen cookie or a forgotten browser stops working). Returns how many sessions ended."""
    from marketplace.accounts import sessions

    if not user.check_password(current_password or ""):
        raise DomainError("Your current password is not right", field="current_password")
    if current_password == new_password:
        raise DomainError("Choose a new password that is different from the current one",
                          field="new_password")
    user.set_password(new_password)
    ended = sessions.end_sessions(user, keep_token=keep_session_token)
    db.session.flush()
    return ended
