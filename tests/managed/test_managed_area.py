"""The managed-account organisation's staff area: approvals, refusals, the accounts it holds,
its settings, and nothing of any other organisation."""
import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.orders.services import OrderRequest
from tests.factories import make_funded_budget, make_user
from tests.orders.pages import anonymous, browser, text


def placed_order(market, quantity=4):
    order = orders.place_order(market.sam, market.sam.id,
                               OrderRequest(market.budget.id, market.service.id, quantity))
    db.session.commit()
    return order


def test_staff_refuse_an_order_with_a_reason_the_holder_can_read(app, market):
    order = placed_order(market)
    staff = browser(app, market.staff)
    url = f"/orders/{order.id}/actions/reject"
    no_reason = staff.post(url, data={"note": "", "return_to": "/managed"})
    assert no_reason.status_code == 400 and "Say why you are refusing this order" in text(no_reason)
    assert db.session.get(Order, order.id).state == "awaiting_approval"

    refused = staff.post(url, data={"note": "Please ask your broker about the arts grant first",
                                    "return_to": "/managed"})
    assert refused.status_code == 302 and refused.location.endswith("/managed")
    assert "There are no orders waiting for approval" in text(staff.get("/managed"))
    page = text(browser(app, market.sam).get(f"/orders/{order.id}"))
    assert "Not approved by Test Account_Manager" in page
    assert "Please ask your broker about the arts grant first" in page
    assert ledger.budget_balances(market.budget.id) == ledger.BudgetBalances(50_000, 0, 0, 50_000)


@pytest.mark.parametrize("target", ["//evil.example.org/", "/\t/evil.invalid/", "/\\evil.invalid",
                                    "https://evil.invalid/", "/\n/evil.invalid"])
def test_return_to_never_leaves_the_site(app, market, target):
    order = placed_order(market)
    approved = browser(app, market.staff).post(f"/orders/{order.id}/actions/approve",
                                               data={"return_to": target})
    assert approved.status_code == 302 and approved.location.endswith(f"/orders/{order.id}")


def test_the_accounts_page_shows_each_held_budget_from_the_ledger(app, market):
    placed_order(market, quantity=4)
    ali = make_user("holder", name="Ali Khan")
    make_funded_budget(ali, amount_pence=30_000, organisation=market.organisation)
    make_funded_budget(market.other_holder, amount_pence=99_900, organisation=market.other_organisation)
    page = text(browser(app, market.staff).get("/managed/accounts"))
    assert "Ali Khan" in page and "£300.00" in page
    assert "Sam Patel Social care £500.00 £0.00 £100.00 £400.00" in page
    assert "Total £800.00 £0.00 £100.00 £700.00" in page
    assert "Ola Other" not in page and "£999.00" not in page


def test_staff_set_the_auto_approve_limit_and_the_confirm_days(app, market):
    staff = browser(app, market.staff)
    form = staff.get("/managed/settings")
    assert 'value="0.00"' in form.get_data(as_text=True)
    saved = staff.post("/managed/settings", data={"auto_approve_limit": "120.50", "auto_confirm_days": "3"})
    assert saved.status_code == 302
    db.session.refresh(market.organisation)
    assert market.organisation.auto_approve_limit_pence == 12_050
    assert market.organisation.auto_confirm_days == 3
    assert "Orders up to £120.50 are approved automatically" in text(staff.get("/managed"))

    # The new limit applies to the next order.
    assert placed_order(market, quantity=4).state == "awaiting_provider"

    for values, message in (
        ({"auto_approve_limit": "lots", "auto_confirm_days": "3"}, "Enter an amount in pounds"),
        ({"auto_approve_limit": "20000", "auto_confirm_days": "3"}, "Enter an amount from £0 to £10,000"),
        ({"auto_approve_limit": "10", "auto_confirm_days": "0"}, "Enter a number of days from 1 to 60"),
        ({"auto_approve_limit": "10", "auto_confirm_days": "a week"}, "Enter a whole number of days"),
    ):
        refused = staff.post("/managed/settings", data=values)
        assert refused.status_code == 400 and message in text(refused), values
    db.session.refresh(market.organisation)
    assert market.organisation.auto_approve_limit_pence == 12_050


def test_only_this_organisations_staff_see_its_orders(app, market):
    order = placed_order(market)
    other = browser(app, market.other_staff)
    page = text(other.get("/managed"))
    assert "Bolton Money Help" in page and "Photography group" not in page
    assert "Sam Patel" not in text(other.get("/managed/accounts"))
    assert other.get(f"/orders/{order.id}").status_code == 404
    assert other.post(f"/orders/{order.id}/actions/approve").status_code == 404
    assert db.session.get(Order, order.id).state == "awaiting_approval"


def test_the_area_is_for_staff_of_an_organisation_only(app, market):
    for person in (market.sam, market.provider_owner, market.commissioner):
        client = browser(app, person)
        for path in ("/managed", "/managed/accounts", "/managed/settings"):
            assert client.get(path).status_code == 403, (person.role, path)
    loose = browser(app, make_user("account_manager"))
    assert loose.get("/managed").status_code == 404
    assert loose.post("/managed/settings", data={"auto_approve_limit": "999", "auto_confirm_days": "1"}).status_code == 404
    assert anonymous(app).get("/managed").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
