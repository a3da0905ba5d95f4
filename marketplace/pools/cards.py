"""Direct-payment shares of a pool, by card (docs/pools.md, "Cards").

A pledge saves the card (a SetupIntent): nothing is charged. At collection each saved card is
authorised off-session for exactly its share (manual capture); only when every share is
secured are they captured. Every Stripe key is built from the member row and its try number
(`card_attempt`), which is committed before the call: a retry of the same try gets Stripe's
same answer, and a new try never meets an old answer."""
from __future__ import annotations

import logging

from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.card_payments import TestCard
from marketplace.payments.models import CardPayment
from marketplace.pools.models import PoolMember
from marketplace.times import utcnow

log = logging.getLogger(__name__)

BANK_CHECK_MESSAGE = ("Your bank wants to check it is you before this card can be used, and "
                      "that needs you here: pay your share on the pool's page.")


class CardNotSaved(DomainError):
    status = 402
    code = "card_not_saved"


class BankCheckNeeded(DomainError):
    """The bank wants 3-D Secure before the card is saved: the person is sent to it (a
    redirect to the bank with real Stripe, the test bank's page locally), then comes back."""

    status = 402
    code = "bank_check_needed"


def member_for(actor: User, member_id: int) -> PoolMember:
    member = db.session.get(PoolMember, member_id)
    if member is None or not consent.may_act_for(actor, member.holder_id, "buy"):
        raise NotFound("We could not find that pledge.")
    return member


def _metadata(member: PoolMember) -> dict[str, str]:
    return {"pool_id": str(member.pool_id), "pool_member_id": str(member.id)}


def _key(member: PoolMember, step: str) -> str:
    return f"pool-member-{member.id}-try-{member.card_attempt}-{step}"


def _new_try(member: PoolMember) -> None:
    member.card_attempt += 1
    db.session.commit()


def save_card(actor: User, member_id: int, *, card: TestCard | None = None,
              payment_method_id: str | None = None,
              return_url: str | None = None) -> PoolMember:
    """Keep the member's card for the pool's collection. Raises CardDeclined, or
    BankCheckNeeded when the bank wants to check it is them first (3-D Secure), after which
    finish_bank_check keeps it; `return_url` is where the bank sends them back."""
    member = member_for(actor, member_id)
    if member.route != "direct" or member.state not in ("pledged", "failed"):
        raise DomainError("This share does not need a card.")
    if member.pool.state not in ("open", "short"):
        raise DomainError("This pool is not taking cards now.")
    _new_try(member)
    if card is not None:
        payment_method_id = gateway.create_card_payment_method(
            card.number, card.exp_month, card.exp_year, card.cvc, _key(member, "method"))["id"]
    if not payment_method_id:
        raise DomainError("Enter your card details", field="card_number")
    if not member.stripe_customer_id:
        # The card service needs a customer to keep a card; it is told no name or email.
        member.stripe_customer_id = gateway.create_customer(
            "", f"Pathways pool member {member.id}", f"pool-member-{member.id}-customer")["id"]
        db.session.commit()
    intent = gateway.create_setup_intent(member.stripe_customer_id, _metadata(member),
                                         _key(member, "setup"))
    try:
        intent = gateway.confirm_setup_intent(intent["id"], payment_method_id,
                                              _key(member, "setup-confirm"), return_url)
    except gateway.CardDeclined as declined:
        member.card_problem = declined.message
        db.session.commit()
        raise
    if intent["status"] == "requires_action":
        member.setup_intent_id = intent["id"]
        member.payment_method_id = None
        member.card_problem = ""
        db.session.commit()
        raise BankCheckNeeded("Your bank wants to check it is you before the card is saved.")
    if intent["status"] != "succeeded":
        member.card_problem = BANK_CHECK_MESSAGE
        db.session.commit()
        raise CardNotSaved("Your card could not be saved. Try again, or use another card.",
                           field="card_number")
    return _keep_card(member, intent["id"], payment_method_id)


def waiting_for_bank(member: PoolMember) -> bool:
    return bool(member.setup_intent_id) and not member.payment_method_id


def bank_page_url(member: PoolMember) -> str | None:
    """Real Stripe only: the bank's 3-D Secure page to send the person to."""
    if gateway.uses_local_test_server() or not waiting_for_bank(member):
        return None
    intent = gateway.retrieve_setup_intent(member.setup_intent_id)
    return ((intent.get("next_action") or {}).get("redirect_to_url") or {}).get("url")


def finish_bank_check(actor: User, member_id: int, *,
                      test_bank_says: bool | None = None) -> PoolMember:
    """After the bank's 3-D Secure check: keep the card if the bank confirmed it (and, in a
    short pool, take the share now), or say it was not saved. `test_bank_says` is the test
    bank's answer on the local test server; with real Stripe the bank has already answered.
    Coming back twice is harmless: a card already kept is kept once."""
    member = member_for(actor, member_id)
    if not member.setup_intent_id:
        raise DomainError("There is no card waiting for your bank's check.")
    if member.payment_method_id:
        return member
    if test_bank_says is not None:
        gateway.complete_test_setup_authentication(member.setup_intent_id, test_bank_says,
                                                   _key(member, "setup-authenticate"))
    intent = gateway.retrieve_setup_intent(member.setup_intent_id)
    if intent["status"] != "succeeded" or not intent.get("payment_method"):
        member.setup_intent_id = None
        member.card_problem = ("Your bank did not confirm the card, so it is not saved. "
                               "Try again, or use another card.")
        db.session.commit()
        raise CardNotSaved(member.card_problem, field="card_number")
    _keep_card(member, intent["id"], intent["payment_method"])
    if member.pool.state == "short":
        _hold_and_refill(member)
    return member


