"""enquiries: a holder's questions to a provider before buying, their messages, and
reports of a message (docs/enquiries.md)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 20:24:43

New tables only, so an existing database upgrades with its rows untouched. The rules that
protect people are the database's too: one open conversation per holder and service (a
partial unique index), a closed one says who closed it and when, message text is given and
at most 2000 characters, one report per message and person.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enquiries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('holder_label', sa.String(length=60), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('contact_shared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(state = 'open' AND closed_at IS NULL AND closed_by_id IS NULL) OR (state = 'closed' AND closed_at IS NOT NULL AND closed_by_id IS NOT NULL)", name=op.f('ck_enquiries_closed_says_who_and_when')),
    sa.CheckConstraint("state IN ('open', 'closed')", name=op.f('ck_enquiries_state_known')),
    sa.CheckConstraint('length(holder_label) > 0', name=op.f('ck_enquiries_holder_label_given')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_enquiries_closed_by_id_users')),
    sa.ForeignKeyConstraint(['holder_id'], ['users.id'], name=op.f('fk_enquiries_holder_id_users')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_enquiries_provider_id_providers')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_enquiries_service_id_services')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_enquiries_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiries'))
    )
    with op.batch_alter_table('enquiries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enquiries_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enquiries_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enquiries_service_id'), ['service_id'], unique=False)
        batch_op.create_index('uq_enquiries_open_per_holder_service', ['holder_id', 'service_id'], unique=True, sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))
    op.create_table('enquiry_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enquiry_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('safeguarding', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('text', 'contact')", name=op.f('ck_enquiry_messages_kind_known')),
    sa.CheckConstraint("side IN ('holder', 'provider')", name=op.f('ck_enquiry_messages_side_known')),
    sa.CheckConstraint('length(text) > 0 AND length(text) <= 2000', name=op.f('ck_enquiry_messages_text_given_not_too_long')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_enquiry_messages_author_id_users')),
    sa.ForeignKeyConstraint(['enquiry_id'], ['enquiries.id'], name=op.f('fk_enquiry_messages_enquiry_id_enquiries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiry_messages'))
    )
    with op.batch_alter_table('enquiry_messages', schema=None) as batch_op:
        batch_op.create_index('ix_enquiry_messages_enquiry_id_created_at', ['enquiry_id', 'created_at'], unique=False)
    op.create_table('enquiry_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(reason) > 0 AND length(reason) <= 1000', name=op.f('ck_enquiry_reports_reason_given_not_too_long')),
    sa.ForeignKeyConstraint(['message_id'], ['enquiry_messages.id'], name=op.f('fk_enquiry_reports_message_id_enquiry_messages')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_enquiry_reports_reporter_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enquiry_reports')),
    sa.UniqueConstraint('message_id', 'reporter_id', name=op.f('uq_enquiry_reports_message_id'))
    )
    with op.batch_alter_table('enquiry_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enquiry_reports_message_id'), ['message_id'], unique=False)



def downgrade():
    with op.batch_alter_table('enquiry_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enquiry_reports_message_id'))
    op.drop_table('enquiry_reports')
    with op.batch_alter_table('enquiry_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_enquiry_messages_enquiry_id_created_at')
    op.drop_table('enquiry_messages')
    with op.batch_alter_table('enquiries', schema=None) as batch_op:
        batch_op.drop_index('uq_enquiries_open_per_holder_service', sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))
        batch_op.drop_index(batch_op.f('ix_enquiries_service_id'))
        batch_op.drop_index(batch_op.f('ix_enquiries_provider_id'))
        batch_op.drop_index(batch_op.f('ix_enquiries_holder_id'))
    op.drop_table('enquiries')
