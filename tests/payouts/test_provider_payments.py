"""A provider's "Payments to you": owed now, being paid, paid so far, and each payment with
the orders it covers."""
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.payouts import runs as payouts
from marketplace.payouts.models import PayoutItem
from tests.payouts.conftest import login


def pay(market, *, mark_paid=True):
    payer = payouts.payer_for(market.manager)
    run = payouts.create_payout_run(market.manager, payer, "bacs_file").run
    payouts.send_payout_run(market.manager, payer, run.id)
    if mark_paid:
        payouts.mark_payout_run_paid(market.manager, payer, run.id)
    db.session.commit()
    return run


def test_a_provider_sees_what_it_is_owed_being_paid_and_paid(app, market):
    first = market.order(market.sam, market.art, 2)
    paid_run = pay(market)
    market.order(market.ali, market.walk)
    sent_run = pay(market, mark_paid=False)
    market.order(market.ali, market.art)
    client = login(app, market.bright.owner)

    page = client.get("/provider/payments").get_data(as_text=True)
    assert "Owed to you now</th><td class=\"number\">£25.50" in page
    assert "Being paid now</th><td class=\"number\">£10.00" in page
    assert "Paid so far</th><td class=\"number\">£51.00" in page
    paid_item = db.session.scalars(sa.select(PayoutItem).where(PayoutItem.run_id == paid_run.id)).one()
    sent_item = db.session.scalars(sa.select(PayoutItem).where(PayoutItem.run_id == sent_run.id)).one()
    assert page.index(sent_item.reference) < page.index(paid_item.reference)  # newest first
    assert "Salford Independent Living" in page and "Being paid" in page

    detail = client.get(f"/provider/payments/{paid_item.id}").get_data(as_text=True)
    assert f"Order {first.id}" in detail and "Art group" in detail and "£51.00" in detail
    assert "Paid on" in detail and "Salford Independent Living" in detail


def test_a_provider_without_bank_details_is_told_it_cannot_be_paid_yet(app, market):
    market.order(market.sam, market.listen)
    page = login(app, market.quiet.owner).get("/provider/payments").get_data(as_text=True)
    assert "We cannot pay you yet: missing bank details." in page
    assert "Owed to you now</th><td class=\"number\">£40.00" in page
    assert "No payments yet." in page
