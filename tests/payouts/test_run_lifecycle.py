"""A managed-account organisation pays its providers: create a run, check it, export the bank
file, mark it paid; or cancel it and pay the orders later. Each step's money is in the ledger."""
import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerTransaction
from marketplace.notifications.models import EmailMessage
from marketplace.payouts import runs as payouts
from marketplace.payouts.models import PayoutOrder, PayoutRun
from tests.payouts.conftest import login


def balance(account) -> int:
    return ledger.account_balance(account)


def payable(provider) -> int:
    return balance(ledger.provider_payable_account(provider.id))


def in_payout(provider) -> int:
    return balance(ledger.provider_in_payout_account(provider.id))


def only_run() -> PayoutRun:
    return db.session.scalars(sa.select(PayoutRun)).one()


def test_a_run_gathers_confirmed_orders_per_provider_and_leaves_out_missing_bank_details(app, market):
    art = market.order(market.sam, market.art, 2)  # 51.00
    walk = market.order(market.ali, market.walk, 1)  # 10.00
    market.order(market.sam, market.listen, 1)  # Quiet Minds: no bank details
    client = login(app, market.manager)

    page = client.get("/managed/payouts").get_data(as_text=True)
    assert "Bright Days" in page and "£61.00" in page
    assert "Cannot be paid yet: missing bank details" in page

    response = client.post("/managed/payouts/new", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Quiet Minds cannot be paid yet: missing bank details" in page
    run = only_run()
    assert run.status == "draft" and run.organisation_id == market.organisation.id
    [item] = run.items
    assert item.provider_id == market.bright.id and item.amount_pence == 6_100
    assert item.reference == f"PW{run.id:04d}-{item.id:05d}"
    assert f"Order {art.id}: Art group (£51.00)" in page
    assert f"Order {walk.id}: Walk and talk (£10.00)" in page
    assert "Export the payment file" in page
    # Creating a run moves no money.
    assert payable(market.bright) == 6_100 and in_payout(market.bright) == 0


def test_export_then_mark_paid_moves_the_money_and_the_orders(app, market):
    first = market.order(market.sam, market.art, 2)
    second = market.order(market.ali, market.walk, 3)
    paid_before = balance(ledger.payouts_paid_account())
    client = login(app, market.manager)
    client.post("/managed/payouts/new")
    run = only_run()

    page = client.post(f"/managed/payouts/{run.id}/send", follow_redirects=True).get_data(as_text=True)
    assert "The payment file is ready" in page
    db.session.refresh(run)
    assert run.status == "sent" and run.sent_at is not None
    assert payable(market.bright) == 0 and in_payout(market.bright) == 8_100
    assert client.get(f"/managed/payouts/{run.id}/payment-file.csv").status_code == 200

    page = client.post(f"/managed/payouts/{run.id}/paid", follow_redirects=True).get_data(as_text=True)
    assert "The run is marked paid" in page
    db.session.refresh(run)
    assert run.status == "paid" and run.paid_at is not None
    assert payable(market.bright) == 0 and in_payout(market.bright) == 0
    assert balance(ledger.payouts_paid_account()) == paid_before + 8_100
    for order in (first, second):
        db.session.refresh(order)
        assert order.state == "paid_out"
    kinds = db.session.scalars(sa.select(LedgerTransaction.kind).where(
        LedgerTransaction.payout_run_id == run.id).order_by(LedgerTransaction.id)).all()
    assert kinds == ["payout", "payout_paid"]
    email = db.session.scalars(sa.select(EmailMessage).where(
        EmailMessage.to_address == market.bright.owner.email,
        EmailMessage.subject == "You have been paid")).one()
    assert "Salford Independent Living has paid you £81.00 for 2 orders" in email.body
    assert ledger.unbalanced_transactions() == [] and ledger.drifted_accounts() == []


def test_a_step_cannot_be_taken_twice_or_out_of_order(app, market):
    market.order(market.sam, market.art)
    client = login(app, market.manager)
    client.post("/managed/payouts/new")
    run = only_run()

    page = client.post(f"/managed/payouts/{run.id}/paid", follow_redirects=True).get_data(as_text=True)
    assert "Only a run that has been exported or sent" in page
    client.post(f"/managed/payouts/{run.id}/send")
    page = client.post(f"/managed/payouts/{run.id}/send", follow_redirects=True).get_data(as_text=True)
    assert "cannot be sent again" in page
    client.post(f"/managed/payouts/{run.id}/paid")
    page = client.post(f"/managed/payouts/{run.id}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "Only a run that has not been paid can be cancelled" in page
    assert in_payout(market.bright) == 0 and payable(market.bright) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerTransaction).where(
        LedgerTransaction.payout_run_id == run.id)) == 2


