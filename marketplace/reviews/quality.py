"""Quality signals of a service or a provider, for the commissioners' view (issue 10): the
rating by month, how many said it helped, what moderation decided and how the provider
answers. Raw counts: the commissioners' pages put them through disclosure control before
anyone sees them.

Months are London calendar months of when a review was published; a month's average is the
plain mean of that month's published stars (the Bayesian rating is for ranking, not trends).
Only published reviews count towards ratings and "helped"; moderation outcomes count every
decision recorded in review_actions, and the states reviews are in now. Reports are counted by
what became of them (open, kept, removed). Reply times: to reviews, the London days from a
review's publication to the provider's first reply (the median, and how many were answered);
to enquiries, provider_quality adds enquiries.reply_times for the provider.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.enquiries.reply_times import ReplyTime, reply_times
from marketplace.reviews.models import Review, ReviewAction, ReviewReply, ReviewReport
from marketplace.times import london_date


@dataclass(frozen=True)
class MonthRating:
    month: date  # the first day of the London month
    reviews: int
    #: The month's mean stars times 100, rounded half up.
    average_centi: int


@dataclass(frozen=True)
class QualitySignals:
    published: int
    helped: dict[str, int]
    by_month: list[MonthRating]
    #: Reviews by the state they are in now (held, published, rejected, withdrawn).
    states: dict[str, int]
    #: Moderators' decisions by action (publish, reject, ...), every one recorded.
    decisions: dict[str, int]
    #: Reports of these reviews by what became of them (open, kept, removed).
    reports: dict[str, int]
    #: Published reviews the provider replied to, and the median London days it took.
    replied: int
    reply_median_days: int | None
    #: The provider's enquiry reply times (provider_quality only).
    enquiries: ReplyTime | None = None

    @property
    def helped_percent(self) -> int | None:
        """The share who said yes, 0-100 rounded half up; None with no published review."""
        if not self.published:
            return None
        return (200 * self.helped.get("yes", 0) + self.published) // (2 * self.published)


def service_quality(service_id: int, *, since: datetime | None = None,
                    until: datetime | None = None) -> QualitySignals:
    return _signals(Review.service_id == service_id, since, until)


def provider_quality(provider_id: int, *, since: datetime | None = None,
                     until: datetime | None = None) -> QualitySignals:
    signals = _signals(Review.provider_id == provider_id, since, until)
    return replace(signals, enquiries=reply_times([provider_id])[provider_id])


def _signals(whose, since: datetime | None, until: datetime | None) -> QualitySignals:
    period = [whose]
    if since is not None:
        period.append(Review.created_at >= since)
    if until is not None:
        period.append(Review.created_at < until)
    states = dict(db.session.execute(sa.select(Review.state, sa.func.count(Review.id))
                                     .where(*period).group_by(Review.state)).all())
    published = db.session.execute(sa.select(Review.published_at, Review.stars, Review.helped)
                                   .where(*period, Review.state == "published")).all()
    helped: dict[str, int] = defaultdict(int)
    months: dict[date, list[int]] = defaultdict(list)
    for published_at, stars, answer in published:
        helped[answer] += 1
        months[london_date(published_at).replace(day=1)].append(stars)
    decisions = dict(db.session.execute(
        sa.select(ReviewAction.action, sa.func.count(ReviewAction.id))
        .join(Review, Review.id == ReviewAction.review_id)
        .where(*period).group_by(ReviewAction.action)).all())
    by_month = [MonthRating(month, len(stars), (200 * sum(stars) + len(stars)) // (2 * len(stars)))
                for month, stars in sorted(months.items())]
    reports = dict(db.session.execute(
        sa.select(ReviewReport.state, sa.func.count(ReviewReport.id))
        .join(Review, Review.id == ReviewReport.review_id)
        .where(*period).group_by(ReviewReport.state)).all())
    waits = sorted(
        max(0, (london_date(replied_at) - london_date(published_at)).days)
        for published_at, replied_at in db.session.execute(
            sa.select(Review.published_at, ReviewReply.replied_at)
            .join(ReviewReply, ReviewReply.review_id == Review.id)
            .where(*period, Review.state == "published")))
    return QualitySignals(published=len(published), helped=dict(helped), by_month=by_month,
                          states=states, decisions=decisions, reports=reports,
                          replied=len(waits), reply_median_days=_median(waits))


def _median(days: list[int]) -> int | None:
    """The middle value (the higher of the two middles: a wait is not shortened)."""
    return days[len(days) // 2] if days else None
