"""Test data builders. They go through the domain services where those exist, so the index
outbox and every rule are exercised as in real use. Callers get committed objects."""
from __future__ import annotations

import itertools

from marketplace.accounts import services as account_services
from marketplace.extensions import db
from marketplace.times import london_today, utcnow

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def make_user(role: str = "holder", *, email: str | None = None, name: str | None = None,
              verified: bool = True):
    """A person; their email address counts as confirmed unless verified=False (a new
    account that has not opened its link yet, and may not buy, pledge, list or message)."""
    number = next(_sequence)
    user = account_services.register_user(
        email=email or f"{role}{number}@example.org",
        password=PASSWORD,
        display_name=name or f"Test {role.title()} {number}",
        role=role,
    )
    if verified:
        user.email_verified_at = utcnow()
    db.session.commit()
    return user


def make_provider(owner=None, **fields):
    from marketplace.providers.models import Provider

    owner = owner or make_user("provider")
    values = {
        "name": f"{owner.display_name}'s Support",
        "provider_type": "micro-enterprise",
        "description": "Local support run by people who know the area.",
        "staff_count": 3,
        "local_authority": "salford",
        "contact_email": owner.email,
    }
    values.update(fields)
    provider = Provider(owner=owner, **values)
    db.session.add(provider)
    db.session.commit()
    return provider


def make_service(provider=None, **fields):
    from marketplace.providers.models import Service
    from marketplace.search.outbox import queue_reindex

    provider = provider or make_provider()
    values = {
        "title": "Peer support group",
        "description": "A friendly weekly group where people share what helps them stay well.",
        "category": "peer-support",
        "delivery_modes": ["in-person"],
        "local_authorities": ["salford"],
        "postcode_districts": [],
        "languages": ["en"],
        "specialisms": [],
        "tags": [],
        "secondary_categories": [],
        "price_pence": 1500,
        "price_unit": "session",
    }
    values.update(fields)
    service = Service(provider=provider, **values)
    db.session.add(service)
    db.session.flush()
    queue_reindex(service.id)
    db.session.commit()
    return service


def make_funded_budget(holder=None, *, amount_pence: int = 100_000, route: str = "managed",
                       organisation=None, stream=None, auto_approve_limit_pence: int = 0):
    """A budget holding amount_pence now: one instalment covering the whole period."""
    from datetime import timedelta

    from marketplace.budgets import services as budgets

    holder = holder or make_user("holder")
    commissioner = make_user("commissioner")
    stream = stream or budgets.create_funding_stream(
        name=f"Social care {next(_sequence)}", kind="social_care"
    )
    if route == "managed" and organisation is None:
        organisation = budgets.create_managed_account_organisation(
            name=f"Holding Organisation {next(_sequence)}",
            auto_approve_limit_pence=auto_approve_limit_pence,
        )
    today = london_today()
    allocation = budgets.allocate_budget(
        holder=holder, stream=stream, total_pence=amount_pence, period_start=today,
        period_end=today + timedelta(days=7), instalment_every_weeks=4, route=route,
        managed_by=organisation if route == "managed" else None, allocated_by=commissioner,
        today=today,
    )
    db.session.commit()
    return allocation.budgets[0]


def make_account_manager(organisation, *, email: str | None = None):
    from marketplace.budgets.models import OrganisationMember

    user = make_user("account_manager", email=email)
    db.session.add(OrganisationMember(organisation_id=organisation.id, user_id=user.id))
    db.session.commit()
    return user
