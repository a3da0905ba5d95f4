"""What a commissioner reads on /moderation/enquiries: messages either side reported, and
holders' messages with safeguarding words (flagged for a person, never blocked)."""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.enquiries.models import EnquiryMessage, EnquiryReport
from marketplace.extensions import db

READERS = ("commissioner",)
SHOWN = 200


def messages_to_read() -> list[tuple[EnquiryMessage, list[EnquiryReport]]]:
    """Reported or flagged messages, newest first, each with its reports."""
    reported = sa.select(EnquiryReport.message_id)
    messages = db.session.scalars(
        sa.select(EnquiryMessage)
        .where(EnquiryMessage.safeguarding.is_(True) | EnquiryMessage.id.in_(reported))
        .options(so.selectinload(EnquiryMessage.enquiry))
        .order_by(EnquiryMessage.created_at.desc(), EnquiryMessage.id.desc()).limit(SHOWN)).all()
    reports: dict[int, list[EnquiryReport]] = {message.id: [] for message in messages}
    for report in db.session.scalars(sa.select(EnquiryReport).where(
            EnquiryReport.message_id.in_(list(reports))).order_by(EnquiryReport.id)):
        reports[report.message_id].append(report)
    return [(message, reports[message.id]) for message in messages]
