"""Imports every area's models so that SQLAlchemy and Alembic see the whole schema."""
from marketplace.accounts.models import User  # noqa: F401
from marketplace.providers.models import Provider, Service  # noqa: F401
from marketplace.search.models import IndexOutboxEntry, SearchLogEntry  # noqa: F401
