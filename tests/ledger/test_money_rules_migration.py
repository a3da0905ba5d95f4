"""Migration 0003 upgrades a database that already holds money: every ledger line gets its
transaction's moment, the guards and state checks then hold, the ledger still checks out, and
(SQLite) an order whose service was deleted before foreign keys were on points at a row again."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db
from marketplace.ledger.checks import check_ledger
from tests.database import app_on_empty_database

WHEN = "'2026-01-02 10:00:00'"
ROWS = [
    "INSERT INTO users (id, email, password_hash, display_name, role, is_active_account, "
    f"created_at) VALUES (1, 'ana@example.org', 'x', 'Ana', 'provider', true, {WHEN}), "
    f"(2, 'sam@example.org', 'x', 'Sam', 'holder', true, {WHEN}), "
    f"(3, 'cy@example.org', 'x', 'Cy', 'commissioner', true, {WHEN})",
    "INSERT INTO providers (id, owner_id, name, provider_type, description, is_user_led, "
    "user_led_statement, staff_count, has_insurance, insurance_details, cqc_registration_number, "
    "contact_name, contact_email, contact_phone, website, local_authority, postcode_district, "
    "created_at, updated_at) VALUES (1, 1, 'Art Club', 'micro-enterprise', '', false, '', 2, "
    f"false, '', '', '', '', '', '', 'salford', 'M6', {WHEN}, {WHEN})",
    "INSERT INTO services (id, provider_id, title, description, category, secondary_categories, "
    "tags, delivery_modes, local_authorities, postcode_districts, languages, specialisms, "
    "accessibility, schedule, evenings, weekends, price_pence, price_unit, is_group, capacity, "
    "poolable, status, rating_centi, review_count, created_at, updated_at) VALUES (1, 1, "
    "'Painting', 'Paint.', 'arts', '[]', '[]', '[]', '[]', '[]', '[]', '[]', '', '', false, "
    f"false, 2500, 'session', false, NULL, false, 'active', NULL, 0, {WHEN}, {WHEN})",
    "INSERT INTO funding_streams (id, name, kind, description, created_at) VALUES "
    f"(1, 'Social care', 'social_care', '', {WHEN})",
    "INSERT INTO allocations (id, holder_id, stream_id, total_pence, period_start, period_end, "
    "instalment_every_weeks, created_by_id, created_at) VALUES (1, 2, 1, 5000, '2026-01-01', "
    f"'2026-12-31', 4, 3, {WHEN})",
    "INSERT INTO budgets (id, allocation_id, holder_id, stream_id, route, managed_by_id, "
    f"planned_pence, created_at) VALUES (1, 1, 2, 1, 'direct', NULL, 5000, {WHEN})",
    "INSERT INTO ledger_accounts (id, code, kind, budget_id, provider_id, funding_stream_id, "
    f"balance_pence, created_at) VALUES (1, 'funding:1', 'funding', NULL, NULL, 1, -5000, {WHEN}), "
    f"(2, 'budget:1:available', 'budget_available', 1, NULL, NULL, 5000, {WHEN})",
    "INSERT INTO ledger_transactions (id, kind, description, created_at) VALUES "
    f"(1, 'allocation', 'Instalment paid in', {WHEN})",
    "INSERT INTO ledger_lines (id, transaction_id, account_id, amount_pence, budget_id) VALUES "
    "(1, 1, 1, -5000, NULL), (2, 1, 2, 5000, 1)",
    "INSERT INTO instalments (id, budget_id, due_on, amount_pence, transaction_id) VALUES "
    "(1, 1, '2026-01-02', 5000, 1)",
    "INSERT INTO orders (id, holder_id, budget_id, service_id, provider_id, route, quantity, "
    "unit_price_pence, price_unit, total_pence, service_title, note_to_provider, state, "
    "placed_by_id, created_at, updated_at) VALUES (1, 2, 1, 1, 1, 'direct', 1, 2500, 'session', "
    f"2500, 'Painting', '', 'cancelled', 2, {WHEN}, {WHEN})",
]
#: What SQLite allowed before foreign keys were on: an order whose service was deleted.
ORPHAN = (
    "INSERT INTO orders (id, holder_id, budget_id, service_id, provider_id, route, quantity, "
    "unit_price_pence, price_unit, total_pence, service_title, note_to_provider, state, "
    "placed_by_id, created_at, updated_at) VALUES (2, 2, 1, 99, 1, 'direct', 2, 1500, 'hour', "
    f"3000, 'Walks', '', 'cancelled', 2, {WHEN}, {WHEN})"
)


def test_the_money_rules_migration_upgrades_a_database_holding_money(migrated_database, tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade(revision="0002")
        sqlite = db.engine.dialect.name == "sqlite"
        with db.engine.begin() as connection:
            for sql in ROWS:
                connection.execute(sa.text(sql))
        if sqlite:
            with db.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
                connection.execute(sa.text(ORPHAN))
                connection.commit()
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")

        upgrade()

        with db.engine.begin() as connection:
            moments = connection.execute(sa.text(
                "SELECT l.created_at = t.created_at FROM ledger_lines l "
                "JOIN ledger_transactions t ON t.id = l.transaction_id")).scalars().all()
            assert moments == [True, True]
            if sqlite:
                assert connection.execute(sa.text(
                    "SELECT title, status, price_pence, price_unit, provider_id FROM services "
                    "WHERE id = 99")).one() == ("Walks", "removed", 1500, "hour", 1)
        check = check_ledger()
        assert check.ok, check.problems
        assert check.summary == "All 1 budget and 1 transaction agree."
        db.session.rollback()
        with pytest.raises(sa.exc.IntegrityError):
            with db.engine.begin() as connection:
                connection.execute(sa.text("UPDATE ledger_lines SET amount_pence = 1"))
        with pytest.raises(sa.exc.IntegrityError):
            with db.engine.begin() as connection:
                connection.execute(sa.text("UPDATE orders SET state = 'lost'"))

        downgrade(revision="0002")
        with db.engine.begin() as connection:
            assert connection.execute(sa.text(
                "SELECT count(*) FROM ledger_lines")).scalar() == 2
            assert connection.execute(sa.text(
                "SELECT count(*) FROM orders")).scalar() == (2 if sqlite else 1)
            # Without the guards, the older code's own cleanups work again.
            connection.execute(sa.text("UPDATE ledger_lines SET budget_id = budget_id"))
        db.session.remove()
        db.engine.dispose()
