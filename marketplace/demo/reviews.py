"""The demo's reviews, written after its money (demo/money.py), through the real order and
review services: eight reviewers with direct-payment budgets buy from a spread of services
(the demo provider's first, then other providers in id order), each order is paid by card,
delivered and confirmed, and reviewed. Most reviews publish at once with a realistic spread of
stars; a few are held as real ones would be: one naming a phone number, two of 1 or 2 stars,
and one that speaks of not wanting to go on (the safeguarding case waiting for a person).
The demo holder's own orders are left unreviewed, so a visitor can write one.
Deterministic: services by id, every word fixed here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.budgets import services as budgets
from marketplace.budgets.models import Budget, FundingStream
from marketplace.demo.money import financial_year, pay_by_card
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.orders.services import OrderRequest
from marketplace.providers.models import Provider, Service
from marketplace.reviews import replies
from marketplace.reviews import services as reviews
from marketplace.reviews.models import Review
from marketplace.reviews.services import ReviewDetails
from marketplace.times import london_today

#: Reviewers (email, display name); they log in with the demo password too.
REVIEWERS: list[tuple[str, str]] = [
    (f"demo-reviewer-{number}@example.org", f"{name} (demo reviewer)")
    for number, name in enumerate(
        ["Sam O.", "Grace W.", "Imran K.", "Beth L.", "Marek P.", "Joy A.", "Dev R.",
         "Hannah C."], start=1)
]

#: (stars, did it help, words, shown as). Each service gets the next few in turn.
REVIEWS: list[tuple[int, str, str, str]] = [
    (5, "yes", "I was nervous the first time, but nobody made me talk. After a month I "
               "look forward to Thursdays.", "name"),
    (4, "yes", "Friendly and patient. The room was a bit cold in November.", "anonymous"),
    (5, "yes", "Run by people who have been there. It shows in how they listen.", "name"),
    (3, "partly", "Good when it happens, but two sessions were moved at short notice.", "name"),
    (4, "partly", "It helped me get out of the flat. I would like it to run in the evening "
                  "too.", "anonymous"),
    (5, "yes", "The best thing my budget has paid for. I have made two friends.", "name"),
    (2, "no", "The sessions felt rushed and I did not feel listened to.", "anonymous"),
    (4, "yes", "Clear about what it costs and what it includes, which I needed.", "name"),
    (5, "yes", "Helped me use the bus on my own again, one stop at a time.", "name"),
    (3, "partly", "Nice people, but the group was too big for me.", "anonymous"),
    (4, "yes", "Ring me on 07700 900123 if you want to know more about this group.", "name"),
    (1, "no", "They did not turn up twice and nobody told me why.", "anonymous"),
    (5, "yes", "Calm, kind and practical.", "name"),
    (4, "yes", "Some weeks I feel I can't go on, and this group is the one thing that gets "
               "me out of bed.", "anonymous"),
]
#: The provider's public reply to some of them, by their place in REVIEWS: two published
#: reviews of the demo provider's service, and the 2-star review on its short hold.
REPLIES: dict[int, str] = {
    0: "Thank you. It was good to see you settle in; Thursdays would not be the same without "
       "you.",
    1: "Thank you for telling us about the room. We have asked the centre to put the heating "
       "on earlier.",
    6: "We are sorry the sessions felt rushed. We have made them longer and would like to "
       "talk with you about what would help.",
}
#: How many of REVIEWS each reviewed service gets, busiest first.
REVIEWS_PER_SERVICE = (4, 3, 2, 2, 2, 1)
SERVICES_REVIEWED = len(REVIEWS_PER_SERVICE)


@dataclass(frozen=True)
class ReviewsSummary:
    reviews: int
    services: int
    published: int
    #: Waiting for a moderator (what the detectors found), and on the short low-star hold.
    held: int
    on_hold: int


def load_demo_reviews(commissioner: User, password_hash: str,
                      today: date | None = None) -> None:
    """Write the demo reviews. Flushes; the caller commits."""
    today = today or london_today()
    start, end = financial_year(today)
    stream = db.session.scalar(sa.select(FundingStream).where(
        FundingStream.name == "Adult social care"))
    people = [User(email=email, display_name=name, role="holder", password_hash=password_hash)
              for email, name in REVIEWERS]
    db.session.add_all(people)
    db.session.flush()
    wallets = []
    for person in people:
        allocation = budgets.allocate_budget(
            holder=person, stream=stream, total_pence=520_000, period_start=start,
            period_end=end, instalment_every_weeks=4, route="direct", allocated_by=commissioner,
            today=today)
        wallets.append(allocation.budgets[0])
    texts = iter(REVIEWS)
    made = 0
    for service, count in zip(_services_to_review(), REVIEWS_PER_SERVICE):
        for words in [next(texts) for _ in range(count)]:
            budget = wallets[made % len(wallets)]
            order = delivered_order(budget, service, key=f"demo-review-{made + 1}")
            stars, helped, text, shown_as = words
            written = reviews.submit_review(budget.holder, order, ReviewDetails(
                stars=stars, helped=helped, text=text, shown_as=shown_as)).review
            reply = REPLIES.get(made)
            if reply:
                replies.reply_to(service.provider.owner, written.id, reply)
            made += 1
    db.session.flush()


def reviews_summary() -> ReviewsSummary:
    """What the demo's reviews came to, once every demo area has written its own."""
    reviews = db.session.scalars(sa.select(Review)).all()
    return ReviewsSummary(
        reviews=len(reviews), services=len({review.service_id for review in reviews}),
        published=sum(review.state == "published" for review in reviews),
        held=sum(review.state == "held" and not review.on_short_hold for review in reviews),
        on_hold=sum(review.on_short_hold for review in reviews))


def reviewer_budgets() -> list:
    """The reviewers' direct-payment budgets, in REVIEWERS order."""
    emails = [email for email, _ in REVIEWERS]
    by_email = {user.email: user for user in db.session.scalars(
        sa.select(User).where(User.email.in_(emails)))}
    return [db.session.scalar(sa.select(Budget).where(Budget.holder_id == by_email[e].id))
            for e in emails]


def _services_to_review() -> list[Service]:
    """The demo provider's first active priced service, then one each from other providers,
    in id order, all at a price the reviewers' budgets pay easily."""
    demo_provider = db.session.scalar(
        sa.select(Provider).join(User, User.id == Provider.owner_id)
        .where(User.email == "demo-provider@example.org"))
    query = (sa.select(Service).where(Service.status == "active", Service.price_pence > 0,
                                      Service.price_pence <= 5000).order_by(Service.id))
    chosen = list(db.session.scalars(query.where(Service.provider_id == demo_provider.id)
                                     .limit(1)))
    seen = {demo_provider.id}
    for service in db.session.scalars(query.where(Service.provider_id != demo_provider.id)):
        if len(chosen) == SERVICES_REVIEWED:
            break
        if service.provider_id not in seen:
            seen.add(service.provider_id)
            chosen.append(service)
    return chosen


def delivered_order(budget, service: Service, *, key: str) -> Order:
    holder = budget.holder
    order = orders.place_order(holder, holder.id, OrderRequest(
        budget_id=budget.id, service_id=service.id, quantity=1), idempotency_key=key)
    pay_by_card(order)
    owner = service.provider.owner
    orders.act_on_order(owner, order.id, "accept")
    orders.act_on_order(owner, order.id, "deliver")
    orders.act_on_order(holder, order.id, "confirm")
    return order
