"""the needs board: needs and the quotes providers give for them (docs/needs.md)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:45:00

New tables only, so an existing database upgrades with its rows untouched. The state lists
are written out here, not imported, so this migration keeps meaning what it meant.
"""
from alembic import op
import sqlalchemy as sa

from marketplace.columns import one_of


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

NEED_STATES = ('open', 'accepted', 'closed', 'expired')
TIMINGS = ('daytime', 'evenings', 'weekends', 'any')
QUOTE_STATES = ('live', 'withdrawn', 'accepted', 'declined')
STANDING = sa.text(one_of('state', ('live', 'accepted', 'declined')))


def upgrade():
    op.create_table('needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('posted_by_id', sa.Integer(), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('local_authority', sa.String(length=40), nullable=False),
    sa.Column('postcode_district', sa.String(length=8), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('timing', sa.String(length=10), nullable=False),
    sa.Column('budget_low_pence', sa.BigInteger(), nullable=False),
    sa.Column('budget_high_pence', sa.BigInteger(), nullable=False),
    sa.Column('would_pool', sa.Boolean(), nullable=False),
    sa.Column('group_size', sa.Integer(), nullable=False),
    sa.Column('peers_consent', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('budget_low_pence >= 0 AND budget_high_pence > 0 AND '
                       'budget_low_pence <= budget_high_pence', name=op.f('ck_needs_budget_sensible')),
    sa.CheckConstraint('group_size >= 1 AND group_size <= 50', name=op.f('ck_needs_group_size_sensible')),
    sa.CheckConstraint(one_of('state', NEED_STATES), name=op.f('ck_needs_state_known')),
    sa.CheckConstraint(one_of('timing', TIMINGS), name=op.f('ck_needs_timing_known')),
    sa.ForeignKeyConstraint(['holder_id'], ['users.id'], name=op.f('fk_needs_holder_id_users')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['users.id'], name=op.f('fk_needs_posted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs'))
    )
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_needs_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_needs_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_needs_local_authority'), ['local_authority'], unique=False)
        batch_op.create_index(batch_op.f('ix_needs_state'), ['state'], unique=False)

    op.create_table('need_quotes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('price_pence', sa.BigInteger(), nullable=False),
    sa.Column('price_unit', sa.String(length=20), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('price_pence > 0', name=op.f('ck_need_quotes_price_positive')),
    sa.CheckConstraint('sessions > 0', name=op.f('ck_need_quotes_sessions_positive')),
    sa.CheckConstraint(one_of('state', QUOTE_STATES), name=op.f('ck_need_quotes_state_known')),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_need_quotes_need_id_needs')),
    sa.ForeignKeyConstraint(['pool_id'], ['pools.id'], name=op.f('fk_need_quotes_pool_id_pools')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_need_quotes_order_id_orders')),
    sa.UniqueConstraint('order_id', name=op.f('uq_need_quotes_order_id')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_need_quotes_provider_id_providers')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_need_quotes_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_quotes'))
    )
    with op.batch_alter_table('need_quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_quotes_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_quotes_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_quotes_state'), ['state'], unique=False)
        batch_op.create_index('uq_need_quotes_one_per_provider', ['need_id', 'provider_id'], unique=True,
                              sqlite_where=STANDING, postgresql_where=STANDING)


def downgrade():
    with op.batch_alter_table('need_quotes', schema=None) as batch_op:
        batch_op.drop_index('uq_need_quotes_one_per_provider', sqlite_where=STANDING,
                            postgresql_where=STANDING)
        batch_op.drop_index(batch_op.f('ix_need_quotes_state'))
        batch_op.drop_index(batch_op.f('ix_need_quotes_provider_id'))
        batch_op.drop_index(batch_op.f('ix_need_quotes_need_id'))

    op.drop_table('need_quotes')
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needs_state'))
        batch_op.drop_index(batch_op.f('ix_needs_local_authority'))
        batch_op.drop_index(batch_op.f('ix_needs_holder_id'))
        batch_op.drop_index(batch_op.f('ix_needs_category'))

    op.drop_table('needs')