def _keep_card(member: PoolMember, setup_intent_id: str, payment_method_id: str) -> PoolMember:
    method = gateway.retrieve_payment_method(payment_method_id)
    member.setup_intent_id = setup_intent_id
    member.payment_method_id = payment_method_id
    member.card_last4 = ((method.get("card") or {}).get("last4") or "")[:4]
    member.card_problem = ""
    db.session.flush()
    if member.pool.state == "open":
        # Imported here: funding builds on this module.
        from marketplace.pools.funding import start_collecting_if_full

        start_collecting_if_full(member.pool)
    return member


def authorise(member: PoolMember) -> bool | None:
    """Hold the member's share on their saved card. True: secured; False: failed (the reason
    is on the member); None: the card service could not be reached, try again later."""
    if member.payment_intent_id and member.state == "secured":
        return True
    if not member.payment_method_id:
        member.card_problem = "No card was saved for this share."
        return False
    try:
        intent = gateway.authorise_off_session(
            member.share_pence, member.stripe_customer_id, member.payment_method_id,
            _metadata(member), _key(member, "authorise"))
    except gateway.CardDeclined as declined:
        member.card_problem = declined.message
        return False
    except gateway.CardServiceUnavailable:
        return None
    member.payment_intent_id = intent["id"]
    if intent["status"] == "requires_capture":
        member.card_problem = ""
        return True
    member.card_problem = BANK_CHECK_MESSAGE
    cancel_authorisation(member)
    return False


def capture(member: PoolMember) -> bool:
    """Take the held share. Safe to repeat: the key is the same for the same try."""
    if member.captured_at is not None:
        return True
    try:
        gateway.capture_payment_intent(member.payment_intent_id, _key(member, "capture"))
    except (gateway.CardDeclined, gateway.CardServiceError) as failed:
        member.card_problem = failed.message
        return False
    member.captured_at = utcnow()
    return True


def cancel_authorisation(member: PoolMember) -> None:
    """Let go of a held share (pool not funded, or the bank wants a check). An authorisation
    the card service cannot be told about lapses by itself within days; nothing was taken."""
    if not member.payment_intent_id or member.captured_at is not None:
        return
    try:
        gateway.cancel_payment_intent(member.payment_intent_id, _key(member, "cancel"))
    except (gateway.CardServiceUnavailable, gateway.CardServiceError) as failed:
        log.warning("Could not cancel the hold for pool member %s: %s", member.id, failed)
    member.payment_intent_id = None


def record_payment(member: PoolMember, order_id: int) -> CardPayment:
    """The captured share as the share order's card payment, so statements, the spending
    return and refunds treat it as any card payment."""
    payment = CardPayment(
        order_id=order_id, amount_pence=member.share_pence,
        idempotency_key=f"pool-member-{member.id}-payment",
        stripe_payment_intent_id=member.payment_intent_id, status="succeeded",
        card_last4=member.card_last4, succeeded_at=member.captured_at,
        paid_by_id=member.pledged_by_id,  # who saved the card for this share
    )
    db.session.add(payment)
    db.session.flush()
    payment.receipt_number = f"PW-CARD-{payment.id:06d}"  # as for any card payment
    return payment


def refund_if_captured(member: PoolMember) -> None:
    """Only if a capture went through and a later one failed, so the pool never funded: that
    member's money goes back to their card in full."""
    if member.captured_at is None:
        return
    gateway.create_refund(member.payment_intent_id, member.share_pence, _metadata(member),
                          _key(member, "refund"))


def pay_share_now(actor: User, member_id: int, *, card: TestCard | None = None,
                  payment_method_id: str | None = None,
                  return_url: str | None = None) -> PoolMember:
    """In a short pool, a member whose share did not come in (or a newcomer in their place)
    pays on the site: the card is saved and held at once, and the pool goes ahead if that was
    the last share missing."""
    member = member_for(actor, member_id)
    if member.state not in ("failed", "pledged") or member.pool.state != "short":
        raise DomainError("This share is not waiting to be paid.")
    cancel_authorisation(member)
    save_card(actor, member_id, card=card, payment_method_id=payment_method_id,
              return_url=return_url)
    return _hold_and_refill(member)


def _hold_and_refill(member: PoolMember) -> PoolMember:
    held = authorise(member)
    if not held:
        db.session.commit()
        raise gateway.CardDeclined(member.card_problem or gateway.UNAVAILABLE_MESSAGE,
                                   field="card_number")
    member.state = "secured"
    db.session.flush()
    # Imported here: funding builds on this module.
    from marketplace.pools.funding import refill

    refill(member.pool)
    return member
