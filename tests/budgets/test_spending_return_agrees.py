"""Issue 7: every figure of the spending return (the headline, the category totals, the list of
payments, the CSV and the printout) is the same money, for direct-payment orders in every state
an order can reach, paid through the real card payment service (a local Stripe)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pytest

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders import services as orders
from marketplace.orders.models import ORDER_STATES
from marketplace.orders.services import OrderRequest
from marketplace.payments import card_payments

from marketplace.payments.stripe_gateway import CardDeclined
from marketplace.payouts import details as payout_details
from marketplace.payouts import runs as payouts
from marketplace.times import format_date, london_today
from tests.budgets.helpers import login
from tests.factories import make_funded_budget, make_provider, make_service, make_user

GOOD_CARD = card_payments.TestCard("4242424242424242", 12, 2030, "123")
DECLINED_CARD = card_payments.TestCard("4000000000000341", 12, 2030, "123")


@dataclass
class Money:
    budget: object
    holder: object
    #: order state -> how many orders are in it
    states: dict[str, int]


def _services():
    arts_owner, sport_owner = make_user("provider"), make_user("provider")
    arts = make_provider(arts_owner, name="Salford Arts")
    sport = make_provider(sport_owner, name="Eccles Gym")

    def service(provider, category, price):
        return make_service(provider, title=f"{provider.name} session {price}",
                            category=category, price_pence=price)

    return arts, sport, service


@pytest.fixture
def every_state(app, stripe_app):
    """One direct-payment order in every state it can reach, each at its own price, so a
    figure counted twice or left out shows in the pence. Expected: spent = confirmed 16.00 +
    paid out 17.00 + dispute settled for the provider 18.00 + refunded 23.00 - 23.00."""
    holder = make_user("holder", name="Sam Patel")
    commissioner = make_user("commissioner")
    budget = make_funded_budget(holder, amount_pence=50_000, route="direct")
    arts, sport, service = _services()

    def place(provider, category, price):
        order = orders.place_order(holder, holder.id, OrderRequest(
            budget.id, service(provider, category, price).id, quantity=1))
        db.session.commit()
        return order

    def paid(provider, category, price):
        order = place(provider, category, price)
        assert card_payments.pay_order_by_card(
            holder, order.id, card=GOOD_CARD).status == "succeeded"
        return order

    def act(actor, order, *actions):
        for action in actions:
            orders.act_on_order(actor, order.id, action)
            db.session.commit()
        return order

    sport_owner, arts_owner = sport.owner, arts.owner
    # Paid out first: the commissioner's run takes every confirmed direct-payment order.
    paid_out = act(holder, act(sport_owner, paid(sport, "sport-fitness", 1700), "accept", "deliver"),
                   "confirm")
    payout_details.save_payout_details(sport, "bacs_file", account_name="Eccles Gym",
                                       sort_code="30-94-57", account_number="00733445")
    payer = payouts.payer_for(commissioner)
    run = payouts.create_payout_run(commissioner, payer, "bacs_file").run
    for step in (payouts.send_payout_run, payouts.mark_payout_run_paid):
        step(commissioner, payer, run.id)
    db.session.commit()

    made = [paid_out, place(arts, "arts", 1100)]  # waiting for its card payment
    declined_card = place(arts, "arts", 2400)
    with pytest.raises(CardDeclined):
        card_payments.pay_order_by_card(holder, declined_card.id, card=DECLINED_CARD)
    made.append(declined_card)  # still waiting: the card was refused
    made.append(paid(arts, "arts", 1200))  # waiting for the provider
    made.append(act(sport_owner, paid(sport, "sport-fitness", 1300), "accept"))
    made.append(act(arts_owner, paid(arts, "arts", 1400), "accept", "deliver"))
    delivered = [act(owner, paid(provider, category, price), "accept", "deliver")
                 for owner, provider, category, price in (
                     (sport_owner, sport, "sport-fitness", 1500),
                     (arts_owner, arts, "arts", 1600),
                     (arts_owner, arts, "arts", 1800),
                     (sport_owner, sport, "sport-fitness", 1900),
                     (arts_owner, arts, "arts", 2300))]
    disputed, confirmed, settled_pay, settled_release, refunded = delivered
    made.append(act(holder, disputed, "dispute"))
    made.append(act(holder, confirmed, "confirm"))
    made.append(act(commissioner, act(holder, settled_pay, "dispute"), "resolve_pay"))
    made.append(act(commissioner, act(holder, settled_release, "dispute"), "resolve_release"))
    made.append(act(arts_owner, act(holder, refunded, "confirm"), "refund"))
    made.append(act(arts_owner, paid(arts, "arts", 2000), "decline"))
    made.append(act(holder, paid(sport, "sport-fitness", 2100), "cancel"))  # after paying
    made.append(act(holder, place(sport, "sport-fitness", 2200), "cancel"))  # before paying
    db.session.expire_all()
    states: dict[str, int] = {}
    for order in made:
        db.session.refresh(order)
        states[order.state] = states.get(order.state, 0) + 1
    return Money(budget, holder, states)


SPENT = 1600 + 1700 + 1800 + 2300 - 2300
ARTS = 1600 + 1800 + 2300 - 2300
SPORT = 1700


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _printed(html: str) -> str:
    """The page as it prints: the print style sheet hides .no-print, forms and navigation."""
    html = re.sub(r'<div class="no-print">.*?</div>\s*(?=<h2)', "", html, flags=re.S)
    html = re.sub(r"<form.*?</form>|<nav.*?</nav>|<header.*?</header>|<footer.*?</footer>", "",
                  html, flags=re.S)
    return _text(html)


def _pence(text: str) -> int:
    sign = -1 if text.startswith(("-", "−")) else 1
    return sign * int(text.lstrip("-−£").replace(",", "").replace(".", ""))


def _figure(text: str, label: str) -> int:
    found = re.findall(re.escape(label) + r" (-?£[\d,]+\.\d\d)", text)
    assert len(found) == 1, (label, found)
    return _pence(found[0])


def test_the_orders_reach_every_state_a_direct_payment_order_can_reach(every_state):
    assert set(every_state.states) == set(ORDER_STATES) - {"awaiting_approval"}  # managed only


def test_headline_categories_payments_csv_and_printout_agree_for_orders_in_every_state(
        client, every_state):
    login(client, every_state.holder)
    budget_id = every_state.budget.id
    response = client.get(f"/budget/{budget_id}/spending-return")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for shown in (_text(html), _printed(html)):
        assert _figure(shown, "Spent, less refunds") == SPENT
        assert _figure(shown, "Total spent, less refunds") == SPENT
        assert _figure(shown, "Arts and creative activities") == ARTS
        assert _figure(shown, "Sport, fitness and outdoors") == SPORT
        assert _figure(shown, "All categories") == SPENT

    table = html.split("Payments and receipts", 1)[1]
    amounts = [_pence(a) for a in re.findall(r'<td class="number">(-?£[\d,]+\.\d\d)</td>', table)]
    assert sorted(amounts) == sorted([1600, 1700, 1800, 2300, -2300])
    assert sum(amounts) == SPENT

    lines = list(csv.reader(io.StringIO(
        client.get(f"/budget/{budget_id}/spending-return.csv").get_data(as_text=True))))
    rows = [line for line in lines[1:] if line[0] in ("Payment", "Refund")]
    assert sorted(_pence(line[-1]) for line in rows) == sorted([1600, 1700, 1800, 2300, -2300])
    [total] = [line for line in lines if line[0].startswith("Total spent")]
    assert _pence(total[-1]) == SPENT
    categories = {line[4]: _pence(line[-1]) for line in lines if line[0] == "Total for category"}
    assert categories == {"Arts and creative activities": ARTS, "Sport, fitness and outdoors": SPORT}
    assert _pence(next(line for line in lines if line[0] == "Balance at end")[-1]) == 50_000 - SPENT


def test_the_rows_say_what_happened_and_the_balances_add_up(client, every_state):
    login(client, every_state.holder)
    budget = every_state.budget
    html = client.get(f"/budget/{budget.id}/spending-return").get_data(as_text=True)
    printed = _printed(html)
    assert "Eccles Gym session 1700 Eccles Gym Sport, fitness and outdoors PW-CARD-" in printed
    assert "Salford Arts session 2300 (refund) Salford Arts Arts and creative activities" in printed
    assert "-£23.00" in printed
    assert 'What "spent" means here' in printed
    # Card payments for orders not yet confirmed are set aside, not spent: 11.00 and 24.00
    # waiting to be paid, then 12.00, 13.00, 14.00 and 15.00 paid but not confirmed.
    set_aside = 1100 + 2400 + 1200 + 1300 + 1400 + 1500
    assert _figure(printed, "Of this, set aside for orders not yet confirmed") == set_aside
    assert _figure(printed, "Money paid in") == 50_000
    end = _figure(printed, f"Balance at the end ({format_date(london_today())})")
    assert end == 50_000 - SPENT
    balances = ledger.budget_balances(budget.id)
    assert (end, set_aside) == (balances.available_pence + balances.committed_pence,
                                balances.committed_pence)


def test_a_card_payment_for_an_order_not_yet_confirmed_is_not_spent(client, app, stripe_app):
    holder = make_user("holder", name="Sam Patel")
    budget = make_funded_budget(holder, amount_pence=10_000, route="direct")
    arts, _, service = _services()
    order = orders.place_order(holder, holder.id, OrderRequest(
        budget.id, service(arts, "arts", 850).id, quantity=1))
    db.session.commit()
    card_payments.pay_order_by_card(holder, order.id, card=GOOD_CARD)
    login(client, holder)
    printed = _printed(client.get(f"/budget/{budget.id}/spending-return").get_data(as_text=True))
    assert _figure(printed, "Spent, less refunds") == 0
    assert "Nothing was spent in these dates." in printed
    assert "Nothing was paid to providers in these dates." in printed
    assert "Arts and creative activities" not in printed
    assert _figure(printed, "Of this, set aside for orders not yet confirmed") == 850
    lines = list(csv.reader(io.StringIO(
        client.get(f"/budget/{budget.id}/spending-return.csv").get_data(as_text=True))))
    assert [line[0] for line in lines[1:]] == [
        "Balance at start", "Money in", "Total spent (less refunds)", "Balance at end",
        "Of which set aside for orders not yet confirmed"]
    assert lines[3][-1] == "0.00"
