"""users: a budget holder's home area and the kinds of support they are interested in

users.home_authority: a local authority slug (marketplace.areas), "" when not given.
users.home_district: a postcode district inside that authority, "" when not given.
users.interests: categories (marketplace.vocabulary.CATEGORIES) as a JSON list.

Existing people start with no area and no interests: nobody chose one before they could.
Plain ADD COLUMNs with server defaults, so no table is rebuilt and every existing row is kept.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('home_authority', sa.String(length=40), nullable=False,
                                     server_default=''))
    op.add_column('users', sa.Column('home_district', sa.String(length=8), nullable=False,
                                     server_default=''))
    op.add_column('users', sa.Column('interests', sa.JSON(), nullable=False,
                                     server_default='[]'))


def downgrade():
    op.drop_column('users', 'interests')
    op.drop_column('users', 'home_district')
    op.drop_column('users', 'home_authority')
