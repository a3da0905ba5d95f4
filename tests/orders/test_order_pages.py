"""Ordering through the pages, as a budget holder, a supporter, a provider and the staff of the
organisation holding the budget would: what each sees and what each is refused."""
from datetime import datetime, timezone

import sqlalchemy as sa

from marketplace.budgets import plans
from marketplace.budgets import services as budget_services
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders.models import Order
from tests.orders.pages import anonymous, browser, form_token, grant, text


def place(client, market, **changes):
    """Check the order, then press "Place order" with the check page's hidden fields."""
    service_id = market.service.id
    form_page = client.get(f"/services/{service_id}")
    token = form_token(form_page)
    values = market.order_form(token=token, **changes)
    check = client.get(f"/services/{service_id}/order/check", query_string=values)
    assert check.status_code == 200, text(check)
    return client.post(f"/services/{service_id}/order", data=values)


def only_order():
    orders = db.session.scalars(sa.select(Order)).all()
    assert len(orders) == 1
    return orders[0]


def act(client, order, action, **data):
    """Press an order's button, answering "yes" where the page asks first."""
    return client.post(f"/orders/{order.id}/actions/{action}", data={"confirmed": "yes", **data})


def test_the_whole_managed_journey_through_the_pages(app, market):
    sam = browser(app, market.sam)
    service_page = text(sam.get(f"/services/{market.service.id}"))
    assert "Order this" in service_page and "£500.00 available" in service_page

    values = market.order_form(token=form_token(sam.get(f"/services/{market.service.id}")),
                               note_to_provider="Mornings suit me best")
    check = text(sam.get(f"/services/{market.service.id}/order/check", query_string=values))
    assert "Total for this order £100.00" in check
    assert "Left after this order £400.00" in check
    assert "Salford Independent Living, who hold the budget, look at the order and approve it" in check
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0

    placed = sam.post(f"/services/{market.service.id}/order", data=values)
    order = only_order()
    assert placed.status_code == 302 and placed.location.endswith(f"/orders/{order.id}")
    page = text(sam.get(placed.location))
    assert "Waiting for approval by the account holder organisation" in page
    assert "Placed by Sam Patel on" in page and "Mornings suit me best" in page
    assert ledger.budget_balances(market.budget.id).committed_pence == 10_000

    staff = browser(app, market.staff)
    queue = text(staff.get("/managed"))
    assert "Waiting for approval (1)" in queue and f"Order {order.id}: Photography group" in queue
    approved = act(staff, order, "approve", return_to="/managed")
    assert approved.status_code == 302 and approved.location.endswith("/managed")

    bea = browser(app, market.provider_owner)
    inbox = text(bea.get("/provider/orders"))
    assert "New orders: please accept or decline (1)" in inbox and "Sam Patel" in inbox
    assert act(bea, order, "accept", return_to="/provider/orders").status_code == 302
    assert "Accepted: to deliver (1)" in text(bea.get("/provider/orders"))
    assert act(bea, order, "deliver").status_code == 302

    page = text(sam.get(f"/orders/{order.id}"))
    assert "Delivered: please confirm" in page and "Confirm it was delivered" in page
    assert "it is confirmed automatically on" in page
    confirmed = act(sam, order, "confirm")
    assert confirmed.status_code == 302
    page = text(sam.get(f"/orders/{order.id}"))
    assert "Confirmed: the provider will be paid" in page
    for line in ("Approved by Test Account_Manager", "Accepted by Bright Days",
                 "Marked as delivered by Bright Days", "Confirmed as delivered by Sam Patel"):
        assert line in page
    assert ledger.budget_balances(market.budget.id) == ledger.BudgetBalances(50_000, 10_000, 0, 40_000)
    assert "Confirm it was delivered" not in page  # nothing left for Sam to do


