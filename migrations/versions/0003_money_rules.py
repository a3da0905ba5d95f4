"""money rules in the database: triggers, checks, ledger line dates

What the database itself now refuses, on SQLite and PostgreSQL alike (docs/money.md):

- an UPDATE or DELETE of a ledger line or transaction (a mistake is put right by a reversing
  transaction, never by editing history);
- a transaction whose lines do not sum to zero, or that has fewer than two lines. PostgreSQL
  checks when the database transaction commits (a DEFERRABLE INITIALLY DEFERRED constraint
  trigger). SQLite has no deferred triggers, so there the lines are written first and the
  transaction row last: inserting the transaction checks that its lines are already there and
  balance, a line cannot be added to a transaction that exists, and the lines' foreign key to
  their transaction is checked at commit (a line left without its transaction is refused);
- a state or status outside the Python constants (orders, order events, card payments and
  refunds, payout runs, email messages, services, ledger account and transaction kinds): the
  CHECKs are built from the constants with columns.one_of, as the models' are.

Also: ledger_lines.created_at (the moment of its transaction, copied for every existing line)
with an index on (budget_id, created_at, id, transaction_id) so a statement for one month reads one index
range; a cancelled payout run keeps its orders (payout_orders.cancelled_order_id holds the
order a cancelled run had, order_id stays the live claim, unique) and says when and by whom it
was cancelled; services may be "removed" (deleted by the provider after people ordered them).

SQLite databases written before foreign keys were switched on may hold orders whose service
was deleted; each such service comes back as "removed" (from the order's title, price and
provider), so every order points at a row again.

New timestamp columns are created naive here; 0006 makes every timestamp aware on PostgreSQL.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:55:00

"""
from alembic import op
import sqlalchemy as sa

from marketplace.columns import one_of
from marketplace.ledger.models import ACCOUNT_KINDS, TRANSACTION_KINDS
from marketplace.notifications.models import EMAIL_STATUSES
from marketplace.orders.models import ORDER_STATES
from marketplace.payments.models import CARD_PAYMENT_STATES, CARD_REFUND_STATES
from marketplace.payouts.models import PAYOUT_RUN_STATES
from marketplace.providers.models import SERVICE_STATUSES


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

#: (table, constraint name, SQL) of every state CHECK this revision adds.
STATE_CHECKS = (
    ("orders", "ck_orders_state_known", one_of("state", ORDER_STATES)),
    ("order_events", "ck_order_events_to_state_known", one_of("to_state", ORDER_STATES)),
    ("order_events", "ck_order_events_from_state_known",
     f"from_state IS NULL OR {one_of('from_state', ORDER_STATES)}"),
    ("card_payments", "ck_card_payments_status_known", one_of("status", CARD_PAYMENT_STATES)),
    ("card_refunds", "ck_card_refunds_status_known", one_of("status", CARD_REFUND_STATES)),
    ("email_messages", "ck_email_messages_status_known", one_of("status", EMAIL_STATUSES)),
    ("ledger_accounts", "ck_ledger_accounts_kind_known", one_of("kind", ACCOUNT_KINDS)),
    ("ledger_transactions", "ck_ledger_transactions_kind_known",
     one_of("kind", TRANSACTION_KINDS)),
)
#: Checks 0001/0002 made from hand-written lists, remade from the constants.
REMADE_CHECKS = (
    ("services", "ck_services_status_known", one_of("status", SERVICE_STATUSES),
     "status IN ('active', 'paused')"),
    ("payout_runs", "ck_payout_runs_status_known", one_of("status", PAYOUT_RUN_STATES),
     "status IN ('draft', 'sent', 'paid', 'cancelled')"),
)
LINE_FK = "fk_ledger_lines_transaction_id_ledger_transactions"

