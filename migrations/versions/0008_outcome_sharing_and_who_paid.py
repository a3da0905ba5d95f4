"""orders: the holder's choice to share an order's outcome; card payments: who paid

orders.outcome_shared: whether the holder chose to tell the provider which support-plan outcome
an order is for. Existing orders get false: nobody chose to share before they could choose.

card_payments.paid_by_id: the person who paid (the holder, or a supporter acting for them).
Existing payments get NULL: who paid was not recorded, and the pages say only "Paid by card".

Both are plain ADD COLUMNs, so no table is rebuilt (orders is referred to by most money tables).
On SQLite the foreign key is written into the column itself, the one way SQLite can add one.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    op.add_column('orders', sa.Column('outcome_shared', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    if _sqlite():
        op.execute("ALTER TABLE card_payments ADD COLUMN paid_by_id INTEGER "
                   "CONSTRAINT fk_card_payments_paid_by_id_users REFERENCES users (id)")
    else:
        op.add_column('card_payments', sa.Column('paid_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_card_payments_paid_by_id_users'), 'card_payments',
                              'users', ['paid_by_id'], ['id'])


def downgrade():
    if _sqlite():
        # SQLite cannot drop a column that holds a foreign key: rebuild the table without it.
        with op.batch_alter_table('card_payments') as batch_op:
            batch_op.drop_column('paid_by_id')
    else:
        op.drop_constraint(op.f('fk_card_payments_paid_by_id_users'), 'card_payments',
                           type_='foreignkey')
        op.drop_column('card_payments', 'paid_by_id')
    op.drop_column('orders', 'outcome_shared')
