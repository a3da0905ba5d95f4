"""People are told when an order changes state: on their notifications page and by email. The
request only queues the email; the worker delivers it (captured, never sent, in tests)."""
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.notifications.models import EmailMessage, Notification
from marketplace.notifications.services import notify
from marketplace.orders.models import Order
from tests.mail import count_with_status, deliver_emails
from tests.orders.pages import anonymous, browser, text


def emails_to(person):
    return db.session.scalars(
        sa.select(EmailMessage).where(EmailMessage.to_address == person.email).order_by(EmailMessage.id)
    ).all()


def test_each_order_change_emails_the_right_people_and_the_worker_delivers_them(app, market):
    sam, staff = browser(app, market.sam), browser(app, market.staff)
    sam.post(f"/services/{market.service.id}/order", data=market.order_form(token="email-test-1"))
    order = db.session.scalars(sa.select(Order)).one()
    db.session.expire_all()
    [to_staff] = emails_to(market.staff)
    assert to_staff.subject == "An order is waiting for your approval"
    # The page answered without sending anything: the email waits for the worker.
    assert to_staff.status == "queued" and to_staff.sent_at is None
    assert deliver_emails().captured == 1
    [to_staff] = emails_to(market.staff)
    assert to_staff.status == "captured" and to_staff.sent_at is not None
    assert emails_to(market.sam) == []

    staff.post(f"/orders/{order.id}/actions/approve")
    deliver_emails()
    [to_sam] = emails_to(market.sam)
    [to_provider] = emails_to(market.provider_owner)
    assert to_sam.subject == f"Order {order.id} was approved"
    assert f"/orders/{order.id}" in to_sam.body
    assert to_provider.subject == f"Order {order.id} was approved" and to_provider.status == "captured"
    assert len(emails_to(market.staff)) == 1  # the person who acted is not told about it
    assert emails_to(market.other_staff) == [] and emails_to(market.other_holder) == []
    assert count_with_status("queued") == 0


def test_the_notifications_page_shows_the_newest_first_and_marks_them_read(app, market):
    notify(market.sam, "Your first update", link="/orders")
    notify(market.sam, "Your second update")
    notify(market.other_holder, "Someone else's update")
    db.session.commit()
    sam = browser(app, market.sam)
    page = sam.get("/notifications")
    words = text(page)
    assert "You have 2 new notifications" in words
    assert words.index("Your second update") < words.index("Your first update")
    assert "Someone else's update" not in words
    assert page.get_data(as_text=True).count("notification-unread") == 2

    marked = sam.post("/notifications/read")
    assert marked.status_code == 302
    page = sam.get("/notifications")
    assert "You have read all your notifications" in text(page)
    assert "notification-unread" not in page.get_data(as_text=True)
    assert db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification)
        .where(Notification.user_id == market.other_holder.id, Notification.read_at.is_(None))
    ) == 1


def test_the_notifications_page_needs_a_login(app, market):
    response = anonymous(app).get("/notifications")
    assert response.status_code == 302 and "/login" in response.location
    assert anonymous(app).post("/notifications/read").status_code == 302
