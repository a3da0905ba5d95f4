"""spend placed when summarised: spend_daily keeps what placed each pound (kind of support,
area, user-led, staff), and spend_budget_totals what each budget spent, so the spend view
reads neither services, providers and people nor the whole summary by budget
(docs/spend-view.md, "Performance")

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04 23:40:00

The spend summary is emptied, with its days and its state, both ways: its rows lack (or, going
back, carry) the placing, so the views work spending out live until the worker's next
`market-summaries` run summarises every day again (about 25 s at region size). No spending
itself is touched: the ledger is the source. The summary name is written out here, not
imported, so this migration keeps meaning what it meant.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

def _placing() -> tuple[sa.Column, ...]:
    return (
        sa.Column('category', sa.String(length=40), server_default='', nullable=False),
        sa.Column('authority', sa.String(length=40), server_default='', nullable=False),
        sa.Column('district', sa.String(length=8), server_default='', nullable=False),
        sa.Column('user_led', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('staff_count', sa.Integer(), nullable=True),
    )


def _forget_the_spend_summary() -> None:
    op.execute("DELETE FROM spend_daily")
    op.execute("DELETE FROM market_summary_days WHERE name = 'spend'")
    op.execute("DELETE FROM market_summary_refreshes WHERE name = 'spend'")


def upgrade():
    _forget_the_spend_summary()
    with op.batch_alter_table('spend_daily') as batch_op:
        for column in _placing():
            batch_op.add_column(column)
    op.create_table('spend_budget_totals',
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('spent_pence', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['budget_id'], ['budgets.id'],
                            name=op.f('fk_spend_budget_totals_budget_id_budgets')),
    sa.PrimaryKeyConstraint('budget_id', name=op.f('pk_spend_budget_totals'))
    )


def downgrade():
    op.drop_table('spend_budget_totals')
    _forget_the_spend_summary()
    with op.batch_alter_table('spend_daily') as batch_op:
        for column in _placing():
            batch_op.drop_column(column.name)
