"""pools and their members: all-or-nothing group purchases (docs/pools.md)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00

New tables only, so an existing database upgrades with its rows untouched. The state lists
are written out here, not imported, so this migration keeps meaning what it meant.
"""
from alembic import op
import sqlalchemy as sa

from marketplace.columns import one_of


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

POOL_STATES = ('open', 'collecting', 'short', 'funded', 'expired', 'cancelled')
MEMBER_STATES = ('pledged', 'secured', 'paid', 'failed', 'left', 'released')
LIVE = sa.text(one_of('state', ('pledged', 'secured', 'paid', 'failed')))


def upgrade():
    op.create_table('pools',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('what_it_buys', sa.Text(), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('unit_price_pence', sa.BigInteger(), nullable=False),
    sa.Column('price_unit', sa.String(length=20), nullable=False),
    sa.Column('target_pence', sa.BigInteger(), nullable=False),
    sa.Column('share_rule', sa.String(length=10), nullable=False),
    sa.Column('min_members', sa.Integer(), nullable=False),
    sa.Column('max_members', sa.Integer(), nullable=False),
    sa.Column('member_count', sa.Integer(), nullable=False),
    sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('open_to', sa.String(length=20), nullable=False),
    sa.Column('local_authority', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('invite_token_hash', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('short_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('funded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(one_of('open_to', ('invite', 'area', 'area_and_category')), name=op.f('ck_pools_open_to_known')),
    sa.CheckConstraint(one_of('share_rule', ('equal', 'custom')), name=op.f('ck_pools_share_rule_known')),
    sa.CheckConstraint(one_of('state', POOL_STATES), name=op.f('ck_pools_state_known')),
    sa.CheckConstraint('max_members >= min_members AND max_members <= 50', name=op.f('ck_pools_places_sensible')),
    sa.CheckConstraint('member_count >= 0 AND member_count <= max_members', name=op.f('ck_pools_never_overfull')),
    sa.CheckConstraint('min_members >= 2', name=op.f('ck_pools_at_least_two')),
    sa.CheckConstraint('sessions > 0', name=op.f('ck_pools_sessions_positive')),
    sa.CheckConstraint('target_pence > 0', name=op.f('ck_pools_target_positive')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_pools_provider_id_providers')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_pools_service_id_services')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_pools_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pools')),
    sa.UniqueConstraint('invite_token_hash', name=op.f('uq_pools_invite_token_hash'))
    )
    with op.batch_alter_table('pools', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pools_deadline_at'), ['deadline_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pools_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pools_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pools_state'), ['state'], unique=False)

    op.create_table('pool_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=60), nullable=False),
    sa.Column('pledged_pence', sa.BigInteger(), nullable=False),
    sa.Column('share_pence', sa.BigInteger(), nullable=True),
    sa.Column('route', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('pledged_by_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('stripe_customer_id', sa.String(length=255), nullable=True),
    sa.Column('setup_intent_id', sa.String(length=255), nullable=True),
    sa.Column('payment_method_id', sa.String(length=255), nullable=True),
    sa.Column('card_last4', sa.String(length=4), nullable=False),
    sa.Column('card_attempt', sa.Integer(), nullable=False),
    sa.Column('payment_intent_id', sa.String(length=255), nullable=True),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('card_problem', sa.String(length=300), nullable=False),
    sa.Column('idempotency_key', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("route IN ('direct', 'managed')", name=op.f('ck_pool_members_route_known')),
    sa.CheckConstraint(one_of('state', MEMBER_STATES), name=op.f('ck_pool_members_state_known')),
    sa.CheckConstraint('pledged_pence > 0', name=op.f('ck_pool_members_pledge_positive')),
    sa.CheckConstraint('share_pence IS NULL OR (share_pence > 0 AND share_pence <= pledged_pence)',
                       name=op.f('ck_pool_members_share_within_pledge')),
    sa.ForeignKeyConstraint(['budget_id'], ['budgets.id'], name=op.f('fk_pool_members_budget_id_budgets')),
    sa.ForeignKeyConstraint(['holder_id'], ['users.id'], name=op.f('fk_pool_members_holder_id_users')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_pool_members_order_id_orders')),
    sa.ForeignKeyConstraint(['pledged_by_id'], ['users.id'], name=op.f('fk_pool_members_pledged_by_id_users')),
    sa.ForeignKeyConstraint(['pool_id'], ['pools.id'], name=op.f('fk_pool_members_pool_id_pools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_members')),
    sa.UniqueConstraint('pledged_by_id', 'idempotency_key',
                        name='uq_pool_members_pledged_by_key')
    )
    with op.batch_alter_table('pool_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_members_budget_id'), ['budget_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pool_members_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pool_members_pool_id'), ['pool_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pool_members_state'), ['state'], unique=False)
        batch_op.create_index('uq_pool_members_one_live_membership', ['pool_id', 'holder_id'], unique=True, sqlite_where=LIVE, postgresql_where=LIVE)



def downgrade():
    with op.batch_alter_table('pool_members', schema=None) as batch_op:
        batch_op.drop_index('uq_pool_members_one_live_membership', sqlite_where=LIVE, postgresql_where=LIVE)
        batch_op.drop_index(batch_op.f('ix_pool_members_state'))
        batch_op.drop_index(batch_op.f('ix_pool_members_pool_id'))
        batch_op.drop_index(batch_op.f('ix_pool_members_holder_id'))
        batch_op.drop_index(batch_op.f('ix_pool_members_budget_id'))

    op.drop_table('pool_members')
    with op.batch_alter_table('pools', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pools_state'))
        batch_op.drop_index(batch_op.f('ix_pools_service_id'))
        batch_op.drop_index(batch_op.f('ix_pools_provider_id'))
        batch_op.drop_index(batch_op.f('ix_pools_deadline_at'))

    op.drop_table('pools')
