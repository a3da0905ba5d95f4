"""What each order button says, what it will do (shown beside it, so nobody presses one without
knowing), and what the page says afterwards. The actions are those of orders.states."""
from __future__ import annotations

from dataclasses import dataclass

from marketplace.money import format_pence


@dataclass(frozen=True)
class ActionWording:
    button: str
    #: Shown beside the button; {total} is the order's total.
    explanation: str
    done_message: str
    note_label: str = ""
    reason_required: bool = False
    reason_missing: str = ""
    #: Styled as a warning: the action ends the order or gives money away.
    warning: bool = False
    #: Asked again on a page of its own before it is done: (question, yes button). One press
    #: on a phone must not end an order.
    confirm: tuple[str, str] | None = None

    def explain(self, order) -> str:
        """The explanation for this order: its total, and who decides a direct payment's dispute
        (no organisation holds a direct payment; the council's team does)."""
        decider = ("the council's direct payments team" if order.route == "direct"
                   else "the organisation that holds the budget")
        return self.explanation.format(total=format_pence(order.total_pence), decider=decider)


ACTIONS: dict[str, ActionWording] = {
    "approve": ActionWording(
        "Approve this order",
        "The provider will be asked to accept it. The {total} stays set aside from the budget.",
        "Order {order_id} is approved. The provider has been told.",
        note_label="Note for the person (optional)",
    ),
    "reject": ActionWording(
        "Refuse this order",
        "The {total} goes back to the person's budget and they are told why.",
        "Order {order_id} is refused. The money is back in the budget.",
        note_label="Why you are refusing it (the person will see this)",
        reason_required=True, reason_missing="Say why you are refusing this order",
        warning=True,
    ),
    "accept": ActionWording(
        "Accept this order",
        "You agree to provide this support for {total}.",
        "You accepted order {order_id}.",
    ),
    "decline": ActionWording(
        "Decline this order",
        "The {total} goes back to the person's budget.",
        "You declined order {order_id}. The money is back in the person's budget.",
        note_label="Why you cannot take it (optional)",
        warning=True,
    ),
    "deliver": ActionWording(
        "Mark as delivered",
        "Say that this support has happened. The person will be asked to confirm it.",
        "Order {order_id} is marked as delivered.",
    ),
    "confirm": ActionWording(
        "Confirm it was delivered",
        "The provider will be paid {total} from the budget. You cannot undo this.",
        "Thank you. Order {order_id} is confirmed and the provider will be paid.",
    ),
    "cancel": ActionWording(
        "Cancel this order",
        "The {total} set aside goes back to the budget and the provider is told.",
        "Order {order_id} is cancelled. The money is back in the budget.",
        warning=True,
        confirm=("Are you sure you want to cancel this order?", "Yes, cancel this order"),
    ),
    "dispute": ActionWording(
        "Something went wrong",
        "The {total} is held, not paid, until {decider} decides what should happen.",
        "We have recorded the problem with order {order_id}. The money is on hold.",
        note_label="What went wrong?",
        reason_required=True, reason_missing="Say what went wrong",
        warning=True,
        confirm=("Do you want to tell us something went wrong with this order?",
                 "Yes, put the money on hold"),
    ),
    "resolve_pay": ActionWording(
        "Settle: pay the provider",
        "The dispute ends and the provider is paid {total} from the budget.",
        "The dispute on order {order_id} is settled: the provider will be paid.",
        note_label="Note about your decision (optional)",
    ),
    "resolve_release": ActionWording(
        "Settle: give the money back",
        "The dispute ends and the {total} goes back to the person's budget.",
        "The dispute on order {order_id} is settled: the money is back in the budget.",
        note_label="Note about your decision (optional)",
        warning=True,
    ),
    "refund": ActionWording(
        "Refund this order",
        "The {total} goes back to the person's budget and will not be paid to you.",
        "Order {order_id} is refunded. The money is back in the person's budget.",
        warning=True,
    ),
}
