"""Forms for the commissioners' area.

Fields read what a person typed (pounds, whole numbers, dates) and say plainly what is wrong,
one message per field. Cross-field checks (period order, split share, organisation) mirror
budgets.services.allocate_budget, which refuses the same things if a form is bypassed.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, Length, StopValidation

from marketplace.accounts.forms import MIN_PASSWORD_LENGTH, RegistrationForm
from marketplace.budgets.models import ORGANISATION_KINDS, STREAM_KINDS
from marketplace.commissioning.market_forms import MarketFilterForm
from marketplace.money import pence_to_pounds_text
from marketplace.forms import (
    ChoiceField,
    ChoiceRadioField,
    PlainDateField,
    PoundsField,
    Required,
    WholeNumberField,
    at_most,
    trimmed,
)
from marketplace.times import london_today
from marketplace.vocabulary import CATEGORIES

#: The longest budget period a commissioner can set in one allocation.
MAX_PERIOD_DAYS = 5 * 366
ROUTE_CHOICES = [
    ("direct", "Direct payment: the person holds the money and pays for support themselves"),
    ("managed",
     "Managed account: an organisation holds the money and pays providers for the person"),
    ("split", "Split: part direct payment, the rest in a managed account"),
]


def one_line(value):
    return " ".join(value.split()) if isinstance(value, str) else value


def _email_validators(missing: str) -> list:
    return [
        Required(missing),
        at_most(254),
        Email("Enter an email address like name@example.org", check_deliverability=False),
    ]


# --- funding streams and their rules ----------------------------------------------------------


class FundingStreamForm(FlaskForm):
    name = StringField(
        "Name of the funding stream",
        filters=[one_line],
        validators=[Required("Enter a name for the funding stream"), at_most(120)],
    )
    kind = ChoiceRadioField(
        "Kind of funding", choices=STREAM_KINDS,
        missing_message="Choose social care, health or joint",
    )
    description = TextAreaField(
        "Description", filters=[trimmed], validators=[at_most(2000)]
    )


def _reason_text(value):
    """Let people type the reason as a whole sentence: the page adds "because" and the full
    stop itself."""
    if not isinstance(value, str):
        return value
    text = one_line(value)
    text = re.sub(r"^because\s+", "", text, flags=re.I)
    return text.rstrip(". ")


class SpendingRuleForm(FlaskForm):
    category = ChoiceField(
        "Category this budget may not buy",
        choices=[("", "Choose a category")] + CATEGORIES,
        missing_message="Choose a category from the list",
    )
    reason = TextAreaField(
        "Why not, in plain words",
        filters=[_reason_text],
        validators=[Required("Say in plain words why this cannot be bought"), at_most(300)],
    )


class RuleReasonForm(FlaskForm):
    """A new reason for a rule that already exists: its category stays."""

    reason = SpendingRuleForm.reason


# --- organisations and accounts ---------------------------------------------------------------


class OrganisationForm(FlaskForm):
    name = StringField(
        "Name of the organisation",
        filters=[one_line],
        validators=[Required("Enter the name of the organisation"), at_most(160)],
    )
    kind = ChoiceRadioField(
        "Kind of organisation", choices=ORGANISATION_KINDS,
        missing_message="Choose the kind of organisation",
    )
    auto_approve_limit = PoundsField(
        "Approve orders automatically up to",
        validators=[Required("Enter an amount in pounds, or 0 to approve every order by hand")],
        default="0",
    )
    auto_confirm_days = WholeNumberField(
        "Confirm delivered orders automatically after this many days",
        invalid_message="Enter a whole number of days, like 7",
        validators=[Required("Enter a number of days, like 7")],
        default="7",
    )
    contact_email = EmailField(
        "Contact email address",
        filters=[one_line],
        validators=[at_most(254)],
    )

    def validate_auto_confirm_days(self, field):
        if field.number is not None and not 1 <= field.number <= 90:
            raise StopValidation("Enter a number of days from 1 to 90")

    def validate_contact_email(self, field):
        if field.data:
            Email("Enter an email address like name@example.org", check_deliverability=False)(
                self, field
            )


def organisation_form_for(organisation) -> OrganisationForm:
    """The organisation's form, filled in with what is saved unless something was posted."""
    return OrganisationForm(data={
        "name": organisation.name, "kind": organisation.kind,
        "auto_approve_limit": pence_to_pounds_text(organisation.auto_approve_limit_pence),
        "auto_confirm_days": str(organisation.auto_confirm_days),
        "contact_email": organisation.contact_email,
    })


