"""data rights: "Download my data" requests and their zip files, and the log of who has seen a
budget holder's plan, budget or orders (docs/data-rights.md)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 05:37:06

New tables only, so an existing database upgrades with its rows untouched. The rules that
protect people are the database's too: one request in hand per person (a partial unique
index), a ready copy says until when, a copy's bytes go with its request, and nobody's view of
their own information is logged as someone else's. The state lists are written out here, not
imported, so this migration keeps meaning what it meant.
"""
from alembic import op
import sqlalchemy as sa

from marketplace.columns import one_of


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

EXPORT_STATES = ('waiting', 'preparing', 'ready', 'failed', 'expired')
IN_HAND = sa.text(one_of('status', ('waiting', 'preparing')))
VIEWED_THINGS = ('plan', 'budget', 'statement', 'spending_return', 'orders', 'order')


def upgrade():
    op.create_table('data_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sections_done', sa.Integer(), nullable=False),
    sa.Column('sections_total', sa.Integer(), nullable=False),
    sa.Column('current_section', sa.String(length=80), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_owner', sa.String(length=120), nullable=True),
    sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.CheckConstraint(one_of('status', EXPORT_STATES), name=op.f('ck_data_exports_status_known')),
    sa.CheckConstraint("status NOT IN ('ready', 'expired') OR (finished_at IS NOT NULL AND expires_at IS NOT NULL)", name=op.f('ck_data_exports_ready_says_until_when')),
    sa.CheckConstraint('sections_done >= 0 AND sections_done <= sections_total', name=op.f('ck_data_exports_progress_sensible')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_data_exports_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_exports'))
    )
    with op.batch_alter_table('data_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_exports_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_exports_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_data_exports_one_in_hand_per_user', ['user_id'], unique=True, sqlite_where=IN_HAND, postgresql_where=IN_HAND)

    op.create_table('information_views',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=False),
    sa.Column('viewer_relation', sa.String(length=20), nullable=False),
    sa.Column('what', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('viewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("channel IN ('page', 'api')", name=op.f('ck_information_views_channel_known')),
    sa.CheckConstraint("viewer_relation IN ('supporter', 'organisation_staff')", name=op.f('ck_information_views_relation_known')),
    sa.CheckConstraint(one_of('what', VIEWED_THINGS), name=op.f('ck_information_views_what_known')),
    sa.CheckConstraint('holder_id <> viewer_id', name=op.f('ck_information_views_not_ones_own')),
    sa.ForeignKeyConstraint(['holder_id'], ['users.id'], name=op.f('fk_information_views_holder_id_users')),
    sa.ForeignKeyConstraint(['viewer_id'], ['users.id'], name=op.f('fk_information_views_viewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_information_views'))
    )
    with op.batch_alter_table('information_views', schema=None) as batch_op:
        batch_op.create_index('ix_information_views_holder_viewed', ['holder_id', 'viewed_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_information_views_viewed_at'), ['viewed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_information_views_viewer_id'), ['viewer_id'], unique=False)

    op.create_table('data_export_files',
    sa.Column('export_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['export_id'], ['data_exports.id'], name=op.f('fk_data_export_files_export_id_data_exports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('export_id', name=op.f('pk_data_export_files'))
    )


def downgrade():
    op.drop_table('data_export_files')
    with op.batch_alter_table('information_views', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_information_views_viewer_id'))
        batch_op.drop_index(batch_op.f('ix_information_views_viewed_at'))
        batch_op.drop_index('ix_information_views_holder_viewed')

    op.drop_table('information_views')
    with op.batch_alter_table('data_exports', schema=None) as batch_op:
        batch_op.drop_index('uq_data_exports_one_in_hand_per_user', sqlite_where=IN_HAND, postgresql_where=IN_HAND)
        batch_op.drop_index(batch_op.f('ix_data_exports_user_id'))
        batch_op.drop_index(batch_op.f('ix_data_exports_status'))

    op.drop_table('data_exports')
