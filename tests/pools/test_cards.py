"""Pools by any mix of routes, against a real localstripe: cards are saved at pledge (nothing
charged), held for exactly the share at collection, and captured only when every share is in;
a card that fails makes the pool short until it is paid or the place is taken; a pool that
never funds lets every hold go and charges nobody."""
from __future__ import annotations

from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.payments import card_payments
from marketplace.payments.models import CardPayment
from marketplace.payments.stripe_gateway import CardDeclined
from marketplace.pools import cards
from marketplace.pools import services as pools
from marketplace.pools.funding import close_due_pools
from marketplace.pools.models import Pool, PoolMember
from marketplace.pools.services import Pledge
from tests.factories import make_funded_budget, make_user
from tests.pools.helpers import (
    assert_ledger_sound,
    balances,
    group_service,
    holder_with_budget,
    organisation,
    request,
)

GOOD = card_payments.TestCard("4242424242424242", 12, 2040, "123")
FAILS_WHEN_CHARGED = card_payments.TestCard("4000000000000341", 12, 2040, "123")
DECLINED = card_payments.TestCard("4000000000000002", 12, 2040, "123")
BANK_CHECK = card_payments.TestCard("4000002500003155", 12, 2040, "123")


@pytest.fixture
def market(stripe_app):
    requests.delete(stripe_app.server.base_url + "/_config/data", timeout=5).raise_for_status()
    org = organisation()
    service = group_service()  # 6 sessions at £10: £60; 3 to 4 people, up to £20 each
    sam, sam_budget = holder_with_budget("Sam Patel", organisation=org)
    card_people = []
    for name in ("Priya Shah", "Dani Jones", "Ali Khan"):
        holder = make_user("holder", name=name)
        card_people.append((holder, make_funded_budget(holder, amount_pence=20_000,
                                                       route="direct")))
    started = pools.start_pool(sam, sam.id, request(service), Pledge(sam_budget.id, "Sam"))
    db.session.commit()
    return stripe_app, started.pool, (sam, sam_budget), card_people


def pledge_by_card(pool, holder, budget, card=GOOD):
    member = pools.join_pool(holder, holder.id, pool.id,
                             Pledge(budget.id, holder.display_name.split()[0]))
    db.session.commit()
    cards.save_card(holder, member.id, card=card)
    db.session.commit()
    return db.session.get(PoolMember, member.id)


def intent(stripe, payment_intent_id):
    return stripe.server.get(f"/v1/payment_intents/{payment_intent_id}")


def test_a_saved_card_is_not_charged_until_every_share_is_in(market, clock):
    stripe, pool, (_sam, sam_budget), card_people = market
    priya, priya_budget = card_people[0]
    member = pledge_by_card(pool, priya, priya_budget)
    assert member.payment_method_id and member.card_last4 == "4242"
    assert stripe.server.payment_intents() == []  # a card saved, nothing charged
    assert balances(priya_budget).committed_pence == 2_000

    dani, dani_budget = card_people[1]
    pledge_by_card(pool, dani, dani_budget)
    clock.set(db.session.get(Pool, pool.id).deadline_at + timedelta(seconds=1))
    assert close_due_pools()["funded"] == 1
    db.session.commit()

    orders = {o.holder_id: o for o in db.session.scalars(sa.select(Order))}
    assert sorted(o.total_pence for o in orders.values()) == [2_000, 2_000, 2_000]
    payments = db.session.scalars(sa.select(CardPayment)).all()
    assert {p.order_id for p in payments} == {orders[priya.id].id, orders[dani.id].id}
    for payment in payments:
        assert payment.status == "succeeded" and payment.amount_pence == 2_000
        assert payment.receipt_number == f"PW-CARD-{payment.id:06d}"
        held = intent(stripe, payment.stripe_payment_intent_id)
        assert held["status"] == "succeeded" and held["amount"] == 2_000
    assert orders[priya.id].route == "direct" and orders[_sam.id].route == "managed"
    assert balances(sam_budget).committed_pence == 2_000
    # Every Stripe POST carried an idempotency key.
    assert all("Idempotency-Key" in r.headers for r in stripe.posts())
    assert_ledger_sound()


def test_a_card_that_fails_at_collection_makes_the_pool_short_then_it_is_paid(market, clock):
    stripe, pool, _sam, card_people = market
    (priya, priya_budget), (dani, dani_budget) = card_people[:2]
    pledge_by_card(pool, priya, priya_budget)
    failing = pledge_by_card(pool, dani, dani_budget, card=FAILS_WHEN_CHARGED)
    clock.set(db.session.get(Pool, pool.id).deadline_at + timedelta(seconds=1))
    close_due_pools()
    db.session.commit()

    pool = db.session.get(Pool, pool.id)
    assert pool.state == "short"
    failing = db.session.get(PoolMember, failing.id)
    assert failing.state == "failed" and "declined" in failing.card_problem
    priya_member = next(m for m in pool.live_members if m.holder_id == priya.id)
    assert intent(stripe, priya_member.payment_intent_id)["status"] == "requires_capture"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0

    with pytest.raises(CardDeclined):
        cards.pay_share_now(dani, failing.id, card=FAILS_WHEN_CHARGED)
    db.session.rollback()
    assert db.session.get(Pool, pool.id).state == "short"
    cards.pay_share_now(dani, failing.id, card=GOOD)
    db.session.commit()
    assert db.session.get(Pool, pool.id).state == "funded"
    assert intent(stripe, priya_member.payment_intent_id)["status"] == "succeeded"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 3
    assert_ledger_sound()


