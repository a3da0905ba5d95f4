"""Placing orders and moving them through their states, with the money that moves with them.

Invariants: placing an order reserves its total from the budget in the same database
transaction (refused with a plain message if the budget cannot cover it, also under concurrent
requests, see ledger.post_transaction); a reservation is released exactly once (cancel,
decline, reject, dispute settled for the holder) or settled exactly once to the provider
(confirm, auto-confirm, dispute settled for the provider); a state change is an atomic
compare-and-set on orders.state, so two clicks cannot both act. Callers commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import url_for

from marketplace.accounts import consent
from marketplace.accounts.models import User
from marketplace.budgets.models import Budget, OrganisationMember, Outcome, SupportPlan
from marketplace.budgets.services import blocked_reason
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.times import format_date, london_days_later, utcnow
from marketplace.money import format_pence
from marketplace.notifications.services import notify
from marketplace.orders import queries
from marketplace.orders.models import Order, OrderEvent
from marketplace.orders.outcome_privacy import outcome_for
from marketplace.orders.quoted_price import Price, price_for
from marketplace.orders.states import TRANSITIONS, IllegalTransition, transition_for
from marketplace.providers.models import Service

MAX_QUANTITY = 500
NOTHING_TO_SHARE = "Choose the outcome to tell the provider about, or do not tell them"


class SpendingRuleRefusal(DomainError):
    status = 422
    code = "not_allowed_by_budget_rules"


class FreeService(DomainError):
    """A free service is joined by contacting the provider: no order, nothing in the ledger."""

    status = 422
    code = "free_service"


class IdempotencyConflict(DomainError):
    status = 422
    code = "idempotency_key_reused"


@dataclass(frozen=True)
class OrderRequest:
    budget_id: int
    service_id: int
    quantity: int
    starts_on: date | None = None
    ends_on: date | None = None
    note_to_provider: str = ""
    outcome_id: int | None = None
    #: Tell the provider which outcome this is for (only with an outcome).
    outcome_shared: bool = False
    #: A quote for the holder's need: the order is at its price and accepts it.
    quote_id: int | None = None


def spending_rule_problem(budget: Budget, service: Service) -> str | None:
    """The plain-English reason this budget may not buy this service, or None."""
    reason = blocked_reason(budget.stream, service.category)
    if reason is None:
        return None
    return f"Your {budget.stream.budget_name} can't be used for this because {reason}"


def budgets_for_holder(holder_id: int) -> list[Budget]:
    return list(
        db.session.scalars(sa.select(Budget).where(Budget.holder_id == holder_id).order_by(Budget.id))
    )


def check_order_request(actor: User, holder: User,
                        request: OrderRequest) -> tuple[Budget, Service, Price]:
    """The budget, service and price of a request the holder could place, or the DomainError
    (with the field it concerns) that placing it would meet. Money is checked when reserving."""
    budget = db.session.get(Budget, request.budget_id)
    if budget is None or budget.holder_id != holder.id:
        raise NotFound("We could not find that budget.", field="budget_id")
    service = db.session.get(Service, request.service_id)
    if service is None or service.status != "active":
        raise NotFound("That service is not available to order.", field="service_id")
    if service.price_pence == 0 and request.quote_id is None:
        raise FreeService("This service is free, so there is nothing to order or pay. Contact "
                          "the provider to join.", field="service_id")
    if not 1 <= request.quantity <= MAX_QUANTITY:
        raise DomainError(f"Enter a quantity from 1 to {MAX_QUANTITY}", field="quantity")
    if request.starts_on and request.ends_on and request.ends_on < request.starts_on:
        raise DomainError("The end date must be on or after the start date", field="ends_on")
    problem = spending_rule_problem(budget, service)
    if problem:
        raise SpendingRuleRefusal(problem, field="budget_id")
    if request.outcome_id is not None:
        outcome = db.session.get(Outcome, request.outcome_id)
        plan = db.session.get(SupportPlan, outcome.plan_id) if outcome else None
        if plan is None or plan.holder_id != holder.id or outcome.retired:
            raise DomainError("Choose one of the outcomes in your support plan", field="outcome_id")
    elif request.outcome_shared:
        raise DomainError(NOTHING_TO_SHARE, field="outcome_shared")
    return budget, service, price_for(actor, holder.id, service, request.quote_id,
                                      request.quantity)


def place_order(actor: User, holder_id: int, request: OrderRequest,
                idempotency_key: str | None = None) -> Order:
    """Order a service from one of the holder's budgets and reserve its cost.

    Pages and the API place through orders.placing.place_order_once, which keeps the one
    idempotency rule; the key is stored here, and a second order with it fails the unique
    (placed_by_id, idempotency_key) constraint.
    """
    holder = consent.holder_for(actor, holder_id, "buy")
    budget, service, price = check_order_request(actor, holder, request)

    total = request.quantity * price.unit_price_pence
    order = Order(
        holder_id=holder.id, budget_id=budget.id, service_id=service.id,
        provider_id=service.provider_id, route=budget.route, quantity=request.quantity,
        unit_price_pence=price.unit_price_pence, price_unit=price.price_unit, total_pence=total,
        service_title=service.title, starts_on=request.starts_on, ends_on=request.ends_on,
        note_to_provider=request.note_to_provider.strip(), outcome_id=request.outcome_id,
        outcome_shared=request.outcome_shared,
        state="awaiting_payment" if budget.route == "direct" else "awaiting_approval",
        placed_by_id=actor.id, idempotency_key=idempotency_key,
    )
    db.session.add(order)
    db.session.flush()
    available = ledger.account_balance(ledger.budget_available_account(budget.id))
    ledger.move(
        "reserve", f"Set aside for order {order.id}: {service.title}", total,
        ledger.budget_available_account(budget.id), ledger.budget_reserved_account(budget.id),
        actor_id=actor.id, on_behalf_of_id=consent.on_behalf_of_id(actor, holder),
        order_id=order.id, idempotency_key=f"order-{order.id}-reserve",
        insufficient_message=(
            f"There is not enough left in this budget: {format_pence(available)} is available "
            f"and this order costs {format_pence(total)}."
        ),
    )
    _record_event(order, None, order.state, actor, holder, "Order placed" if price.quote is None
                  else f"Order placed at the price {service.provider.name} quoted for a need")
    if price.quote is not None:
        from marketplace.needs.answers import accept_by_order  # the needs board builds on orders

        accept_by_order(price.quote, order)
    if budget.route == "managed":
        organisation = budget.managed_by
        if total <= organisation.auto_approve_limit_pence:
            _change_state(order, "approve", None, note=(
                f"Approved automatically: under the {format_pence(organisation.auto_approve_limit_pence)} "
                f"limit set by {organisation.name}"
            ))
        else:
            for member in organisation.members:
                notify(member.user, f"{holder.display_name} has asked to buy {service.title} "
                       f"for {format_pence(total)}. Please approve or refuse it.",
                       link=_order_link(order), order_id=order.id,
                       email_subject="An order is waiting for your approval")
    db.session.flush()
    return order


def act_on_order(actor: User, order_id: int, action: str, note: str = "") -> Order:
    """Take a person's action (approve, accept, deliver, confirm, cancel, dispute, ...)."""
    order = get_order_for(actor, order_id)
    transition = transition_for(action, order.state)
    if transition.taken_by == "system" or not _may_take(actor, order, transition.taken_by):
        raise IllegalTransition(f"You cannot {action.replace('_', ' ')} this order.", code="forbidden")
    if action == "refund" and _in_a_payout_run(order):
        raise IllegalTransition(
            "This order is already in a payment run to the provider. Ask whoever runs "
            "payments to cancel that run first."
        )
    _change_state(order, action, actor, note=note)
    return order


