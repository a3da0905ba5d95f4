"""market summaries: searches and spending by London day, and supply, kept up to date by the
worker for the commissioners' views (docs/market-view.md, "Summaries")

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 12:00:00

New tables and indexes only, so an existing database upgrades with its rows untouched; the
summaries start empty and the views work live until the worker's first `market-summaries`
run fills them. The index on budget ledger lines by moment lets a day's spending be read
without walking every budget; the partial index on searches that found nothing serves the
words of one gap. Lists of values are written out here, not imported, so this migration keeps
meaning what it meant.
"""
from alembic import op
import sqlalchemy as sa

from marketplace.columns import one_of


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

SUMMARIES = ('searches', 'spend', 'supply')
SPEND_ROUTES = ('direct', 'managed', 'pooled')
SUPPLY_MEASURES = ('services', 'evenings', 'weekends', 'language', 'specialism')
BUDGET_LINES = sa.text('budget_id IS NOT NULL')
NOTHING_FOUND = sa.text('result_count = 0')


def upgrade():
    op.create_table('market_summary_refreshes',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('complete_through', sa.Date(), nullable=True),
    sa.Column('first_day', sa.Date(), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('fully_checked_on', sa.Date(), nullable=True),
    sa.Column('source_position', sa.BigInteger(), nullable=True),
    sa.CheckConstraint(one_of('name', SUMMARIES), name=op.f('ck_market_summary_refreshes_name_known')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_market_summary_refreshes'))
    )
    op.create_table('market_summary_days',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('source_rows', sa.Integer(), nullable=False),
    sa.CheckConstraint('source_rows >= 0', name=op.f('ck_market_summary_days_source_rows_not_negative')),
    sa.PrimaryKeyConstraint('name', 'day', name=op.f('pk_market_summary_days'))
    )
    op.create_table('search_counts_daily',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('specialism', sa.String(length=20), nullable=False),
    sa.Column('evenings', sa.Boolean(), nullable=False),
    sa.Column('weekends', sa.Boolean(), nullable=False),
    sa.Column('ulo', sa.Boolean(), nullable=False),
    sa.Column('micro', sa.Boolean(), nullable=False),
    sa.Column('searches', sa.Integer(), nullable=False),
    sa.Column('zero_result', sa.Integer(), nullable=False),
    sa.Column('few_result', sa.Integer(), nullable=False),
    sa.CheckConstraint('searches > 0 AND zero_result >= 0 AND few_result >= 0 AND zero_result + few_result <= searches', name=op.f('ck_search_counts_daily_counts_consistent')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_counts_daily')),
    sa.UniqueConstraint('day', 'area', 'category', 'language', 'specialism', 'evenings', 'weekends', 'ulo', 'micro', name='uq_search_counts_daily_cell')
    )
    op.create_table('spend_daily',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('stream_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('route', sa.String(length=10), nullable=False),
    sa.Column('spent_pence', sa.BigInteger(), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.CheckConstraint(one_of('route', SPEND_ROUTES), name=op.f('ck_spend_daily_route_known')),
    sa.CheckConstraint('lines > 0', name=op.f('ck_spend_daily_lines_positive')),
    sa.ForeignKeyConstraint(['holder_id'], ['users.id'], name=op.f('fk_spend_daily_holder_id_users')),
    sa.ForeignKeyConstraint(['budget_id'], ['budgets.id'], name=op.f('fk_spend_daily_budget_id_budgets')),
    sa.ForeignKeyConstraint(['stream_id'], ['funding_streams.id'], name=op.f('fk_spend_daily_stream_id_funding_streams')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_spend_daily_service_id_services')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_spend_daily_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spend_daily')),
    sa.UniqueConstraint('day', 'holder_id', 'budget_id', 'stream_id', 'service_id', 'provider_id', 'route', name='uq_spend_daily_cell')
    )
    with op.batch_alter_table('spend_daily', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spend_daily_budget_id'), ['budget_id'], unique=False)
    op.create_table('supply_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('measure', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('services', sa.Integer(), nullable=False),
    sa.Column('providers', sa.Integer(), nullable=False),
    sa.CheckConstraint(one_of('measure', SUPPLY_MEASURES), name=op.f('ck_supply_counts_measure_known')),
    sa.CheckConstraint('services > 0 AND providers >= 0', name=op.f('ck_supply_counts_counts_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_counts')),
    sa.UniqueConstraint('area', 'category', 'measure', 'value', name='uq_supply_counts_cell')
    )
    op.create_table('supply_providers',
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('authority', sa.String(length=40), nullable=False),
    sa.Column('services', sa.Integer(), nullable=False),
    sa.CheckConstraint('services > 0', name=op.f('ck_supply_providers_services_positive')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_supply_providers_provider_id_providers')),
    sa.PrimaryKeyConstraint('provider_id', 'category', 'authority', name=op.f('pk_supply_providers'))
    )
    with op.batch_alter_table('supply_providers', schema=None) as batch_op:
        batch_op.create_index('ix_supply_providers_authority_category', ['authority', 'category'], unique=False)
    op.create_index('ix_ledger_lines_budget_lines_created_at', 'ledger_lines', ['created_at'],
                    sqlite_where=BUDGET_LINES, postgresql_where=BUDGET_LINES)
    op.create_index('ix_search_log_entries_nothing_found', 'search_log_entries',
                    ['area', 'created_at'], sqlite_where=NOTHING_FOUND,
                    postgresql_where=NOTHING_FOUND)


def downgrade():
    op.drop_index('ix_search_log_entries_nothing_found', table_name='search_log_entries')
    op.drop_index('ix_ledger_lines_budget_lines_created_at', table_name='ledger_lines')
    with op.batch_alter_table('supply_providers', schema=None) as batch_op:
        batch_op.drop_index('ix_supply_providers_authority_category')
    op.drop_table('supply_providers')
    op.drop_table('supply_counts')
    with op.batch_alter_table('spend_daily', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spend_daily_budget_id'))
    op.drop_table('spend_daily')
    op.drop_table('search_counts_daily')
    op.drop_table('market_summary_days')
    op.drop_table('market_summary_refreshes')
