"""one clock: timezone-aware UTC timestamps

Every timestamp the application stores is aware UTC (marketplace.columns.UtcDateTime).

PostgreSQL: every `timestamp without time zone` column of the schema being migrated (found in
the catalog, so columns that earlier migrations of any area added are included, not a fixed
list) becomes `timestamp with time zone`. The old values were written as UTC wall time, so each
is read AT TIME ZONE 'UTC'; a plain cast would read them in the session's TimeZone setting and
shift them. One ALTER TABLE per table, so each table is rewritten once.

SQLite: nothing changes. SQLite has no timestamp types; SQLAlchemy stores DATETIME as text
("2026-03-31 23:30:00.000000") with or without timezone=True, and the existing text already
holds UTC. UtcDateTime keeps writing UTC text in that same format and attaches UTC when it reads,
so old rows read back as the same aware moments and text comparisons still order them.

Downgrade turns every `timestamp with time zone` column of the schema back into UTC wall time
without a zone: the one convention (naive UTC) the code before this revision expects.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 23:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _columns_of_type(data_type: str) -> dict[str, list[str]]:
    """{table: [column, ...]} for the tables (not views) of the current schema."""
    rows = op.get_bind().execute(sa.text(
        "SELECT c.table_name, c.column_name FROM information_schema.columns c "
        "JOIN information_schema.tables t "
        "  ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
        "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
        "  AND c.data_type = :data_type "
        "ORDER BY c.table_name, c.ordinal_position"
    ), {"data_type": data_type}).all()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


def _convert(from_type: str, to_type: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in _columns_of_type(from_type).items():
        changes = ", ".join(
            f'ALTER COLUMN "{column}" TYPE {to_type} USING "{column}" AT TIME ZONE \'UTC\''
            for column in columns
        )
        op.execute(f'ALTER TABLE "{table}" {changes}')


def upgrade():
    # naive UTC wall time AT TIME ZONE 'UTC' -> the aware moment
    _convert("timestamp without time zone", "timestamp with time zone")


def downgrade():
    # aware moment AT TIME ZONE 'UTC' -> its UTC wall time, naive
    _convert("timestamp with time zone", "timestamp without time zone")
