"""Where a provider is paid: bank details for the Bacs file, or a Stripe connected account.

The format rules live in payouts.backends, shared with the provider's form, so both refuse the
same things with the same words. A change tells the provider's owner by email, so a change they
did not make is noticed before money goes astray. Services flush; callers commit.
"""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.notifications.services import notify
from marketplace.payouts import backends
from marketplace.payouts.models import ProviderPayoutDetails
from marketplace.providers.models import Provider
from marketplace.times import utcnow


def payout_details_for(provider: Provider) -> ProviderPayoutDetails | None:
    return db.session.scalar(
        sa.select(ProviderPayoutDetails).where(ProviderPayoutDetails.provider_id == provider.id)
    )


def save_payout_details(provider: Provider, backend_name: str, *, account_name: str = "",
                        sort_code: str = "", account_number: str = "",
                        stripe_account_id: str = "") -> ProviderPayoutDetails:
    """Check and store where this provider is paid, for the deployment's backend. The owner is
    told by email, so a change they did not make is noticed before money goes astray."""
    if backend_name == "stripe_connect":
        checks = {"stripe_account_id": (backends.check_stripe_account_id, stripe_account_id)}
    else:
        checks = {
            "account_name": (backends.check_account_name, account_name),
            "sort_code": (backends.normalise_sort_code, sort_code),
            "account_number": (backends.normalise_account_number, account_number),
        }
    values = {name: _checked(name, check, typed) for name, (check, typed) in checks.items()}
    details = payout_details_for(provider)
    if details is None:
        details = ProviderPayoutDetails(provider_id=provider.id)
        db.session.add(details)
    for name, value in values.items():
        setattr(details, name, value)
    details.updated_at = utcnow()
    notify(provider.owner, "The details of where Pathways pays your organisation were changed. "
           "If you did not do this, contact us straight away.",
           link="/provider/payout-details", email_subject="Your payout details were changed")
    db.session.flush()
    return details


def _checked(field_name: str, check, value: str) -> str:
    try:
        return check(value)
    except backends.PayoutDetailsInvalid as problem:
        raise DomainError(problem.message, field=field_name) from None


def masked_account_number(details: ProviderPayoutDetails | None) -> str:
    if details is None or not details.account_number:
        return ""
    return "****" + details.account_number[-4:]


