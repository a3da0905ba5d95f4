"""Fixtures for the feed's tests: the Open Referral UK schemas as offline validators, and a
small market with one of everything the feed maps.

The schemas are the UK profile 3.0's, copied into uk-profile/ beside this file (ORUK_SCHEMAS
names another copy). Their $refs name raw
GitHub addresses; the registry's retrieve function reads the same path from the local copy,
so validation never touches the network.
"""
from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from marketplace.extensions import db
from marketplace.providers import services as providers
from marketplace.times import london_today
from tests.factories import make_provider, make_service, make_user

UK_PROFILE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
OPENAPI = UK_PROFILE + "openapi.json"


def _schemas_folder() -> Path:
    named = os.environ.get("ORUK_SCHEMAS")
    return Path(named) if named else Path(__file__).with_name("uk-profile") / "schema"


SCHEMAS = _schemas_folder()


def _retrieve(uri: str) -> Resource:
    if not uri.startswith(UK_PROFILE):
        raise LookupError(f"{uri} is not one of the UK profile's schemas (no network here)")
    contents = json.loads((SCHEMAS / uri[len(UK_PROFILE):]).read_text(encoding="utf-8"))
    return Resource.from_contents(contents, default_specification=DRAFT202012)


REGISTRY = Registry(retrieve=_retrieve)
FORMATS = FormatChecker()
FORMATS.checkers.update(Draft202012Validator.FORMAT_CHECKER.checkers)


@FORMATS.checks("uri")
def _is_uri(value) -> bool:
    # jsonschema checks "uri" only with an optional package; a web address is what we send.
    parts = urlsplit(value) if isinstance(value, str) else None
    return parts is None or (parts.scheme in ("http", "https") and bool(parts.netloc))


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def response_schema(path: str) -> dict:
    """The 200 response schema the UK profile's OpenAPI document gives `path`."""
    return {"$ref": f"{OPENAPI}#/" + _pointer("paths", path, "get", "responses", "200",
                                             "content", "application/json", "schema")}


def problems(schema: dict, body) -> list[str]:
    validator = Draft202012Validator(schema, registry=REGISTRY, format_checker=FORMATS)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(body)]


def check(schema: dict, body) -> None:
    found = problems(schema, body)
    assert not found, "\n".join(found[:20])


def compiled(name: str) -> dict:
    return {"$ref": f"{UK_PROFILE}{name}"}


def get_json(client, path: str, status: int = 200):
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


class Market:
    """Seven providers' services: a sole-trader personal assistant, a user-led group, an online
    service with no area, a weekend arts group, a free drop-in, a paused service and a plain
    one; enough for three pages of two."""

    def __init__(self):
        today = london_today()
        self.pa = make_provider(
            make_user("provider", name="Amira Khan"), name="Amira Khan, personal assistant",
            provider_type="personal-assistant", staff_count=1, postcode_district="M13",
            local_authority="manchester", dbs_checked_on=today - timedelta(days=30),
            contact_name="Amira Khan", contact_phone="07700 900123",
            contact_email="amira.pa@example.org")
        self.pa_service = make_service(
            self.pa, title="Personal assistant for days out", category="personal-assistance",
            postcode_districts=["M14", "M20"], local_authorities=[], languages=["en", "ur"],
            schedule="Weekdays, 8am to 7pm", evenings=True, price_pence=1650,
            price_unit="hour", accessibility="I drive and can help with a wheelchair.")
        self.ulo = make_provider(
            name="Salford Peer Voices", provider_type="ulo", is_user_led=True,
            user_led_statement="Seven of our nine trustees use our groups.", staff_count=4,
            has_insurance=True, insurance_details="Public liability",
            insurance_expires_on=today + timedelta(days=200), contact_name="Jo Bloggs",
            website="https://peer-voices.example.org")
        self.group = make_service(
            self.ulo, title="Young people's evening peer group", local_authorities=["salford"],
            schedule="Tuesdays, 6pm to 8pm", evenings=True, is_group=True, capacity=10,
            poolable=True, specialisms=["young-people", "lgbt"],
            secondary_categories=["befriending"], tags=["lonely", "friends"])
        self.online = make_service(
            make_provider(name="Talk It Through"), title="Online listening service",
            category="wellbeing", delivery_modes=["online", "phone"], local_authorities=[],
            schedule="Every evening, 6pm to midnight", evenings=True, weekends=True,
            languages=["en", "bsl"], price_pence=0)
        self.arts = make_service(
            make_provider(name="Trafford Makers"), title="Saturday painting group",
            category="arts", secondary_categories=["sport-fitness"],
            local_authorities=["trafford"], schedule="Saturdays, 10am to 1pm", weekends=True,
            specialisms=["women-only"], price_pence=1200)
        self.dropin = make_service(
            make_provider(name="Bury Care Ltd", provider_type="larger-provider",
                          staff_count=40, cqc_registration_number="1-123456789"),
            title="Carers' drop-in", category="carers-support", local_authorities=["bury"],
            schedule="Ready when you are", price_pence=0, price_unit="session")
        self.paused = make_service(make_provider(name="Resting Ltd"), title="Paused walks")
        providers.pause_service(self.paused)
        self.plain = make_service(title="Coffee and chat", local_authorities=["salford"],
                                  category="befriending")
        db.session.commit()
        self.live = [self.pa_service, self.group, self.online, self.arts, self.dropin,
                     self.plain]


@pytest.fixture
def market(app) -> Market:
    return Market()


@pytest.fixture
def feed_id(app):
    """The feed id of a service, provider or other row: feed_id("service", 3)."""
    from marketplace.openreferral import ids

    def make(kind: str, number: int, sub: int = 0) -> str:
        return ids.make(kind, number, sub)

    return make
