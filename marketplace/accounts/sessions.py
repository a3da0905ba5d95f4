"""Server-side sign-in sessions.

Invariants: the signed session cookie carries only a random session id ("sid"); a request is
signed in only while the row for that id is live and belongs to the user the cookie names. So
logging out ends that session, changing a password ends every other one, and "log out of every
device" ends them all, each at once and for every copy of the cookie. Only a hash of the id is
stored. Callers commit, except touch(), which records activity at most once a minute on its own
connection, so it never commits anything the request has not finished.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa

from marketplace.accounts.models import User, UserSession
from marketplace.extensions import db
from marketplace.times import utcnow

#: last_seen_at is written at most this often per session.
SEEN_RESOLUTION = timedelta(minutes=1)
SESSION_KEY = "sid"
log = logging.getLogger(__name__)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(user: User, user_agent: str = "") -> str:
    """A new live session for user; returns the id to keep in the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token),
                               user_agent=(user_agent or "")[:200]))
    db.session.flush()
    return token


def live_session(user_id: int, token: str | None) -> UserSession | None:
    if not token or not isinstance(token, str):
        return None
    return db.session.scalar(
        sa.select(UserSession).where(UserSession.token_hash == _hash(token),
                                     UserSession.user_id == user_id,
                                     UserSession.ended_at.is_(None))
    )


def touch(session_row: UserSession) -> None:
    """Note that the session is in use (best effort: a busy database just skips it)."""
    now = utcnow()
    if now - session_row.last_seen_at < SEEN_RESOLUTION:
        return
    try:
        with db.engine.begin() as connection:
            connection.execute(sa.update(UserSession).where(UserSession.id == session_row.id)
                               .values(last_seen_at=now))
    except sa.exc.OperationalError:
        log.info("Skipped noting activity on session %s: the database is busy", session_row.id)


def end_session(token: str | None) -> None:
    if token and isinstance(token, str):
        db.session.execute(
            sa.update(UserSession)
            .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow()), execution_options={"synchronize_session": False})


def end_sessions(user: User, *, keep_token: str | None = None, session_id: int | None = None) -> int:
    """End the user's live sessions (all, all but the one kept, or just session_id); returns
    how many ended."""
    statement = sa.update(UserSession).where(UserSession.user_id == user.id,
                                             UserSession.ended_at.is_(None))
    if keep_token:
        statement = statement.where(UserSession.token_hash != _hash(keep_token))
    if session_id is not None:
        statement = statement.where(UserSession.id == session_id)
    return db.session.execute(statement.values(ended_at=utcnow()),
                              execution_options={"synchronize_session": False}).rowcount


def live_sessions(user: User) -> list[UserSession]:
    return list(db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ))


def is_current(row: UserSession, token: str | None) -> bool:
    return bool(token) and row.token_hash == _hash(token)
