"""Which support-plan outcome an order is for is special-category data: the holder and the
supporters who may read their plan see it; the provider only when the holder chose, for that
order, to tell them; account managers and commissioners never. The order page, the invoice
and the emails agree (the API is tested in tests/api/test_outcome_privacy_api.py)."""
import sqlalchemy as sa

from marketplace.accounts import supporters
from marketplace.budgets import plans
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.models import Order
from marketplace.orders.services import OrderRequest
from tests.factories import make_funded_budget, make_user
from tests.mail import deliver_emails, emails_to
from tests.orders.pages import browser, form_token, grant, text
from tests.orders.test_order_pages import act, only_order, place

OUTCOME = "Get back to photography"


def _outcome(market):
    outcome = plans.add_outcome(market.sam, OUTCOME, actor=market.sam)
    db.session.commit()
    return outcome


def _approved_order(app, market, **changes):
    """Sam orders through the pages; the organisation's staff approve it (the provider is then
    emailed about the new order)."""
    place(browser(app, market.sam), market, **changes)
    order = only_order()
    assert act(browser(app, market.staff), order, "approve").status_code == 302
    deliver_emails()
    return order


def _seen_by(app, user, url):
    response = browser(app, user).get(url)
    return response.status_code, text(response)


def test_the_order_form_offers_to_tell_the_provider_and_the_choice_is_kept(app, market):
    outcome = _outcome(market)
    sam = browser(app, market.sam)
    form = text(sam.get(f"/services/{market.service.id}"))
    assert "Tell the provider what this is for" in form
    assert ("Otherwise only you and your supporters see which outcome in the plan this order "
            "is for.") in form

    values = market.order_form(token=form_token(sam.get(f"/services/{market.service.id}")),
                               outcome_id=outcome.id, outcome_shared="y")
    check = text(sam.get(f"/services/{market.service.id}/order/check", query_string=values))
    assert "Tell the provider what this is for Yes: Bright Days will see this outcome" in check
    assert sam.post(f"/services/{market.service.id}/order", data=values).status_code == 302
    order = only_order()
    assert order.outcome_shared is True
    assert "Told to the provider Yes: Bright Days can see this outcome" in text(
        sam.get(f"/orders/{order.id}"))

    # The same form sent again with the other choice is another order, not this one.
    again = sam.post(f"/services/{market.service.id}/order",
                     data={**values, "outcome_shared": ""})
    assert again.status_code == 400 and "already placed from this form" in text(again)


def test_not_telling_the_provider_is_the_default(app, market):
    outcome = _outcome(market)
    sam = browser(app, market.sam)
    values = market.order_form(token="not-shared-1", outcome_id=outcome.id)
    check = text(sam.get(f"/services/{market.service.id}/order/check", query_string=values))
    assert "Tell the provider what this is for No: only you and your supporters see it" in check
    sam.post(f"/services/{market.service.id}/order", data=values)
    assert only_order().outcome_shared is False


def test_a_supporter_ordering_is_told_who_else_sees_the_outcome(app, market):
    _outcome(market)
    jo = make_user("supporter", name="Jo Broker")
    grant(market.sam, jo, ["buy"])
    form = text(browser(app, jo).get(f"/services/{market.service.id}/order",
                                     query_string={"holder_id": market.sam.id}))
    assert ("Otherwise only Sam Patel and their supporters see which outcome in the plan this "
            "order is for.") in form


def test_telling_the_provider_needs_an_outcome(app, market):
    _outcome(market)
    sam = browser(app, market.sam)
    values = market.order_form(token="share-nothing-1", outcome_shared="y")
    check = sam.get(f"/services/{market.service.id}/order/check", query_string=values)
    assert check.status_code == 400
    assert ("Choose the outcome to tell the provider about, or do not tell them"
            in text(check))
    assert 'id="outcome_shared-error"' in check.get_data(as_text=True)
    assert sam.post(f"/services/{market.service.id}/order", data=values).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0


def test_an_outcome_not_shared_is_seen_only_by_the_holder_and_their_supporters(app, market):
    outcome = _outcome(market)
    val = make_user("supporter", name="Val Viewer")
    grant(market.sam, val, ["view"])
    gone = make_user("supporter", name="Gil Gone")
    gone_grant = grant(market.sam, gone, ["view"])
    supporters.revoke_grant(market.sam, gone_grant.id)
    db.session.commit()
    order = _approved_order(app, market, outcome_id=outcome.id)
    page = f"/orders/{order.id}"

    for person in (market.sam, val):
        status, words = _seen_by(app, person, page)
        assert status == 200 and f"Outcome it helps with {OUTCOME}" in words
    status, words = _seen_by(app, gone, page)
    assert status == 404 and OUTCOME not in words
    for person in (market.provider_owner, market.staff):
        status, words = _seen_by(app, person, page)
        assert status == 200 and OUTCOME not in words and "Outcome it helps with" not in words
    status, invoice = _seen_by(app, market.provider_owner, f"/provider/orders/{order.id}/invoice")
    assert status == 200 and OUTCOME not in invoice and "What this is for" not in invoice

    [to_provider] = emails_to(market.provider_owner.email)
    assert "was approved" in to_provider.body and OUTCOME not in to_provider.body
    [to_staff] = emails_to(market.staff.email)
    assert "Please approve or refuse it" in to_staff.body and OUTCOME not in to_staff.body
    assert f'What it is for: "{OUTCOME}"' in emails_to(market.sam.email)[-1].body


def test_an_outcome_the_holder_shares_is_seen_by_the_provider_but_never_by_staff(app, market):
    outcome = _outcome(market)
    order = _approved_order(app, market, outcome_id=outcome.id, outcome_shared="y")

    status, words = _seen_by(app, market.provider_owner, f"/orders/{order.id}")
    assert status == 200 and f"Outcome it helps with {OUTCOME}" in words
    status, invoice = _seen_by(app, market.provider_owner, f"/provider/orders/{order.id}/invoice")
    assert status == 200 and f"What this is for {OUTCOME}" in invoice
    [to_provider] = emails_to(market.provider_owner.email)
    assert f'What it is for: "{OUTCOME}"' in to_provider.body

    status, words = _seen_by(app, market.staff, f"/orders/{order.id}")
    assert status == 200 and OUTCOME not in words
    [to_staff] = emails_to(market.staff.email)
    assert OUTCOME not in to_staff.body


def test_a_commissioner_settling_a_dispute_never_sees_the_outcome(app, market):
    outcome = _outcome(market)
    direct = make_funded_budget(market.sam, amount_pence=20_000, route="direct")
    order = orders.place_order(market.sam, market.sam.id, OrderRequest(
        direct.id, market.service.id, quantity=1, outcome_id=outcome.id, outcome_shared=True))
    orders.record_card_payment_succeeded(order, market.sam)
    for actor, action in ((market.provider_owner, "accept"), (market.provider_owner, "deliver"),
                          (market.sam, "dispute")):
        orders.act_on_order(actor, order.id, action, note="It did not happen")
    db.session.commit()

    status, words = _seen_by(app, market.commissioner, f"/orders/{order.id}")
    assert status == 200 and "Settle: pay the provider" in words and OUTCOME not in words
    status, words = _seen_by(app, market.provider_owner, f"/orders/{order.id}")
    assert status == 200 and OUTCOME in words
