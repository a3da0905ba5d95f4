"""reviews: indexes for reading a service's or a provider's published reviews, newest first

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 21:00:00

Without them SQLite (which keeps no statistics unless ANALYZE runs) read every published
review through the state index to show ten of one service's: 132 ms for a service page at
500,000 reviews (bench/RESULTS.md). Indexes only, so existing rows are untouched.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_reviews_service_state_published', 'reviews',
                    ['service_id', 'state', 'published_at', 'id'])
    op.create_index('ix_reviews_provider_state_published', 'reviews',
                    ['provider_id', 'state', 'published_at', 'id'])


def downgrade():
    op.drop_index('ix_reviews_provider_state_published', table_name='reviews')
    op.drop_index('ix_reviews_service_state_published', table_name='reviews')
