"""Fixtures for paying providers: a
market with a managed-account organisation, providers with and without bank details, orders
taken to "confirmed" through the real order services, and a fake Stripe gateway."""
from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path

import pytest

from marketplace.budgets import services as budget_services
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from marketplace.payouts import backends as payout_backends
from marketplace.payouts.models import ProviderPayoutDetails
from tests.factories import (
    PASSWORD,
    make_account_manager,
    make_funded_budget,
    make_provider,
    make_service,
    make_user,
)

#: Stripe's example transfer object, from stripe-mock's fixtures3.json (shared/stripe).
EXAMPLE_TRANSFER = Path(__file__).with_name("stripe_transfer.json")


@pytest.fixture
def app(app):
    # Many people log in during one journey; the login limit is tested elsewhere.
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    return app


def login(app, user):
    """A separate browser, logged in as user."""
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def give_bank_details(provider, *, name="Bright Days CIC", sort_code="309457",
                      account_number="00733445", stripe_account_id=""):
    db.session.add(ProviderPayoutDetails(
        provider_id=provider.id, account_name=name, sort_code=sort_code,
        account_number=account_number, stripe_account_id=stripe_account_id,
    ))
    db.session.commit()


def confirmed_order(holder, budget, service, quantity=1, *, manager=None):
    """An order taken through every step to 'confirmed': its money is owed to the provider."""
    order = orders.place_order(holder, holder.id, OrderRequest(budget.id, service.id, quantity))
    if order.state == "awaiting_payment":
        orders.record_card_payment_succeeded(order)
    if order.state == "awaiting_approval":
        orders.act_on_order(manager, order.id, "approve")
    owner = service.provider.owner
    orders.act_on_order(owner, order.id, "accept")
    orders.act_on_order(owner, order.id, "deliver")
    orders.act_on_order(holder, order.id, "confirm")
    db.session.commit()
    assert order.state == "confirmed"
    return order


class Market:
    """Salford Independent Living holds Sam's and Ali's budgets. Bright Days (with bank details)
    and Quiet Minds (without) sell to them."""

    def __init__(self):
        self.organisation = budget_services.create_managed_account_organisation(
            name="Salford Independent Living", kind="ulo",
        )
        db.session.commit()
        self.manager = make_account_manager(self.organisation, email="mo@sil.example.org")
        self.sam = make_user("holder", name="Sam Patel")
        self.ali = make_user("holder", name="Ali Khan")
        self.sam_budget = make_funded_budget(self.sam, amount_pence=100_000, organisation=self.organisation)
        self.ali_budget = make_funded_budget(self.ali, amount_pence=50_000, organisation=self.organisation)
        self.bright = make_provider(make_user("provider", name="Bea Bright"), name="Bright Days")
        self.quiet = make_provider(make_user("provider", name="Quinn Quiet"), name="Quiet Minds")
        self.art = make_service(self.bright, title="Art group", price_pence=2_550)
        self.walk = make_service(self.bright, title="Walk and talk", price_pence=1_000)
        self.listen = make_service(self.quiet, title="Listening service", price_pence=4_000)
        give_bank_details(self.bright)

    def order(self, holder, service, quantity=1):
        budget = self.sam_budget if holder is self.sam else self.ali_budget
        return confirmed_order(holder, budget, service, quantity, manager=self.manager)


@pytest.fixture
def market(app):
    return Market()


# ---------------------------------------------------------------- a fake Stripe gateway


def example_transfer() -> dict:
    return json.loads(EXAMPLE_TRANSFER.read_text())


class FakeGateway:
    """Records create_transfer calls and answers with Stripe's example transfer object. Like
    Stripe, a repeated idempotency key returns the first answer instead of paying again."""

    def __init__(self):
        self.calls: list[dict] = []
        self.transfers: dict[str, dict] = {}
        self.failing_destinations: set[str] = set()
        self._ids = itertools.count(1)

    def create_transfer(self, amount_pence, destination_account, idempotency_key, metadata):
        self.calls.append({"amount_pence": amount_pence, "destination_account": destination_account,
                           "idempotency_key": idempotency_key, "metadata": metadata})
        if destination_account in self.failing_destinations:
            raise DomainError("Stripe could not reach this connected account.")
        if idempotency_key not in self.transfers:
            transfer = copy.deepcopy(example_transfer())
            transfer.update(id=f"tr_test{next(self._ids):04d}", amount=amount_pence, currency="gbp",
                            destination=destination_account, metadata=dict(metadata))
            self.transfers[idempotency_key] = transfer
        return self.transfers[idempotency_key]


@pytest.fixture
def gateway(monkeypatch):
    fake = FakeGateway()
    monkeypatch.setattr(payout_backends, "_default_gateway", lambda: fake)
    return fake
