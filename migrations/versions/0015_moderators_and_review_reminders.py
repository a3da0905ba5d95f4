"""appointed moderators, moderators' edits and review reminders (docs/moderation.md,
docs/reviews.md)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 20:50:00

- users.role may be 'moderator': a person a commissioner appoints to work the reviews queue;
- review_actions.action may be 'edit': a moderator edited personal data out of a review;
- review_reminders: one row per order whose holder was reminded to review it, so the
  reminder goes once (the primary key is the order).

SQLite cannot alter a CHECK in place, so both CHECKs change through batch_alter_table, which
copies each table with its rows. The value lists are written out here, not imported, so this
migration keeps meaning what it meant.
"""
from alembic import op
import sqlalchemy as sa

from marketplace.columns import one_of


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

ROLES_BEFORE = ('holder', 'supporter', 'provider', 'commissioner', 'account_manager')
ROLES = ROLES_BEFORE + ('moderator',)
# As migration 0014 left them.
ACTIONS_BEFORE = ('publish', 'reject', 'keep', 'remove', 'publish_reply', 'reject_reply')
ACTIONS = ACTIONS_BEFORE + ('edit',)


def _role_check(roles):
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role_known'), type_='check')
        batch_op.create_check_constraint('role_known', one_of('role', roles))


def _action_check(actions):
    with op.batch_alter_table('review_actions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_review_actions_action_known'), type_='check')
        batch_op.create_check_constraint('action_known', one_of('action', actions))


def upgrade():
    _role_check(ROLES)
    _action_check(ACTIONS)
    op.create_table('review_reminders',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_review_reminders_order_id_orders')),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_review_reminders'))
    )


def downgrade():
    connection = op.get_bind()
    moderators = connection.execute(
        sa.text("SELECT count(*) FROM users WHERE role = 'moderator'")).scalar()
    if moderators:
        # No older role fits: a commissioner could do far more, and any other role would
        # give them someone's plan or orders. A person must decide what happens to them.
        raise RuntimeError(f"{moderators} moderator accounts exist: close or delete them "
                           "before downgrading past 0015.")
    op.drop_table('review_reminders')
    # The moderator's note goes with the 'edit' rows; each edit's 'publish' row stays.
    connection.execute(sa.text("DELETE FROM review_actions WHERE action = 'edit'"))
    _action_check(ACTIONS_BEFORE)
    _role_check(ROLES_BEFORE)
