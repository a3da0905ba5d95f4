"""Only commissioners reach the commissioning pages: every other role gets 403 and changes
nothing; anonymous people are sent to log in."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.budgets import services as budget_services
from marketplace.budgets.models import FundingStream, ManagedAccountOrganisation
from marketplace.extensions import db
from marketplace.times import london_today
from tests.commissioning.conftest import allocation_form, money_rows
from tests.factories import make_user


@pytest.fixture
def world(commissioner, holder, stream, organisation):
    rule = budget_services.set_spending_rule(
        stream, category="equipment", reason="equipment is provided by the NHS"
    )
    allocation = budget_services.allocate_budget(
        holder=holder, stream=stream, total_pence=10_000, period_start=london_today(),
        period_end=london_today() + timedelta(weeks=8), instalment_every_weeks=4,
        route="direct", allocated_by=commissioner,
    )
    db.session.commit()
    return {"stream": stream, "rule": rule, "organisation": organisation, "allocation": allocation}


def pages(world) -> list[str]:
    return [
        "/commissioning",
        "/commissioning/streams",
        "/commissioning/streams/new",
        f"/commissioning/streams/{world['stream'].id}",
        "/commissioning/organisations",
        "/commissioning/organisations/new",
        f"/commissioning/organisations/{world['organisation'].id}",
        "/commissioning/commissioners",
        "/commissioning/allocations",
        "/commissioning/allocations/new",
        f"/commissioning/allocations/{world['allocation'].id}",
        "/commissioning/market",
        "/commissioning/market/gap?gap_category=peer-support&gap_area=salford",
    ]


def actions(world) -> list[tuple[str, dict]]:
    stream, organisation = world["stream"], world["organisation"]
    account = {
        "display_name": "Mallory", "email": "mallory@example.org", "password": "a long password"
    }
    return [
        ("/commissioning/streams/new", {"name": "Sneaky stream", "kind": "health"}),
        (f"/commissioning/streams/{stream.id}/rules", {"category": "arts", "reason": "no"}),
        (f"/commissioning/streams/{stream.id}/rules/{world['rule'].id}/remove", {}),
        ("/commissioning/organisations/new", {"name": "Sneaky org", "kind": "ulo",
                                              "auto_approve_limit": "0", "auto_confirm_days": "7"}),
        (f"/commissioning/organisations/{organisation.id}/staff", account),
        ("/commissioning/commissioners", account),
        ("/commissioning/allocations/new", allocation_form(stream)),
    ]


def everything_counted() -> dict[str, int]:
    counts = money_rows()
    counts["users"] = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    counts["streams"] = db.session.scalar(sa.select(sa.func.count()).select_from(FundingStream))
    counts["organisations"] = db.session.scalar(
        sa.select(sa.func.count()).select_from(ManagedAccountOrganisation)
    )
    return counts


def test_a_commissioner_sees_every_page(client, logged_in_commissioner, world):
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Commissioning sections" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["holder", "provider", "supporter", "account_manager"])
def test_other_roles_are_refused_and_change_nothing(client, auth, world, role):
    other = make_user(role)
    assert auth.login(other.email).status_code == 302
    before = everything_counted()
    for url in pages(world):
        assert client.get(url).status_code == 403, url
    for url, data in actions(world):
        assert client.post(url, data=data).status_code == 403, url
    assert everything_counted() == before


def test_anonymous_people_are_sent_to_log_in(client, world):
    before = everything_counted()
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]
    for url, data in actions(world):
        response = client.post(url, data=data)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert everything_counted() == before


def test_unknown_records_are_not_found(client, logged_in_commissioner, world):
    for url in ["/commissioning/streams/999999", "/commissioning/organisations/999999",
                "/commissioning/allocations/999999"]:
        assert client.get(url).status_code == 404, url
    other_stream = budget_services.create_funding_stream(name="Other", kind="health")
    db.session.commit()
    # A rule can only be removed through its own stream.
    response = client.post(
        f"/commissioning/streams/{other_stream.id}/rules/{world['rule'].id}/remove"
    )
    assert response.status_code == 404
    assert money_rows()["rules"] == 1
