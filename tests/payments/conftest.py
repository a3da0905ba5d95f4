"""Fixtures for card payments: a direct-payment order waiting to be paid, a real localstripe,
and stand-ins for a payment service that is down or too slow."""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import sqlalchemy as sa

from marketplace.accounts.models import SupporterGrant
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerTransaction
from marketplace.times import utcnow
from marketplace.orders import services as orders
from marketplace.orders.services import OrderRequest
from tests.factories import make_funded_budget, make_service, make_user
from tests.stripe_plugin import free_port

GOOD_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0341"
BANK_CHECK_CARD = "4000 0025 0000 3155"


@pytest.fixture(autouse=True)
def fresh_localstripe(stripe_app):
    """Each test starts with an empty local Stripe (ids in our database restart per test)."""
    requests.delete(stripe_app.server.base_url + "/_config/data", timeout=5).raise_for_status()
    return stripe_app


@dataclass
class Market:
    holder: object
    budget: object
    service: object
    order: object

    @property
    def provider_owner(self):
        return self.service.provider.owner


@pytest.fixture
def market(app) -> Market:
    holder = make_user("holder", name="Priya Shah")
    budget = make_funded_budget(holder, amount_pence=50_000, route="direct")
    service = make_service(price_pence=2_500, title="Art group")
    order = orders.place_order(holder, holder.id, OrderRequest(budget.id, service.id, quantity=2))
    db.session.commit()
    assert order.state == "awaiting_payment"
    return Market(holder, budget, service, order)


def pay(client, order_id: int, number: str = GOOD_CARD, follow: bool = False):
    return client.post(f"/orders/{order_id}/pay", data={
        "card_number": number, "expiry_month": "12", "expiry_year": "2030", "cvc": "123",
    }, follow_redirects=follow)


def order_state(order) -> str:
    db.session.expire_all()
    return db.session.get(type(order), order.id).state


def balances(budget):
    db.session.expire_all()
    return ledger.budget_balances(budget.id)


def ledger_kinds(order) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(LedgerTransaction.kind).where(LedgerTransaction.order_id == order.id)
        .order_by(LedgerTransaction.id)
    ))


def intents_for(server, order) -> list[dict]:
    return [i for i in server.payment_intents()
            if (i.get("metadata") or {}).get("order_id") == str(order.id)]


def grant(holder, supporter, scopes: list[str]) -> None:
    db.session.add(SupporterGrant(
        holder_id=holder.id, supporter_id=supporter.id, invite_email=supporter.email,
        scopes=scopes, token_hash=secrets.token_hex(32), accepted_at=utcnow(),
    ))
    db.session.commit()


class _SlowHandler(BaseHTTPRequestHandler):
    """Forwards to localstripe; for chosen paths, holds the answer back past the time-out."""

    def _handle(self):
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        upstream = requests.request(self.command, server.target + self.path, data=body,
                                    headers=headers, timeout=10)
        if any(self.path.split("?")[0].endswith(suffix) for suffix in server.slow_paths):
            server.slowed.append(self.path)
            time.sleep(server.delay)
        try:
            self.send_response(upstream.status_code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(upstream.content)))
            self.end_headers()
            self.wfile.write(upstream.content)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_POST = do_DELETE = _handle

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_stripe(stripe_app):
    """A proxy to localstripe that answers the given paths too late (after the time-out)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    server.daemon_threads = True
    server.block_on_close = False
    server.target = stripe_app.server.base_url
    server.slow_paths = ()
    server.slowed = []
    server.delay = 1.5
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def slow_down(*paths: str):
        server.slow_paths = paths
        stripe_app.point_at(f"http://127.0.0.1:{server.server_address[1]}", timeout=0.5)
        return server

    yield slow_down
    server.shutdown()
    server.server_close()


@pytest.fixture
def stripe_down(stripe_app):
    """Point the app at a loopback port where nothing listens."""
    def go_down():
        stripe_app.point_at(f"http://127.0.0.1:{free_port()}", timeout=0.5)
    return go_down
