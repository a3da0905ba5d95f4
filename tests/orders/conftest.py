"""Fixtures for the order pages: the market of tests/orders/pages.py."""
import pytest

from tests.orders.pages import Market, with_order_pages


@pytest.fixture
def app(app):
    return with_order_pages(app)


@pytest.fixture
def market(app):
    return Market()
