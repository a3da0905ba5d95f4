"""The form a commissioner records a decision on a service with."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from marketplace.commissioning.decisions import DecisionDetails
from marketplace.commissioning.models import DECISIONS, NOTE_LIMIT
from marketplace.forms import ChoiceRadioField, PlainDateField, Required


class DecisionForm(FlaskForm):
    decision = ChoiceRadioField("What will the council do?", choices=DECISIONS,
                                missing_message="Choose what the council will do")
    note = TextAreaField("Why, and what happens next", validators=[
        Length(max=NOTE_LIMIT, message=f"Use {NOTE_LIMIT} characters or fewer")])
    look_again_on = PlainDateField("When to look at this service again", validators=[
        Required("Enter the date to look at this service again")])

    def details(self) -> DecisionDetails:
        return DecisionDetails(self.decision.data, self.note.data or "", self.look_again_on.data)
