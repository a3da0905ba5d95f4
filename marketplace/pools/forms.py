"""Forms of the pool pages. Ranges and words match pools.services, which checks again: the
forms say what to fix beside the field, the services keep the rules."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from marketplace.forms import ChoiceRadioField, PlainDateField, Required, WholeNumberField
from marketplace.money import InvalidAmount, parse_pounds
from marketplace.pools.services import MAX_SESSIONS

OPEN_TO_CHOICES = [
    ("invite", "Only people I send the invite link to"),
    ("area", "Anyone with a budget who looks at this service"),
]
SHARE_RULE_CHOICES = [
    ("equal", "Equal shares: the total split between everyone who joins"),
    ("custom", "Custom shares: I set out each place and what it costs"),
]
#: Between amounts: a new line, a semicolon, a comma that does not separate thousands, or
#: spaces between two numbers.
_BETWEEN_AMOUNTS = re.compile(r"[\n;]+|,(?!\d{3}(?:\D|$))|(?<=\d)\s+(?=£?\d)")


def read_amounts(text: str) -> tuple[int, ...]:
    """"40, 40, 20" (or one amount a line) as pence; the message says which is not an amount.
    Whether the amounts make sense is the services' to say (shares.check_custom)."""
    amounts = []
    for piece in _BETWEEN_AMOUNTS.split(text or ""):
        if piece.strip():
            try:
                amounts.append(parse_pounds(piece))
            except InvalidAmount as problem:
                raise ValidationError(f"“{piece.strip()}” is not an amount. {problem.message}")
    return tuple(amounts)


def _whole(label: str, low: int, high: int, what: str):
    def check(form, field):
        if field.number is None or not low <= field.number <= high:
            raise ValidationError(f"Enter {what} from {low} to {high}")
    return WholeNumberField(label, invalid_message=f"Enter {what} as a whole number",
                            validators=[Required(f"Enter {what}"), check])


class PledgeFields:
    """What every pledge asks: which budget, and the name the other members see."""

    budget_id = ChoiceRadioField("Which budget pays your share?", coerce=int,
                                 missing_message="Choose the budget that pays your share")
    display_name = StringField(
        "The name other members see",
        validators=[Required("Enter the name other members will see"),
                    Length(max=60, message="Use 60 characters or fewer")])


class StartPoolForm(PledgeFields, FlaskForm):
    title = StringField("A name for the group",
                        validators=[Length(max=160, message="Use 160 characters or fewer")])
    what_it_buys = TextAreaField(
        "What the group is buying",
        validators=[Length(max=2000, message="Use 2,000 characters or fewer")])
    sessions = _whole("How many sessions", 1, MAX_SESSIONS, "a number of sessions")
    min_members = _whole("The fewest people it can go ahead with", 2, 50, "a number of people")
    max_members = _whole("The most people who can join", 2, 50, "a number of people")
    closing_date = PlainDateField("Closing date", validators=[Required("Enter a closing date")])
    open_to = RadioField("Who can join", choices=OPEN_TO_CHOICES, default="invite")
    share_rule = RadioField("How the cost is shared", choices=SHARE_RULE_CHOICES,
                            default="equal")
    shares = TextAreaField("Custom shares, in pounds")
    submit = SubmitField("Start the pool")

    @property
    def custom_shares(self) -> bool:
        return self.share_rule.data == "custom"

    @property
    def shares_pence(self) -> tuple[int, ...]:
        """The custom amounts (read once the form is valid); empty for equal shares."""
        return read_amounts(self.shares.data) if self.custom_shares else ()

    def validate_shares(self, field):
        if self.custom_shares:
            if not (field.data or "").strip():
                raise ValidationError("Enter the shares, for example 40, 40, 20")
            read_amounts(field.data)

    def validate(self, extra_validators=None):
        """With custom shares the group is the places set out: the sizes typed do not count."""
        valid = super().validate(extra_validators)
        if self.custom_shares:
            self.min_members.errors = self.max_members.errors = []
            valid = not self.errors
        return valid

    def validate_max_members(self, field):
        low = self.min_members.number
        if field.number is not None and low is not None and field.number < low:
            raise ValidationError("The most people must be at least the fewest people")


class JoinPoolForm(PledgeFields, FlaskForm):
    submit = SubmitField("Pledge my share")


class JoinCustomShareForm(JoinPoolForm):
    """Joining a custom-share pool: the holder agrees to one of the open shares."""

    share_pence = ChoiceRadioField("Which share will you pay?", coerce=int,
                                   missing_message="Choose the share you will pay")


class ConfirmForm(FlaskForm):
    confirmed = HiddenField()


class RefusePledgeForm(FlaskForm):
    reason = TextAreaField("Why is it not approved?",
                           validators=[Required("Say why the pledge is not approved"),
                                       Length(max=500, message="Use 500 characters or fewer")])
