"""users.email_verified_at, and email_links: single-use links for password resets and for
confirming an address (docs/accounts.md)

Revision ID: 0023
Revises: 0027
Create Date: 2026-12-03 06:00:00

users.email_verified_at: when the person proved they read mail at their address; until then
they may look around but not buy, pledge, list a service, review or send messages.

Every account that exists when this runs is marked confirmed, as of the day it was made:
these accounts are in use (people have bought, pledged, listed, reviewed and written with
them, and have been sent email about it at these addresses for as long as they have had
them), and making them confirm now would stop them at their next order without warning.
Only accounts made after this migration start unconfirmed and are sent a link.

email_links: a new table. Only a SHA-256 hash of each link's secret is kept. The purposes are
written out here, not imported, so this migration keeps meaning what it meant.
"""
from alembic import op
import sqlalchemy as sa

from marketplace.columns import one_of


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0027'
branch_labels = None
depends_on = None

EMAIL_LINK_PURPOSES = ('reset_password', 'verify_email', 'change_email')


def upgrade():
    op.add_column('users', sa.Column('email_verified_at', sa.DateTime(timezone=True),
                                     nullable=True))
    # A plain ADD COLUMN and UPDATE: no table is rebuilt and every existing row is kept.
    op.execute("UPDATE users SET email_verified_at = created_at")

    op.create_table('email_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(one_of('purpose', EMAIL_LINK_PURPOSES), name=op.f('ck_email_links_purpose_known')),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_email_links_expires_after_made')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_email_links_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_email_links_token_hash'))
    )
    op.create_index(op.f('ix_email_links_user_id'), 'email_links', ['user_id'])


def downgrade():
    op.drop_index(op.f('ix_email_links_user_id'), table_name='email_links')
    op.drop_table('email_links')
    op.drop_column('users', 'email_verified_at')
