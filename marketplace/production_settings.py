"""The settings production refuses to start without.

create_app calls check_production_settings(app.config) when ENVIRONMENT (PATHWAYS_ENV) is
"production". Every problem found is one plain line that names the variable to set and says
why; they are raised together, in one UnsafeProductionSettings, so an operator can fix them all
in one go. Development and tests keep their local defaults and are not checked.

Invariants of a production app that started:
- SECRET_KEY is set.
- STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET are set, and none is the
  built-in key of the local test server.
- Card payments go to Stripe: STRIPE_API_BASE is empty (api.stripe.com) or an https address
  that is not this machine, a private or link-local network, or a bare local name.
- RATELIMIT_STORAGE_URI is a store shared by every process (not memory://, which counts per
  process, so each gunicorn worker would allow the full limit again).
- SITE_URL is https (links in emails and payment redirects are built from it).

Secret values are never echoed in the messages.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

#: The keys the config falls back to for the local test server (localstripe).
LOCAL_TEST_KEYS = {"sk_test_local", "pk_test_local"}


class UnsafeProductionSettings(RuntimeError):
    """Raised at start-up; .problems holds one line per setting to fix."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"- {problem}" for problem in problems)
        super().__init__(
            f"Pathways will not start in production (PATHWAYS_ENV=production) until "
            f"{'this is' if len(problems) == 1 else 'these are'} fixed:\n{lines}"
        )


def check_production_settings(config: Mapping) -> None:
    """Raise UnsafeProductionSettings listing every unsafe setting; return if there is none."""
    problems = production_problems(config)
    if problems:
        raise UnsafeProductionSettings(problems)


def production_problems(config: Mapping) -> list[str]:
    site_url = (config.get("SITE_URL") or "").strip()
    problems = []
    if not config.get("SECRET_KEY"):
        problems.append(
            "Set SECRET_KEY: a long random string that signs sessions and forms (for example "
            "the output of: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    secret_key = config.get("STRIPE_SECRET_KEY") or ""
    if not secret_key or secret_key in LOCAL_TEST_KEYS:
        problems.append(
            "Set STRIPE_SECRET_KEY: the secret key (sk_live_... or a restricted rk_live_... "
            "key) from your Stripe dashboard; the built-in test key only works with the local "
            "test server."
        )
    publishable_key = config.get("STRIPE_PUBLISHABLE_KEY") or ""
    if not publishable_key or publishable_key in LOCAL_TEST_KEYS:
        problems.append(
            "Set STRIPE_PUBLISHABLE_KEY: the publishable key (pk_live_...) from your Stripe "
            "dashboard."
        )
    if not config.get("STRIPE_WEBHOOK_SECRET"):
        endpoint = f"{site_url.rstrip('/')}/payments/stripe/webhook" if site_url else (
            "this site's /payments/stripe/webhook")
        problems.append(
            "Set STRIPE_WEBHOOK_SECRET: the signing secret (whsec_...) of your Stripe webhook "
            f"endpoint for {endpoint}, so payment events can be verified."
        )
    api_base = (config.get("STRIPE_API_BASE") or "").strip()
    if api_base and (reason := _not_stripe(api_base)):
        problems.append(
            f"Unset STRIPE_API_BASE, so card payments go to Stripe: it is {api_base}, {reason}."
        )
    storage = (config.get("RATELIMIT_STORAGE_URI") or "memory://").strip()
    if storage.startswith("memory:"):
        problems.append(
            "Set RATELIMIT_STORAGE_URI to a store every web process shares, such as "
            "redis://redis.internal:6379/0: with memory:// each process counts on its own, so "
            "login and other limits multiply by the number of workers and reset on restart."
        )
    if urlsplit(site_url).scheme != "https" or not urlsplit(site_url).hostname:
        shown = f"it is {site_url}" if site_url else "it is not set"
        problems.append(
            "Set SITE_URL to the site's https address, such as https://pathways.example.gov.uk: "
            f"{shown}, and links in emails and payment pages are built from it."
        )
    return problems


def _not_stripe(url: str) -> str | None:
    """Why Stripe calls to `url` would not reach Stripe, or None if they could."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return "which is not a web address"
    if host == "localhost" or host.endswith(".localhost"):
        return "a test server on this machine"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if getattr(address, "ipv4_mapped", None):  # ::ffff:127.0.0.1 is 127.0.0.1
            address = address.ipv4_mapped
        if address.is_loopback or address.is_unspecified:
            return "a test server on this machine"
        if address.is_private or address.is_link_local or address.is_reserved:
            return "an address on a private network, such as a local test server"
    elif "." not in host:
        return "a name that only resolves on a local network, such as a local test server"
    if parts.scheme != "https":
        return "which is not https, and Stripe only answers over https"
    return None
