"""The order state machine as a table: action -> (states it may start from, state it ends in,
who may take it). An action from any other state raises IllegalTransition; the services take
the money effects (orders/services.py)."""
from __future__ import annotations

from dataclasses import dataclass

from marketplace.errors import DomainError


class IllegalTransition(DomainError):
    status = 409
    code = "illegal_transition"


@dataclass(frozen=True)
class Transition:
    from_states: tuple[str, ...]
    to_state: str
    #: "holder" (or a supporter with buy scope), "provider", "organisation" (managed-account
    #: staff), "resolver" (organisation for managed, commissioner for direct), "system".
    taken_by: str
    #: Past tense for notifications: "Your order was approved".
    done: str


TRANSITIONS: dict[str, Transition] = {
    "approve": Transition(("awaiting_approval",), "awaiting_provider", "organisation", "approved"),
    "reject": Transition(("awaiting_approval",), "cancelled", "organisation", "not approved"),
    "payment_succeeded": Transition(("awaiting_payment",), "awaiting_provider", "system", "paid by card"),
    "accept": Transition(("awaiting_provider",), "accepted", "provider", "accepted"),
    "decline": Transition(("awaiting_provider",), "declined", "provider", "declined"),
    "deliver": Transition(("accepted",), "delivered", "provider", "marked as delivered"),
    "confirm": Transition(("delivered",), "confirmed", "holder", "confirmed as delivered"),
    "auto_confirm": Transition(("delivered",), "confirmed", "system", "confirmed automatically"),
    "cancel": Transition(
        ("awaiting_payment", "awaiting_approval", "awaiting_provider", "accepted"),
        "cancelled", "holder", "cancelled",
    ),
    "dispute": Transition(("delivered",), "disputed", "holder", "disputed"),
    "resolve_pay": Transition(("disputed",), "confirmed", "resolver", "settled: the provider is paid"),
    "resolve_release": Transition(
        ("disputed",), "cancelled", "resolver", "settled: the money goes back to the budget"
    ),
    "refund": Transition(("confirmed",), "refunded", "provider", "refunded"),
    "paid_out": Transition(("confirmed",), "paid_out", "system", "paid to the provider"),
}

#: Actions people take through pages and the API (the rest are taken by the system).
PERSON_ACTIONS = tuple(name for name, t in TRANSITIONS.items() if t.taken_by != "system")

STATE_LABELS: dict[str, str] = {
    "awaiting_payment": "Waiting for card payment",
    "awaiting_approval": "Waiting for approval by the account holder organisation",
    "awaiting_provider": "Waiting for the provider to accept",
    "accepted": "Accepted by the provider",
    "delivered": "Delivered: please confirm",
    "confirmed": "Confirmed: the provider will be paid",
    "paid_out": "Paid to the provider",
    "disputed": "Disputed: money on hold",
    "declined": "Declined by the provider",
    "cancelled": "Cancelled",
    "refunded": "Refunded to the budget",
}

#: States reached in more than one way: orders.queries.shown_state tells which from the event
#: that ended the order, so a refused order never reads as one somebody cancelled.
ENDED_LABELS: dict[str, str] = {
    "not_approved": "Not approved",  # 'reject' by the organisation that holds the budget
    "released_after_dispute": "Money returned after a dispute",  # 'resolve_release'
}
#: Every state as people see it: the stored states, then the ways of being cancelled.
SHOWN_LABELS: dict[str, str] = {**STATE_LABELS, **ENDED_LABELS}


def transition_for(action: str, current_state: str) -> Transition:
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise IllegalTransition(f"'{action}' is not something that can be done to an order.")
    if current_state not in transition.from_states:
        raise IllegalTransition(
            f"This order is '{STATE_LABELS.get(current_state, current_state)}', "
            f"so it cannot be {transition.done} now."
        )
    return transition
