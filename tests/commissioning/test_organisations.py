"""A commissioner sets up managed-account organisations and gives their staff accounts. The
people created can then log in."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.budgets.models import ManagedAccountOrganisation, OrganisationMember
from marketplace.extensions import db

ORGANISATION = {
    "name": "Manchester Brokerage",
    "kind": "broker",
    "auto_approve_limit": "£49.99",
    "auto_confirm_days": "10",
    "contact_email": "Team@Brokerage.example.org",
}


def _organisations() -> list[ManagedAccountOrganisation]:
    return list(db.session.scalars(sa.select(ManagedAccountOrganisation)))


def _user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_a_commissioner_creates_an_organisation(client, logged_in_commissioner):
    page = client.post("/commissioning/organisations/new", data=ORGANISATION,
                       follow_redirects=True).get_data(as_text=True)
    assert "“Manchester Brokerage” is set up. Now add its staff." in page
    assert "£49.99" in page and "10 days" in page and "Independent broker" in page
    [organisation] = _organisations()
    assert organisation.auto_approve_limit_pence == 4999
    assert organisation.auto_confirm_days == 10
    assert organisation.contact_email == "team@brokerage.example.org"
    listing = client.get("/commissioning/organisations").get_data(as_text=True)
    assert "Manchester Brokerage" in listing and "£49.99" in listing


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": ""}, "Enter the name of the organisation"),
        ({"kind": "bank"}, "Choose the kind of organisation"),
        ({"auto_approve_limit": "abc"}, "Enter an amount in pounds, like 12 or 12.50"),
        ({"auto_approve_limit": "-5"}, "Enter an amount in pounds, like 12 or 12.50"),
        ({"auto_approve_limit": ""}, "Enter an amount in pounds, or 0"),
        ({"auto_confirm_days": "0"}, "Enter a number of days from 1 to 90"),
        ({"auto_confirm_days": "seven"}, "Enter a whole number of days, like 7"),
        ({"contact_email": "not-an-address"}, "Enter an email address like name@example.org"),
    ],
)
def test_an_invalid_organisation_is_refused_with_a_message(
    client, logged_in_commissioner, overrides, message
):
    response = client.post("/commissioning/organisations/new", data={**ORGANISATION, **overrides})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert _organisations() == []


def test_an_organisation_name_cannot_be_used_twice(client, logged_in_commissioner, organisation):
    response = client.post("/commissioning/organisations/new",
                           data={**ORGANISATION, "name": organisation.name.upper()})
    assert response.status_code == 400
    assert "An organisation with this name already exists" in response.get_data(as_text=True)
    assert len(_organisations()) == 1


def test_a_staff_account_is_created_and_can_log_in(
    client, auth, logged_in_commissioner, organisation
):
    url = f"/commissioning/organisations/{organisation.id}"
    assert "No staff yet." in client.get(url).get_data(as_text=True)
    page = client.post(
        f"{url}/staff",
        data={"display_name": "Alex Approver", "email": "Alex@Example.org",
              "password": "temporary pass 1"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Alex Approver can now log in as alex@example.org" in page
    assert "Alex Approver (alex@example.org)" in page
    alex = _user("alex@example.org")
    assert alex.role == "account_manager"
    member = db.session.scalar(
        sa.select(OrganisationMember).where(OrganisationMember.user_id == alex.id)
    )
    assert member.organisation_id == organisation.id

    auth.logout()
    assert auth.login("alex@example.org", "temporary pass 1").status_code == 302
    # Staff of an organisation are not commissioners.
    assert client.get("/commissioning").status_code == 403


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"password": "too short"}, "Use at least 10 characters"),
        ({"email": "sam@example.org"}, "An account with this email address already exists"),
        ({"email": "sam at example"}, "Enter an email address like name@example.org"),
        ({"display_name": " "}, "Enter the person&#39;s name"),
    ],
)
def test_an_invalid_staff_account_is_refused(client, logged_in_commissioner, organisation, holder,
                                             overrides, message):
    data = {"display_name": "Alex", "email": "alex@example.org", "password": "temporary pass 1"}
    response = client.post(f"/commissioning/organisations/{organisation.id}/staff",
                           data={**data, **overrides})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and f"<h1>{organisation.name}</h1>" in page
    assert _user("alex@example.org") is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OrganisationMember)) == 0


# Commissioners are invited by email (tests/commissioning/test_invitations.py).
