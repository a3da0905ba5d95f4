"""spend view: small indexes holding what places each pound (the service's kind of support and
areas, the holder's home area, the provider's type and size), so PostgreSQL reads them without
the wide rows of services and users

Revision ID: 0028
Revises: 0026
Create Date: 2026-12-03 13:20:00

Indexes only: an existing database upgrades with its rows untouched. On SQLite the INCLUDE
columns are ignored and each is a plain index on the id.
"""
from alembic import op


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


def upgrade():
    for name, table, included in INDEXES:
        op.create_index(name, table, ['id'], unique=False, postgresql_include=included)


def downgrade():
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
