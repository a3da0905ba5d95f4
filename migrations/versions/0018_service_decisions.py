"""commissioners' decisions on services to review: support to change, watch, de-commission,
with a date to look again (docs/quality-view.md)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 21:10:00

A new table only, so an existing database upgrades with its rows untouched. The decision
list is written out here, not imported, so this migration keeps meaning what it meant.
"""
from alembic import op
import sqlalchemy as sa

from marketplace.columns import one_of


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

DECISIONS = ('support_to_change', 'watch', 'decommission')


def upgrade():
    op.create_table('service_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('look_again_on', sa.Date(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(one_of('decision', DECISIONS), name=op.f('ck_service_decisions_decision_known')),
    sa.CheckConstraint('length(note) <= 2000', name=op.f('ck_service_decisions_note_not_too_long')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_decisions_service_id_services')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_service_decisions_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_decisions'))
    )
    with op.batch_alter_table('service_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_decisions_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_decisions_look_again_on'), ['look_again_on'], unique=False)


def downgrade():
    with op.batch_alter_table('service_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_decisions_look_again_on'))
        batch_op.drop_index(batch_op.f('ix_service_decisions_service_id'))
    op.drop_table('service_decisions')