def test_an_order_under_the_organisations_limit_is_approved_without_waiting(app, market):
    market.organisation.auto_approve_limit_pence = 10_000
    db.session.commit()
    sam = browser(app, market.sam)
    values = market.order_form(token="token-under-limit", quantity=4)
    check = text(sam.get(f"/services/{market.service.id}/order/check", query_string=values))
    assert "Because it is not more than £100.00, Salford Independent Living approves it automatically" in check
    sam.post(f"/services/{market.service.id}/order", data=values)
    page = text(sam.get(f"/orders/{only_order().id}"))
    assert "Waiting for the provider to accept" in page
    assert "Approved automatically by Pathways" in page
    assert "under the £100.00 limit set by Salford Independent Living" in page


def test_cancelling_gives_the_money_back(app, market):
    sam = browser(app, market.sam)
    place(sam, market, quantity=2)
    order = only_order()
    page = text(sam.get(f"/orders/{order.id}"))
    assert "Cancel this order" in page and "The £50.00 set aside goes back to the budget" in page
    assert act(sam, order, "cancel").status_code == 302
    assert "Status: Cancelled" in text(sam.get(f"/orders/{order.id}"))
    assert ledger.budget_balances(market.budget.id) == ledger.BudgetBalances(50_000, 0, 0, 50_000)
    again = act(sam, order, "cancel")
    assert again.status_code == 409
    assert "so it cannot be cancelled now" in text(again)


def test_a_dispute_needs_a_reason_holds_the_money_and_the_organisation_settles_it(app, market):
    sam, staff, bea = (browser(app, person) for person in (market.sam, market.staff, market.provider_owner))
    place(sam, market, quantity=2)
    order = only_order()
    for client, action in ((staff, "approve"), (bea, "accept"), (bea, "deliver")):
        assert act(client, order, action).status_code == 302

    no_reason = act(sam, order, "dispute", note="  ")
    assert no_reason.status_code == 400
    assert "Say what went wrong" in text(no_reason)
    assert act(sam, order, "dispute", note="Nobody came to the session").status_code == 302
    assert "Disputed: money on hold" in text(sam.get(f"/orders/{order.id}"))
    assert ledger.budget_balances(market.budget.id).committed_pence == 5_000

    # Only the organisation settles it.
    assert act(sam, order, "resolve_release").status_code == 403
    assert act(bea, order, "resolve_pay").status_code == 403
    queue = text(staff.get("/managed"))
    assert "Disputes to settle (1)" in queue and "Nobody came to the session" in queue
    assert act(staff, order, "resolve_release", note="Session did not happen").status_code == 302
    page = text(sam.get(f"/orders/{order.id}"))
    assert "Dispute settled: the money went back to the budget by Test Account_Manager" in page
    assert ledger.budget_balances(market.budget.id) == ledger.BudgetBalances(50_000, 0, 0, 50_000)


def test_the_spending_rule_is_shown_in_search_and_on_the_service_page_and_enforced(app, market):
    budget_services.set_spending_rule(market.stream, category="arts",
                                      reason="arts classes are paid for by the arts grant here.")
    db.session.commit()
    notice = "Your Social care budget can't be used for this because arts classes are paid for by the arts grant here."
    sam = browser(app, market.sam)

    results = text(sam.get("/search", query_string={"q": "photography"}))
    assert "Photography group" in results and notice in results
    assert notice not in text(anonymous(app).get("/search", query_string={"q": "photography"}))

    page = sam.get(f"/services/{market.service.id}")
    assert notice in text(page)
    # No form that could only be refused: the page says plainly why.
    assert "Your budgets can't be used for this, so it can't be ordered here" in text(page)
    assert 'name="budget_id"' not in page.get_data(as_text=True)
    assert "Check your order" not in text(page)

    # Bypassing the page: the server refuses and nothing changes.
    refused = sam.post(f"/services/{market.service.id}/order", data=market.order_form(token="bypass-123"))
    assert refused.status_code == 400 and notice in text(refused)
    checked = sam.get(f"/services/{market.service.id}/order/check",
                      query_string=market.order_form(token="bypass-123"))
    assert checked.status_code == 400 and notice in text(checked)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
    assert ledger.budget_balances(market.budget.id).available_pence == 50_000


