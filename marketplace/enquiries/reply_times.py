"""How soon a provider replies to enquiries: "Usually replies within N days".

A wait starts at a holder's message that the provider has not answered yet (the first of a run
of holder messages) and ends at the provider's next message. Waits are counted in whole days in
Europe/London (a reply on the same London day is 0 days), over waits that started in the last
WINDOW_DAYS. The line shows only once MIN_REPLIED_THREADS conversations have a reply in that
window, so one quick answer does not make a promise. Unanswered waits are not in the median;
they are in `unanswered`, for the commissioners' view.

`reply_times(provider_ids)` answers for many providers in one query, for the commissioners'
view; `shown_reply_days(provider_id)` is what the pages show.
"""
from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from marketplace.enquiries.models import Enquiry, EnquiryMessage
from marketplace.extensions import db
from marketplace.times import london_date, utcnow

#: Only waits that started this many days ago or later count.
WINDOW_DAYS = 90
#: "Usually replies within" shows once this many conversations had a reply in the window.
MIN_REPLIED_THREADS = 3


@dataclass(frozen=True)
class ReplyTime:
    #: Median wait in London days, rounded up; None before any reply.
    median_days: int | None
    replied_threads: int
    replies: int
    unanswered: int

    @property
    def shown_days(self) -> int | None:
        if self.replied_threads < MIN_REPLIED_THREADS:
            return None
        return self.median_days


NO_REPLIES = ReplyTime(None, 0, 0, 0)


def reply_times(provider_ids: list[int], *, now: datetime | None = None) -> dict[int, ReplyTime]:
    """Each provider's ReplyTime (NO_REPLIES for one without enquiries)."""
    since = (now or utcnow()) - timedelta(days=WINDOW_DAYS)
    rows = db.session.execute(
        sa.select(Enquiry.provider_id, EnquiryMessage.enquiry_id, EnquiryMessage.side,
                  EnquiryMessage.created_at)
        .join(Enquiry, Enquiry.id == EnquiryMessage.enquiry_id)
        .where(Enquiry.provider_id.in_(provider_ids), Enquiry.last_message_at >= since)
        .order_by(EnquiryMessage.enquiry_id, EnquiryMessage.created_at, EnquiryMessage.id))
    waits: dict[int, list[int]] = defaultdict(list)
    replied: dict[int, set[int]] = defaultdict(set)
    unanswered: dict[int, int] = defaultdict(int)
    waiting_since: dict[int, datetime] = {}
    owner: dict[int, int] = {}
    for provider_id, enquiry_id, side, at in rows:
        owner[enquiry_id] = provider_id
        started = waiting_since.get(enquiry_id)
        if side == "holder" and started is None:
            waiting_since[enquiry_id] = at
        elif side == "provider" and started is not None:
            del waiting_since[enquiry_id]
            if started >= since:
                waits[provider_id].append((london_date(at) - london_date(started)).days)
                replied[provider_id].add(enquiry_id)
    for enquiry_id, started in waiting_since.items():
        if started >= since:
            unanswered[owner[enquiry_id]] += 1
    answer = {}
    for provider_id in provider_ids:
        found = waits.get(provider_id, [])
        median = math.ceil(statistics.median(found)) if found else None
        answer[provider_id] = ReplyTime(median, len(replied[provider_id]), len(found),
                                        unanswered[provider_id])
    return answer


def shown_reply_days(provider_id: int) -> int | None:
    """N for "Usually replies within N days", or None when it is not shown yet."""
    return reply_times([provider_id])[provider_id].shown_days
