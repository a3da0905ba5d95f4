"""The database keeps the money rules itself, whatever code (or person with a SQL prompt)
writes to it: each guard is tried with raw SQL, on SQLite and PostgreSQL alike."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.notifications.models import EmailMessage
from marketplace.orders import services as orders
from marketplace.payments.models import CardPayment, CardRefund
from marketplace.payouts.models import PayoutRun
from tests.factories import make_funded_budget, make_service, make_user

WHEN = "2026-01-02 10:00:00"


def _refused(statements: list[tuple[str, dict]]) -> str:
    """Run the statements in one database transaction; return why the database refused."""
    with pytest.raises(sa.exc.IntegrityError) as refusal:
        with db.engine.begin() as connection:
            for sql, values in statements:
                connection.execute(sa.text(sql), values)
    return str(refusal.value)


def _two_accounts() -> tuple[int, int]:
    budget = make_funded_budget(amount_pence=10_000)
    accounts = (ledger.funding_account(budget.stream_id).id,
                ledger.budget_available_account(budget.id).id)
    db.session.commit()
    return accounts


def _line(transaction_id: int, account_id: int, pence: int) -> tuple[str, dict]:
    return ("INSERT INTO ledger_lines (transaction_id, account_id, amount_pence, created_at) "
            "VALUES (:t, :a, :p, :at)", {"t": transaction_id, "a": account_id, "p": pence,
                                          "at": WHEN})


def _transaction(transaction_id: int, kind: str = "allocation") -> tuple[str, dict]:
    return ("INSERT INTO ledger_transactions (id, kind, description, created_at) "
            "VALUES (:id, :kind, 'Typed in by hand', :at)", {"id": transaction_id, "kind": kind,
                                                              "at": WHEN})


def _unused_id() -> int:
    """A transaction id no row has: the sequences run on across tests, so a fixed id like
    900 can belong to the test's own allocation."""
    with db.engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT coalesce(max(id), 0) + 1000 FROM ledger_transactions")).scalar()


def _count(table: str) -> int:
    with db.engine.connect() as connection:
        return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_lines SET amount_pence = amount_pence * 2",
    "DELETE FROM ledger_lines",
    "UPDATE ledger_transactions SET description = 'Nothing to see here'",
    "DELETE FROM ledger_transactions",
])
def test_ledger_rows_cannot_be_changed_or_deleted(app, statement):
    make_funded_budget(amount_pence=10_000)  # an allocation: one transaction, two lines
    before = _count("ledger_lines"), _count("ledger_transactions")
    why = _refused([(statement, {})])
    assert "never" in why and "reversing transaction" in why
    assert (_count("ledger_lines"), _count("ledger_transactions")) == before


def test_a_balanced_transaction_typed_in_by_hand_is_accepted(app):
    funding, available = _two_accounts()
    new = _unused_id()
    with db.engine.begin() as connection:
        for sql, values in [_line(new, funding, -500), _line(new, available, 500),
                            _transaction(new)]:
            connection.execute(sa.text(sql), values)
    assert _count("ledger_transactions") == 2


@pytest.mark.parametrize("lines_first", [True, False])
def test_a_transaction_whose_lines_do_not_sum_to_zero_is_refused(app, lines_first):
    funding, available = _two_accounts()
    new = _unused_id()
    lines = [_line(new, funding, -500), _line(new, available, 499)]
    statements = lines + [_transaction(new)] if lines_first else [_transaction(new)] + lines
    _refused(statements)
    assert _count("ledger_transactions") == 1 and _count("ledger_lines") == 2


def test_a_transaction_with_one_line_or_none_is_refused(app):
    funding, _available = _two_accounts()
    new = _unused_id()
    _refused([_transaction(new)])
    _refused([_line(new + 1, funding, 500), _transaction(new + 1)])
    assert _count("ledger_transactions") == 1


def test_a_line_without_its_transaction_is_refused(app):
    funding, available = _two_accounts()
    new = _unused_id()
    _refused([_line(new, funding, -500), _line(new, available, 500)])
    assert _count("ledger_lines") == 2


def test_lines_cannot_be_added_to_a_written_transaction_to_unbalance_it(app):
    funding, available = _two_accounts()
    written = db.session.scalar(sa.text("SELECT min(id) FROM ledger_transactions"))
    _refused([_line(written, available, 100)])
    assert _count("ledger_lines") == 2


# ---------------------------------------------------------------- state checks


@pytest.fixture
def one_of_everything(app):
    """A row in every table with a state or status column."""
    holder = make_user("holder")
    budget = make_funded_budget(holder, route="direct")
    service = make_service()
    order = orders.place_order(
        holder, holder.id, orders.OrderRequest(budget_id=budget.id, service_id=service.id,
                                               quantity=1))
    db.session.flush()
    payment = CardPayment(order_id=order.id, amount_pence=order.total_pence,
                          idempotency_key=f"test-payment-{order.id}")
    db.session.add(payment)
    db.session.flush()
    db.session.add(CardRefund(card_payment_id=payment.id, amount_pence=100,
                              idempotency_key=f"test-refund-{payment.id}"))
    db.session.add(PayoutRun(backend="bacs_file", created_by_id=make_user("commissioner").id))
    db.session.add(EmailMessage(to_address="sam@example.org", subject="Hello", body="Words."))
    db.session.commit()


@pytest.mark.parametrize("table, column, constraint", [
    ("orders", "state", "ck_orders_state_known"),
    ("order_events", "to_state", "ck_order_events_to_state_known"),
    ("order_events", "from_state", "ck_order_events_from_state_known"),
    ("card_payments", "status", "ck_card_payments_status_known"),
    ("card_refunds", "status", "ck_card_refunds_status_known"),
    ("payout_runs", "status", "ck_payout_runs_status_known"),
    ("email_messages", "status", "ck_email_messages_status_known"),
    ("services", "status", "ck_services_status_known"),
    ("ledger_accounts", "kind", "ck_ledger_accounts_kind_known"),
])
def test_a_state_outside_the_known_ones_is_refused(one_of_everything, table, column,
                                                   constraint):
    assert _count(table) >= 1
    why = _refused([(f"UPDATE {table} SET {column} = 'made_up'", {})])
    assert constraint in why


def test_a_ledger_transaction_of_an_unknown_kind_is_refused(app):
    funding, available = _two_accounts()
    new = _unused_id()
    why = _refused([_line(new, funding, -500), _line(new, available, 500),
                    _transaction(new, kind="gift")])
    assert "ck_ledger_transactions_kind_known" in why


def test_every_known_state_is_accepted(one_of_everything):
    from marketplace.orders.models import ORDER_STATES

    with db.engine.begin() as connection:
        for state in ORDER_STATES:
            connection.execute(sa.text("UPDATE orders SET state = :state"), {"state": state})