SQLITE_TRIGGERS = (
    """CREATE TRIGGER ledger_lines_never_updated BEFORE UPDATE ON ledger_lines
    BEGIN SELECT RAISE(ABORT, 'ledger lines are never changed: post a reversing transaction'); END""",
    """CREATE TRIGGER ledger_lines_never_deleted BEFORE DELETE ON ledger_lines
    BEGIN SELECT RAISE(ABORT, 'ledger lines are never deleted: post a reversing transaction'); END""",
    """CREATE TRIGGER ledger_transactions_never_updated BEFORE UPDATE ON ledger_transactions
    BEGIN SELECT RAISE(ABORT, 'ledger transactions are never changed: post a reversing transaction'); END""",
    """CREATE TRIGGER ledger_transactions_never_deleted BEFORE DELETE ON ledger_transactions
    BEGIN SELECT RAISE(ABORT, 'ledger transactions are never deleted: post a reversing transaction'); END""",
    """CREATE TRIGGER ledger_lines_written_before_their_transaction BEFORE INSERT ON ledger_lines
    WHEN EXISTS (SELECT 1 FROM ledger_transactions WHERE id = NEW.transaction_id)
    BEGIN SELECT RAISE(ABORT, 'a ledger transaction is complete once written: no lines can be added to it'); END""",
    """CREATE TRIGGER ledger_transactions_balance BEFORE INSERT ON ledger_transactions
    WHEN (SELECT count(*) FROM ledger_lines WHERE transaction_id = NEW.id) < 2
      OR (SELECT coalesce(sum(amount_pence), 0) FROM ledger_lines WHERE transaction_id = NEW.id) <> 0
    BEGIN SELECT RAISE(ABORT, 'a ledger transaction needs two or more lines that sum to zero'); END""",
)

