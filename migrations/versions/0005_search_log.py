"""search on many nodes: ordered index log and per-index positions

The outbox (index_outbox_entries, deleted as soon as one index applied an entry) becomes an
ordered log, index_log_entries, with a unique position per entry. Entries already queued keep
their order: position = id. index_log_head holds the highest position handed out (the max
id, or 0) and the highest pruned (0). search_index_positions records how far each node's index
has applied the log; it starts empty, so every existing index rebuilds once in its worker.

Timestamps are created as plain DateTime, like the earlier revisions; 0006 makes every one of
them timezone-aware on PostgreSQL.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_KEY = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.rename_table('index_outbox_entries', 'index_log_entries')
    with op.batch_alter_table('index_log_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_index_outbox_entries_service_id')
        batch_op.add_column(sa.Column('position', sa.BigInteger(), nullable=True))
    op.execute('UPDATE index_log_entries SET position = id')
    with op.batch_alter_table('index_log_entries', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f('uq_index_log_entries_position'), ['position'])
        batch_op.create_index(
            batch_op.f('ix_index_log_entries_service_id'), ['service_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE index_log_entries RENAME CONSTRAINT pk_index_outbox_entries '
                   'TO pk_index_log_entries')
        op.execute('ALTER SEQUENCE IF EXISTS index_outbox_entries_id_seq '
                   'RENAME TO index_log_entries_id_seq')

    op.create_table(
        'index_log_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('position', sa.BigInteger(), nullable=False),
        sa.Column('pruned_through', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_index_log_head')),
    )
    op.execute('INSERT INTO index_log_head (id, position, pruned_through) '
               'SELECT 1, COALESCE(MAX(position), 0), 0 FROM index_log_entries')

    op.create_table(
        'search_index_positions',
        sa.Column('index_id', sa.String(length=36), nullable=False),
        sa.Column('location', sa.String(length=500), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('applied_position', sa.BigInteger(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("state IN ('building', 'current')",
                           name=op.f('ck_search_index_positions_state_known')),
        sa.PrimaryKeyConstraint('index_id', name=op.f('pk_search_index_positions')),
    )
    with op.batch_alter_table('search_index_positions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_index_positions_last_seen_at'),
                              ['last_seen_at'], unique=False)


def downgrade():
    with op.batch_alter_table('search_index_positions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_index_positions_last_seen_at'))
    op.drop_table('search_index_positions')
    op.drop_table('index_log_head')
    # Back to an outbox: entries not yet applied everywhere stay queued (old code applies
    # them once more, which is harmless).
    with op.batch_alter_table('index_log_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_index_log_entries_service_id'))
        batch_op.drop_constraint(batch_op.f('uq_index_log_entries_position'), type_='unique')
        batch_op.drop_column('position')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE index_log_entries RENAME CONSTRAINT pk_index_log_entries '
                   'TO pk_index_outbox_entries')
        op.execute('ALTER SEQUENCE IF EXISTS index_log_entries_id_seq '
                   'RENAME TO index_outbox_entries_id_seq')
    op.rename_table('index_log_entries', 'index_outbox_entries')
    with op.batch_alter_table('index_outbox_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_index_outbox_entries_service_id'),
                              ['service_id'], unique=False)
