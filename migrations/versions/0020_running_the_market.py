"""running the market: the history of edits to funding streams, rules and organisations, and
invitations to new commissioners (docs/running-the-market.md)

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-02 21:00:00

New tables only, so an existing database upgrades with its rows untouched. The value list is
written out here, not imported, so this migration keeps meaning what it meant.
"""
from alembic import op
import sqlalchemy as sa

from marketplace.columns import one_of


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0018'
branch_labels = None
depends_on = None

CHANGE_ACTIONS = ('stream_changed', 'rule_added', 'rule_changed', 'rule_removed',
                  'organisation_changed')


def upgrade():
    op.create_table('market_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('funding_stream_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(one_of('action', CHANGE_ACTIONS), name=op.f('ck_market_changes_action_known')),
    sa.CheckConstraint('(funding_stream_id IS NULL) <> (organisation_id IS NULL)', name=op.f('ck_market_changes_one_subject')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_market_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['funding_stream_id'], ['funding_streams.id'], name=op.f('fk_market_changes_funding_stream_id_funding_streams')),
    sa.ForeignKeyConstraint(['organisation_id'], ['managed_account_organisations.id'], name=op.f('fk_market_changes_organisation_id_managed_account_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_changes'))
    )
    with op.batch_alter_table('market_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_changes_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_changes_funding_stream_id'), ['funding_stream_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_changes_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_market_changes_created_at'), ['created_at'], unique=False)
    op.create_table('commissioner_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_commissioner_invitations_expires_after_created')),
    sa.CheckConstraint('(accepted_at IS NULL) = (user_id IS NULL)', name=op.f('ck_commissioner_invitations_accepted_once')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_commissioner_invitations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_commissioner_invitations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commissioner_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_commissioner_invitations_token_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_commissioner_invitations_user_id'))
    )
    with op.batch_alter_table('commissioner_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commissioner_invitations_invited_by_id'), ['invited_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commissioner_invitations_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('commissioner_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commissioner_invitations_created_at'))
        batch_op.drop_index(batch_op.f('ix_commissioner_invitations_invited_by_id'))
    op.drop_table('commissioner_invitations')
    with op.batch_alter_table('market_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_market_changes_created_at'))
        batch_op.drop_index(batch_op.f('ix_market_changes_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_market_changes_funding_stream_id'))
        batch_op.drop_index(batch_op.f('ix_market_changes_actor_id'))
    op.drop_table('market_changes')