def test_not_enough_money_and_a_bad_quantity_are_shown_beside_the_fields(app, market):
    sam = browser(app, market.sam)
    url = f"/services/{market.service.id}/order"
    too_much = market.order_form(token="too-much-1", quantity=21)
    checked = sam.get(url + "/check", query_string=too_much)
    message = "There is not enough left in this budget: £500.00 is available and this order costs £525.00."
    assert checked.status_code == 400 and message in text(checked)
    posted = sam.post(url, data=too_much)
    assert posted.status_code == 400 and message in text(posted)
    assert 'href="#budget_id"' in posted.get_data(as_text=True)

    for quantity, words in (("0", "Enter a number from 1 to 500"),
                            ("99999999999", "Enter a number from 1 to 500"),
                            ("lots", "Enter how many as a whole number, like 4"),
                            ("", "Enter how many you want")):
        response = sam.post(url, data=market.order_form(token="bad-quantity", quantity=quantity))
        assert response.status_code == 400 and words in text(response)
        # A screen reader hears the problem in the page title first.
        assert "<title>Error: Order " in response.get_data(as_text=True)
    wrong_dates = sam.post(url, data=market.order_form(token="bad-dates-1", starts_on="2026-06-02",
                                                        ends_on="2026-06-01"))
    assert "The end date must be on or after the start date" in text(wrong_dates)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
    assert ledger.budget_balances(market.budget.id).committed_pence == 0


def test_pressing_place_order_twice_makes_one_order(app, market):
    sam = browser(app, market.sam)
    values = market.order_form(token="5b0c8f2e-double-submit")
    first = sam.post(f"/services/{market.service.id}/order", data=values)
    second = sam.post(f"/services/{market.service.id}/order", data=values)
    order = only_order()
    assert first.location == second.location and first.location.endswith(f"/orders/{order.id}")
    assert ledger.budget_balances(market.budget.id).committed_pence == 10_000
    another = sam.post(f"/services/{market.service.id}/order", data=market.order_form(token="a-new-form-1"))
    assert another.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 2


def test_the_order_links_to_an_outcome_in_the_plan(app, market):
    outcome = plans.add_outcome(market.sam, "Get back to photography", actor=market.sam)
    db.session.commit()
    sam = browser(app, market.sam)
    assert "Get back to photography" in text(sam.get(f"/services/{market.service.id}"))
    place(sam, market, outcome_id=outcome.id)
    assert "Outcome it helps with Get back to photography" in text(sam.get(f"/orders/{only_order().id}"))

    other = plans.add_outcome(market.other_holder, "Someone else's outcome", actor=market.other_holder)
    db.session.commit()
    refused = sam.post(f"/services/{market.service.id}/order",
                       data=market.order_form(token="other-outcome", outcome_id=other.id))
    assert refused.status_code == 400 and "Choose one of the outcomes in your plan" in text(refused)


def test_a_supporter_who_may_buy_orders_on_the_holders_behalf(app, market):
    from tests.factories import make_user

    jo = make_user("supporter", name="Jo Broker")
    grant(market.sam, jo, ["buy"])
    client = browser(app, jo)
    page = text(client.get(f"/services/{market.service.id}"))
    assert "Who are you buying for?" in page and "Sam Patel" in page
    form = client.get(f"/services/{market.service.id}/order", query_string={"holder_id": market.sam.id})
    assert form.status_code == 200 and "You are ordering for Sam Patel" in text(form)
    values = market.order_form(token=form_token(form))
    check = text(client.get(f"/services/{market.service.id}/order/check", query_string=values))
    assert "Sam Patel (you are ordering on their behalf)" in check
    placed = client.post(f"/services/{market.service.id}/order", data=values)
    order = only_order()
    assert placed.status_code == 302 and order.placed_by_id == jo.id and order.holder_id == market.sam.id

    history = text(browser(app, market.sam).get(f"/orders/{order.id}"))
    assert "Placed by Jo Broker on behalf of Sam Patel on" in history
    assert f"Order {order.id}: Photography group" in text(client.get(f"/people/{market.sam.id}/orders"))


