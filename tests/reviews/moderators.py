"""Appointing a moderator the way a commissioner does, and the held reviews they work on."""
from __future__ import annotations

import re

import sqlalchemy as sa

from marketplace.accounts.services import find_user_by_email
from marketplace.extensions import db
from marketplace.notifications.models import EmailMessage
from marketplace.reviews.models import Review
from tests.factories import PASSWORD
from tests.orders.pages import anonymous, browser
from tests.reviews.market import delivered_order, review_form


def welcome_link(email: str) -> str:
    """The path of the newest set-password link emailed to this address."""
    body = db.session.scalars(sa.select(EmailMessage.body).where(
        EmailMessage.to_address == email).order_by(EmailMessage.id.desc())).first()
    return re.search(r"https?://[^/\s]+(/moderation/welcome/\S+)", body).group(1)


def appoint(app, market, email: str = "rae@userled.example.org", name: str = "Rae Moderator"):
    """A moderator appointed by market.commissioner, with the tests' PASSWORD set by the link."""
    done = browser(app, market.commissioner).post(
        "/moderation/moderators", data={"display_name": name, "email": email})
    assert done.status_code == 302, done.get_data(as_text=True)
    chosen = anonymous(app).post(welcome_link(email),
                                 data={"password": PASSWORD, "confirm_password": PASSWORD})
    assert chosen.status_code == 302
    return find_user_by_email(email)


def held_review(app, market, **changes):
    """Sam's order, reviewed with the changes, which hold it for a moderator."""
    order = delivered_order(market)
    browser(app, market.sam).post(f"/orders/{order.id}/review", data=review_form(**changes))
    review = db.session.scalars(sa.select(Review).where(Review.order_id == order.id)).one()
    assert review.state == "held"
    return order, review
