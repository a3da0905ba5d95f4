"""spend view: small indexes holding what places each pound (the service's kind of support and
areas, the holder's home area, the provider's type and size), so PostgreSQL reads them without
the wide rows of services and users; market position statements drafted by the worker
(states "preparing" and "failed")

Revision ID: 0028
Revises: 0026
Create Date: 2026-12-03 13:20:00

Indexes and a wider CHECK: an existing database upgrades with its rows untouched (every
statement is a draft or published, both still allowed). On SQLite the INCLUDE columns are
ignored and each index is a plain one on the id. Downgrading marks statements still being
prepared, or that failed, as drafts (empty: the commissioner writes them or asks again).
States are written out here, not imported, so this migration keeps meaning what it meant.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0026'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_services_placement', 'services', ['category', 'local_authorities', 'postcode_districts']),
    ('ix_users_home_area', 'users', ['home_authority', 'home_district']),
    ('ix_providers_kind', 'providers', ['provider_type', 'is_user_led', 'staff_count']),
)

STATE_CHECK = 'ck_market_position_statements_state_known'
DATE_CHECK = 'ck_market_position_statements_published_has_a_date'
BEFORE = {STATE_CHECK: "state IN ('draft', 'published')",
          DATE_CHECK: "state = 'draft' OR published_at IS NOT NULL"}
AFTER = {STATE_CHECK: "state IN ('preparing', 'failed', 'draft', 'published')",
         DATE_CHECK: "state <> 'published' OR published_at IS NOT NULL"}


def _checks(checks: dict[str, str]) -> None:
    with op.batch_alter_table('market_position_statements') as batch_op:
        for name, check in checks.items():
            batch_op.drop_constraint(op.f(name), type_='check')
            batch_op.create_check_constraint(op.f(name), sa.text(check))


def upgrade():
    for name, table, included in INDEXES:
        op.create_index(name, table, ['id'], unique=False, postgresql_include=included)
    _checks(AFTER)


def downgrade():
    op.execute("UPDATE market_position_statements SET state = 'draft' "
               "WHERE state IN ('preparing', 'failed')")
    _checks(BEFORE)
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
