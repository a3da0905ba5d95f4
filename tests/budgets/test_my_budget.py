"""'My budget': the figures on each card are the ledger's, with plain-English words and a chart."""

from __future__ import annotations

import re

from marketplace.ledger import services as ledger
from tests.budgets.helpers import allocate, login, make_stream, release, reserve, settle
from tests.factories import make_provider, make_user


def card_text(html: str, budget_id: int) -> str:
    match = re.search(
        rf'<section class="card budget-card" aria-labelledby="budget-{budget_id}">(.*?)</section>',
        html,
        re.S,
    )
    assert match, f"no card for budget {budget_id}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def test_budget_card_figures_match_the_ledger_after_movements(client, holder):
    budget = allocate(holder)[0]  # 52,000p a year, first four-weekly instalment 3,715p paid in
    provider = make_provider()
    reserve(budget, 2000)
    settle(budget, 1500, provider)
    release(budget, 500)
    reserve(budget, 700)
    balances = ledger.budget_balances(budget.id)
    assert balances == ledger.BudgetBalances(3715, 1500, 700, 1515)

    login(client, holder)
    response = client.get("/budget")
    assert response.status_code == 200
    text = card_text(response.get_data(as_text=True), budget.id)
    assert "Direct payment" in text
    assert "Allocated so far £37.15 of £520.00 planned for the period" in text
    assert "Spent £15.00" in text
    assert "Set aside for orders not yet paid £7.00" in text
    assert "Available to spend now £15.15" in text
    assert "Next instalment £37.15 on 29 April 2026" in text


def test_cards_are_grouped_by_stream_and_route_with_the_stream_rules(client, holder):
    stream = make_stream(
        "Manchester personal health budget",
        kind="health",
        rules=[("peer-support", "the NHS already funds this through your care team")],
    )
    direct, managed = allocate(holder, stream=stream, route="split", total=100_000, direct=40_000)
    login(client, holder)
    html = client.get("/budget").get_data(as_text=True)
    assert '<h2 id="stream-%d">Manchester personal health budget</h2>' % stream.id in html
    assert "Direct payment" in card_text(html, direct.id)
    assert f"Managed account held by {managed.managed_by.name}" in card_text(html, managed.id)
    assert "the NHS already funds this through your care team" in html
    assert "Spending return" in card_text(html, direct.id)
    assert "Spending return" not in card_text(html, managed.id)
    # the plain-English explanations and the chart with its text alternative
    assert "Money kept to one side for orders that are not finished yet" in html
    assert re.search(r'<svg class="budget-chart"[^>]*role="img"', html)
    assert "Available £" in html


def test_a_holder_with_no_budget_is_told_so(client, holder):
    login(client, holder)
    response = client.get("/budget")
    assert "You do not have a personal budget on Pathways yet" in response.get_data(as_text=True)


def test_my_budget_needs_a_login(client):
    response = client.get("/budget")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_providers_and_commissioners_have_no_budget_page(client, holder):
    budget = allocate(holder)[0]
    for role in ("provider", "commissioner"):
        user = make_user(role)
        login(client, user)
        assert client.get("/budget").status_code == 403
        assert client.get(f"/people/{holder.id}/budget").status_code == 404
        assert client.get(f"/budget/{budget.id}/statement").status_code == 404
        client.post("/logout")


def test_another_holder_cannot_see_someone_elses_budget(client, holder):
    budget = allocate(holder)[0]
    other = make_user("holder")
    login(client, other)
    assert client.get(f"/people/{holder.id}/budget").status_code == 404
    for path in (
        "statement",
        "statement.csv",
        "statement/print",
        "spending-return",
        "spending-return.csv",
    ):
        assert client.get(f"/budget/{budget.id}/{path}").status_code == 404, path
        assert client.get(f"/people/{holder.id}/budget/{budget.id}/{path}").status_code == 404
    # and their own budget page shows none of it
    assert "£37.15" not in client.get("/budget").get_data(as_text=True)
