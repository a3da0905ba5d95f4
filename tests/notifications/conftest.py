"""The app with the order pages' blueprints (see tests/orders/pages.py) and the market."""
import pytest

from tests.orders.pages import Market, with_order_pages


@pytest.fixture
def app(app):
    return with_order_pages(app)


@pytest.fixture
def market(app):
    return Market()