def test_a_supporter_who_may_only_look_cannot_order(app, market):
    from tests.factories import make_user

    viewer = make_user("supporter", name="Val Viewer")
    grant(market.sam, viewer, ["view"])
    client = browser(app, viewer)
    assert "Order this" not in text(client.get(f"/services/{market.service.id}"))
    url = f"/services/{market.service.id}/order"
    assert client.get(url, query_string={"holder_id": market.sam.id}).status_code == 404
    assert client.get(url + "/check", query_string=market.order_form(token="viewer-123")).status_code == 404
    assert client.post(url, data=market.order_form(token="viewer-123")).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
    # Looking is allowed; acting is not.
    place(browser(app, market.sam), market)
    order = only_order()
    assert client.get(f"/people/{market.sam.id}/orders").status_code == 200
    assert client.get(f"/orders/{order.id}").status_code == 200
    assert act(client, order, "cancel").status_code == 403
    assert only_order().state == "awaiting_approval"


def test_people_who_may_not_see_an_order_get_not_found(app, market):
    place(browser(app, market.sam), market)
    order = only_order()
    from tests.factories import make_user

    unrelated_supporter = make_user("supporter")
    for stranger in (market.other_holder, market.other_provider_owner, market.other_staff,
                     market.commissioner, unrelated_supporter):
        client = browser(app, stranger)
        assert client.get(f"/orders/{order.id}").status_code == 404, stranger.role
        for action in ("approve", "cancel", "accept", "resolve_release"):
            assert act(client, order, action).status_code == 404, (stranger.role, action)
    other_bea = browser(app, market.other_provider_owner)
    assert other_bea.get(f"/provider/orders/{order.id}/invoice").status_code == 404
    assert "Photography group" not in text(other_bea.get("/provider/orders"))
    assert browser(app, market.sam).get(f"/provider/orders/{order.id}/invoice").status_code == 403
    assert browser(app, market.staff).get(f"/provider/orders/{order.id}/invoice").status_code == 403
    assert "Sam Patel" not in text(browser(app, market.other_staff).get("/managed"))
    nobody = anonymous(app).get(f"/orders/{order.id}")
    assert nobody.status_code == 302 and "/login" in nobody.location
    assert db.session.get(Order, order.id).state == "awaiting_approval"


def test_nobody_takes_an_action_that_is_not_theirs(app, market):
    place(browser(app, market.sam), market)
    order = only_order()
    sam, bea = browser(app, market.sam), browser(app, market.provider_owner)
    assert act(bea, order, "approve").status_code == 403
    assert act(sam, order, "approve").status_code == 403
    assert act(sam, order, "payment_succeeded").status_code == 404
    assert act(sam, order, "no-such-thing").status_code == 404
    refused = act(bea, order, "accept")
    assert refused.status_code == 409 and "cannot be accepted now" in text(refused)
    assert db.session.get(Order, order.id).state == "awaiting_approval"


def test_my_orders_can_be_filtered_by_state(app, market):
    sam = browser(app, market.sam)
    place(sam, market, quantity=1)
    first = only_order()
    act(sam, first, "cancel")
    place(sam, market, quantity=2)
    everything = text(sam.get("/orders"))
    assert everything.count("Photography group") == 2
    cancelled = text(sam.get("/orders", query_string={"state": "cancelled"}))
    assert f"Order {first.id}: Photography group" in cancelled and cancelled.count("Photography group") == 1
    bad = sam.get("/orders", query_string={"state": "lost"})
    assert bad.status_code == 400 and "Choose one of the kinds of order in the list" in text(bad)
    assert "There are no orders yet" in text(browser(app, market.other_holder).get("/orders"))
    assert browser(app, market.other_holder).get(f"/people/{market.sam.id}/orders").status_code == 404


