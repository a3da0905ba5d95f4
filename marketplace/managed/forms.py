"""The organisation's settings form: the auto-approve limit in pounds and the days before a
delivered order confirms itself."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from marketplace.money import InvalidAmount, parse_pounds, pence_to_pounds_text
from marketplace.forms import Required, WholeNumberField


class SettingsForm(FlaskForm):
    auto_approve_limit = StringField(
        "Approve orders automatically up to (£)",
        validators=[Required("Enter an amount in pounds, or 0 to look at every order")],
    )
    auto_confirm_days = WholeNumberField(
        "Days before a delivered order is confirmed automatically",
        invalid_message="Enter a whole number of days, like 7",
        validators=[Required("Enter a number of days")],
    )

    @classmethod
    def initial(cls, organisation) -> dict:
        return {
            "auto_approve_limit": pence_to_pounds_text(organisation.auto_approve_limit_pence),
            "auto_confirm_days": organisation.auto_confirm_days,
        }

    def validate_auto_approve_limit(self, field):
        try:
            self.limit_pence = parse_pounds(field.data)
        except InvalidAmount as error:
            raise ValidationError(str(error)) from None