def record_card_payment_succeeded(order: Order, paid_by: User | None = None) -> Order:
    """Called by the payments area once Stripe says the card payment succeeded, with the person
    who paid (None for a payment made before Pathways kept that). Idempotent."""
    if order.state == "awaiting_payment":
        _change_state(order, "payment_succeeded", paid_by, note="Card payment received")
    return order


def auto_confirm_due_orders(now: datetime | None = None) -> int:
    """Confirm delivered orders whose holder did nothing within the organisation's days."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Order).where(Order.state == "delivered", Order.auto_confirm_at <= now)
        .order_by(Order.id)
    ).all()
    done = 0
    for order in due:
        try:
            _change_state(order, "auto_confirm", None, note="Confirmed automatically after the waiting time")
            done += 1
        except IllegalTransition:
            continue  # someone acted on it meanwhile
    return done


def mark_paid_out(order: Order) -> None:
    """Called by the payouts area when the run that pays this order is marked paid."""
    _change_state(order, "paid_out", None, note="Paid to the provider")


# ---------------------------------------------------------------- access


def get_order_for(user: User, order_id: int) -> Order:
    """The order if this user may see it: its holder or their supporters (view), the provider
    that sells it, or staff of the organisation that holds the budget. Otherwise NotFound."""
    order = db.session.get(Order, order_id)
    if order is None or not may_see_order(user, order):
        raise NotFound("We could not find that order.")
    return order


def may_see_order(user: User, order: Order) -> bool:
    if user.role in ("holder", "supporter"):
        return consent.may_act_for(user, order.holder_id, "view")
    if user.role == "provider":
        return user.provider is not None and user.provider.id == order.provider_id
    if user.role == "account_manager":
        return order.route == "managed" and _is_member(user, order.budget.managed_by_id)
    if user.role == "commissioner":
        # Commissioners see aggregates only, except a disputed direct-payment order they
        # are asked to settle.
        return order.route == "direct" and order.state == "disputed"
    return False


def _is_member(user: User, organisation_id: int | None) -> bool:
    if organisation_id is None:
        return False
    return db.session.scalar(
        sa.select(OrganisationMember.id).where(
            OrganisationMember.user_id == user.id,
            OrganisationMember.organisation_id == organisation_id,
        )
    ) is not None


def _may_take(actor: User, order: Order, taken_by: str) -> bool:
    if taken_by == "holder":
        return consent.may_act_for(actor, order.holder_id, "buy")
    if taken_by == "provider":
        return actor.role == "provider" and actor.provider is not None and actor.provider.id == order.provider_id
    if taken_by == "organisation":
        return actor.role == "account_manager" and order.route == "managed" and _is_member(
            actor, order.budget.managed_by_id
        )
    if taken_by == "resolver":
        if order.route == "managed":
            return actor.role == "account_manager" and _is_member(actor, order.budget.managed_by_id)
        return actor.role == "commissioner"
    return False


def allowed_actions(user: User, order: Order) -> list[str]:
    """The actions this person could take on the order now, for showing buttons."""
    return [
        name for name, transition in TRANSITIONS.items()
        if transition.taken_by != "system" and order.state in transition.from_states
        and _may_take(user, order, transition.taken_by)
    ]


# ---------------------------------------------------------------- state changes


def _change_state(order: Order, action: str, actor: User | None, *, note: str = "") -> None:
    transition = transition_for(action, order.state)
    previous = order.state
    # Compare-and-set: if another request changed the order first, this one stops here.
    changed = db.session.execute(
        sa.update(Order).where(Order.id == order.id, Order.state == previous)
        .values(state=transition.to_state, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount
    if changed != 1:
        db.session.refresh(order)
        raise IllegalTransition("This order was changed by someone else just now. Please look again.")
    db.session.refresh(order)
    holder = db.session.get(User, order.holder_id)
    _money_effects(order, action, actor, holder)
    if transition.to_state == "delivered":
        days = order.budget.managed_by.auto_confirm_days if order.budget.managed_by else 7
        order.delivered_at = utcnow()
        # N London days: the same London wall time N days on, so the date shown is right
        # across a clock change.
        order.auto_confirm_at = london_days_later(order.delivered_at, days)
    _record_event(order, previous, transition.to_state, actor, holder, note)
    _tell_people(order, transition.done, actor, holder)
    db.session.flush()


def _money_effects(order: Order, action: str, actor: User | None, holder: User) -> None:
    who = {
        "actor_id": actor.id if actor else None,
        "on_behalf_of_id": consent.on_behalf_of_id(actor, holder) if actor else None,
        "order_id": order.id,
    }
    available = ledger.budget_available_account(order.budget_id)
    reserved = ledger.budget_reserved_account(order.budget_id)
    payable = ledger.provider_payable_account(order.provider_id)
    if action in ("cancel", "decline", "reject", "resolve_release"):
        if order.route == "direct":
            _refund_card_if_paid(order)
        ledger.move("release", f"Order {order.id} {TRANSITIONS[action].done}: money back in the budget",
                    order.total_pence, reserved, available,
                    idempotency_key=f"order-{order.id}-release", **who)
    elif action in ("confirm", "auto_confirm", "resolve_pay"):
        ledger.move("settle", f"Order {order.id}: {order.service_title}", order.total_pence,
                    reserved, payable, idempotency_key=f"order-{order.id}-settle", **who)
    elif action == "refund":
        if order.route == "direct":
            _refund_card_if_paid(order)
        ledger.move("refund", f"Refund of order {order.id}: {order.service_title}",
                    order.total_pence, payable, available,
                    idempotency_key=f"order-{order.id}-refund", **who)


def _in_a_payout_run(order: Order) -> bool:
    from marketplace.payouts.models import PayoutOrder

    return db.session.scalar(
        sa.select(PayoutOrder.id).where(PayoutOrder.order_id == order.id)
    ) is not None


def _refund_card_if_paid(order: Order) -> None:
    # Imported here: the payments area builds on orders, not the other way round.
    from marketplace.payments.card_payments import refund_order_card_payment

    refund_order_card_payment(order)


def _record_event(order: Order, from_state: str | None, to_state: str, actor: User | None,
                  holder: User, note: str) -> None:
    db.session.add(OrderEvent(
        order_id=order.id, from_state=from_state, to_state=to_state,
        actor_id=actor.id if actor else None,
        on_behalf_of_id=consent.on_behalf_of_id(actor, holder) if actor else None,
        note=note.strip()[:1000],
    ))


def _order_link(order: Order) -> str:
    try:
        return url_for("orders.order_detail", order_id=order.id)
    except Exception:  # outside a request (CLI, tests without routes): a plain path will do
        return f"/orders/{order.id}"


def _by_text(actor: User | None, holder: User, names: dict[int, str]) -> str:
    """ " by Sam Patel", " by Jo Broker on behalf of Sam Patel", with the names this reader
    may see (a provider reading about a pool share sees the member's chosen name)."""
    if actor is None:
        return ""
    by = f" by {names.get(actor.id, actor.display_name)}"
    if actor.id != holder.id and actor.role == "supporter":
        by += f" on behalf of {names.get(holder.id, holder.display_name)}"
    return by


def _tell_people(order: Order, done: str, actor: User | None, holder: User) -> None:
    link = _order_link(order)

    def message_for(person: User) -> str:
        by = _by_text(actor, holder, queries.names_seen_by(person, order))
        message = (f"Order {order.id} for {order.service_title} "
                   f"({format_pence(order.total_pence)}) was {done}{by}.")
        if order.state == "delivered" and order.auto_confirm_at is not None:
            message += (" If nobody confirms it or says something went wrong, it is confirmed "
                        f"automatically on {format_date(order.auto_confirm_at)}.")
        return message

    subject = f"Order {order.id} was {done}"
    recipients = {holder.id: holder}
    provider_owner = order.provider.owner
    recipients[provider_owner.id] = provider_owner
    if actor is not None:
        recipients.pop(actor.id, None)
    for person in recipients.values():
        notify(person, message_for(person) + _what_it_is_for(order, person), link=link,
               order_id=order.id, email_subject=subject)


def _what_it_is_for(order: Order, person: User) -> str:
    """The outcome, when the order has just reached its provider, for those who may see it."""
    outcome = outcome_for(person, order) if order.state == "awaiting_provider" else None
    return f' What it is for: "{outcome.text}".' if outcome is not None else ""
