"""deleted services: a note of each service deleted outright, so the open data feed can tell
council directories it has gone (docs/open-data.md)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 06:00:00

A new table only, so an existing database upgrades with its rows untouched. It holds the
service's id and when it was deleted, nothing else.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deleted_services',
    sa.Column('service_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('service_id', name=op.f('pk_deleted_services'))
    )
    with op.batch_alter_table('deleted_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deleted_services_deleted_at'), ['deleted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('deleted_services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deleted_services_deleted_at'))
    op.drop_table('deleted_services')
