"""A pool member reviews the purchase through their own share order, once it is confirmed
delivered: once per membership, never another member's share, and not at all for a member of
another pool or someone who was not in it; each member is reminded once about their share."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.orders.models import Order
from marketplace.pools import services as pools
from marketplace.pools.services import Pledge
from marketplace.reviews.models import Review
from marketplace.reviews.reminders import send_due_reminders
from marketplace.times import LONDON, UTC
from tests.factories import make_user
from tests.orders.pages import browser, text, with_order_pages
from tests.pools.helpers import group_service, holder_with_budget, organisation, request
from tests.reviews.market import review_form


@pytest.fixture
def app(app):
    return with_order_pages(app)


def _funded_pool(service, org, names):
    people = [holder_with_budget(name, organisation=org) for name in names]
    (first, first_budget), *rest = people
    started = pools.start_pool(first, first.id, request(service, min_members=3, max_members=3),
                               Pledge(first_budget.id, first.display_name[:5]))
    for holder, budget in rest:
        pools.join_pool(holder, holder.id, started.pool.id,
                        Pledge(budget.id, holder.display_name[:5]))
    db.session.commit()
    return started.pool, [holder for holder, _ in people]


def _deliver(app, pool, members) -> dict:
    """Accepted and delivered as a whole, then each member confirms their share."""
    owner = browser(app, pool.service.provider.owner)
    owner.post(f"/provider/pools/{pool.id}/accept")
    owner.post(f"/provider/pools/{pool.id}/deliver")
    db.session.expire_all()
    shares = {}
    for member in members:
        share = db.session.scalars(sa.select(Order).where(
            Order.holder_id == member.id, Order.service_id == pool.service_id)).one()
        assert browser(app, member).post(
            f"/orders/{share.id}/actions/confirm").status_code == 302
        shares[member.id] = share.id
    return shares


@pytest.fixture
def delivered(app):
    org, service = organisation(), group_service()
    pool, members = _funded_pool(service, org, ("Sam Patel", "Dani Jones", "Ali Khan"))
    other_pool, others = _funded_pool(service, org, ("Kim Lee", "Jo Ray", "Max Fox"))
    return _deliver(app, pool, members), members, _deliver(app, other_pool, others), others


def test_a_member_reviews_their_share_once(app, delivered):
    shares, (sam, dani, _ali), _other_shares, _others = delivered
    sam_share = shares[sam.id]
    page = browser(app, sam)
    assert "How many stars would you give it?" in text(page.get(f"/orders/{sam_share}/review"))
    assert page.post(f"/orders/{sam_share}/review", data=review_form()).status_code == 302
    assert page.post(f"/orders/{sam_share}/review",
                     data=review_form(stars="5")).status_code == 302  # an edit, not another
    (review,) = db.session.scalars(sa.select(Review)).all()
    assert (review.order_id, review.holder_id, review.stars, review.state) == (
        sam_share, sam.id, 5, "published")
    page.post(f"/orders/{sam_share}/review/withdraw")
    again = page.post(f"/orders/{sam_share}/review", data=review_form())
    assert again.status_code == 409 and "withdrawn or rejected" in text(again)
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 1
    # Dani reviews their own share: one review per membership.
    assert browser(app, dani).post(f"/orders/{shares[dani.id]}/review",
                                   data=review_form()).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 2


def test_nobody_else_reviews_a_members_share(app, delivered):
    shares, (sam, dani, _ali), other_shares, (kim, *_rest) = delivered
    stranger = make_user("holder", name="Not In It")
    for person, order_id in ((dani, shares[sam.id]), (kim, shares[sam.id]),
                             (stranger, shares[sam.id]), (sam, other_shares[kim.id])):
        other = browser(app, person)
        assert other.get(f"/orders/{order_id}/review").status_code == 404, person.display_name
        assert other.post(f"/orders/{order_id}/review",
                          data=review_form()).status_code == 404, person.display_name
    assert db.session.scalars(sa.select(Review)).all() == []


def test_each_member_is_reminded_once_about_their_own_share(app, delivered, clock):
    shares, members, other_shares, others = delivered
    clock.set(datetime.now(LONDON).astimezone(UTC) + timedelta(days=4))
    assert send_due_reminders() == 6
    assert send_due_reminders() == 0
    db.session.commit()
    for member in members + others:
        links = db.session.scalars(sa.select(Notification.link).where(
            Notification.user_id == member.id, Notification.link.like("%/review"))).all()
        share = {**shares, **other_shares}[member.id]
        assert links == [f"/orders/{share}/review"], member.display_name