#: OR REPLACE: the functions outlive the tables when a test or benchmark drops every table and
#: migrates again.
POSTGRESQL_GUARDS = (
    """CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% are never %d: post a reversing transaction',
            replace(TG_TABLE_NAME, '_', ' '), lower(TG_OP)
            USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
    """CREATE TRIGGER ledger_lines_never_changed BEFORE UPDATE OR DELETE ON ledger_lines
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
    """CREATE TRIGGER ledger_transactions_never_changed BEFORE UPDATE OR DELETE
    ON ledger_transactions FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
    """CREATE OR REPLACE FUNCTION ledger_transaction_balances() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        checked bigint;
        line_count bigint;
        total numeric;
    BEGIN
        IF TG_TABLE_NAME = 'ledger_lines' THEN
            checked := NEW.transaction_id;
        ELSE
            checked := NEW.id;
        END IF;
        SELECT count(*), coalesce(sum(amount_pence), 0) INTO line_count, total
            FROM ledger_lines WHERE transaction_id = checked;
        IF line_count < 2 OR total <> 0 THEN
            RAISE EXCEPTION 'ledger transaction % does not balance: % lines summing to % pence',
                checked, line_count, total USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE CONSTRAINT TRIGGER ledger_lines_balance AFTER INSERT ON ledger_lines
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transaction_balances()""",
    """CREATE CONSTRAINT TRIGGER ledger_transactions_balance AFTER INSERT ON ledger_transactions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transaction_balances()""",
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _restore_services_of_orphaned_orders() -> None:
    """Only SQLite can hold them (PostgreSQL always refused the delete)."""
    op.execute(
        "INSERT INTO services (id, provider_id, title, description, category, "
        "secondary_categories, tags, delivery_modes, local_authorities, postcode_districts, "
        "languages, specialisms, accessibility, schedule, evenings, weekends, price_pence, "
        "price_unit, is_group, capacity, poolable, status, rating_centi, review_count, "
        "created_at, updated_at) "
        "SELECT o.service_id, min(o.provider_id), min(o.service_title), '', 'other', '[]', "
        "'[]', '[]', '[]', '[]', '[]', '[]', '', '', 0, 0, min(o.unit_price_pence), "
        "min(o.price_unit), 0, NULL, 0, 'removed', NULL, 0, min(o.created_at), max(o.updated_at) "
        "FROM orders o WHERE NOT EXISTS (SELECT 1 FROM services s WHERE s.id = o.service_id) "
        "GROUP BY o.service_id"
    )


def upgrade():
    for table, name, new_sql, _old_sql in REMADE_CHECKS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(name), type_="check")
            batch_op.create_check_constraint(op.f(name), sa.text(new_sql))
    if _sqlite():
        _restore_services_of_orphaned_orders()  # as "removed", which services now allow
    for table, name, sql in STATE_CHECKS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_check_constraint(op.f(name), sa.text(sql))

    # A cancelled run keeps its orders: order_id is the live claim (unique: an order is in at
    # most one live run), cancelled_order_id what the run held when it was cancelled.
    with op.batch_alter_table('payout_runs') as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_payout_runs_cancelled_by_id_users'), 'users',
                                    ['cancelled_by_id'], ['id'])
    with op.batch_alter_table('payout_orders') as batch_op:
        batch_op.alter_column('order_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('cancelled_order_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_payout_orders_cancelled_order_id_orders'), 'orders',
                                    ['cancelled_order_id'], ['id'])
        batch_op.create_check_constraint(
            op.f('ck_payout_orders_live_or_cancelled'),
            sa.text('(order_id IS NULL) <> (cancelled_order_id IS NULL)'))
        batch_op.create_index(op.f('ix_payout_orders_cancelled_order_id'), ['cancelled_order_id'])

    # Lines carry their transaction's moment, so a month of a budget is one index range.
    with op.batch_alter_table('ledger_lines') as batch_op:
        batch_op.add_column(sa.Column('created_at', sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE ledger_lines SET created_at = (SELECT t.created_at FROM ledger_transactions t "
        "WHERE t.id = ledger_lines.transaction_id)"
    )
    with op.batch_alter_table('ledger_lines') as batch_op:
        batch_op.alter_column('created_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.create_index(op.f('ix_ledger_lines_budget_id_created_at_id'),
                              ['budget_id', 'created_at', 'id', 'transaction_id'])
        # Lines are written before their transaction (see the docstring): the reference is
        # checked when the database transaction commits.
        batch_op.drop_constraint(op.f(LINE_FK), type_="foreignkey")
        batch_op.create_foreign_key(op.f(LINE_FK), 'ledger_transactions', ['transaction_id'], ['id'],
                                    deferrable=True, initially='DEFERRED')

    for statement in SQLITE_TRIGGERS if _sqlite() else POSTGRESQL_GUARDS:
        op.execute(statement)


def downgrade():
    if _sqlite():
        for name in ("ledger_lines_never_updated", "ledger_lines_never_deleted",
                     "ledger_transactions_never_updated", "ledger_transactions_never_deleted",
                     "ledger_lines_written_before_their_transaction",
                     "ledger_transactions_balance"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_lines_balance ON ledger_lines")
        op.execute("DROP TRIGGER IF EXISTS ledger_transactions_balance ON ledger_transactions")
        op.execute("DROP TRIGGER IF EXISTS ledger_lines_never_changed ON ledger_lines")
        op.execute("DROP TRIGGER IF EXISTS ledger_transactions_never_changed "
                   "ON ledger_transactions")
        op.execute("DROP FUNCTION IF EXISTS ledger_transaction_balances()")
        op.execute("DROP FUNCTION IF EXISTS ledger_refuse_change()")

    with op.batch_alter_table('ledger_lines') as batch_op:
        batch_op.drop_constraint(op.f(LINE_FK), type_="foreignkey")
        batch_op.create_foreign_key(op.f(LINE_FK), 'ledger_transactions', ['transaction_id'], ['id'])
        batch_op.drop_index(op.f('ix_ledger_lines_budget_id_created_at_id'))
        batch_op.drop_column('created_at')

    # The older schema deletes a cancelled run's orders; it cannot hold them.
    op.execute("DELETE FROM payout_orders WHERE order_id IS NULL")
    with op.batch_alter_table('payout_orders') as batch_op:
        batch_op.drop_index(op.f('ix_payout_orders_cancelled_order_id'))
        batch_op.drop_constraint(op.f('ck_payout_orders_live_or_cancelled'), type_="check")
        batch_op.drop_constraint(op.f('fk_payout_orders_cancelled_order_id_orders'),
                                 type_="foreignkey")
        batch_op.drop_column('cancelled_order_id')
        batch_op.alter_column('order_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('payout_runs') as batch_op:
        batch_op.drop_constraint(op.f('fk_payout_runs_cancelled_by_id_users'), type_="foreignkey")
        batch_op.drop_column('cancelled_by_id')
        batch_op.drop_column('cancelled_at')

    for table, name, _sql in reversed(STATE_CHECKS):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(name), type_="check")
    # Removed services become paused: the older schema knows no "removed".
    op.execute("UPDATE services SET status = 'paused' WHERE status = 'removed'")
    for table, name, _new_sql, old_sql in REMADE_CHECKS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(name), type_="check")
            batch_op.create_check_constraint(op.f(name), sa.text(old_sql))
