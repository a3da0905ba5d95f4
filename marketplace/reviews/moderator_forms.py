"""Forms for appointed moderators: appointing one, removing one, a moderator's first
password, and a moderator's edit of a held review."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField

from marketplace.accounts.forms import RegistrationForm
from marketplace.commissioning.forms import AccountForm
from marketplace.forms import Required, at_most, trimmed
from marketplace.reviews.models import MAX_TEXT


class AppointForm(AccountForm):
    """The commissioners' account form without the password: the moderator chooses theirs."""
    password = None


class RemoveForm(FlaskForm):
    """Only the CSRF token: removing a moderator is one button."""


class FirstPasswordForm(FlaskForm):
    password = RegistrationForm.password
    confirm_password = RegistrationForm.confirm_password


class EditForm(FlaskForm):
    text = TextAreaField("The review, with the details taken out", filters=[trimmed],
                         validators=[Required("The review cannot be empty: reject it instead"),
                                     at_most(MAX_TEXT)])
    note = TextAreaField("A note for the author: what you took out", filters=[trimmed],
                         validators=[Required("Tell the author what you took out, for example "
                                              "“We removed a phone number”"), at_most(2000)])
