"""Fixtures for the review pages: the order pages' app and market."""
from tests.orders.conftest import app, market  # noqa: F401
