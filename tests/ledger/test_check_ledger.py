"""`flask check-ledger` and the daily check-ledger job: every figure recomputed from the lines;
a disagreement is named in plain words, exits 1, and shows as a failure on the operator page."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.jobs import catalogue
from marketplace.jobs.runner import RunnerSettings, run_due_jobs
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerTransaction
from tests.factories import make_funded_budget, make_provider, make_user
from tests.orders.pages import browser, text


def _transactions() -> str:
    count = db.session.scalar(sa.select(sa.func.count(LedgerTransaction.id)))
    return f"{count} transaction{'' if count == 1 else 's'}"


def _tamper_available_balance(budget, by_pence: int) -> None:
    with db.engine.begin() as connection:
        connection.execute(sa.text(
            "UPDATE ledger_accounts SET balance_pence = balance_pence + :by WHERE code = :code"),
            {"by": by_pence, "code": f"budget:{budget.id}:available"})


def test_a_ledger_that_agrees_says_so_in_one_line(app, runner):
    make_funded_budget(amount_pence=20_000)
    make_funded_budget(amount_pence=5_000)
    result = runner.invoke(args=["check-ledger"])
    assert result.exit_code == 0, result.output
    assert result.output == f"All 2 budgets and {_transactions()} agree.\n"


def test_a_tampered_cached_balance_is_named_and_exits_1(app, runner):
    holder = make_user("holder", name="Sam Patel")
    budget = make_funded_budget(holder, amount_pence=20_000)
    _tamper_available_balance(budget, 500)

    result = runner.invoke(args=["check-ledger"])
    assert result.exit_code == 1
    name = f"Budget {budget.id} (Sam Patel, {budget.stream.name})"
    assert (f"{name}: its available balance says £205.00 but its lines add up to £200.00."
            in result.output)
    # Only the cache is wrong: the budget's figures, taken from its lines, still add up.
    assert result.output.startswith("1 problem in the ledger:")


def test_money_leaving_a_budget_other_than_by_spending_breaks_the_budget_identity(app, runner):
    holder = make_user("holder", name="Sam Patel")
    budget = make_funded_budget(holder, amount_pence=20_000)
    provider = make_provider()
    # Balanced, and the cached balances move with it, but a payout straight out of a budget
    # is neither spending (settle) nor committed: allocated no longer adds up.
    ledger.move("payout", "Paid out by hand", 1_000, ledger.budget_available_account(budget.id),
                ledger.provider_payable_account(provider.id))
    db.session.commit()

    result = runner.invoke(args=["check-ledger"])
    assert result.exit_code == 1
    assert (f"Budget {budget.id} (Sam Patel, {budget.stream.name}): allocated £200.00 is not "
            "spent £0.00 + committed £0.00 + available £190.00 (= £190.00).") in result.output


def test_the_daily_job_fails_on_a_disagreement_and_the_operator_page_shows_why(app):
    holder = make_user("holder", name="Sam Patel")
    budget = make_funded_budget(holder, amount_pence=20_000)
    _tamper_available_balance(budget, -300)

    outcomes = run_due_jobs("worker-1", catalogue.load(), settings=RunnerSettings(max_attempts=1))
    assert {o.job: o.status for o in outcomes}["check-ledger"] == "failed"

    page = text(browser(app, make_user("commissioner")).get("/commissioning/operations"))
    assert "What went wrong: LedgerDisagrees: 1 problem in the ledger: " in page
    assert (f"Budget {budget.id} (Sam Patel, {budget.stream.name}): its available balance says "
            "£197.00 but its lines add up to £200.00.") in page
    assert "Failed job runs" in page


def test_the_daily_job_records_the_one_line_summary_when_all_agree(app):
    make_funded_budget(amount_pence=20_000)
    outcomes = run_due_jobs("worker-1", catalogue.load())
    check = {o.job: o for o in outcomes}["check-ledger"]
    assert check.status == "succeeded"
    assert check.message == f"All 1 budget and {_transactions()} agree."
    page = text(browser(app, make_user("commissioner")).get("/commissioning/operations"))
    assert f"Succeeded: All 1 budget and {_transactions()} agree." in page
