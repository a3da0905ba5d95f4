"""Forms for paying an order by card.

TestCardForm takes a card number on our own page and exists ONLY for the local test payment
server (which accepts Stripe's published test numbers and never moves money). With real Stripe
keys the page uses StripeElementsForm: the card is typed into Stripe's own field (Stripe.js
Elements) and only a payment method id ("pm_...") reaches our server.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import ValidationError

from marketplace.forms import Required
from marketplace.times import london_today


def _digits(value: str | None) -> str:
    return "".join(ch for ch in (value or "") if not ch.isspace() and ch != "-")


class TestCardForm(FlaskForm):
    card_number = StringField("Card number", [Required("Enter the card number")])
    expiry_month = StringField("Expiry month", [Required("Enter the expiry month, for example 12")])
    expiry_year = StringField("Expiry year", [Required("Enter the expiry year, for example 2030")])
    cvc = StringField("Security code (CVC)",
                      [Required("Enter the 3-digit security code from the back of the card")])
    submit = SubmitField("Pay now")

    def validate_card_number(self, field):
        number = _digits(field.data)
        if not number.isdigit() or len(number) != 16:
            raise ValidationError("Enter the 16-digit card number, for example 4242 4242 4242 4242")

    def validate_expiry_month(self, field):
        value = (field.data or "").strip()
        if not value.isdigit() or not 1 <= int(value) <= 12:
            raise ValidationError("Enter the expiry month as a number from 1 to 12")

    def validate_expiry_year(self, field):
        value = (field.data or "").strip()
        if not value.isdigit():
            raise ValidationError("Enter the expiry year, for example 2030")
        year = int(value) + (2000 if len(value) == 2 else 0)
        if not london_today().year <= year <= 2099:
            raise ValidationError("The card has expired or the year is not right: check the card")

    def validate_cvc(self, field):
        value = (field.data or "").strip()
        if not value.isdigit() or len(value) != 3:
            raise ValidationError("Enter the 3-digit security code from the back of the card")

    def card_details(self):
        from marketplace.payments.card_payments import TestCard

        year = int(self.expiry_year.data.strip())
        return TestCard(
            number=_digits(self.card_number.data),
            exp_month=int(self.expiry_month.data.strip()),
            exp_year=year + 2000 if year < 100 else year,
            cvc=self.cvc.data.strip(),
        )


class StripeElementsForm(FlaskForm):
    #: Filled in by Stripe.js in the browser; never a card number.
    payment_method_id = HiddenField("Card")
    submit = SubmitField("Pay now")

    def validate_payment_method_id(self, field):
        if not (field.data or "").startswith("pm_"):
            raise ValidationError(
                "Enter your card details. Paying by card needs JavaScript turned on in your browser."
            )


class AuthenticationForm(FlaskForm):
    """The test bank's 3-D Secure answer (local test server), or 'I have finished'."""

    confirm = SubmitField("Confirm the payment")
    refuse = SubmitField("Do not confirm")
