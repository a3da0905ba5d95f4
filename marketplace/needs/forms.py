"""Forms of the needs board. The forms read what was typed and say what to fix beside the
field; needs.services checks again and keeps the rules."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from marketplace import areas, vocabulary
from marketplace.forms import (
    ChoiceField,
    ChoiceRadioField,
    PlainDateField,
    PoundsField,
    Required,
    WholeNumberField,
    at_most,
)
from marketplace.pools.forms import StartPoolForm
from wtforms import StringField

TIMING_CHOICES = [
    ("daytime", "Daytime"),
    ("evenings", "Evenings"),
    ("weekends", "Weekends"),
    ("any", "Any time"),
]


def _whole_number(label: str, what: str, *, required: bool = True):
    validators = [Required(f"Enter {what}")] if required else []
    return WholeNumberField(label, invalid_message=f"Enter {what} as a whole number, like 6",
                            render_kw={"inputmode": "numeric"}, validators=validators)


class NeedForm(FlaskForm):
    words = TextAreaField("What do you need?",
                          validators=[Required("Say what you need, in your own words"),
                                      at_most(1000)])
    category = ChoiceField("Kind of support",
                           choices=[("", "Choose a kind of support")] + vocabulary.CATEGORIES,
                           missing_message="Choose the kind of support")
    local_authority = ChoiceField(
        "Your local authority",
        choices=[("", "Choose a local authority")] + areas.authority_choices(),
        missing_message="Choose your local authority")
    postcode_district = StringField("Postcode district", validators=[at_most(8)])
    language = ChoiceField("Language", choices=[("", "Any language")] + vocabulary.LANGUAGES,
                           missing_message="Choose a language from the list", required=False)
    specialism = ChoiceField("Who it is especially for (optional)",
                             choices=[("", "Anyone")] + vocabulary.SPECIALISMS,
                             missing_message="Choose who it is for from the list", required=False)
    timing = ChoiceRadioField("When do you need it?", choices=TIMING_CHOICES, default="any",
                              missing_message="Choose when you need it")
    budget_low = PoundsField("The least you would expect to spend",
                             validators=[Required("Enter the least you would spend, like 0")])
    budget_high = PoundsField("The most you could spend",
                              validators=[Required("Enter the most you could spend, like 120")])
    group_size = _whole_number("How many people is it for?", "a number of people",
                               required=False)
    would_pool = BooleanField("I would buy it together with others in a pool")
    peers_consent = BooleanField("Tell me if others near me need the same")
    submit = SubmitField("Post the need")

    def validate_group_size(self, field):
        if field.data and (field.number is None or not 1 <= field.number <= 50):
            raise ValidationError("Enter a number of people from 1 to 50")


class QuoteForm(FlaskForm):
    service_id = ChoiceRadioField("Which of your services is it?", coerce=int,
                                  missing_message="Choose one of your services")
    price = PoundsField("Price", validators=[Required("Enter a price, like 25")])
    price_unit = ChoiceField("What the price is for", choices=vocabulary.PRICE_UNITS,
                             missing_message="Choose what the price is for")
    sessions = _whole_number("How many sessions", "a number of sessions")
    starts_on = PlainDateField("Start date")
    expires_on = PlainDateField("The quote is open until",
                                validators=[Required("Enter the last day it can be accepted")])
    message = TextAreaField("A message to the person", validators=[at_most(2000)])
    submit = SubmitField("Send the quote")

    def validate_sessions(self, field):
        if field.number is not None and not 1 <= field.number <= 500:
            raise ValidationError("Enter a number of sessions from 1 to 500")


class PoolFromQuoteForm(StartPoolForm):
    """Starting a pool from a quote: the quote fixes the sessions and the price."""

    sessions = None
    submit = SubmitField("Accept and start the pool")
