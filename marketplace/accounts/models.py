"""People who sign in. A person has exactly one role; commissioners are never self-registered."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_app_context
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from marketplace.columns import one_of
from marketplace.extensions import db
from marketplace.times import utcnow

ROLES: list[tuple[str, str]] = [
    ("holder", "Budget holder"),
    ("supporter", "Supporter (family, friend, broker or care coordinator)"),
    ("provider", "Provider of support"),
    ("commissioner", "Commissioner"),
    ("account_manager", "Managed-account organisation staff"),
    #: Appointed by a commissioner to work the reviews queue only (reviews/moderators.py).
    ("moderator", "Review moderator"),
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
    #: A budget holder's home area (accounts.home_area): a local authority slug from
    #: marketplace.areas, and optionally a postcode district inside it; "" when not given.
    #: Pools open to an area are open to the holders who live there (pools.access).
    home_authority: so.Mapped[str] = so.mapped_column(sa.String(40), default="",
                                                      server_default="")
    home_district: so.Mapped[str] = so.mapped_column(sa.String(8), default="", server_default="")
    #: Kinds of support the holder is interested in: values of vocabulary.CATEGORIES.
    interests: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list,
                                                       server_default="[]")
    #: When the person proved they read mail at `email` (a link from accounts.email_links);
    #: None until then, and buying, pledging, listing, reviewing and messaging wait for it
    #: (accounts.permissions.verified_email_required). Accounts older than migration 0023
    #: count as confirmed at their creation.
    email_verified_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    #: When the person closed the account (accounts/closure.py); None while it is open. A
    #: closed row keeps only its id, role, dates and a pseudonym, so the council's records
    #: still link to it; migration 0025's triggers refuse anything usable on it, or reopening.
    closed_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)

    provider: so.Mapped["Provider | None"] = so.relationship(  # noqa: F821
        back_populates="owner", uselist=False
    )

    __table_args__ = (
        sa.CheckConstraint(one_of("role", tuple(value for value, _ in ROLES)), name="role_known"),
        # The spend view places each holder's money by their home area: read from this small
        # index on PostgreSQL instead of the wide rows (migration 0028).
        sa.Index("ix_users_home_area", "id",
                 postgresql_include=["home_authority", "home_district"]),
    )

    def set_password(self, password: str) -> None:
        # Tests use a cheap method; everywhere else it is werkzeug's default (scrypt).
        method = current_app.config.get("PASSWORD_HASH_METHOD") if has_app_context() else None
        self.password_hash = (
            generate_password_hash(password, method=method) if method
            else generate_password_hash(password)
        )

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sessions for closed accounts
        return self.is_active_account

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def must_confirm_email(self) -> bool:
        """Whether buying, pledging, listing, reviewing and messaging wait for a confirmed
        address. Only for people who registered themselves: accounts a commissioner makes
        (staff, moderators) can do none of those things, so their role checks answer first."""
        return self.email_verified_at is None and self.role in SELF_REGISTER_ROLES

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


SUPPORTER_SCOPES: list[tuple[str, str]] = [
    ("view", "See my budget, statement, plan and orders"),
    ("plan", "Change my support plan"),
    ("buy", "Order and pay for support from my budget"),
]


class SupporterGrant(db.Model):
    """A holder's consent for a supporter to act for them, with scopes; revocable at any time.

    Created as an invitation to an email address; the supporter accepts it while logged in,
    which links their account. Only the token's hash is stored.
    """

    __tablename__ = "supporter_grants"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    holder_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    supporter_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id"), nullable=True, index=True
    )
    invite_email: so.Mapped[str] = so.mapped_column(sa.String(254))
    #: e.g. "sister", "broker", "care coordinator", in the holder's words.
    relationship_text: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    #: A subset of SUPPORTER_SCOPES values.
    scopes: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    accepted_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)

    holder: so.Mapped[User] = so.relationship(foreign_keys=[holder_id])
    supporter: so.Mapped[User | None] = so.relationship(foreign_keys=[supporter_id])

    @property
    def is_live(self) -> bool:
        return self.accepted_at is not None and self.revoked_at is None


API_TOKEN_SCOPES: list[tuple[str, str]] = [
    ("read", "Read my budgets, statement and orders"),
    ("order", "Place and act on orders"),
]


class ApiToken(db.Model):
    """A personal access token for the JSON API. Only a SHA-256 hash of the secret is kept."""

    __tablename__ = "api_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    #: The first characters of the token, shown so people can tell tokens apart.
    prefix: so.Mapped[str] = so.mapped_column(sa.String(12))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    scopes: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)

    user: so.Mapped[User] = so.relationship()


class UserSession(db.Model):
    """One signed-in browser. The cookie holds only the session's random id; the row says
    whether it is still live, so logging out, changing a password or "log out of every device"
    ends a session on the server: a copied cookie stops working at once."""

    __tablename__ = "user_sessions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    #: SHA-256 of the random id kept in the cookie.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: The browser's own description of itself, shortened, so people can tell sessions apart.
    user_agent: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_seen_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)

    user: so.Mapped[User] = so.relationship()


#: What a link sent by email does (accounts.email_links): set a new password; confirm the
#: account's address; confirm a new address, which only then becomes the account's.
EMAIL_LINK_PURPOSES = ("reset_password", "verify_email", "change_email")


class EmailLink(db.Model):
    """A single-use link sent by email. Only a SHA-256 hash of its secret is kept; it works
    once (used_at), until expires_at, and only while the account still has the address it
    was sent for (see accounts.email_links)."""

    __tablename__ = "email_links"
    __table_args__ = (
        sa.CheckConstraint(one_of("purpose", EMAIL_LINK_PURPOSES), name="purpose_known"),
        sa.CheckConstraint("expires_at > created_at", name="expires_after_made"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    #: One of EMAIL_LINK_PURPOSES.
    purpose: so.Mapped[str] = so.mapped_column(sa.String(20))
    #: The address the link was sent to: for change_email, the new address it proves.
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column()
    #: When it was used, or set aside because a newer event made it meaningless (a new
    #: password, a changed address); either way it never works again.
    used_at: so.Mapped[datetime | None] = so.mapped_column(nullable=True)

    user: so.Mapped[User] = so.relationship()
