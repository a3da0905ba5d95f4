"""Helpers for the provider-area tests: valid form submissions and a logged-in provider."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.search.models import IndexOutboxEntry
from marketplace.times import london_today
from tests.factories import make_provider, make_user


def profile_form(**overrides) -> dict:
    """A complete, valid organisation profile; an override of None leaves the field out
    (an unticked checkbox)."""
    data = {
        "name": "Salford Peer Voices",
        "provider_type": "ulo",
        "description": "We run peer groups.\n\nEveryone is welcome.",
        "is_user_led": "y",
        "user_led_statement": "Seven of our nine trustees use our groups.",
        "staff_count": "4",
        "dbs_checked_on": "",
        "has_insurance": "y",
        "insurance_details": "Public liability, £5 million",
        "insurance_expires_on": (london_today() + timedelta(days=200)).isoformat(),
        "cqc_registration_number": "",
        "contact_name": "Jo Bloggs",
        "contact_email": "Jo@Example.org",
        "contact_phone": "0161 496 0000",
        "website": "www.example.org",
        "local_authority": "salford",
        "postcode_district": "m6",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def service_form(**overrides) -> dict:
    """A complete, valid service listing; an override of None leaves the field out."""
    data = {
        "title": "Photography walks",
        "description": "We walk and take photographs together.\n\nCameras can be borrowed.",
        "category": "arts",
        "secondary_categories": ["sport-fitness", "befriending"],
        "tags": "Cameras, photos ,  cameras, Photo Walks",
        "delivery_modes": ["in-person"],
        "local_authorities": ["salford"],
        "postcode_districts": "m14, SK4 2AB",
        "languages": ["en", "ur"],
        "specialisms": ["men"],
        "accessibility": "Step-free routes only.",
        "schedule": "Saturdays 10am to noon",
        "weekends": "y",
        "price": "12.50",
        "price_unit": "session",
        "is_group": "y",
        "capacity": "8",
        "poolable": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def outbox_service_ids() -> list[int]:
    return list(db.session.scalars(sa.select(IndexOutboxEntry.service_id)))


@pytest.fixture
def provider_user(app):
    return make_user("provider")


@pytest.fixture
def provider(provider_user):
    return make_provider(provider_user)


@pytest.fixture
def logged_in_provider(client, auth, provider):
    """The client, logged in as the owner of `provider`."""
    assert auth.login(provider.owner.email).status_code == 302
    return provider


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """Service ids the provider domain queued for reindexing, in order. The real queue_reindex
    still runs; recording the calls keeps these tests independent of when the search area
    applies (and clears) outbox entries after commit."""
    from marketplace.providers import services as provider_services

    ids: list[int] = []
    original = provider_services.queue_reindex

    def recording(service_id: int) -> None:
        ids.append(service_id)
        original(service_id)

    monkeypatch.setattr(provider_services, "queue_reindex", recording)
    return ids
