"""People who sign in. A person has exactly one role; commissioners are never self-registered."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from marketplace.extensions import db
from marketplace.models_base import utcnow

ROLES: list[tuple[str, str]] = [
    ("holder", "Budget holder"),
    ("supporter", "Supporter (family, friend, broker or care coordinator)"),
    ("provider", "Provider of support"),
    ("commissioner", "Commissioner"),
]
SELF_REGISTER_ROLES = ("holder", "supporter", "provider")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Stored lower-cased so that logins are case-insensitive.
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True, index=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    display_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    role: so.Mapped[str] = so.mapped_column(sa.String(20), index=True)
    is_active_account: so.Mapped[bool] = so.mapped_column(sa.Boolean, default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    provider: so.Mapped["Provider | None"] = so.relationship(  # noqa: F821
        back_populates="owner", uselist=False
    )

    __table_args__ = (
        sa.CheckConstraint(
            "role IN ('holder', 'supporter', 'provider', 'commissioner')", name="role_known"
        ),
    )

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sessions for closed accounts
        return self.is_active_account

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
