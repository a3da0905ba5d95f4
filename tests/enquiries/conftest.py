"""Fixtures for the enquiry tests: the order pages' app and market (tests/orders/pages.py)."""
from tests.orders.conftest import app, market  # noqa: F401
