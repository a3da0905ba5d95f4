"""The only module that imports `stripe`: a thin wrapper over the calls Pathways makes.

Invariants:
- Every POST (a call that changes something at Stripe) carries an Idempotency-Key chosen by the
  caller from our own records; GETs are idempotent by definition and carry none.
- Every call has a time-out (PAYMENTS_TIMEOUT_SECONDS) and the library's own automatic retries
  are off: our records, not hidden retries, decide when to try again.
- Stripe's objects never leave this module either: callers get plain dicts.
- Stripe's exceptions never leave this module. They become one of three errors: CardDeclined
  (the person can try another card), CardServiceUnavailable (network trouble, time-out or a 5xx:
  nothing is known to have happened, try again later) or CardServiceError (anything else: an
  operator problem, logged with its details).

Configuration: STRIPE_SECRET_KEY, STRIPE_API_BASE (the local test server on loopback in
development and tests; empty for real Stripe), STRIPE_WEBHOOK_SECRET, PAYMENTS_TIMEOUT_SECONDS.
"""
from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import urlparse

import stripe
from flask import current_app

from marketplace.config import INSTANCE_DIR
from marketplace.errors import DomainError

log = logging.getLogger(__name__)

LOCAL_API_BASE = "http://127.0.0.1:8420"
LOCAL_SECRET_KEY = "sk_test_local"
CURRENCY = "gbp"
WEBHOOK_TOLERANCE_SECONDS = 300
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

DECLINED_MESSAGE = "Your card was declined. Try another card or contact your card provider."
UNAVAILABLE_MESSAGE = (
    "We could not reach the card payment service. You have not been charged. "
    "Please try again in a few minutes."
)


class CardDeclined(DomainError):
    status = 402
    code = "card_declined"


class CardServiceUnavailable(DomainError):
    status = 503
    code = "card_service_unavailable"


class CardServiceError(DomainError):
    status = 502
    code = "card_service_error"


class InvalidWebhook(DomainError):
    status = 400
    code = "invalid_signature"


#: Builds the HTTP client; tests replace it to record every request sent.
def http_client_factory(timeout: float) -> stripe.HTTPClient:
    return stripe.RequestsClient(timeout=timeout)


# ---------------------------------------------------------------- configuration


def secret_key() -> str:
    return current_app.config.get("STRIPE_SECRET_KEY") or LOCAL_SECRET_KEY


def publishable_key() -> str:
    return current_app.config.get("STRIPE_PUBLISHABLE_KEY") or "pk_test_local"


def api_base() -> str:
    """Where API calls go. Empty STRIPE_API_BASE with a real key means api.stripe.com."""
    configured = current_app.config.get("STRIPE_API_BASE")
    if configured is None:
        configured = LOCAL_API_BASE if secret_key() == LOCAL_SECRET_KEY else ""
    return configured or stripe.DEFAULT_API_BASE


def uses_local_test_server() -> bool:
    """True when talking to localstripe (or a test stand-in) on this machine: only then do our
    own pages collect test card numbers, and only then are localstripe-only calls allowed."""
    return urlparse(api_base()).hostname in LOOPBACK_HOSTS


def timeout_seconds() -> float:
    return float(current_app.config.get("PAYMENTS_TIMEOUT_SECONDS") or 10)


def webhook_secret() -> str:
    """STRIPE_WEBHOOK_SECRET, or in development a random one kept in the instance folder."""
    configured = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if configured:
        return configured
    if current_app.config.get("ENVIRONMENT") == "production":
        raise CardServiceError("STRIPE_WEBHOOK_SECRET is not set.")
    path = INSTANCE_DIR / "stripe_webhook_secret"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text("whsec_" + secrets.token_hex(24))
        path.chmod(0o600)
    return path.read_text().strip()


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(
        secret_key(),
        base_addresses={"api": api_base()},
        max_network_retries=0,
        http_client=http_client_factory(timeout_seconds()),
    )


def _post_options(idempotency_key: str) -> dict[str, str]:
    if not idempotency_key or len(idempotency_key) > 255:
        raise ValueError("Every Stripe POST needs an idempotency key of at most 255 characters.")
    return {"idempotency_key": idempotency_key}


def _plain(result):
    if isinstance(result, list):
        return [_plain(item) for item in result]
    return result.to_dict() if hasattr(result, "to_dict") else result


