"""In-app notifications and the email outbox (captured locally in development and tests).

init_app(app) sends (or captures) the emails a request queued, once that request has
committed: emails are queued in the same transaction as the change they report, so an email
never goes out about something that was rolled back.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, Response, g, has_app_context

_FLAG = "_emails_queued"


def _note_queued_emails(session, flush_context, instances) -> None:
    from marketplace.notifications.models import EmailMessage

    if has_app_context() and any(isinstance(item, EmailMessage) for item in session.new):
        setattr(g, _FLAG, True)


def deliver_after_request(response: Response) -> Response:
    """After a request that queued emails: drop anything it left uncommitted (it would be
    thrown away at teardown anyway), then send or capture the queued emails. A mail server
    that is down never breaks the page: the emails stay queued for the next request."""
    if not g.pop(_FLAG, False):
        return response
    from flask import current_app

    from marketplace.extensions import db
    from marketplace.notifications.services import deliver_queued_emails

    try:
        db.session.rollback()
        deliver_queued_emails()
    except Exception:  # noqa: BLE001 - the person's action has already succeeded
        db.session.rollback()
        current_app.logger.exception("Could not deliver queued emails")
    return response


def init_app(app: Flask) -> None:
    if not sa.event.contains(so.Session, "before_flush", _note_queued_emails):
        sa.event.listen(so.Session, "before_flush", _note_queued_emails)
    app.after_request(deliver_after_request)
