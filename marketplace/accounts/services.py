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