def _translated(call, what: str):
    """Run one Stripe call, turning the library's errors into ours and its objects into dicts."""
    try:
        return _plain(call())
    except stripe.CardError as error:
        log.info("Card declined during %s: %s", what, error.code)
        raise CardDeclined(DECLINED_MESSAGE, field="card_number") from error
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        log.warning("Stripe unreachable during %s: %s", what, error)
        raise CardServiceUnavailable(UNAVAILABLE_MESSAGE) from error
    except stripe.StripeError as error:
        status = getattr(error, "http_status", None) or 0
        if status >= 500 and "Not implemented" not in str(error):
            log.warning("Stripe server error during %s: %s", what, error)
            raise CardServiceUnavailable(UNAVAILABLE_MESSAGE) from error
        log.error("Stripe refused %s (HTTP %s): %s", what, status, error)
        raise CardServiceError(
            "Something went wrong with the card payment service. Please try again later."
        ) from error


# ---------------------------------------------------------------- payment intents


def create_payment_intent(amount_pence: int, metadata: dict[str, str], idempotency_key: str):
    params = {"amount": amount_pence, "currency": CURRENCY, "payment_method_types": ["card"],
              "metadata": metadata}
    return _translated(lambda: _client().v1.payment_intents.create(
        params=params, options=_post_options(idempotency_key)), "create payment intent")


def retrieve_payment_intent(payment_intent_id: str):
    return _translated(lambda: _client().v1.payment_intents.retrieve(payment_intent_id),
                       "retrieve payment intent")


def list_payment_intents(limit: int = 100):
    """Every PaymentIntent, page by page (auto-paging)."""
    def collect():
        page = _client().v1.payment_intents.list(params={"limit": limit})
        return list(page.auto_paging_iter())
    return _translated(collect, "list payment intents")


def attach_payment_method(payment_intent_id: str, payment_method_id: str, idempotency_key: str):
    """Set the card on the intent (localstripe cannot take it as a confirm() argument)."""
    return _translated(lambda: _client().v1.payment_intents.update(
        payment_intent_id, params={"payment_method": payment_method_id},
        options=_post_options(idempotency_key)), "attach payment method")


def confirm_payment_intent(payment_intent_id: str, idempotency_key: str,
                           return_url: str | None = None):
    # return_url makes real Stripe answer 3-D Secure with a redirect (no JavaScript needed);
    # localstripe refuses unknown parameters, so it is only sent to real Stripe.
    params = {"return_url": return_url} if return_url and not uses_local_test_server() else {}
    return _translated(lambda: _client().v1.payment_intents.confirm(
        payment_intent_id, params=params, options=_post_options(idempotency_key)),
        "confirm payment intent")


def cancel_payment_intent(payment_intent_id: str, idempotency_key: str):
    return _translated(lambda: _client().v1.payment_intents.cancel(
        payment_intent_id, options=_post_options(idempotency_key)), "cancel payment intent")


def complete_test_authentication(payment_intent_id: str, success: bool, idempotency_key: str):
    """localstripe only: play the bank's 3-D Secure page (what its Stripe.js stand-in does)."""
    return _test_bank_answer("payment_intents", payment_intent_id, success, idempotency_key)


def _test_bank_answer(kind: str, intent_id: str, success: bool, idempotency_key: str):
    """The test bank's answer to 3-D Secure for a payment or setup intent (localstripe's own
    route for payments, and the one our launcher adds for setups: localstripe_extras.py)."""
    if not uses_local_test_server():
        raise CardServiceError("Test authentication is only possible with the local test server.")

    def call():
        client = _client()
        intent = getattr(client.v1, kind).retrieve(intent_id)
        response = client.raw_request(
            "post", f"/v1/{kind}/{intent_id}/_authenticate",
            client_secret=intent.client_secret, success="true" if success else "false",
            idempotency_key=idempotency_key,
        )
        return client.deserialize(response, api_mode="V1")
    return _translated(call, "complete test authentication")


# ---------------------------------------------------------------- saved cards (pools)


def create_setup_intent(customer_id: str, metadata: dict[str, str], idempotency_key: str):
    """Save a card for charging later, off-session (a pool's pledge); nothing is charged."""
    params = {"customer": customer_id, "usage": "off_session", "payment_method_types": ["card"],
              "metadata": metadata}
    return _translated(lambda: _client().v1.setup_intents.create(
        params=params, options=_post_options(idempotency_key)), "create setup intent")


def confirm_setup_intent(setup_intent_id: str, payment_method_id: str, idempotency_key: str,
                         return_url: str | None = None):
    # As for payments: return_url lets real Stripe answer 3-D Secure with a redirect to the
    # bank, with no JavaScript; localstripe refuses the parameter.
    params = {"payment_method": payment_method_id}
    if return_url and not uses_local_test_server():
        params["return_url"] = return_url
    return _translated(lambda: _client().v1.setup_intents.confirm(
        setup_intent_id, params=params, options=_post_options(idempotency_key)),
        "confirm setup intent")


def retrieve_setup_intent(setup_intent_id: str):
    return _translated(lambda: _client().v1.setup_intents.retrieve(setup_intent_id),
                       "retrieve setup intent")


