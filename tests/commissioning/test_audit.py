"""The audit log: money movements, commissioners' actions and supporters' access, filtered by
London days and kind, paged, and downloadable as CSV. It names no budget holder or supporter
and nothing anyone bought: budgets appear as reference numbers only. Commissioners only."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest

from marketplace.accounts import supporters
from marketplace.commissioning import editing
from marketplace.commissioning.audit import PER_PAGE, budget_reference
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from tests.factories import make_user
from tests.orders.pages import Market, grant

#: What must never appear: the people, their contact details and what they bought.
PRIVATE = ["Sam Patel", "Bea Bright", "Jo Broker", "Photography group", "Bright Days",
           "my broker", "@example.org"]


@pytest.fixture
def market(app):
    """Sam's £500 managed budget; Jo, Sam's supporter, orders four sessions (£100) for Sam and
    later loses access; a commissioner raises the organisation's limit."""
    market = Market()
    jo = make_user("supporter", name="Jo Broker", email="jo@example.org")
    consent = grant(market.sam, jo, ["view", "buy"])
    market.order = orders.place_order(
        jo, market.sam.id, OrderRequest(market.budget.id, market.service.id, quantity=4))
    supporters.revoke_grant(market.sam, consent.id)
    db.session.commit()
    market.consent = consent
    return market


def _text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _log_in_commissioner(auth, market):
    market.commissioner.display_name = "Cara Commissioner"
    db.session.commit()
    auth.login(market.commissioner.email)


def test_money_movements_show_amounts_streams_and_organisations_but_no_people(
        client, auth, market):
    _log_in_commissioner(auth, market)
    page = _text(client.get("/commissioning/audit?kind=money"))
    reference = budget_reference(market.budget.id)
    assert "Paid into a budget from its funding stream" in page
    assert "Set aside for an order or pool pledge" in page
    assert f"{reference}: Social care, held by Salford Independent Living" in page
    assert "£500.00" in page and "£100.00" in page
    assert "A supporter for the budget holder" in page  # who, by role only
    assert "Supporters’ access</td>" not in page and "Commissioners’ actions</td>" not in page
    assert "reference number only" in page
    for private in PRIVATE:
        assert private not in page, private


def test_commissioners_actions_name_the_commissioner_only(client, auth, market):
    _log_in_commissioner(auth, market)
    client.post(f"/commissioning/organisations/{market.organisation.id}/edit", data={
        "name": "Salford Independent Living", "kind": "ulo", "auto_approve_limit": "40",
        "auto_confirm_days": "7", "contact_email": ""})
    page = _text(client.get("/commissioning/audit?kind=commissioners"))
    assert ("Changed the organisation Salford Independent Living: Approves orders up to from "
            "“Never: every order by hand” to “£40.00”") in page
    assert "Cara Commissioner" in page
    assert "Allocated a budget from Social care, paid in instalments" in page
    assert budget_reference(market.budget.id) in page
    assert "Paid into a budget" not in page
    for private in PRIVATE:
        assert private not in page, private


def test_supporters_access_is_shown_by_reference_without_names(client, auth, market):
    _log_in_commissioner(auth, market)
    page = _text(client.get("/commissioning/audit?kind=supporters"))
    consent = f"Consent C-{market.consent.id:05d}"
    assert ("A budget holder invited a supporter, who may: see budget, statement, plan and "
            f"orders; order and pay for support from budget ({consent})") in page
    assert f"A supporter accepted an invitation and can now act for a budget holder ({consent})" \
        in page
    assert f"A budget holder stopped a supporter’s access ({consent})" in page
    assert "A supporter placed an order for a budget holder" in page
    assert budget_reference(market.budget.id) in page
    assert "or looks at a budget, plan or orders" in page
    assert "£" not in page.split("<tbody>")[1].split("</tbody>")[0]
    for private in PRIVATE:
        assert private not in page, private


def test_the_period_is_in_london_days(client, auth, market, clock):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    clock.set(datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc))
    editing.edit_organisation(market.organisation, name="Midsummer Living", kind="ulo",
                              auto_approve_limit_pence=0, auto_confirm_days=7, contact_email="",
                              actor=market.commissioner)
    db.session.commit()
    clock.set(datetime(2026, 7, 2, 12, 0, tzinfo=timezone.utc))
    _log_in_commissioner(auth, market)
    first_of_july = _text(client.get("/commissioning/audit?start=2026-07-01&end=2026-07-01"))
    assert "Midsummer Living" in first_of_july and "1 entry" in first_of_july
    assert "Midsummer Living" not in _text(
        client.get("/commissioning/audit?start=2026-06-30&end=2026-06-30"))
    # The market's own rows are from today (2 July), outside both days.
    assert "Paid into a budget" not in first_of_july


def test_the_log_is_paged(client, auth, market):
    for number in range(PER_PAGE + 5):
        editing.edit_organisation(market.organisation, name=f"Name {number}", kind="ulo",
                                  auto_approve_limit_pence=0, auto_confirm_days=7,
                                  contact_email="", actor=market.commissioner)
    db.session.commit()
    _log_in_commissioner(auth, market)
    first = _text(client.get("/commissioning/audit?kind=commissioners"))
    assert "Page 1 of 2" in first and "Next page" in first
    assert f"Name {PER_PAGE + 4}</td>" not in first  # changes read "to “Name 54”"
    assert "to “Name 54”" in first and "to “Name 5”" in first and "to “Name 4”" not in first
    second = _text(client.get("/commissioning/audit?kind=commissioners&page=2"))
    assert "Page 2 of 2" in second and "Previous page" in second
    assert "to “Name 4”" in second and "Allocated a budget" in second
    assert first.count("<tr>") - 1 == PER_PAGE


def test_the_csv_holds_every_entry_without_names(client, auth, market):
    _log_in_commissioner(auth, market)
    response = client.get("/commissioning/audit.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["When (London)", "Kind", "What", "Amount"]
    kinds = {row[1] for row in rows[1:]}
    assert kinds == {"Money movements", "Commissioners’ actions", "Supporters’ access"}
    page = _text(client.get("/commissioning/audit"))
    assert f"{len(rows) - 1} entries" in page
    assert ["£500.00"] == [row[3] for row in rows if row[2].startswith("Paid into a budget")]
    for private in PRIVATE:
        assert private not in response.get_data(as_text=True), private


def test_a_wrong_filter_is_refused(client, auth, market):
    _log_in_commissioner(auth, market)
    response = client.get("/commissioning/audit?start=2026-07-02&end=2026-07-01")
    assert response.status_code == 400
    assert "must be the same as or after" in response.get_data(as_text=True)
    assert client.get("/commissioning/audit?kind=people").status_code == 400
    assert client.get("/commissioning/audit.csv?kind=people").status_code == 400


@pytest.mark.parametrize("role", ["holder", "provider", "supporter", "account_manager", None])
def test_only_commissioners_read_the_audit_log(client, auth, market, role):
    if role:
        auth.login(make_user(role).email)
    for url in ("/commissioning/audit", "/commissioning/audit.csv"):
        response = client.get(url)
        if role:
            assert response.status_code == 403, url
        else:
            assert response.status_code == 302 and "/login" in response.headers["Location"]
