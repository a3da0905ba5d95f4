"""Emptying the test database between tests, whatever rules the schema keeps."""
from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from marketplace.extensions import db


#: Append-only: the database refuses to DELETE their rows (migration 0003).
LEDGER_TABLES = ("ledger_lines", "ledger_transactions")


def empty_tables(connection, names: tuple[str, ...] | None = None) -> None:
    """Delete every row of every table (or of `names`), dependants first so foreign keys hold.

    Ledger rows cannot be deleted, by design; between tests they go anyway: PostgreSQL's
    TRUNCATE fires no row triggers, and on SQLite the guard triggers are dropped for the
    delete and put back exactly as they were (their SQL read from sqlite_master)."""
    for table in reversed(db.metadata.sorted_tables):
        if names is not None and table.name not in names:
            continue
        if table.name not in LEDGER_TABLES:
            connection.execute(table.delete())
        elif table.name == "ledger_transactions":
            # Here every table referring to transactions (lines among them) is empty.
            _empty_ledger(connection)


def _empty_ledger(connection) -> None:
    if connection.dialect.name == "postgresql":
        # CASCADE: TRUNCATE insists on emptying the tables referring to these in the same
        # statement (instalments); they are already empty.
        connection.execute(sa.text("TRUNCATE ledger_lines, ledger_transactions CASCADE"))
        return
    with ledger_guards_off(connection):
        connection.execute(sa.text("DELETE FROM ledger_lines"))
        connection.execute(sa.text("DELETE FROM ledger_transactions"))


@contextmanager
def ledger_guards_off(connection):
    """Tests only: the ledger's guard triggers off for this connection's database transaction
    (PostgreSQL: disabled, a change that commits or rolls back with it; SQLite: dropped and put
    back exactly as they were, their SQL read from sqlite_master)."""
    if connection.dialect.name == "postgresql":
        for table in LEDGER_TABLES:
            connection.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        yield
        # Queued checks (deferred foreign keys) must run before the triggers can go back on.
        connection.execute(sa.text("SET CONSTRAINTS ALL IMMEDIATE"))
        for table in LEDGER_TABLES:
            connection.execute(sa.text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        return
    triggers = connection.execute(sa.text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
        "('ledger_lines', 'ledger_transactions')")).all()
    for name, _sql in triggers:
        connection.execute(sa.text(f'DROP TRIGGER "{name}"'))
    yield
    for _name, sql in triggers:
        connection.execute(sa.text(sql))


def _separate_database(migrated_database: str, tmp_path) -> tuple[str, callable]:
    """An empty database beside the test one: a file on SQLite, a schema on PostgreSQL."""
    if migrated_database.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'upgrade.db'}", lambda: None
    engine = sa.create_engine(migrated_database)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS migration_check CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA migration_check"))

    def drop():
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS migration_check CASCADE"))
        engine.dispose()

    separator = "&" if "?" in migrated_database else "?"
    return f"{migrated_database}{separator}options=-csearch_path%3Dmigration_check", drop


@contextmanager
def app_on_empty_database(migrated_database: str, tmp_path):
    """An app, in its app context, on an empty database beside the test one (to migrate step
    by step); the database goes afterwards."""
    from marketplace import create_app
    from marketplace.config import TestConfig

    url, drop = _separate_database(migrated_database, tmp_path)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url,
                     SEARCH_INDEX_DIR=str(tmp_path / "index"))
    try:
        with app.app_context():
            yield app
    finally:
        drop()


def insert_ana_and_her_club(connection) -> None:
    """Provider account 1 (ana@example.org) and her provider 1, "Ana's Art Club", in the
    columns every revision since 0001 has: the data a migration test upgrades."""
    connection.execute(sa.text(
        "INSERT INTO users (id, email, password_hash, display_name, role, "
        "is_active_account, created_at) VALUES "
        "(1, 'ana@example.org', 'x', 'Ana', 'provider', true, '2026-01-02 10:00:00')"))
    connection.execute(sa.text(
        "INSERT INTO providers (id, owner_id, name, provider_type, description, "
        "is_user_led, user_led_statement, staff_count, has_insurance, "
        "insurance_details, cqc_registration_number, contact_name, contact_email, "
        "contact_phone, website, local_authority, postcode_district, created_at, "
        "updated_at) VALUES (1, 1, 'Ana''s Art Club', 'micro-enterprise', '', "
        "false, '', 2, false, '', '', '', '', '', '', 'salford', 'M6', "
        "'2026-01-02 10:00:00', '2026-01-02 10:00:00')"))