class AccountForm(FlaskForm):
    """A staff or commissioner account created by a commissioner, with a temporary password
    the commissioner passes on to the person."""

    display_name = StringField(
        "Full name",
        filters=[one_line],
        validators=[Required("Enter the person's name"), at_most(120)],
    )
    email = EmailField(
        "Email address", filters=[one_line],
        validators=_email_validators("Enter the person's email address"),
    )
    password = PasswordField(
        "Temporary password",
        validators=[
            Required("Enter a temporary password"),
            Length(min=MIN_PASSWORD_LENGTH, max=200,
                   message=f"Use at least {MIN_PASSWORD_LENGTH} characters"),
        ],
    )


class InvitationForm(FlaskForm):
    """A new commissioner, invited by email: they choose their own password."""

    display_name = AccountForm.display_name
    email = AccountForm.email


class ChoosePasswordForm(FlaskForm):
    """The invited person's own password, with the same rules as when anyone registers."""

    password = RegistrationForm.password
    confirm_password = RegistrationForm.confirm_password


# --- allocations ------------------------------------------------------------------------------


class AllocationForm(FlaskForm):
    #: Domain error field -> form field, where they differ.
    field_for = {"holder": "holder_email"}

    holder_email = EmailField(
        "Budget holder's email address", filters=[one_line],
        validators=_email_validators("Enter the email address of the budget holder"),
    )
    stream = ChoiceField("Funding stream", missing_message="Choose a funding stream")
    amount = PoundsField(
        "Amount for the whole period",
        validators=[Required("Enter the amount for the whole period in pounds, like 5200")],
    )
    period_start = PlainDateField(
        "Period starts on", validators=[Required("Enter the date the period starts")]
    )
    period_end = PlainDateField(
        "Period ends on", validators=[Required("Enter the date the period ends")]
    )
    instalment_every_weeks = WholeNumberField(
        "Pay an instalment every this many weeks",
        invalid_message="Enter a whole number of weeks, like 4",
        validators=[Required("Enter how many weeks apart the instalments are, like 4")],
        default="4",
    )
    route = ChoiceRadioField(
        "How the person will receive the money", choices=ROUTE_CHOICES,
        missing_message="Choose direct payment, managed account or a split",
    )
    managed_by = ChoiceField(
        "Organisation holding the managed account",
        missing_message="Choose the organisation that will hold the managed account",
        required=False,
    )
    direct_amount = PoundsField("Direct-payment share (for a split)")

    def __init__(self, *args, streams=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.stream.choices = [("", "Choose a funding stream")] + [
            (str(stream.id), stream.name) for stream in streams
        ]
        self.managed_by.choices = [("", "Choose an organisation")] + [
            (str(organisation.id), organisation.name) for organisation in organisations
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self._check_together()
        return valid and not self.errors

    def _check_together(self) -> None:
        start, end = self.period_start.data, self.period_end.data
        if isinstance(start, date) and isinstance(end, date) and not self.period_end.errors:
            if end <= start:
                self.period_end.errors = ["The end of the period must be after its start"]
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.period_end.errors = ["A budget period can be at most 5 years"]
        weeks = self.instalment_every_weeks.number
        if weeks is not None and not 1 <= weeks <= 52 and not self.instalment_every_weeks.errors:
            self.instalment_every_weeks.errors = ["Enter a number of weeks from 1 to 52"]
        total = self.amount.pence
        if total is not None and total <= 0 and not self.amount.errors:
            self.amount.errors = ["Enter an amount greater than zero"]
        route = self.route.data
        needs_organisation = route in ("managed", "split")
        if needs_organisation and not self.managed_by.data and not self.managed_by.errors:
            self.managed_by.errors = ["Choose the organisation that will hold the managed account"]
        if route == "split" and not self.direct_amount.errors:
            share = self.direct_amount.pence
            if share is None or (total is not None and not 0 < share < total) or share <= 0:
                self.direct_amount.errors = [
                    "For a split, enter a direct-payment share between zero and the whole amount"
                ]

    def add_domain_error(self, field_name: str | None, message: str) -> None:
        name = self.field_for.get(field_name, field_name)
        if name and name in self._fields:
            self[name].errors = [message]
        else:
            self.form_errors.append(message)


# --- the audit log ----------------------------------------------------------------------------

#: The period the audit log shows when none is asked for: the last 30 London days.
AUDIT_DEFAULT_DAYS = 30


class AuditFilterForm(FlaskForm):
    """Read from the query string (no CSRF token: reading changes nothing). The period is
    checked as the market views check theirs."""

    class Meta:
        csrf = False

    start = MarketFilterForm.start
    end = MarketFilterForm.end
    kind = ChoiceField("What to show", choices=[("", "Everything")], required=False,
                       missing_message="Choose what to show from the list")
    validate_end = MarketFilterForm.validate_end

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", "Everything"), *kinds]

    def period(self) -> tuple[date, date]:
        end = self.end.data or london_today()
        return self.start.data or end - timedelta(days=AUDIT_DEFAULT_DAYS - 1), end