def test_someone_new_can_take_a_failed_place(market, clock):
    stripe, pool, _sam, card_people = market
    (priya, priya_budget), (dani, dani_budget), (ali, ali_budget) = card_people
    priya_member = pools.join_pool(priya, priya.id, pool.id, Pledge(priya_budget.id, "Priya"))
    db.session.commit()
    pledge_by_card(pool, dani, dani_budget)
    clock.set(db.session.get(Pool, pool.id).deadline_at + timedelta(seconds=1))
    close_due_pools()
    db.session.commit()
    assert db.session.get(Pool, pool.id).state == "short"
    priya_member = db.session.get(PoolMember, priya_member.id)
    assert priya_member.state == "failed"
    assert priya_member.card_problem == "No card was saved for this share."

    # Priya never saved a card. Ali takes her place and her £20.00 share, and pays at once.
    newcomer = pools.join_pool(ali, ali.id, pool.id, Pledge(ali_budget.id, "Ali"))
    db.session.commit()
    assert db.session.get(PoolMember, priya_member.id).state == "released"
    assert balances(priya_budget).available_pence == 20_000
    assert db.session.get(PoolMember, newcomer.id).share_pence == 2_000
    cards.pay_share_now(ali, newcomer.id, card=GOOD)
    db.session.commit()
    assert db.session.get(Pool, pool.id).state == "funded"
    holders = set(db.session.scalars(sa.select(Order.holder_id)))
    assert priya.id not in holders and ali.id in holders
    assert_ledger_sound()


def test_a_pool_never_funded_lets_every_hold_go_and_charges_nobody(market, clock):
    stripe, pool, (_sam, sam_budget), card_people = market
    (priya, priya_budget), (dani, dani_budget) = card_people[:2]
    pledge_by_card(pool, priya, priya_budget)
    pledge_by_card(pool, dani, dani_budget, card=FAILS_WHEN_CHARGED)
    deadline = db.session.get(Pool, pool.id).deadline_at
    clock.set(deadline + timedelta(seconds=1))
    close_due_pools()
    db.session.commit()
    short_until = db.session.get(Pool, pool.id).short_until
    clock.set(short_until + timedelta(seconds=1))
    assert close_due_pools()["expired"] == 1
    db.session.commit()

    assert db.session.get(Pool, pool.id).state == "expired"
    statuses = {pi["status"] for pi in stripe.server.payment_intents()}
    assert "succeeded" not in statuses and "requires_capture" not in statuses
    for budget in (sam_budget, priya_budget, dani_budget):
        assert balances(budget).committed_pence == 0
        assert balances(budget).available_pence == 20_000
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CardPayment)) == 0
    assert_ledger_sound()


def test_a_declined_card_is_not_saved_and_a_bank_check_saves_it_only_when_confirmed(market):
    _stripe, pool, (sam, _), card_people = market
    priya, priya_budget = card_people[0]
    member = pools.join_pool(priya, priya.id, pool.id, Pledge(priya_budget.id, "Priya"))
    db.session.commit()
    with pytest.raises(CardDeclined):
        cards.save_card(priya, member.id, card=DECLINED)
    with pytest.raises(cards.BankCheckNeeded):
        cards.save_card(priya, member.id, card=BANK_CHECK)
    assert cards.waiting_for_bank(db.session.get(PoolMember, member.id))
    # The bank says no: nothing is kept, and the person is told.
    with pytest.raises(cards.CardNotSaved, match="Your bank did not confirm the card"):
        cards.finish_bank_check(priya, member.id, test_bank_says=False)
    assert db.session.get(PoolMember, member.id).payment_method_id is None
    # Tried again, the bank says yes: the card is kept, and coming back twice keeps it once.
    with pytest.raises(cards.BankCheckNeeded):
        cards.save_card(priya, member.id, card=BANK_CHECK)
    cards.finish_bank_check(priya, member.id, test_bank_says=True)
    db.session.commit()
    kept = db.session.get(PoolMember, member.id)
    assert kept.payment_method_id and kept.card_last4 == "3155"
    assert cards.finish_bank_check(priya, member.id).payment_method_id == kept.payment_method_id
    # Checked once when saved, the card is held off-session at collection without asking again.
    dani, dani_budget = card_people[1]
    pledge_by_card(pool, dani, dani_budget)
    ali, ali_budget = card_people[2]
    pledge_by_card(pool, ali, ali_budget)
    db.session.expire_all()
    assert db.session.get(Pool, pool.id).state == "funded"
    assert db.session.get(PoolMember, member.id).state == "paid"
    assert_ledger_sound()
    stranger = make_user("holder")
    with pytest.raises(Exception) as refused:
        cards.save_card(stranger, member.id, card=GOOD)
    assert getattr(refused.value, "status", None) == 404
    with pytest.raises(Exception) as refused:
        cards.finish_bank_check(stranger, member.id, test_bank_says=True)
    assert getattr(refused.value, "status", None) == 404
