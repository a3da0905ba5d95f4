"""The enquiry forms: a question (with the name the provider sees, and for a supporter whom
it is for), a reply, a report's reason, and the one-button actions."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from marketplace.enquiries.models import MAX_LABEL, MAX_REASON, MAX_TEXT
from marketplace.forms import Required, at_most, trimmed


class MessageForm(FlaskForm):
    text = TextAreaField("Your message", filters=[trimmed],
                         validators=[Required("Write your message"), at_most(MAX_TEXT)])


class QuestionForm(MessageForm):
    text = TextAreaField("Your question", filters=[trimmed],
                         validators=[Required("Write your question"), at_most(MAX_TEXT)])
    shown_as = StringField("Name the provider sees (optional)", filters=[trimmed],
                           validators=[at_most(MAX_LABEL)])
    holder_id = SelectField("Who is this for?", coerce=int, validate_choice=True)


class ReportForm(FlaskForm):
    reason = TextAreaField("What is wrong with this message?", filters=[trimmed],
                           validators=[Required("Say what is wrong with the message"),
                                       at_most(MAX_REASON)])


class ActionForm(FlaskForm):
    confirmed = HiddenField(default="yes")
