"""review replies, reports and the short hold: a provider's reply to a review, reports of a
published review, reviews.hold_until, and the moderators' new actions (docs/reviews.md)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 20:40:00

New tables and one nullable column, so an existing database upgrades with its rows untouched;
review_actions.action widens to 20 characters and its CHECK takes the new actions. The value
lists are written out here, not imported, so this migration keeps meaning what it meant.
"""
from alembic import op
import sqlalchemy as sa

from marketplace.columns import one_of


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

OLD_ACTIONS = ('publish', 'reject')
ACTIONS = ('publish', 'reject', 'keep', 'remove', 'publish_reply', 'reject_reply')
REPLY_STATES = ('held', 'published', 'rejected')
REPORT_REASONS = ('personal_data', 'abusive', 'not_genuine', 'safety', 'other')
REPORT_STATES = ('open', 'kept', 'removed')


def upgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hold_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_reviews_hold_until'), ['hold_until'], unique=False)
    with op.batch_alter_table('review_actions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_review_actions_action_known'), type_='check')
        batch_op.alter_column('action', existing_type=sa.String(length=10),
                              type_=sa.String(length=20), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_review_actions_action_known'),
                                         sa.text(one_of('action', ACTIONS)))
    op.create_table('review_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('written_by_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('held_reasons', sa.JSON(), nullable=False),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(one_of('state', REPLY_STATES), name=op.f('ck_review_replies_state_known')),
    sa.CheckConstraint('length(text) >= 1 AND length(text) <= 2000', name=op.f('ck_review_replies_text_length')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_replies_review_id_reviews')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_review_replies_provider_id_providers')),
    sa.ForeignKeyConstraint(['written_by_id'], ['users.id'], name=op.f('fk_review_replies_written_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_replies')),
    sa.UniqueConstraint('review_id', name=op.f('uq_review_replies_review_id'))
    )
    with op.batch_alter_table('review_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_replies_provider_id'), ['provider_id'], unique=False)
    op.create_table('review_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('by_provider', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(one_of('reason', REPORT_REASONS), name=op.f('ck_review_reports_reason_known')),
    sa.CheckConstraint(one_of('state', REPORT_STATES), name=op.f('ck_review_reports_state_known')),
    sa.CheckConstraint('length(words) <= 1000', name=op.f('ck_review_reports_words_not_too_long')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_reports_review_id_reviews')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_review_reports_reporter_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_reports')),
    sa.UniqueConstraint('review_id', 'reporter_id', name=op.f('uq_review_reports_review_id'))
    )
    with op.batch_alter_table('review_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_reports_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_reports_state'), ['state'], unique=False)


def downgrade():
    with op.batch_alter_table('review_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_reports_state'))
        batch_op.drop_index(batch_op.f('ix_review_reports_review_id'))
    op.drop_table('review_reports')
    with op.batch_alter_table('review_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_replies_provider_id'))
    op.drop_table('review_replies')
    # Actions only the new code takes go with it, so the old CHECK holds again.
    op.execute(sa.text("DELETE FROM review_actions WHERE action NOT IN ('publish', 'reject')"))
    with op.batch_alter_table('review_actions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_review_actions_action_known'), type_='check')
        batch_op.alter_column('action', existing_type=sa.String(length=20),
                              type_=sa.String(length=10), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_review_actions_action_known'),
                                         sa.text(one_of('action', OLD_ACTIONS)))
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_hold_until'))
        batch_op.drop_column('hold_until')
