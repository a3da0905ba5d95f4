"""users: closing an account (docs/account-closure.md)

users.closed_at: when the person closed their account; NULL while it is open. Existing people
are all open, so an existing database upgrades with its rows untouched: a plain ADD COLUMN, no
table rebuilt.

Triggers keep the privacy rules in the database, on SQLite and PostgreSQL alike:
- a closed row holds nothing usable or personal on it: not active, a placeholder email that
  cannot receive mail (closed-...@closed.invalid), a password no login can match, a pseudonym
  ("Former member ...") for a name, and no home area;
- a closed account stays closed: closed_at cannot be cleared or changed.

The values are written out here, not imported, so this migration keeps meaning what it meant.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 06:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

NOT_SCRUBBED = "a closed account keeps no name, email, password or area"
STAYS_CLOSED = "a closed account cannot be reopened"

#: The conditions, shared by both databases' triggers (NEW is the row being written).
LEFT_USABLE = """NEW.closed_at IS NOT NULL AND (NEW.is_active_account
    OR NEW.email NOT LIKE 'closed-%@closed.invalid' OR NEW.password_hash <> '!closed'
    OR NEW.display_name NOT LIKE 'Former member %'
    OR NEW.home_authority <> '' OR NEW.home_district <> '')"""
REOPENED = "OLD.closed_at IS NOT NULL AND (NEW.closed_at IS NULL OR NEW.closed_at <> OLD.closed_at)"

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER users_closed_hold_nothing_on_insert BEFORE INSERT ON users
    WHEN {LEFT_USABLE} BEGIN SELECT RAISE(ABORT, '{NOT_SCRUBBED}'); END""",
    f"""CREATE TRIGGER users_closed_hold_nothing BEFORE UPDATE ON users
    WHEN {LEFT_USABLE} BEGIN SELECT RAISE(ABORT, '{NOT_SCRUBBED}'); END""",
    f"""CREATE TRIGGER users_stay_closed BEFORE UPDATE OF closed_at ON users
    WHEN {REOPENED} BEGIN SELECT RAISE(ABORT, '{STAYS_CLOSED}'); END""",
)

#: OR REPLACE: the function outlives the table when a test drops every table and migrates.
POSTGRESQL_TRIGGERS = (
    f"""CREATE OR REPLACE FUNCTION users_closure_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND {REOPENED} THEN
            RAISE EXCEPTION '{STAYS_CLOSED}' USING ERRCODE = 'check_violation';
        END IF;
        IF {LEFT_USABLE} THEN
            RAISE EXCEPTION '{NOT_SCRUBBED}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER users_closure_guard BEFORE INSERT OR UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION users_closure_guard()""",
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    op.add_column('users', sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
    for statement in SQLITE_TRIGGERS if _sqlite() else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade():
    if _sqlite():
        for name in ("users_closed_hold_nothing_on_insert", "users_closed_hold_nothing",
                     "users_stay_closed"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS users_closure_guard ON users")
        op.execute("DROP FUNCTION IF EXISTS users_closure_guard()")
    op.drop_column('users', 'closed_at')
