""""Usually replies within N days": the median London-day wait from a holder's unanswered
message to the provider's next reply, over the last 90 days, shown from 3 replied
conversations, on the service and provider pages."""
from __future__ import annotations

from datetime import datetime, timedelta

from marketplace.enquiries.reply_times import MIN_REPLIED_THREADS, WINDOW_DAYS, reply_times
from marketplace.times import UTC
from tests.enquiries.helpers import answered, asked
from tests.factories import make_service, make_user
from tests.orders.pages import anonymous, text


def conversation(market, clock, asked_at, answered_at, *, more_holder_messages=0):
    holder = make_user("holder")
    clock.set(asked_at)
    service = make_service(market.bright, title=f"Group {holder.id}")
    enquiry = asked(market, holder, service=service)
    for _ in range(more_holder_messages):
        clock.set(asked_at + timedelta(hours=1))
        asked(market, holder, text="Any news?", service=service)
    if answered_at is not None:
        clock.set(answered_at)
        answered(market, enquiry)
    return enquiry


def test_the_line_shows_from_three_replied_conversations_in_london_days(app, market, clock):
    now = datetime(2026, 7, 20, 12, 0, tzinfo=UTC)
    # 23:30 UTC on 1 July is 00:30 on 2 July in London: answered at 09:00 the same London day.
    conversation(market, clock, datetime(2026, 7, 1, 23, 30, tzinfo=UTC),
                 datetime(2026, 7, 2, 8, 0, tzinfo=UTC))
    # A later "Any news?" does not restart the wait: 3 days from the first message.
    conversation(market, clock, datetime(2026, 7, 5, 9, 0, tzinfo=UTC),
                 datetime(2026, 7, 8, 9, 0, tzinfo=UTC), more_holder_messages=1)
    clock.set(now)
    service_page = f"/services/{market.service.id}"
    assert "usually replies" not in text(anonymous(app).get(service_page))
    assert reply_times([market.bright.id])[market.bright.id].shown_days is None

    conversation(market, clock, datetime(2026, 7, 10, 9, 0, tzinfo=UTC),
                 datetime(2026, 7, 12, 9, 0, tzinfo=UTC))
    conversation(market, clock, datetime(2026, 7, 14, 9, 0, tzinfo=UTC), None)  # unanswered
    clock.set(now)
    found = reply_times([market.bright.id])[market.bright.id]
    assert (found.median_days, found.replied_threads, found.unanswered) == (2, 3, 1)
    assert MIN_REPLIED_THREADS == 3
    assert "Bright Days usually replies to questions within 2 days" in text(
        anonymous(app).get(service_page))
    assert "Bright Days usually replies to questions within 2 days" in text(
        anonymous(app).get(f"/providers/{market.bright.id}"))


def test_waits_older_than_the_window_do_not_count(app, market, clock):
    start = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    for days in (0, 1, 1):
        conversation(market, clock, start, start + timedelta(days=days))
    clock.set(start + timedelta(days=WINDOW_DAYS + 2))
    assert reply_times([market.bright.id])[market.bright.id].replied_threads == 0
    clock.set(start + timedelta(days=5))
    assert reply_times([market.bright.id])[market.bright.id].shown_days == 1


def test_a_provider_without_enquiries_has_no_line(app, market):
    other = market.other_provider_owner.provider.id
    assert reply_times([other])[other].median_days is None
