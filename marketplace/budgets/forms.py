"""Forms for the holder's money and plan pages: date ranges for statements and spending
returns (read from the query string, so no CSRF token), the plan and its outcomes."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from marketplace import vocabulary
from marketplace.budgets.plans import ABOUT_ME_LIMIT, OUTCOME_LIMIT
from marketplace.forms import ChoiceField, PlainDateField, Required
from marketplace.times import london_today


class DateRangeForm(FlaskForm):
    """From and to dates, both optional and inclusive. Built from request.args."""

    class Meta:
        csrf = False

    start = PlainDateField("From")
    end = PlainDateField("To")

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The 'to' date must be the same as or after the 'from' date")


class PlanForm(FlaskForm):
    about_me = TextAreaField(
        "What matters to me",
        validators=[
            Length(max=ABOUT_ME_LIMIT, message=f"Use {ABOUT_ME_LIMIT} characters or fewer")
        ],
    )
    review_on = PlainDateField("When I want to look at my plan again")

    def __init__(self, *args, saved_review_on: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.saved_review_on = saved_review_on

    def validate_review_on(self, field):
        # A date already saved may have passed (the page says so); a new one must be ahead.
        if field.data and field.data != self.saved_review_on and field.data < london_today():
            raise ValidationError("Choose a review date in the future: it is when you want "
                                  "to look at your plan again")


class OutcomeForm(FlaskForm):
    text = StringField(
        "Outcome in your own words",
        validators=[
            Required("Write the outcome in your own words"),
            Length(max=OUTCOME_LIMIT, message=f"Use {OUTCOME_LIMIT} characters or fewer"),
        ],
    )
    theme = ChoiceField("What part of life is it about? (optional)",
                        choices=[("", "Not chosen")] + vocabulary.OUTCOME_THEMES,
                        missing_message="Choose a part of life from the list", required=False)
