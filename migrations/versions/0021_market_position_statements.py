"""market position statements: drafted from the market figures, edited and published by a
commissioner (docs/market-position.md)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 21:00:00

A new table only, so an existing database upgrades with its rows untouched. The state list is
written out here, not imported, so this migration keeps meaning what it meant.
"""
from alembic import op
import sqlalchemy as sa

from marketplace.columns import one_of


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

STATEMENT_STATES = ('draft', 'published')


def upgrade():
    op.create_table('market_position_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(one_of('state', STATEMENT_STATES), name=op.f('ck_market_position_statements_state_known')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_market_position_statements_period_in_order')),
    sa.CheckConstraint("state = 'draft' OR published_at IS NOT NULL", name=op.f('ck_market_position_statements_published_has_a_date')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_market_position_statements_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_position_statements'))
    )
    with op.batch_alter_table('market_position_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_position_statements_state'), ['state'], unique=False)


def downgrade():
    with op.batch_alter_table('market_position_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_position_statements_state'))
    op.drop_table('market_position_statements')
