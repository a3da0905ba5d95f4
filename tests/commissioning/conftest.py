"""Helpers for the commissioners' pages: a logged-in commissioner, funding streams,
organisations and allocations built through the domain services, and the market tests' two
ways to their figures (live, or through the worker's summaries)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.budgets import services as budget_services
from marketplace.budgets.models import Allocation, Budget, Instalment, SpendingRule
from marketplace.extensions import db
from marketplace.ledger.models import LedgerTransaction
from marketplace.times import london_today
from tests.factories import make_user


@pytest.fixture
def commissioner(app):
    return make_user("commissioner", name="Cara Commissioner")


@pytest.fixture
def logged_in_commissioner(client, auth, commissioner):
    assert auth.login(commissioner.email).status_code == 302
    return commissioner


@pytest.fixture
def holder(app):
    return make_user("holder", email="sam@example.org", name="Sam Holder")


@pytest.fixture
def stream(app):
    stream = budget_services.create_funding_stream(
        name="Salford adult social care", kind="social_care"
    )
    db.session.commit()
    return stream


@pytest.fixture
def organisation(app):
    organisation = budget_services.create_managed_account_organisation(
        name="Salford Independent Living", kind="ulo", auto_approve_limit_pence=5000
    )
    db.session.commit()
    return organisation


def allocation_form(stream, organisation=None, /, **overrides) -> dict:
    """A valid direct-payment allocation starting today: £5,200 over 52 weeks, every 4 weeks,
    so 13 instalments of £400. An override of None leaves the field out."""
    today = london_today()
    data = {
        "holder_email": "sam@example.org",
        "stream": str(stream.id),
        "amount": "5200",
        "period_start": today.isoformat(),
        "period_end": (today + timedelta(weeks=52)).isoformat(),
        "instalment_every_weeks": "4",
        "route": "direct",
        "managed_by": str(organisation.id) if organisation else "",
        "direct_amount": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def money_rows() -> dict[str, int]:
    """How many rows of each kind the allocation pages could have written."""
    return {
        name: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for name, model in [
            ("allocations", Allocation), ("budgets", Budget), ("instalments", Instalment),
            ("transactions", LedgerTransaction), ("rules", SpendingRule),
        ]
    }


@pytest.fixture(params=["live", "summarised"])
def figures_from(request) -> str:
    """Market tests run twice: with every figure worked out live, and with the worker's
    summaries made once the fixture's data is in (figures then come from the summaries and
    the live tail together, and must be the same)."""
    return request.param

