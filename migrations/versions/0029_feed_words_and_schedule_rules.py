"""feed words and schedule rules: what the Open Referral feed's search and day and time
filters read, so they are SQL over an index (docs/open-data.md, "Performance")

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 13:30:00

Adds the tables `service_feed_words` and `service_schedule_rules`, then works both out for
every service already listed (openreferral/upkeep.refresh_all, in batches), so an existing
database upgrades with its services searchable at once. On PostgreSQL the words also get a
generated text-search vector with a GIN index (upkeep.add_text_search). Services, providers
and reviews get an index on updated_at, which `modified_after` (a harvest of changes) reads,
and services one on (status, id), from which the feed counts and pages live services.
"""
from alembic import op
import sqlalchemy as sa

from marketplace.openreferral import upkeep


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

CHANGED = ('services', 'providers', 'reviews')


def upgrade():
    op.create_table('service_feed_words',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'],
                            name=op.f('fk_service_feed_words_service_id_services'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', name=op.f('pk_service_feed_words'))
    )
    op.create_table('service_schedule_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('days', sa.String(length=20), nullable=False),
    sa.Column('opens_at', sa.Integer(), nullable=True),
    sa.Column('closes_at', sa.Integer(), nullable=True),
    sa.CheckConstraint('opens_at IS NULL OR (opens_at >= 0 AND opens_at <= 1440)',
                       name=op.f('ck_service_schedule_rules_opens_in_day')),
    sa.CheckConstraint('closes_at IS NULL OR (closes_at >= 0 AND closes_at <= 1440)',
                       name=op.f('ck_service_schedule_rules_closes_in_day')),
    sa.CheckConstraint("days <> ''", name=op.f('ck_service_schedule_rules_names_a_day')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'],
                            name=op.f('fk_service_schedule_rules_service_id_services'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_schedule_rules'))
    )
    with op.batch_alter_table('service_schedule_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_schedule_rules_service_id'), ['service_id'],
                              unique=False)
    for table in CHANGED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_updated_at'), ['updated_at'],
                                  unique=False)
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.create_index('ix_services_status_id', ['status', 'id'], unique=False)
    connection = op.get_bind()
    upkeep.refresh_all(connection)
    upkeep.add_text_search(connection)


def downgrade():
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_index('ix_services_status_id')
    for table in CHANGED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_updated_at'))
    with op.batch_alter_table('service_schedule_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_schedule_rules_service_id'))
    op.drop_table('service_schedule_rules')
    op.drop_table('service_feed_words')
