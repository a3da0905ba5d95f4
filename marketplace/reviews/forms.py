"""The review form: stars, "did it help", a few sentences, and how the author is shown."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import AnyOf

from marketplace.forms import Required, at_most, trimmed
from marketplace.reviews.models import MAX_REPLY, MAX_REPORT_WORDS, MAX_TEXT, REPORT_REASONS
from marketplace.reviews.services import ReviewDetails

STAR_CHOICES = [(str(n), f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)]
HELPED_CHOICES = [("yes", "Yes"), ("partly", "Partly"), ("no", "No")]
SHOWN_AS_CHOICES = [("name", "My display name"), ("anonymous", "Anonymous")]


def _choice(choices, message: str) -> list:
    """Required, then one of the choices, with the same plain message for both."""
    return [Required(message), AnyOf([value for value, _ in choices], message=message)]


class ReviewForm(FlaskForm):
    stars = RadioField("How many stars would you give it?", choices=STAR_CHOICES,
                       validate_choice=False,
                       validators=_choice(STAR_CHOICES, "Choose from 1 to 5 stars"))
    helped = RadioField("Did it help with what matters to you?", choices=HELPED_CHOICES,
                        validate_choice=False,
                        validators=_choice(HELPED_CHOICES, "Choose yes, partly or no"))
    text = TextAreaField("What was it like?", filters=[trimmed],
                         validators=[Required("Write a few sentences about it"),
                                     at_most(MAX_TEXT)])
    shown_as = RadioField("Show my review as", choices=SHOWN_AS_CHOICES, default="name",
                          validate_choice=False,
                          validators=_choice(SHOWN_AS_CHOICES, "Choose how your review is shown"))

    def details(self) -> ReviewDetails:
        return ReviewDetails(stars=int(self.stars.data), helped=self.helped.data,
                             text=self.text.data, shown_as=self.shown_as.data)


class WithdrawForm(FlaskForm):
    confirmed = HiddenField(default="yes")


class ModerationForm(FlaskForm):
    reason = TextAreaField("Why (the author reads this)", filters=[trimmed],
                           validators=[at_most(2000)])


class ReplyForm(FlaskForm):
    text = TextAreaField("Your public reply", filters=[trimmed],
                         validators=[Required("Write your reply"), at_most(MAX_REPLY)])


class ReportForm(FlaskForm):
    reason = RadioField("Why are you reporting this review?", choices=REPORT_REASONS,
                        validate_choice=False,
                        validators=_choice(REPORT_REASONS, "Choose why you are reporting it"))
    words = TextAreaField("Tell us more (optional)", filters=[trimmed],
                          validators=[at_most(MAX_REPORT_WORDS)])
