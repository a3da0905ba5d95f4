"""A budget holder who used nearly everything closes her account: afterwards nothing personal
of hers is left in any table, the council's records are all still there and add up, her
published review reads "a former member", and nobody can use the account again."""
from __future__ import annotations

import re

import sqlalchemy as sa

from marketplace.accounts.models import ApiToken, SupporterGrant, User, UserSession
from marketplace.budgets.models import Budget, Outcome
from marketplace.datarights.models import DataExport, DataExportFile
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.checks import check_ledger
from marketplace.ledger.models import LedgerTransaction
from marketplace.notifications.models import EmailMessage, Notification
from marketplace.orders.models import Order, OrderEvent
from marketplace.pools.models import PoolMember
from marketplace.reviews.models import Review
from tests.accounts import closure_people
from tests.accounts.closure_people import EMAIL, REVIEW, rich_holder
from tests.accounts.closure_scan import where_found
from tests.factories import PASSWORD
from tests.orders.pages import anonymous, browser, text

PSEUDONYM = re.compile(r"^Former member [A-HJ-NP-Z2-9]{4}$")


def _records(holder):
    """What the council's audit relies on, as plain values to compare before and after."""
    orders = db.session.scalars(sa.select(Order).where(Order.holder_id == holder.user.id)
                                .order_by(Order.id)).all()
    events = db.session.scalars(sa.select(OrderEvent).join(Order).where(
        Order.holder_id == holder.user.id).order_by(OrderEvent.id)).all()
    transactions = db.session.scalars(sa.select(LedgerTransaction).order_by(
        LedgerTransaction.id)).all()
    return {
        "orders": [(o.id, o.state, o.total_pence, o.service_title, o.budget_id, o.provider_id,
                    o.placed_by_id) for o in orders],
        "events": [(e.id, e.from_state, e.to_state, e.actor_id, e.on_behalf_of_id)
                   for e in events],
        "ledger": [(t.id, t.kind, t.description, t.actor_id, t.order_id,
                    [(line.account_id, line.amount_pence) for line in t.lines])
                   for t in transactions],
        "balances": ledger.budget_balances(holder.budget.id),
        "pledges": [(m.id, m.state, m.pledged_pence, m.budget_id) for m in db.session.scalars(
            sa.select(PoolMember).where(PoolMember.holder_id == holder.user.id))],
    }


def _close(client, **fields):
    return client.post("/account/close", data={"password": PASSWORD, **fields})


def test_after_closing_nothing_of_hers_is_left_in_any_table(app):
    holder = rich_holder()
    assert where_found(holder.secrets), "the journey should have left her words everywhere"
    assert ("email_links", "email", EMAIL.lower()) in where_found([EMAIL])
    assert db.session.scalar(sa.select(DataExport.status)) == "ready"
    before = _records(holder)
    her = browser(app, holder.user)
    page = her.get("/account/close")
    assert page.status_code == 200
    assert "Finish these first" not in text(page)
    assert "You have 1 published review" in text(page)

    response = _close(her)
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/closed")
    assert "Your account is closed" in text(her.get("/account/closed"))

    db.session.expire_all()
    assert where_found(holder.secrets) == []
    # Her copy of her data is compressed, so the scan cannot read it: it must be gone.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DataExportFile)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DataExport)) == 0
    closed = db.session.get(User, holder.user.id)
    assert PSEUDONYM.match(closed.display_name)
    assert closed.email.endswith("@closed.invalid") and not closed.is_active_account
    assert closed.closed_at is not None
    assert (closed.home_authority, closed.home_district, closed.interests) == ("", "", [])
    # The council's records: every order, event, ledger line and pledge, unchanged and hers.
    db.session.expire_all()
    assert _records(holder) == before
    assert all(b.holder_id == closed.id for b in db.session.scalars(sa.select(Budget)).all()
               if b.id == holder.budget.id)


def test_the_ledger_still_agrees_with_itself_after_closing(app, runner):
    holder = rich_holder()
    _close(browser(app, holder.user))
    db.session.expire_all()
    check = check_ledger()
    assert check.ok, check.problems
    assert ledger.unbalanced_transactions() == [] and ledger.drifted_accounts() == []
    result = runner.invoke(args=["check-ledger"])
    assert result.exit_code == 0 and "agree" in result.output


