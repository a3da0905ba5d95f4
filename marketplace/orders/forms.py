"""Forms for ordering and for acting on an order.

The order details travel three times: the service page's form (GET) -> "check your order"
(GET, nothing changes) -> "place order" (POST, CSRF-protected). A hidden token made once per
form (uuid4) goes with them and becomes the order's idempotency key, so pressing "Place order"
twice makes one order. The check page also sends what it showed (total, unit price and unit),
so a price changed in between is refused rather than silently reserved.
"""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import Length, ValidationError

from marketplace.orders.placing import Confirmed
from marketplace.orders.services import MAX_QUANTITY, OrderRequest
from marketplace.ids import parse_id
from marketplace.forms import PlainDateField, Required, WholeNumberField
from marketplace.times import london_today

#: How far ahead an order may start: further is almost always a mistyped year.
MAX_DAYS_AHEAD = 2 * 366

NOTE_LIMIT = 1000
_TOKEN = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def new_token() -> str:
    return str(uuid.uuid4())


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not one of the choices: pre_validate refuses it with a plain message


class _OrderFields(FlaskForm):
    """What the person chose."""

    holder_id = HiddenField()
    token = HiddenField()
    #: A provider's quote for the holder's need (the needs board): ordered at its price.
    quote_id = HiddenField()
    budget_id = RadioField("Budget to use", coerce=_optional_int, validate_choice=False,
                           validators=[Required("Choose which budget to pay from")])
    quantity = WholeNumberField(
        "How many", invalid_message="Enter how many as a whole number, like 4",
        validators=[Required("Enter how many you want")],
    )
    starts_on = PlainDateField("Start date")
    ends_on = PlainDateField("End date")
    note_to_provider = TextAreaField(
        "Note to the provider",
        validators=[Length(max=NOTE_LIMIT, message=f"Use {NOTE_LIMIT} characters or fewer")],
    )
    outcome_id = SelectField("Which outcome in your plan does this help with?",
                             coerce=_optional_int, validate_choice=False)
    outcome_shared = BooleanField("Tell the provider what this is for")

    def set_choices(self, budget_ids: list[int], outcomes: list[tuple[int, str]]) -> None:
        self.budget_ids = budget_ids
        self.budget_id.choices = [(budget_id, str(budget_id)) for budget_id in budget_ids]
        self.outcome_id.choices = [("", "Not linked to an outcome")] + outcomes
        self.outcome_ids = [value for value, _ in outcomes]

    def validate_budget_id(self, field):
        if field.data is not None and field.data not in self.budget_ids:
            raise ValidationError("Choose one of the budgets shown")

    def validate_quantity(self, field):
        if field.number is not None and not 1 <= field.number <= MAX_QUANTITY:
            raise ValidationError(f"Enter a number from 1 to {MAX_QUANTITY}")

    def validate_starts_on(self, field):
        if field.data and field.data < london_today():
            raise ValidationError("The start date cannot be in the past")
        if field.data and field.data > london_today() + timedelta(days=MAX_DAYS_AHEAD):
            raise ValidationError("Enter a start date within the next 2 years")

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The end date must be on or after the start date")

    def validate_outcome_id(self, field):
        if field.data is not None and field.data not in self.outcome_ids:
            raise ValidationError("Choose one of the outcomes in your plan")

    def safe_token(self) -> str:
        """The form's token, or a new one if it is missing or not one of ours."""
        token = (self.token.data or "").strip()
        if not _TOKEN.match(token):
            token = new_token()
            self.token.data = token
        return token

    def order_request(self, service_id: int) -> OrderRequest:
        return OrderRequest(
            budget_id=self.budget_id.data, service_id=service_id, quantity=self.quantity.number,
            starts_on=self.starts_on.data, ends_on=self.ends_on.data,
            note_to_provider=(self.note_to_provider.data or "").strip(),
            outcome_id=self.outcome_id.data, outcome_shared=bool(self.outcome_shared.data),
            quote_id=self.quote_number(),
        )

    def quote_number(self) -> int | None:
        """The quote's id, or None; text that is not an id is a quote nobody has (0)."""
        text = (self.quote_id.data or "").strip()
        return (parse_id(text) or 0) if text else None

    def add_problem(self, field_name: str | None, message: str) -> None:
        field = getattr(self, field_name, None) if field_name else None
        if field is None or field_name in ("holder_id", "token", "quote_id"):
            self.form_errors.append(message)
        else:
            field.errors = list(field.errors) + [message]

    def query_args(self) -> dict[str, str]:
        """The chosen details as query-string values, for "change your order" links."""
        values = {
            "holder_id": self.holder_id.data, "token": self.token.data,
            "quote_id": self.quote_id.data,
            "budget_id": self.budget_id.data, "quantity": self.quantity.data,
            "starts_on": self.starts_on.data.isoformat() if self.starts_on.data else "",
            "ends_on": self.ends_on.data.isoformat() if self.ends_on.data else "",
            "note_to_provider": self.note_to_provider.data or "",
            "outcome_id": self.outcome_id.data if self.outcome_id.data is not None else "",
            "outcome_shared": "y" if self.outcome_shared.data else "",
        }
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


class OrderDetailsForm(_OrderFields):
    """Read from the query string for the check step: nothing changes, so no CSRF token."""

    class Meta:
        csrf = False


class PlaceOrderForm(_OrderFields):
    """The same details, posted from the check step to place the order (CSRF-protected), with
    what the check page showed: placing refuses if the service has changed since."""

    confirmed_total_pence = HiddenField()
    confirmed_unit_price_pence = HiddenField()
    confirmed_price_unit = HiddenField()

    def confirmed(self) -> Confirmed | None:
        """What the person saw, or None when the post does not say (not from the check page)."""
        total = _pence(self.confirmed_total_pence.data)
        unit_price = _pence(self.confirmed_unit_price_pence.data)
        unit = (self.confirmed_price_unit.data or "").strip()
        if total is None or unit_price is None or not unit:
            return None
        return Confirmed(total_pence=total, unit_price_pence=unit_price, price_unit=unit)


def _pence(text) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


class ChooseHolderForm(FlaskForm):
    """A supporter chooses whom they are buying for (GET, no CSRF)."""

    class Meta:
        csrf = False

    holder_id = SelectField("Who are you buying for?", coerce=_optional_int, validate_choice=False,
                            validators=[Required("Choose who you are buying for")])


class OrderActionForm(FlaskForm):
    """Approve, accept, cancel, dispute...: a note, required only where it says why."""

    note = TextAreaField(
        "Note", validators=[Length(max=NOTE_LIMIT, message=f"Use {NOTE_LIMIT} characters or fewer")]
    )
    return_to = HiddenField()
    #: "yes" once the person has answered the confirmation page of a cancel or dispute.
    confirmed = HiddenField()


class StateFilterForm(FlaskForm):
    class Meta:
        csrf = False

    state = SelectField("Show", validate_choice=False)
