"""reviews: one review per order, held for a person or published, and moderators' decisions
(docs/reviews.md)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 16:10:00

New tables only, so an existing database upgrades with its rows untouched. The value lists
are written out here, not imported, so this migration keeps meaning what it meant.
"""
from alembic import op
import sqlalchemy as sa

from marketplace.columns import one_of


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

REVIEW_STATES = ('held', 'published', 'rejected', 'withdrawn')
HELPED_ANSWERS = ('yes', 'partly', 'no')
SHOWN_AS = ('name', 'anonymous')
MODERATION_ACTIONS = ('publish', 'reject')


def upgrade():
    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('written_by_id', sa.Integer(), nullable=False),
    sa.Column('stars', sa.Integer(), nullable=False),
    sa.Column('helped', sa.String(length=10), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('shown_as', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('held_reasons', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('stars >= 1 AND stars <= 5', name=op.f('ck_reviews_stars_in_range')),
    sa.CheckConstraint(one_of('helped', HELPED_ANSWERS), name=op.f('ck_reviews_helped_known')),
    sa.CheckConstraint(one_of('shown_as', SHOWN_AS), name=op.f('ck_reviews_shown_as_known')),
    sa.CheckConstraint(one_of('state', REVIEW_STATES), name=op.f('ck_reviews_state_known')),
    sa.CheckConstraint('length(text) <= 5000', name=op.f('ck_reviews_text_not_too_long')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_reviews_order_id_orders')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_reviews_service_id_services')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_reviews_provider_id_providers')),
    sa.ForeignKeyConstraint(['holder_id'], ['users.id'], name=op.f('fk_reviews_holder_id_users')),
    sa.ForeignKeyConstraint(['written_by_id'], ['users.id'], name=op.f('fk_reviews_written_by_id_users')),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_reviews_outcome_id_outcomes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('order_id', name=op.f('uq_reviews_order_id'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviews_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviews_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviews_state'), ['state'], unique=False)
    op.create_table('review_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(one_of('action', MODERATION_ACTIONS), name=op.f('ck_review_actions_action_known')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_actions_review_id_reviews')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_review_actions_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_actions'))
    )
    with op.batch_alter_table('review_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_actions_review_id'), ['review_id'], unique=False)


def downgrade():
    with op.batch_alter_table('review_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_actions_review_id'))
    op.drop_table('review_actions')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_state'))
        batch_op.drop_index(batch_op.f('ix_reviews_holder_id'))
        batch_op.drop_index(batch_op.f('ix_reviews_provider_id'))
        batch_op.drop_index(batch_op.f('ix_reviews_service_id'))
    op.drop_table('reviews')
