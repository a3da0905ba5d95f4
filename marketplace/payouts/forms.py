"""Forms for paying providers: the provider's payout details, and the buttons that move a run.

The format rules live in payouts.backends (shared with the domain service), so a page
refuses the same things with the same words as the service does. Which fields are asked for
depends on the deployment's backend: bank details for the Bacs file, a connected account id
for Stripe Connect.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import StopValidation

from marketplace.payouts import backends


class _Checked:
    """Run one of the backends' format checks; its message is shown beside the field."""

    field_flags = {"required": True}

    def __init__(self, check):
        self.check = check

    def __call__(self, form, field):
        try:
            field.normalised = self.check(field.data or "")
        except backends.PayoutDetailsInvalid as problem:
            raise StopValidation(str(problem)) from None


class _CheckedUnlessKept(_Checked):
    """Left empty, the account number already saved stays: the page never sends the full number
    back to the browser, so a provider re-saving the name or sort code need not type it again."""

    def __call__(self, form, field):
        if not (field.data or "").strip() and form.kept_account_number:
            field.normalised = form.kept_account_number
            raise StopValidation()
        super().__call__(form, field)


class BankDetailsForm(FlaskForm):
    account_name = StringField("Name on the account", validators=[_Checked(backends.check_account_name)])
    sort_code = StringField("Sort code", validators=[_Checked(backends.normalise_sort_code)])
    account_number = StringField(
        "Account number", validators=[_CheckedUnlessKept(backends.normalise_account_number)])

    def __init__(self, *args, kept_account_number: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_account_number = kept_account_number

    @classmethod
    def for_details(cls, details, *, submitted: bool) -> "BankDetailsForm":
        kept = details.account_number if details is not None else ""
        if submitted or details is None:
            return cls(kept_account_number=kept)
        return cls(data={"account_name": details.account_name,
                         "sort_code": _dashed(details.sort_code)}, kept_account_number=kept)

    def values(self) -> dict[str, str]:
        return {
            "account_name": self.account_name.data or "",
            "sort_code": self.sort_code.data or "",
            "account_number": (self.account_number.data or "").strip() or self.kept_account_number,
        }


class ConnectDetailsForm(FlaskForm):
    stripe_account_id = StringField(
        "Stripe connected account id", validators=[_Checked(backends.check_stripe_account_id)]
    )

    @classmethod
    def for_details(cls, details, *, submitted: bool) -> "ConnectDetailsForm":
        if submitted or details is None:
            return cls()
        return cls(data={"stripe_account_id": details.stripe_account_id})

    def values(self) -> dict[str, str]:
        return {"stripe_account_id": self.stripe_account_id.data or ""}


def details_form_for(backend_name: str, details, *, submitted: bool) -> FlaskForm:
    form_class = ConnectDetailsForm if backend_name == "stripe_connect" else BankDetailsForm
    return form_class.for_details(details, submitted=submitted)


class RunActionForm(FlaskForm):
    """A button that creates, sends, marks paid or cancels a run: only the CSRF token."""


def _dashed(sort_code: str) -> str:
    if len(sort_code) != 6:
        return sort_code
    return f"{sort_code[:2]}-{sort_code[2:4]}-{sort_code[4:]}"
