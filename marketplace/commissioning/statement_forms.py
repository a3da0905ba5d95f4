"""Forms for market position statements: a period to draft one for, and its sections."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from marketplace.commissioning.statement_models import SECTION_LIMIT, SECTIONS
from marketplace.forms import PlainDateField, Required
from marketplace.times import london_today


class DraftForm(FlaskForm):
    start = PlainDateField("From", validators=[Required("Enter the first day of the period")])
    end = PlainDateField("To", validators=[Required("Enter the last day of the period")])

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The 'to' date must be the same as or after the 'from' date")
        if field.data and field.data > london_today():
            raise ValidationError("The 'to' date cannot be in the future")


class StatementForm(FlaskForm):
    title = StringField("Title", validators=[
        Required("Give the statement a title"),
        Length(max=160, message="Use 160 characters or fewer")])


for _name, _heading in SECTIONS:
    setattr(StatementForm, _name, TextAreaField(_heading, validators=[
        Length(max=SECTION_LIMIT, message=f"Use {SECTION_LIMIT} characters or fewer")]))


class PublishForm(FlaskForm):
    pass