def test_the_provider_invoice_has_what_a_finance_team_needs(app, market, clock):
    clock.set(datetime(2026, 5, 20, 9, 0, tzinfo=timezone.utc))
    place(browser(app, market.sam), market, starts_on="2026-06-01", ends_on="2026-06-22")
    order = only_order()
    page = browser(app, market.provider_owner).get(f"/provider/orders/{order.id}/invoice")
    words = text(page)
    assert page.status_code == 200
    for expected in (f"Invoice PW-{order.id:06d}", "Bright Days", "0161 496 0000", "Sam Patel",
                     "Photography group", "£25.00 per session", "Total £100.00",
                     "1 June 2026 to 22 June 2026",
                     "Paid through Pathways from a managed account held by Salford Independent Living"):
        assert expected in words
    assert market.sam.email not in words


def test_an_order_cannot_start_in_the_past_or_years_ahead(app, market, clock):
    clock.set(datetime(2026, 5, 20, 9, 0, tzinfo=timezone.utc))
    sam = browser(app, market.sam)
    url = f"/services/{market.service.id}/order"
    for starts_on, message in (("2019-06-01", "The start date cannot be in the past"),
                               ("2026-05-19", "The start date cannot be in the past"),
                               ("2030-06-01", "Enter a start date within the next 2 years")):
        response = sam.post(url, data=market.order_form(token=f"dates-{starts_on}",
                                                        starts_on=starts_on))
        assert response.status_code == 400 and message in text(response), starts_on
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
    assert place(sam, market, starts_on="2026-05-20").status_code == 302


def test_cancel_and_dispute_ask_first_and_say_what_happens_to_the_money(app, market):
    sam = browser(app, market.sam)
    place(sam, market)
    order = only_order()
    asked = sam.post(f"/orders/{order.id}/actions/cancel", data={})
    words = text(asked)
    assert asked.status_code == 200
    assert "Are you sure you want to cancel this order?" in words
    assert "The £100.00 set aside goes back to the budget and the provider is told." in words
    assert "No, go back to the order" in words
    db.session.expire_all()
    assert only_order().state == "awaiting_approval"
    assert ledger.budget_balances(market.budget.id).committed_pence == 10_000
    assert "Yes, cancel this order" in words and 'name="confirmed" value="yes"' in asked.get_data(as_text=True)
    assert act(sam, order, "cancel").status_code == 302
    db.session.expire_all()
    assert only_order().state == "cancelled"


def test_a_dispute_on_a_direct_payment_names_who_decides(app, market):
    """No organisation holds a direct payment: the council's team decides its disputes."""
    from marketplace.orders.action_wording import ACTIONS
    from tests.factories import make_funded_budget

    direct = make_funded_budget(market.sam, amount_pence=20_000, route="direct")
    browser(app, market.sam).post(f"/services/{market.service.id}/order", data=market.order_form(
        token="direct-dispute-1", budget_id=direct.id, quantity=1))
    explanation = ACTIONS["dispute"].explain(only_order())
    assert explanation == ("The £25.00 is held, not paid, until the council's direct payments "
                           "team decides what should happen.")


def test_the_invoice_of_a_cancelled_order_asks_for_nothing(app, market):
    place(browser(app, market.sam), market)
    order = only_order()
    assert act(browser(app, market.sam), order, "cancel").status_code == 302
    words = text(browser(app, market.provider_owner).get(f"/provider/orders/{order.id}/invoice"))
    assert "Cancelled: there is nothing to pay" in words
    assert "To pay (cancelled) £0.00" in words
    assert "Total £100.00" not in words


def test_a_direct_payment_order_goes_on_to_card_payment(app, market):
    from tests.factories import make_funded_budget

    direct = make_funded_budget(market.sam, amount_pence=20_000, route="direct")
    sam = browser(app, market.sam)
    placed = sam.post(f"/services/{market.service.id}/order",
                      data=market.order_form(token="direct-order-1", budget_id=direct.id, quantity=1))
    order = only_order()
    assert order.state == "awaiting_payment" and order.route == "direct"
    if "payments.pay_order" in app.view_functions:
        assert placed.location.endswith(f"/orders/{order.id}/pay")
    else:
        assert placed.location.endswith(f"/orders/{order.id}")
        assert "Card payment is not available on Pathways yet" in text(sam.get(placed.location))
    assert ledger.budget_balances(direct.id).committed_pence == 2_500
