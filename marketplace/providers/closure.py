"""What closing a provider's account does to its listing (accounts/closure.py).

Its services leave search and every page at once: each becomes "removed" (the status a
deleted service with past orders has), and the index log carries the change to every node's
search index (search/outbox.py). The rows stay, because past orders, statements, payouts and
reviews name what was bought. The provider's page and its API record answer 404 from then on
(Provider.is_closed). The contact person's name, email and phone go.

A sole-trader personal assistant is a person, not an organisation, so everything that describes
them goes too: the business name (often their own) becomes "Former provider ...", and the
descriptions, insurance, DBS and registration details, website and postcode district are
cleared. The bank details stay: past payment runs' files are made from them, and they are the
council's record of where public money was paid. So do past payments' ledger descriptions,
which name the provider as it was then and can never be edited (ledger/models.py).
"""
from __future__ import annotations

from marketplace.extensions import db
from marketplace.providers.models import Provider
from marketplace.search.outbox import queue_reindex

#: The provider type that is one person trading on their own (vocabulary.PROVIDER_TYPES).
SOLE_TRADER = "personal-assistant"
FORMER_PROVIDER = "Former provider"


def is_sole_trader(provider: Provider) -> bool:
    return provider.provider_type == SOLE_TRADER


def names_of(provider: Provider) -> list[str]:
    """The names that identify a person: the contact, and a sole trader's business name."""
    return [provider.contact_name] + ([provider.name] if is_sole_trader(provider) else [])


def close_listing(provider: Provider, code: str) -> None:
    for service in provider.services:
        if service.status != "removed":
            service.status = "removed"
            queue_reindex(service.id)
        if is_sole_trader(provider):
            service.description, service.accessibility, service.schedule = "", "", ""
    provider.contact_name = provider.contact_email = provider.contact_phone = ""
    if is_sole_trader(provider):
        provider.name = f"{FORMER_PROVIDER} {code}"
        provider.description = provider.user_led_statement = ""
        provider.insurance_details = provider.cqc_registration_number = ""
        provider.website = provider.postcode_district = ""
        provider.dbs_checked_on = provider.insurance_expires_on = None
    db.session.flush()
