"""Appointed moderators: a commissioner appoints one by name and email (the person chooses
their own password through a link that works once), the moderator works the queue and sees
nothing else (not the commissioners' pages, nor anyone's plan, orders or contact details),
and once removed is logged out at once and cannot log back in."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications.models import EmailMessage
from marketplace.reviews.models import Review, ReviewAction
from tests.factories import PASSWORD, make_user
from tests.orders.pages import anonymous, browser, text
from tests.reviews.moderators import appoint, held_review, welcome_link

PAGE = "/moderation/moderators"


def test_a_commissioner_appoints_a_moderator_who_chooses_a_password(app, market):
    commissioner = browser(app, market.commissioner)
    page = text(commissioner.get(PAGE))
    assert "Nobody yet: commissioners work the queue." in page
    done = commissioner.post(PAGE, data={"display_name": "Rae Moderator",
                                         "email": "Rae@UserLed.example.org"})
    assert done.status_code == 302
    told = text(commissioner.get(done.location))
    assert "Rae Moderator is appointed. We emailed rae@userled.example.org a link" in told
    assert "Rae Moderator (rae@userled.example.org)" in told
    (email,) = db.session.scalars(sa.select(EmailMessage).where(
        EmailMessage.to_address == "rae@userled.example.org")).all()
    assert email.subject == "You are a reviews moderator on Pathways"
    assert "Choose your password here (the link works once, for 7 days)" in email.body
    rae = db.session.scalars(sa.select(User).where(User.role == "moderator")).one()
    assert rae.display_name == "Rae Moderator" and rae.is_active_account

    # Until the link is used nobody can log in as Rae: no password was ever chosen or sent.
    assert anonymous(app).post("/login", data={"email": rae.email,
                                               "password": PASSWORD}).status_code != 302
    link = welcome_link(rae.email)
    newcomer = anonymous(app)
    assert "Welcome, Rae Moderator" in text(newcomer.get(link))
    mismatch = newcomer.post(link, data={"password": PASSWORD, "confirm_password": "other"})
    assert mismatch.status_code == 400 and "The two passwords do not match" in text(mismatch)
    assert newcomer.post(link, data={"password": PASSWORD,
                                     "confirm_password": PASSWORD}).status_code == 302
    # The link works once.
    used = anonymous(app).get(link)
    assert used.status_code == 404 and "expired or was already used" in text(used)
    logged_in = anonymous(app).post("/login", data={"email": rae.email, "password": PASSWORD})
    assert logged_in.location.endswith("/moderation")


def test_one_person_one_role_and_the_form_says_what_is_wrong(app, market):
    commissioner = browser(app, market.commissioner)
    taken = commissioner.post(PAGE, data={"display_name": "Sam", "email": market.sam.email})
    assert taken.status_code == 400
    assert "This email address already has a Pathways account" in text(taken)
    missing = commissioner.post(PAGE, data={"display_name": "", "email": "not an email"})
    assert missing.status_code == 400
    assert "Enter the person's name" in text(missing)
    assert "Enter an email address like name@example.org" in text(missing)
    assert market.sam.role == "holder"
    assert db.session.scalars(sa.select(User).where(User.role == "moderator")).all() == []


def test_a_forged_or_foreign_link_sets_nothing(app, market):
    rae = appoint(app, market)
    forged = anonymous(app).post("/moderation/welcome/not-a-real-token",
                                 data={"password": "x" * 12, "confirm_password": "x" * 12})
    assert forged.status_code == 404
    assert anonymous(app).post("/login", data={"email": rae.email,
                                               "password": PASSWORD}).status_code == 302


def test_a_moderator_sees_the_review_and_the_service_but_not_who_wrote_it(app, market):
    _order, hidden = held_review(app, market, text="Fine. Ring 07700 900123.",
                                 shown_as="anonymous")
    rae = appoint(app, market)
    queue = text(browser(app, rae).get("/moderation"))
    assert "Reviews waiting for a person (1)" in queue
    assert "About: Photography group. Shown as: Anonymous." in queue
    for private in ("Sam Patel", market.sam.email, "Moderators: appoint"):
        assert private not in queue
    hidden.shown_as = "name"
    db.session.commit()
    queue = text(browser(app, rae).get("/moderation"))
    assert "Shown as: Sam Patel." in queue and market.sam.email not in queue


def test_a_moderator_publishes_and_rejects_like_a_commissioner(app, market):
    _order, review = held_review(app, market, stars="2")
    rae = appoint(app, market)
    assert browser(app, rae).post(f"/moderation/reviews/{review.id}/publish",
                                  data={"reason": ""}).status_code == 302
    (action,) = db.session.scalars(sa.select(ReviewAction)).all()
    assert (action.action, action.actor_id) == ("publish", rae.id)


def test_a_moderator_is_refused_everywhere_else(app, market):
    order, _review = held_review(app, market, stars="2")
    rae = browser(app, appoint(app, market))
    refused = {
        403: ["/commissioning", "/commissioning/commissioners", "/commissioning/operations",
              "/commissioning/market", "/commissioning/allocations", "/commissioning/payouts",
              PAGE, "/budget", "/orders", "/plan", "/provider", "/provider/orders",
              "/supporters", "/managed", "/managed/accounts"],
        404: [f"/orders/{order.id}", f"/orders/{order.id}/review"],
    }
    for status, paths in refused.items():
        for path in paths:
            assert rae.get(path).status_code == status, path
    assert rae.post(PAGE, data={"display_name": "Eve", "email": "eve@example.org"}
                    ).status_code == 403
    assert rae.post(f"{PAGE}/{market.commissioner.id}/remove").status_code == 403
    assert db.session.scalars(sa.select(User).where(User.email == "eve@example.org")).all() == []


def test_only_commissioners_appoint_or_remove(app, market):
    rae = appoint(app, market)
    others = (market.sam, market.provider_owner, make_user("supporter"), market.staff)
    for person in others:
        other = browser(app, person)
        assert other.get(PAGE).status_code == 403, person.role
        assert other.post(PAGE, data={"display_name": "Eve", "email": "eve@example.org"}
                          ).status_code == 403, person.role
        assert other.post(f"{PAGE}/{rae.id}/remove").status_code == 403, person.role
    assert anonymous(app).get(PAGE).status_code == 302
    assert anonymous(app).post(f"{PAGE}/{rae.id}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, rae.id).is_active_account
    assert db.session.scalars(sa.select(User).where(User.email == "eve@example.org")).all() == []


def test_removing_a_moderator_stops_the_role_at_once(app, market):
    _order, review = held_review(app, market, stars="2")
    rae = appoint(app, market)
    rae_browser = browser(app, rae)
    assert rae_browser.get("/moderation").status_code == 200
    commissioner = browser(app, market.commissioner)
    done = commissioner.post(f"{PAGE}/{rae.id}/remove", follow_redirects=True)
    assert "Rae Moderator is no longer a moderator and has been logged out." in text(done)
    assert "Nobody yet" in text(done)
    # The same browser, mid-session: logged out on its next click.
    assert rae_browser.get("/moderation").status_code == 302
    assert rae_browser.post(f"/moderation/reviews/{review.id}/publish",
                            data={"reason": ""}).status_code == 302
    assert anonymous(app).post("/login", data={"email": rae.email,
                                               "password": PASSWORD}).status_code != 302
    assert rae_browser.get(PAGE).status_code == 302
    assert db.session.get(Review, review.id).state == "held"
    # Removing twice finds nobody.
    assert commissioner.post(f"{PAGE}/{rae.id}/remove").status_code == 404
    # Appointed again, the person gets a fresh link; the old one stays dead.
    old_link = welcome_link(rae.email)
    assert commissioner.post(PAGE, data={"display_name": "Rae M",
                                         "email": rae.email}).status_code == 302
    assert anonymous(app).get(old_link).status_code == 404
    assert anonymous(app).get(welcome_link(rae.email)).status_code == 200
