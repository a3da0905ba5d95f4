"""pytest plugin: a real local Stripe-compatible server (localstripe) for the whole test run.

`localstripe` (session) starts our launcher (marketplace.payments.localstripe_server) in a
subprocess on a free loopback port with its state in a temporary folder, and waits until it
answers. `stripe_app` (per test) points the app at it, with a known webhook secret, a short
time-out, and a recording HTTP client: `stripe_app.requests` lists every request the gateway
sent (method, path, headers), so tests can check idempotency keys.

Enable with `pytest_plugins = ["tests.stripe_plugin"]` in tests/conftest.py.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
import requests

TEST_SECRET_KEY = "sk_test_local"
TEST_WEBHOOK_SECRET = "whsec_test_pathways"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalStripe:
    base_url: str
    process: subprocess.Popen

    def get(self, path: str, **params):
        response = requests.get(self.base_url + path, params=params, timeout=5,
                                headers={"Authorization": f"Bearer {TEST_SECRET_KEY}"})
        response.raise_for_status()
        return response.json()

    def post(self, path: str, **data):
        response = requests.post(self.base_url + path, data=data, timeout=5,
                                 headers={"Authorization": f"Bearer {TEST_SECRET_KEY}"})
        response.raise_for_status()
        return response

    def payment_intents(self) -> list[dict]:
        return self.get("/v1/payment_intents", limit=1000)["data"]

    def events(self, event_type: str | None = None) -> list[dict]:
        params = {"limit": 1000}
        if event_type:
            params["type"] = event_type
        return self.get("/v1/events", **params)["data"]


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    port = free_port()
    state_dir = tmp_path_factory.mktemp("localstripe")
    log = open(state_dir / "server.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "marketplace.payments.localstripe_server", "--port", str(port),
         "--state-dir", str(state_dir), "--from-scratch"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    server = LocalStripe(f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + 20
    while True:
        try:
            server.get("/v1/balance")
            break
        except requests.RequestException:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                raise RuntimeError("localstripe did not start: "
                                   + (state_dir / "server.log").read_text()[-2000:])
            time.sleep(0.1)
    yield server
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict


@dataclass
class StripeTestSetup:
    app: object
    server: LocalStripe
    requests: list[RecordedRequest] = field(default_factory=list)

    def point_at(self, base_url: str, timeout: float | None = None) -> None:
        """Send the app's Stripe calls somewhere else (a closed port, a slow server)."""
        self.app.config["STRIPE_API_BASE"] = base_url
        if timeout is not None:
            self.app.config["PAYMENTS_TIMEOUT_SECONDS"] = timeout

    def restore(self) -> None:
        self.point_at(self.server.base_url, timeout=5)

    def posts(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method.lower() == "post"]


def sign_webhook(payload: bytes, secret: str = TEST_WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature header for payload, as Stripe (and localstripe) make it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), b"%d.%s" % (timestamp, payload), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def event_payload(event: dict) -> bytes:
    return json.dumps(event, indent=2, sort_keys=True).encode()


@pytest.fixture
def stripe_app(app, localstripe, monkeypatch):
    from marketplace.payments import stripe_gateway

    setup = StripeTestSetup(app, localstripe)
    real_factory = stripe_gateway.http_client_factory

    def recording_factory(timeout):
        client = real_factory(timeout)
        original = client.request

        def request(method, url, headers, post_data=None):
            setup.requests.append(RecordedRequest(method, urlparse(url).path, dict(headers or {})))
            return original(method, url, headers, post_data)

        client.request = request
        return client

    monkeypatch.setattr(stripe_gateway, "http_client_factory", recording_factory)
    app.config.update(
        STRIPE_SECRET_KEY=TEST_SECRET_KEY,
        STRIPE_PUBLISHABLE_KEY="pk_test_local",
        STRIPE_API_BASE=localstripe.base_url,
        STRIPE_WEBHOOK_SECRET=TEST_WEBHOOK_SECRET,
        PAYMENTS_TIMEOUT_SECONDS=5,
    )
    return setup
