"""specialisms asked for (in searches and needs) and the theme of a support-plan outcome, for
the commissioners' equality view and market map

Revision ID: 0027
Revises: 0022
Create Date: 2026-12-03 04:00:00

Nullable or defaulted columns only, so an existing database upgrades with its rows kept:
past searches and needs asked for no specialism, past outcomes have no theme ("").
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_log_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('specialism', sa.String(length=20), nullable=True))
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('specialism', sa.String(length=20), server_default='',
                                      nullable=False))
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('theme', sa.String(length=20), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_column('theme')
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_column('specialism')
    with op.batch_alter_table('search_log_entries', schema=None) as batch_op:
        batch_op.drop_column('specialism')