def test_cancelling_a_sent_run_makes_its_orders_payable_again(app, market):
    order = market.order(market.sam, market.art, 2)
    client = login(app, market.manager)
    client.post("/managed/payouts/new")
    run = only_run()
    client.post(f"/managed/payouts/{run.id}/send")
    assert in_payout(market.bright) == 5_100

    page = client.post(f"/managed/payouts/{run.id}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "The run is cancelled" in page
    db.session.refresh(run)
    db.session.refresh(order)
    assert run.status == "cancelled" and order.state == "confirmed"
    assert payable(market.bright) == 5_100 and in_payout(market.bright) == 0
    # The run keeps its history: which orders it held, when and by whom it was cancelled.
    kept = db.session.scalars(sa.select(PayoutOrder)).one()
    assert kept.order_id is None and kept.cancelled_order_id == order.id
    assert run.cancelled_by_id == market.manager.id and run.cancelled_at is not None
    history = client.get(f"/managed/payouts/{run.id}").get_data(as_text=True)
    assert f"Order {order.id}: " in history
    assert f"by {market.manager.display_name}" in history
    assert "It held the orders below" in history
    assert "Bright Days" in client.get("/managed/payouts").get_data(as_text=True)

    # A later run pays the same order, once.
    client.post("/managed/payouts/new")
    later = db.session.scalars(sa.select(PayoutRun).where(PayoutRun.id != run.id)).one()
    assert [o.id for o in payouts.item_orders(later.items[0])] == [order.id]
    assert [o.id for o in payouts.item_orders(run.items[0])] == [order.id]  # still its history
    client.post(f"/managed/payouts/{later.id}/send")
    client.post(f"/managed/payouts/{later.id}/paid")
    db.session.refresh(order)
    assert order.state == "paid_out" and payable(market.bright) == 0
    assert ledger.drifted_accounts() == []


def test_cancelling_a_draft_moves_no_money(app, market):
    market.order(market.sam, market.art)
    client = login(app, market.manager)
    client.post("/managed/payouts/new")
    run = only_run()
    client.post(f"/managed/payouts/{run.id}/cancel")
    db.session.refresh(run)
    assert run.status == "cancelled"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerTransaction).where(
        LedgerTransaction.payout_run_id == run.id)) == 0
    assert payable(market.bright) == 2_550


def test_nothing_to_pay_is_said_plainly(app, market):
    client = login(app, market.manager)
    page = client.get("/managed/payouts").get_data(as_text=True)
    assert "Nobody is owed money right now" in page
    page = client.post("/managed/payouts/new", follow_redirects=True).get_data(as_text=True)
    assert "There is nothing to pay" in page
    market.order(market.sam, market.listen)  # only Quiet Minds, who has no bank details
    page = client.post("/managed/payouts/new", follow_redirects=True).get_data(as_text=True)
    assert "No provider can be paid yet" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PayoutRun)) == 0


def test_an_order_in_a_payment_run_cannot_be_refunded(app, market):
    order = market.order(market.sam, market.art)
    market.order(market.sam, market.walk)
    client = login(app, market.manager)
    client.post("/managed/payouts/new")
    run = only_run()
    from marketplace.orders import services as orders
    from marketplace.orders.states import IllegalTransition

    with pytest.raises(IllegalTransition) as refused:
        orders.act_on_order(market.bright.owner, order.id, "refund")
    db.session.rollback()
    assert "already in a payment run" in refused.value.message
    db.session.refresh(order)
    assert order.state == "confirmed"
    client.post(f"/managed/payouts/{run.id}/send")
    db.session.refresh(run)
    assert run.status == "sent"


def test_commissioners_pay_providers_for_direct_payment_orders(app, market):
    from tests.factories import make_funded_budget, make_user
    from tests.payouts.conftest import confirmed_order

    holder = make_user("holder", name="Dee Direct")
    budget = make_funded_budget(holder, amount_pence=20_000, route="direct")
    direct = confirmed_order(holder, budget, market.walk, 2)
    managed = market.order(market.sam, market.art)
    commissioner = make_user("commissioner")
    client = login(app, commissioner)
    client.post("/commissioning/payouts/new")
    run = only_run()
    assert run.organisation_id is None
    assert [o.id for o in payouts.item_orders(run.items[0])] == [direct.id]
    client.post(f"/commissioning/payouts/{run.id}/send")
    client.post(f"/commissioning/payouts/{run.id}/paid")
    db.session.refresh(direct)
    db.session.refresh(managed)
    assert direct.state == "paid_out" and managed.state == "confirmed"
    assert payable(market.bright) == 2_550  # the managed order is still owed by the organisation
