"""The managed-account organisation's reconciliation: what it holds, reserves and has spent for
each budget, and what each payout run paid each provider, computed from the ledger and from the
orders and runs independently. After a realistic sequence they agree to the penny; a record
that drifts from the ledger shows as a difference."""
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from marketplace.payouts import runs as payouts
from marketplace.payouts import reconciliation as payout_reconciliation
from marketplace.payouts.models import PayoutItem
from tests.payouts.conftest import give_bank_details, login


def realistic_month(market):
    """Runs paid, cancelled, sent and draft; an order refunded, one reserved, one cancelled."""
    manager, payer = market.manager, payouts.payer_for(market.manager)

    def run_of_everything_payable():
        run = payouts.create_payout_run(manager, payer, "bacs_file").run
        db.session.commit()
        return run

    def step(action, run):
        action(manager, payer, run.id)
        db.session.commit()

    market.order(market.sam, market.art, 2)  # 51.00 Bright
    market.order(market.ali, market.walk, 3)  # 30.00 Bright
    market.order(market.sam, market.listen)  # 40.00 Quiet Minds, no bank details yet
    paid = run_of_everything_payable()  # Bright only
    step(payouts.send_payout_run, paid)
    step(payouts.mark_payout_run_paid, paid)

    give_bank_details(market.quiet, name="Quiet Minds Ltd", sort_code="200000", account_number="55779911")
    market.order(market.sam, market.walk)  # 10.00 Bright
    cancelled = run_of_everything_payable()
    step(payouts.send_payout_run, cancelled)
    step(payouts.cancel_payout_run, cancelled)
    sent = run_of_everything_payable()  # the same two orders again
    step(payouts.send_payout_run, sent)

    refunded = market.order(market.ali, market.art)  # 25.50, then refunded by the provider
    orders.act_on_order(market.bright.owner, refunded.id, "refund")
    reserved = orders.place_order(market.sam, market.sam.id, OrderRequest(market.sam_budget.id, market.walk.id, 2))
    orders.act_on_order(manager, reserved.id, "approve")  # 20.00 still reserved
    dropped = orders.place_order(market.ali, market.ali.id, OrderRequest(market.ali_budget.id, market.listen.id, 1))
    orders.act_on_order(market.ali, dropped.id, "cancel")
    db.session.commit()
    market.order(market.sam, market.art)  # 25.50 Bright, in a draft run below
    draft = run_of_everything_payable()
    return {"paid": paid, "cancelled": cancelled, "sent": sent, "draft": draft}


def test_after_a_realistic_month_the_ledger_the_orders_and_the_runs_agree(app, market):
    runs = realistic_month(market)
    report = payout_reconciliation.reconciliation_for(payouts.payer_for(market.manager))
    figures = {check.label: (check.ledger_pence, check.records_pence) for check in report.checks}
    assert figures == {
        "Spent from the budgets": (15_650, 15_650),
        "Reserved for orders in progress": (2_000, 2_000),
        "Paid to providers": (8_100, 8_100),
        "Being paid now": (5_000, 5_000),
        "Owed to providers, not yet being paid": (2_550, 2_550),
    }
    assert report.agrees
    sam, ali = report.budgets
    assert (sam.balances.spent_pence, sam.balances.committed_pence, sam.balances.available_pence) == (
        12_650, 2_000, 85_350)
    assert (ali.balances.spent_pence, ali.balances.committed_pence, ali.balances.available_pence) == (
        3_000, 0, 47_000)
    by_run = {run.id: lines for run, lines in report.runs}
    [(paid_line)] = by_run[runs["paid"].id]
    assert (paid_line.provider_name, paid_line.ledger_paid_pence, paid_line.run_paid_pence) == (
        "Bright Days", 8_100, 8_100)
    assert all(line.ledger_in_payout_pence == 0 for line in by_run[runs["cancelled"].id])
    assert sorted((line.provider_name, line.ledger_in_payout_pence) for line in by_run[runs["sent"].id]) == [
        ("Bright Days", 1_000), ("Quiet Minds", 4_000)]
    # The organisation's runs are all the payouts:paid account holds here.
    assert ledger.account_balance(ledger.payouts_paid_account()) == 8_100
    assert ledger.unbalanced_transactions() == [] and ledger.drifted_accounts() == []

    page = login(app, market.manager).get("/managed/reconciliation").get_data(as_text=True)
    assert "Everything agrees." in page
    assert "Sam Patel" in page and "Ali Khan" in page
    assert "£85,350.00" not in page and "£853.50" in page  # Sam's money held, in pounds


def test_a_run_record_that_drifts_from_the_ledger_shows_the_difference(app, market):
    runs = realistic_month(market)
    # A bug (or a hand edit) changes a paid line without a ledger transaction.
    db.session.execute(sa.update(PayoutItem).where(PayoutItem.run_id == runs["paid"].id)
                       .values(amount_pence=8_000))
    db.session.commit()
    report = payout_reconciliation.reconciliation_for(payouts.payer_for(market.manager))
    assert not report.agrees
    paid = next(check for check in report.checks if check.label == "Paid to providers")
    assert (paid.ledger_pence, paid.records_pence, paid.difference_pence) == (8_100, 8_000, 100)

    page = login(app, market.manager).get("/managed/reconciliation").get_data(as_text=True)
    assert "Some figures do not agree." in page
    assert "<strong>£1.00</strong>" in page


def test_an_organisation_with_nothing_yet_says_so(app, market):
    from marketplace.budgets import services as budget_services
    from tests.factories import make_account_manager

    empty = budget_services.create_managed_account_organisation(name="New Brokers")
    db.session.commit()
    page = login(app, make_account_manager(empty)).get("/managed/reconciliation").get_data(as_text=True)
    assert "This organisation does not hold any budgets yet." in page
    assert "No payment runs yet." in page and "Everything agrees." in page
