"""the worker: job runs and leases, email delivery attempts

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:55:00

Upgrades a database holding emails: every existing message gets its own stable Message-ID;
messages left "sending" by the old in-request delivery have no lease, so the worker takes them
again at once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BigIntegerKey = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
Timestamp = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        'job_runs',
        sa.Column('id', BigIntegerKey, autoincrement=True, nullable=False),
        sa.Column('job_name', sa.String(length=80), nullable=False),
        sa.Column('due_at', Timestamp, nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('lease_owner', sa.String(length=120), nullable=False),
        sa.Column('lease_expires_at', Timestamp, nullable=False),
        sa.Column('next_attempt_at', Timestamp, nullable=True),
        sa.Column('started_at', Timestamp, nullable=False),
        sa.Column('finished_at', Timestamp, nullable=True),
        sa.Column('result', sa.String(length=500), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('running', 'succeeded', 'retrying', 'failed')",
            name=op.f('ck_job_runs_status_known'),
        ),
        sa.CheckConstraint('attempts >= 1', name=op.f('ck_job_runs_attempts_positive')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
        sa.UniqueConstraint('job_name', 'due_at', name='uq_job_runs_job_name_due_at'),
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index('ix_job_runs_status', ['status'], unique=False)

    with op.batch_alter_table('email_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column('attempts', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.add_column(sa.Column('next_attempt_at', Timestamp, nullable=True))
        batch_op.add_column(sa.Column('last_attempt_at', Timestamp, nullable=True))
        batch_op.add_column(sa.Column('lease_owner', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('lease_expires_at', Timestamp, nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.String(length=500), nullable=True))

    # Messages queued before this migration: a Message-ID made from the row's own id.
    op.execute(
        "UPDATE email_messages SET message_id = '<pathways-email-' || id || '@pathways.invalid>'"
        " WHERE message_id IS NULL"
    )
    with op.batch_alter_table('email_messages', schema=None) as batch_op:
        batch_op.alter_column('message_id', existing_type=sa.String(length=255), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f('uq_email_messages_message_id'), ['message_id']
        )
        batch_op.create_index(
            'ix_email_messages_status_next_attempt_at', ['status', 'next_attempt_at'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('email_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_email_messages_status_next_attempt_at')
        batch_op.drop_constraint(batch_op.f('uq_email_messages_message_id'), type_='unique')
        for column in ('last_error', 'lease_expires_at', 'lease_owner', 'last_attempt_at',
                       'next_attempt_at', 'attempts', 'message_id'):
            batch_op.drop_column(column)
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_job_runs_status')
    op.drop_table('job_runs')