def test_her_published_review_stays_as_by_a_former_member(app):
    holder = rich_holder()
    _close(browser(app, holder.user))
    db.session.expire_all()
    page = text(anonymous(app).get(f"/services/{holder.service.id}"))
    assert REVIEW in page and "A former member" in page
    assert "Marigold" not in page and "Thank you Former member" in page
    review = db.session.get(Review, holder.review.id)
    assert review.state == "published" and review.service.review_count == 1


def test_she_may_withdraw_her_published_reviews_as_she_closes(app):
    holder = rich_holder()
    _close(browser(app, holder.user), withdraw_reviews="y")
    db.session.expire_all()
    review = db.session.get(Review, holder.review.id)
    assert (review.state, review.text, review.reply.text) == (
        "withdrawn", "", "Removed when the account was closed")
    assert review.service.review_count == 0 and review.service.rating_centi is None
    page = text(anonymous(app).get(f"/services/{holder.service.id}"))
    assert REVIEW not in page and "A former member" not in page
    assert where_found([REVIEW]) == []


def test_nobody_can_use_the_account_again(app):
    holder = rich_holder()
    her = browser(app, holder.user)
    other_device = browser(app, holder.user)
    _close(her)
    # Logging in: the same words as a wrong password, with the old or the new address.
    for email in (EMAIL, db.session.get(User, holder.user.id).email):
        response = anonymous(app).post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 400
        assert "The email address or password is not right" in text(response)
    assert other_device.get("/account").status_code == 302  # to the login page
    api = anonymous(app).get("/api/v1/me",
                             headers={"Authorization": f"Bearer {holder.token_secret}"})
    assert api.status_code == 401
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id)).where(
        UserSession.user_id == holder.user.id, UserSession.ended_at.is_(None))) == 0
    assert all(token.revoked_at for token in db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == holder.user.id)))


def test_her_supporter_is_told_without_her_name_and_loses_access(app):
    holder = rich_holder()
    _close(browser(app, holder.user))
    db.session.expire_all()
    grant = db.session.scalar(sa.select(SupporterGrant).where(
        SupporterGrant.holder_id == holder.user.id))
    assert grant.revoked_at is not None and (grant.invite_email, grant.relationship_text) == ("", "")
    told = db.session.scalars(sa.select(Notification.message).where(
        Notification.user_id == holder.supporter.id)).all()
    assert "Someone you supported has closed their Pathways account, so you can no longer " \
           "see their budget or act for them." in told
    rowan = browser(app, holder.supporter)
    assert rowan.get(f"/people/{holder.user.id}/budget").status_code == 404
    assert "Former member" not in text(rowan.get("/people"))


def test_what_others_were_told_about_her_keeps_its_sense_without_her(app):
    holder = rich_holder()
    _close(browser(app, holder.user))
    db.session.expire_all()
    pseudonym = db.session.get(User, holder.user.id).display_name
    # The organisation's staff were asked to approve "her" order: now by the pseudonym.
    asked = db.session.scalars(sa.select(Notification.message).where(
        Notification.user_id == holder.staff.id)).all()
    assert any(message.startswith(f"{pseudonym} has asked to buy Photography group")
               for message in asked)
    # The provider was told what the order was for, in her words: that message is gone.
    to_provider = db.session.scalars(sa.select(Notification.message).where(
        Notification.user_id == holder.provider.owner_id)).all()
    assert any("its words were removed" in message for message in to_provider)
    # Nothing is left addressed to her, and Rowan's invitation no longer names her.
    assert db.session.scalar(sa.select(sa.func.count(EmailMessage.id)).where(
        EmailMessage.to_address == EMAIL)) == 0
    invitation = db.session.scalar(sa.select(EmailMessage).where(
        EmailMessage.to_address == holder.supporter.email,
        EmailMessage.subject.like("%asked you to be their supporter")))
    assert invitation.subject == f"{pseudonym} has asked you to be their supporter"


def test_what_her_provider_sees_of_her_afterwards(app):
    holder = rich_holder()
    _close(browser(app, holder.user))
    db.session.expire_all()
    bea = browser(app, holder.provider.owner)
    order_page = text(bea.get(f"/orders/{holder.delivered_order.id}"))
    assert "Former member" in order_page and "Removed when the account was closed" in order_page
    thread = text(bea.get(f"/enquiries/{holder.enquiry.id}"))
    assert "A former member" in thread and "Closed by" in thread
    assert "Marigold" not in thread and closure_people.QUESTION not in thread
    outcomes = db.session.scalars(sa.select(Outcome.text).join(Outcome.plan).where(
        Outcome.plan.has(holder_id=holder.user.id))).all()
    assert set(outcomes) == {"Removed when the account was closed"}
