"""A commissioner allocates budgets: the budgets are created, the first instalment is paid in
through the ledger, and the confirmation shows the schedule. Bad input changes nothing."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace.budgets.models import Allocation, Budget, Outcome, SupportPlan
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.times import london_today
from tests.commissioning.conftest import allocation_form, money_rows
from tests.factories import make_user


SPLIT_SHARE = "For a split, enter a direct-payment share between zero"
NO_ORGANISATION = "Choose the organisation that will hold the managed account"


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _budgets() -> list[Budget]:
    return list(db.session.scalars(sa.select(Budget).order_by(Budget.id)))


def test_a_direct_payment_is_allocated_and_the_first_instalment_paid_in(
    client, logged_in_commissioner, holder, stream
):
    response = client.post("/commissioning/allocations/new", data=allocation_form(stream))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    today = london_today()
    assert "The budget is allocated to Sam Holder." in page
    assert "Direct payment: £5,200.00" in page
    assert f"The first instalment of £400.00 was paid in on {_day(today)}." in page
    assert "Paid in so far: <strong>£400.00</strong>" in page
    assert page.count("<td>£400.00</td>") == 13
    assert _day(today + timedelta(weeks=48)) in page
    assert page.count("Not due yet") == 12

    [allocation] = db.session.scalars(sa.select(Allocation)).all()
    assert allocation.created_by_id == logged_in_commissioner.id
    [budget] = _budgets()
    assert (budget.holder_id, budget.route, budget.planned_pence) == (holder.id, "direct", 520_000)
    assert ledger.budget_balances(budget.id) == ledger.BudgetBalances(
        allocated_pence=40_000, spent_pence=0, committed_pence=0, available_pence=40_000
    )
    assert ledger.unbalanced_transactions() == []


def test_a_split_creates_two_budgets_with_the_right_shares(
    client, logged_in_commissioner, holder, stream, organisation
):
    response = client.post(
        "/commissioning/allocations/new",
        data=allocation_form(stream, organisation, route="split", direct_amount="1300"),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    direct, managed = _budgets()
    assert (direct.route, direct.planned_pence, direct.managed_by_id) == ("direct", 130_000, None)
    assert (managed.route, managed.planned_pence, managed.managed_by_id) == (
        "managed", 390_000, organisation.id,
    )
    assert ledger.budget_balances(direct.id).allocated_pence == 10_000
    assert ledger.budget_balances(managed.id).allocated_pence == 30_000
    assert (
        "Split: £1,300.00 direct payment, "
        "£3,900.00 managed account held by Salford Independent Living"
    ) in page
    assert "The first instalment of £100.00 was paid in" in page
    assert "The first instalment of £300.00 was paid in" in page


def test_a_managed_account_starting_later_pays_nothing_in_yet(
    client, logged_in_commissioner, holder, stream, organisation
):
    start = london_today() + timedelta(days=10)
    page = client.post(
        "/commissioning/allocations/new",
        data=allocation_form(stream, organisation, route="managed", period_start=start.isoformat(),
                             period_end=(start + timedelta(weeks=8)).isoformat(), amount="300.01"),
        follow_redirects=True,
    ).get_data(as_text=True)
    [budget] = _budgets()
    assert (budget.route, budget.managed_by_id) == ("managed", organisation.id)
    assert budget.planned_pence == 30_001
    assert ledger.budget_balances(budget.id).allocated_pence == 0
    assert f"The first instalment of £150.01 will be paid in on {_day(start)}." in page
    assert "Managed account held by Salford Independent Living" in page


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"holder_email": "nobody@example.org"},
         "No budget holder has the email address nobody@example.org"),
        ({"holder_email": "provider@example.org"}, "is not a budget holder&#39;s account"),
        ({"holder_email": ""}, "Enter the email address of the budget holder"),
        ({"period_end": london_today().isoformat()},
         "The end of the period must be after its start"),
        ({"period_end": (london_today() - timedelta(days=1)).isoformat()},
         "The end of the period must be after its start"),
        ({"period_end": (london_today() + timedelta(days=6 * 365)).isoformat()},
         "A budget period can be at most 5 years"),
        ({"period_start": "31/02/2026"}, "Enter a real date"),
        ({"route": "split", "direct_amount": "5200"}, SPLIT_SHARE),
        ({"route": "split", "direct_amount": "0"}, SPLIT_SHARE),
        ({"route": "split", "direct_amount": "9000"}, SPLIT_SHARE),
        ({"route": "split", "direct_amount": ""}, SPLIT_SHARE),
        ({"route": "managed", "managed_by": ""}, NO_ORGANISATION),
        ({"route": "split", "managed_by": "", "direct_amount": "100"},
         NO_ORGANISATION),
        ({"route": "cheque"}, "Choose direct payment, managed account or a split"),
        ({"amount": "abc"}, "Enter an amount in pounds, like 12 or 12.50"),
        ({"amount": "0"}, "Enter an amount greater than zero"),
        ({"amount": "12.345"}, "Use no more than 2 decimal places for pence, like 12.50"),
        ({"amount": "99999999"}, "Enter an amount of no more than £9,999,999.99"),
        ({"stream": ""}, "Choose a funding stream"),
        ({"stream": "999999"}, "Choose a funding stream"),
        ({"instalment_every_weeks": "0"}, "Enter a number of weeks from 1 to 52"),
        ({"instalment_every_weeks": "100000000000"}, "Enter a number of weeks from 1 to 52"),
        ({"instalment_every_weeks": "four"}, "Enter a whole number of weeks, like 4"),
    ],
)
def test_invalid_allocations_show_a_message_and_create_nothing(
    client, logged_in_commissioner, holder, stream, organisation, overrides, message
):
    make_user("provider", email="provider@example.org")
    response = client.post(
        "/commissioning/allocations/new", data=allocation_form(stream, organisation, **overrides)
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert money_rows() == {"allocations": 0, "budgets": 0, "instalments": 0, "transactions": 0,
                            "rules": 0}


def test_the_list_shows_who_has_which_budget_but_not_their_plan(
    client, logged_in_commissioner, holder, stream, organisation
):
    plan = SupportPlan(holder_id=holder.id, about_me="I want to get back to swimming")
    plan.outcomes.append(Outcome(text="Feel less alone at weekends"))
    db.session.add(plan)
    db.session.commit()
    client.post("/commissioning/allocations/new",
                data=allocation_form(stream, organisation, route="managed"))
    allocation_id = db.session.scalar(sa.select(Allocation.id))

    listing = client.get("/commissioning/allocations").get_data(as_text=True)
    today = london_today()
    for text in ["Sam Holder", "sam@example.org", "Salford adult social care", "£5,200.00",
                 "Managed account held by Salford Independent Living",
                 f"{_day(today)} to {_day(today + timedelta(weeks=52))}"]:
        assert text in listing
    detail = client.get(f"/commissioning/allocations/{allocation_id}").get_data(as_text=True)
    for page in (listing, detail):
        assert "swimming" not in page and "less alone" not in page


def test_the_form_offers_the_streams_and_organisations(
    client, logged_in_commissioner, stream, organisation
):
    page = client.get("/commissioning/allocations/new").get_data(as_text=True)
    assert f'<option value="{stream.id}">Salford adult social care</option>' in page
    assert f'<option value="{organisation.id}">Salford Independent Living</option>' in page
    assert 'value="4"' in page
