"""Quality signals for commissioners: rating by London month, who said it helped, and what
moderation decided, for a service and for its provider."""
from __future__ import annotations

from datetime import date, datetime, timezone

from marketplace.extensions import db
from marketplace.reviews import moderation
from marketplace.reviews import services as reviews
from marketplace.reviews.quality import provider_quality, service_quality
from marketplace.reviews.services import ReviewDetails
from tests.factories import make_funded_budget, make_service, make_user
from tests.reviews.market import delivered_order


def _review(market, stars: int, helped: str, *, service=None, words: str = "Kind people."):
    holder = make_user("holder")
    order = delivered_order(market, holder, make_funded_budget(holder, amount_pence=10_000),
                            service=service)
    outcome = reviews.submit_review(holder, order, ReviewDetails(stars, helped, words, "name"))
    db.session.commit()
    return order, outcome.review


def test_months_are_london_months_and_only_published_reviews_count(app, market, clock):
    # 23:30 UTC on 30 September is 00:30 on 1 October in London (summer time).
    clock.set(datetime(2026, 9, 30, 23, 30, tzinfo=timezone.utc))
    _review(market, 5, "yes")
    _review(market, 4, "partly")
    clock.set(datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc))
    order, _ = _review(market, 3, "no")
    _review(market, 4, "yes")
    _review(market, 5, "yes", words="Call me on 07700 900123.")  # held: not counted
    reviews.withdraw_review(order)
    db.session.commit()

    signals = service_quality(market.service.id)
    assert [(m.month, m.reviews, m.average_centi) for m in signals.by_month] == [
        (date(2026, 10, 1), 2, 450), (date(2026, 11, 1), 1, 400)]
    assert signals.published == 3
    assert signals.helped == {"yes": 2, "partly": 1}
    assert signals.helped_percent == 67
    assert signals.states == {"published": 3, "withdrawn": 1, "held": 1}


def test_moderation_outcomes_and_a_provider_sums_its_services(app, market):
    other = make_service(market.service.provider, title="Evening peer group")
    _review(market, 5, "yes")
    _, held = _review(market, 4, "yes", service=other, words="Email me at sam@example.org")
    _, second = _review(market, 4, "no", service=other, words="Ring 0161 496 0000 for me.")
    commissioner = make_user("commissioner")
    moderation.publish(commissioner, held.id)
    moderation.reject(commissioner, second.id, "It gives a phone number.")
    db.session.commit()

    assert service_quality(other.id).decisions == {"publish": 1, "reject": 1}
    whole = provider_quality(market.service.provider_id)
    assert whole.published == 2 and whole.helped_percent == 100
    assert whole.states == {"published": 2, "rejected": 1}
    assert whole.decisions == {"publish": 1, "reject": 1}
    assert service_quality(make_service(market.service.provider).id).helped_percent is None


def test_reports_and_reply_times_to_reviews_and_enquiries(app, market, clock):
    from marketplace.enquiries import services as enquiries
    from marketplace.reviews import replies, reports

    clock.set(datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc))
    _, first = _review(market, 5, "yes")
    _, second = _review(market, 4, "yes")
    owner = market.service.provider.owner
    clock.set(datetime(2026, 11, 5, 9, 0, tzinfo=timezone.utc))  # 3 London days later
    replies.reply_to(owner, first.id, "Thank you for coming.")
    reports.report(make_user("holder"), second.id, "not_genuine", "I doubt this.")
    holder = make_user("holder")
    posted, _ = enquiries.start_enquiry(holder, market.service.id, holder.id, "Is it step-free?")
    db.session.commit()

    signals = service_quality(market.service.id)
    assert (signals.replied, signals.reply_median_days) == (1, 3)
    assert signals.reports == {"open": 1}
    whole = provider_quality(market.service.provider_id)
    assert whole.enquiries.unanswered == 1 and whole.enquiries.replies == 0
