"""A supporter closes their account: their access to everyone they supported ends (each holder
is told, without their name), what they wrote goes, and what they did for a holder stays in
the holder's records, shown by the pseudonym."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import SupporterGrant, User
from marketplace.budgets import plans
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.orders import services as orders
from marketplace.orders.models import Order, OrderEvent
from tests.accounts.closure_scan import where_found
from tests.factories import PASSWORD, make_funded_budget, make_service, make_user
from tests.orders.pages import browser, grant, text

NOTE = "Sam asked me to cancel this while he is away for a fortnight."


def test_a_supporter_closing_ends_their_access_and_leaves_the_holders_records(app):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    holder = make_user("holder", name="Sam Patel")
    budget = make_funded_budget(holder, amount_pence=20_000)
    jo = make_user("supporter", name="Jocasta Reedwell", email="jocasta@example.org")
    grant(holder, jo, ["view", "plan", "buy"])
    plans.add_outcome(holder, "Cook a proper meal for friends once a month", actor=jo)
    order = orders.place_order(jo, holder.id, orders.OrderRequest(
        budget.id, make_service(title="Cooking lessons").id, 1))
    orders.act_on_order(jo, order.id, "cancel", note=NOTE)
    db.session.commit()
    told_before = db.session.scalars(sa.select(Notification.message).where(
        Notification.user_id == holder.id)).all()
    assert any("Jocasta Reedwell (jocasta@example.org) accepted" in m for m in told_before)

    assert browser(app, jo).post("/account/close", data={"password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert where_found(["Jocasta", "Reedwell", "jocasta@example.org", NOTE]) == []
    pseudonym = db.session.get(User, jo.id).display_name
    grant_row = db.session.scalar(sa.select(SupporterGrant).where(
        SupporterGrant.supporter_id == jo.id))
    assert grant_row.revoked_at is not None
    told = db.session.scalars(sa.select(Notification.message).where(
        Notification.user_id == holder.id)).all()
    assert "One of your supporters has closed their Pathways account, so they can no longer " \
           "see your budget or act for you." in told
    assert any(f"{pseudonym} ([email address removed]) accepted" in m for m in told)
    # What Jo did for Sam is still Sam's record, done by the pseudonym.
    order = db.session.get(Order, order.id)
    assert order.placed_by_id == jo.id and order.state == "cancelled"
    assert db.session.scalar(sa.select(OrderEvent).where(
        OrderEvent.order_id == order.id, OrderEvent.to_state == "cancelled")).actor_id == jo.id
    sam = browser(app, holder)
    assert "Cook a proper meal for friends once a month" in text(sam.get("/plan"))
    assert pseudonym in text(sam.get(f"/orders/{order.id}"))
