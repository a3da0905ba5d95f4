"""With PATHWAYS_ENV=production the app refuses to start on unsafe settings, one plain line per
setting to fix; a safe production configuration starts, and development keeps its defaults."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from marketplace import create_app
from marketplace.config import PROJECT_ROOT, Config
from marketplace.extensions import db
from marketplace.production_settings import UnsafeProductionSettings

#: A production configuration that must start.
SAFE = {
    "ENVIRONMENT": "production",
    "SECRET_KEY": "a-long-random-production-secret-0123456789abcdef",
    "STRIPE_SECRET_KEY": "sk_live_51Pathways",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_51Pathways",
    "STRIPE_WEBHOOK_SECRET": "whsec_production",
    "STRIPE_API_BASE": "",
    "RATELIMIT_STORAGE_URI": "redis://redis.internal:6379/0",
    "SITE_URL": "https://pathways.example.gov.uk",
}


def refusal(**changes) -> list[str]:
    with pytest.raises(UnsafeProductionSettings) as raised:
        create_app(Config, **{**SAFE, **changes})
    return raised.value.problems


@pytest.mark.parametrize("changes, first_words", [
    ({"SECRET_KEY": None}, "Set SECRET_KEY:"),
    ({"STRIPE_SECRET_KEY": ""}, "Set STRIPE_SECRET_KEY:"),
    ({"STRIPE_SECRET_KEY": "sk_test_local"}, "Set STRIPE_SECRET_KEY:"),
    ({"STRIPE_PUBLISHABLE_KEY": None}, "Set STRIPE_PUBLISHABLE_KEY:"),
    ({"STRIPE_PUBLISHABLE_KEY": "pk_test_local"}, "Set STRIPE_PUBLISHABLE_KEY:"),
    ({"STRIPE_WEBHOOK_SECRET": None}, "Set STRIPE_WEBHOOK_SECRET:"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, "Set RATELIMIT_STORAGE_URI"),
    ({"SITE_URL": "http://pathways.example.gov.uk"}, "Set SITE_URL"),
    ({"SITE_URL": ""}, "Set SITE_URL"),
])
def test_each_unsafe_setting_is_refused_with_one_line_naming_it(changes, first_words):
    problems = refusal(**changes)
    assert len(problems) == 1, problems
    assert problems[0].startswith(first_words)


@pytest.mark.parametrize("api_base", [
    "http://127.0.0.1:8420",            # localstripe, as in development
    "http://localhost:8420",
    "https://localhost",
    "http://[::1]:8420",
    "https://[::ffff:127.0.0.1]",
    "https://0.0.0.0:8420",
    "https://10.0.0.5",                 # a test server on the private network
    "https://192.168.1.20:8420",
    "http://localstripe:8420",          # a container's bare name
    "http://api.stripe.com",            # not https
])
def test_stripe_calls_to_a_local_or_test_server_are_refused(api_base):
    problems = refusal(STRIPE_API_BASE=api_base)
    assert len(problems) == 1, problems
    assert problems[0].startswith("Unset STRIPE_API_BASE, so card payments go to Stripe")
    assert api_base in problems[0]


def test_every_problem_is_listed_at_once_without_showing_secrets():
    with pytest.raises(UnsafeProductionSettings) as raised:
        create_app(Config, ENVIRONMENT="production", SECRET_KEY="", STRIPE_SECRET_KEY="sk_test_local",
                   STRIPE_PUBLISHABLE_KEY="pk_test_local", STRIPE_WEBHOOK_SECRET="",
                   STRIPE_API_BASE="http://127.0.0.1:8420", RATELIMIT_STORAGE_URI="memory://",
                   SITE_URL="http://127.0.0.1:5000")
    message = str(raised.value)
    lines = message.splitlines()
    assert lines[0].startswith("Pathways will not start in production")
    assert [line.split(":")[0].split(",")[0] for line in lines[1:]] == [
        "- Set SECRET_KEY", "- Set STRIPE_SECRET_KEY", "- Set STRIPE_PUBLISHABLE_KEY",
        "- Set STRIPE_WEBHOOK_SECRET", "- Unset STRIPE_API_BASE",
        "- Set RATELIMIT_STORAGE_URI to a store every web process shares",
        "- Set SITE_URL to the site's https address",
    ]
    assert "sk_test_local" not in message and "pk_test_local" not in message


@pytest.mark.app_config(**SAFE)
def test_a_safe_production_configuration_starts_and_serves(client):
    assert client.get("/healthz").status_code == 200
    assert "Log in" in client.get("/login").get_data(as_text=True)


def test_development_keeps_its_local_defaults(migrated_database, tmp_path):
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=migrated_database,
                     SEARCH_INDEX_DIR=str(tmp_path / "index"))
    assert app.config["ENVIRONMENT"] == "development"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert app.config["STRIPE_API_BASE"].startswith("http://127.0.0.1")
    with app.app_context():
        try:
            assert app.test_client().get("/healthz").status_code == 200
        finally:
            db.session.remove()
            db.engine.dispose()


def _python(code: str, env: dict) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items()
            if not key.startswith(("STRIPE_", "PATHWAYS_", "SITE_URL", "RATELIMIT_", "SECRET_KEY",
                                   "DATABASE_URL", "SEARCH_INDEX_DIR"))}
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_starting_gunicorn_style_with_only_pathways_env_production_says_what_to_set(tmp_path):
    result = _python("import wsgi", {"PATHWAYS_ENV": "production",
                                     "PATHWAYS_INSTANCE_DIR": str(tmp_path)})
    assert result.returncode != 0
    for name in ("SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY",
                 "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE", "RATELIMIT_STORAGE_URI", "SITE_URL"):
        assert f"set {name.lower()}" in result.stderr.lower(), result.stderr