def complete_test_setup_authentication(setup_intent_id: str, success: bool,
                                       idempotency_key: str):
    """Local test server only: play the bank's 3-D Secure page for a card being saved."""
    return _test_bank_answer("setup_intents", setup_intent_id, success, idempotency_key)


def authorise_off_session(amount_pence: int, customer_id: str, payment_method_id: str,
                          metadata: dict[str, str], idempotency_key: str):
    """Hold exactly amount_pence on a saved card without the person there (manual capture):
    status "requires_capture" when held; a decline raises CardDeclined."""
    params = {"amount": amount_pence, "currency": CURRENCY, "customer": customer_id,
              "payment_method": payment_method_id, "payment_method_types": ["card"],
              "capture_method": "manual", "confirm": True, "off_session": True,
              "metadata": metadata}
    return _translated(lambda: _client().v1.payment_intents.create(
        params=params, options=_post_options(idempotency_key)), "authorise saved card")


def capture_payment_intent(payment_intent_id: str, idempotency_key: str):
    return _translated(lambda: _client().v1.payment_intents.capture(
        payment_intent_id, options=_post_options(idempotency_key)), "capture payment intent")


# ---------------------------------------------------------------- payment methods


def create_card_payment_method(number: str, exp_month: int, exp_year: int, cvc: str,
                               idempotency_key: str):
    """Test server only: with real Stripe, card numbers never reach our server (Stripe.js
    Elements creates the payment method in the browser)."""
    if not uses_local_test_server():
        raise CardServiceError("Card numbers can only be taken on our page with the test server.")
    params = {"type": "card", "card": {"number": number, "exp_month": exp_month,
                                       "exp_year": exp_year, "cvc": cvc}}
    return _translated(lambda: _client().v1.payment_methods.create(
        params=params, options=_post_options(idempotency_key)), "create payment method")


def retrieve_payment_method(payment_method_id: str):
    return _translated(lambda: _client().v1.payment_methods.retrieve(payment_method_id),
                       "retrieve payment method")


def create_customer(email: str, name: str, idempotency_key: str):
    return _translated(lambda: _client().v1.customers.create(
        params={"email": email, "name": name}, options=_post_options(idempotency_key)),
        "create customer")


# ---------------------------------------------------------------- refunds


def create_refund(payment_intent_id: str, amount_pence: int, metadata: dict[str, str],
                  idempotency_key: str):
    params = {"payment_intent": payment_intent_id, "amount": amount_pence, "metadata": metadata}
    return _translated(lambda: _client().v1.refunds.create(
        params=params, options=_post_options(idempotency_key)), "create refund")


def list_refunds(payment_intent_id: str | None = None):
    def collect():
        params: dict[str, Any] = {"limit": 100}
        if payment_intent_id:
            params["payment_intent"] = payment_intent_id
        return list(_client().v1.refunds.list(params=params).auto_paging_iter())
    return _translated(collect, "list refunds")


def retrieve_refund(refund_id: str):
    return _translated(lambda: _client().v1.refunds.retrieve(refund_id), "retrieve refund")


# ---------------------------------------------------------------- Connect (payouts backend)


def create_transfer(amount_pence: int, destination_account: str, idempotency_key: str,
                    metadata: dict[str, str] | None = None):
    """Send money to a provider's connected account (Stripe Connect). localstripe has no
    Connect: this is tested against a recording server answering with Stripe's own examples."""
    params = {"amount": amount_pence, "currency": CURRENCY, "destination": destination_account,
              "metadata": metadata or {}}
    return _translated(lambda: _client().v1.transfers.create(
        params=params, options=_post_options(idempotency_key)), "create transfer")


# ---------------------------------------------------------------- webhooks


def construct_webhook_event(payload: bytes, signature_header: str | None) -> dict[str, Any]:
    """The verified event as a dict, or InvalidWebhook (missing, forged or stale signature)."""
    if not signature_header:
        raise InvalidWebhook("The Stripe-Signature header is missing.")
    try:
        return stripe.Webhook.construct_event(
            payload, signature_header, webhook_secret(), tolerance=WEBHOOK_TOLERANCE_SECONDS
        ).to_dict()
    except stripe.SignatureVerificationError as error:
        raise InvalidWebhook("The webhook signature does not match.") from error
    except ValueError as error:
        raise InvalidWebhook("The webhook body is not valid JSON.") from error
    except (AttributeError, TypeError, KeyError) as error:  # valid JSON, but not an event
        log.warning("Refused a signed Stripe webhook that is not a proper event: %r", error)
        raise InvalidWebhook("The webhook body is not a Stripe event.",
                             code="malformed_event") from error
