"""Settings, read from the environment with safe development defaults.

Secrets never live in the repository: in development a random secret key is generated once
and kept in the instance folder. In production (PATHWAYS_ENV=production) create_app refuses
unsafe settings: see marketplace/production_settings.py for the list.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("PATHWAYS_INSTANCE_DIR", PROJECT_ROOT / "instance"))


def _development_secret_key() -> str:
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'pathways.db'}")
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    ENVIRONMENT = os.environ.get("PATHWAYS_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY") or (
        None if ENVIRONMENT == "production" else _development_secret_key()
    )
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_size": int(os.environ.get("DATABASE_POOL_SIZE", "10")),
        "max_overflow": int(os.environ.get("DATABASE_POOL_OVERFLOW", "20")),
    }
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(INSTANCE_DIR / "search-index"))
    SYNONYMS_FILE = os.environ.get(
        "SYNONYMS_FILE", str(PROJECT_ROOT / "marketplace" / "search" / "synonyms.txt")
    )
    SEARCH_PAGE_SIZE = 20

    #: Disclosure control of every commissioners' figure (docs/disclosure.md): counts below
    #: DISCLOSURE_MIN_COUNT (but above 0) show as "fewer than 8", other counts are rounded to
    #: the nearest DISCLOSURE_ROUND_TO, and money to the nearest DISCLOSURE_MONEY_ROUND_PENCE.
    DISCLOSURE_MIN_COUNT = int(os.environ.get("DISCLOSURE_MIN_COUNT", "8"))
    DISCLOSURE_ROUND_TO = int(os.environ.get("DISCLOSURE_ROUND_TO", "5"))
    DISCLOSURE_MONEY_ROUND_PENCE = int(os.environ.get("DISCLOSURE_MONEY_ROUND_PENCE", "10000"))
    #: A search finding this many services or fewer (but some) counts as "few results" on
    #: the commissioners' market map: a sign of thin supply (docs/market-view.md).
    MARKET_FEW_RESULTS = int(os.environ.get("MARKET_FEW_RESULTS", "3"))
    #: The "services to review" list (docs/quality-view.md): a service with at least
    #: QUALITY_MIN_REVIEWS published reviews in the period, fewer than
    #: QUALITY_LOW_HELPED_PERCENT of them saying it helped, is listed; so is one whose mean
    #: stars over the last QUALITY_TREND_DAYS fell by QUALITY_FALL_STARS or more.
    QUALITY_MIN_REVIEWS = int(os.environ.get("QUALITY_MIN_REVIEWS", "3"))
    QUALITY_LOW_HELPED_PERCENT = int(os.environ.get("QUALITY_LOW_HELPED_PERCENT", "50"))
    QUALITY_TREND_DAYS = int(os.environ.get("QUALITY_TREND_DAYS", "90"))
    QUALITY_FALL_STARS = float(os.environ.get("QUALITY_FALL_STARS", "0.5"))
    QUALITY_MIN_REPORTS = int(os.environ.get("QUALITY_MIN_REPORTS", "2"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = ENVIRONMENT == "production"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = ENVIRONMENT == "production"

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # a person filling in a long listing form must not lose it

    #: Where rate-limit counts live. memory:// is per process (development only; production
    #: refuses it): use a store every worker shares, e.g. redis://host:6379/0.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    #: Limits (Flask-Limiter strings, ";" between several). Login: per address and per email.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    #: Accounts made per address (a day centre or library may register several people).
    REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "10 per hour;50 per day")
    #: Questions asked of providers (each emails one), per person and per address.
    ENQUIRY_RATE_LIMIT = os.environ.get("ENQUIRY_RATE_LIMIT", "10 per hour;30 per day")
    #: Supporter invitations sent (each one emails someone), per person and per address.
    SUPPORTER_INVITE_RATE_LIMIT = os.environ.get(
        "SUPPORTER_INVITE_RATE_LIMIT", "10 per hour;30 per day"
    )
    #: "Forgotten your password?" requests (each may email someone), per address and per email.
    PASSWORD_RESET_RATE_LIMIT = os.environ.get(
        "PASSWORD_RESET_RATE_LIMIT", "5 per hour;20 per day")
    #: Links sent to confirm an address ("Send the link again", a new address), per person and
    #: per address.
    CONFIRMATION_EMAIL_RATE_LIMIT = os.environ.get(
        "CONFIRMATION_EMAIL_RATE_LIMIT", "5 per hour;20 per day")
    #: Every /api/v1 call: per token when it carries a valid one, otherwise per address.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute;5000 per hour")
    #: Every /openreferral call, per address: enough for a directory to harvest every page.
    OPENREFERRAL_RATE_LIMIT = os.environ.get("OPENREFERRAL_RATE_LIMIT",
                                             "600 per minute;20000 per hour")

    #: How many proxies (load balancer, nginx) stand in front of the app. Each appends the
    #: address it received the request from to X-Forwarded-For; only that many entries, counted
    #: from the right, are believed (ProxyFix), so a client cannot choose its own address.
    #: 0 (the default) trusts no forwarded header: the address is the connection's.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    # Card payments. Without STRIPE_SECRET_KEY the app talks to the local test server
    # (localstripe, on loopback); with real keys leave STRIPE_API_BASE unset.
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "sk_test_local")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "pk_test_local")
    STRIPE_API_BASE = os.environ.get(
        "STRIPE_API_BASE", "" if os.environ.get("STRIPE_SECRET_KEY") else "http://127.0.0.1:8420"
    )
    #: Required in production; in development generated once into instance/stripe_webhook_secret.
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    PAYMENTS_TIMEOUT_SECONDS = float(os.environ.get("PAYMENTS_TIMEOUT_SECONDS", "10"))

    #: How providers are paid: "bacs_file" (a payment-run file for the bank) or "stripe_connect".
    PAYOUT_BACKEND = os.environ.get("PAYOUT_BACKEND", "bacs_file")

    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")
    #: Minutes a password reset link works (once); short, as it gives the account to whoever
    #: holds it. Days a link confirming an email address works (docs/accounts.md).
    PASSWORD_RESET_TTL_MINUTES = int(os.environ.get("PASSWORD_RESET_TTL_MINUTES", "60"))
    EMAIL_VERIFICATION_TTL_DAYS = int(os.environ.get("EMAIL_VERIFICATION_TTL_DAYS", "7"))
    #: "capture" keeps emails in the database only (development, tests); "smtp" sends them.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "capture")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Pathways <no-reply@pathways.invalid>")
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = os.environ.get("SMTP_PORT", "587")
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    #: "starttls" (default), "ssl", or "none" for a relay on the same machine.
    SMTP_SECURITY = os.environ.get("SMTP_SECURITY", "starttls")
    SMTP_TIMEOUT_SECONDS = float(os.environ.get("SMTP_TIMEOUT_SECONDS", "10"))

    #: Hours a pool waits for a missing share (a failed card, an approval) before everyone's
    #: money goes back; well under the 7 days a card authorisation lasts (docs/pools.md).
    POOL_SHORT_HOURS = int(os.environ.get("POOL_SHORT_HOURS", "72"))
    #: London days a need stays on the needs board before it closes by itself (docs/needs.md).
    NEED_OPEN_DAYS = int(os.environ.get("NEED_OPEN_DAYS", "60"))
    #: A service's rating mixes in this many imagined reviews at REVIEW_PRIOR_STARS, so a few
    #: reviews cannot outrank many (a Bayesian average; docs/reviews.md).
    REVIEW_PRIOR_COUNT = int(os.environ.get("REVIEW_PRIOR_COUNT", "5"))
    REVIEW_PRIOR_STARS = float(os.environ.get("REVIEW_PRIOR_STARS", "3.5"))
    #: London days a 1 or 2 star review (with nothing else found) waits before it shows, so the
    #: provider is told and may reply first; the worker publishes it then (docs/reviews.md).
    REVIEW_LOW_STARS_HOLD_DAYS = int(os.environ.get("REVIEW_LOW_STARS_HOLD_DAYS", "2"))
    #: London days after an order is confirmed delivered that its holder is reminded, once,
    #: to review it (reviews/reminders.py; docs/reviews.md).
    REVIEW_REMINDER_DAYS = int(os.environ.get("REVIEW_REMINDER_DAYS", "3"))
    #: "Download my data" (docs/data-rights.md): days a ready copy can be downloaded before
    #: the worker deletes it; tries before a request is failed; a worker's claim on one, in
    #: seconds (renewed after each part); requests the data-exports job prepares per run.
    DATA_EXPORT_KEEP_DAYS = int(os.environ.get("DATA_EXPORT_KEEP_DAYS", "7"))
    DATA_EXPORT_MAX_ATTEMPTS = int(os.environ.get("DATA_EXPORT_MAX_ATTEMPTS", "3"))
    DATA_EXPORT_LEASE_SECONDS = float(os.environ.get("DATA_EXPORT_LEASE_SECONDS", "600"))
    DATA_EXPORT_BATCH_SIZE = int(os.environ.get("DATA_EXPORT_BATCH_SIZE", "5"))

    # The worker (`flask worker`): email delivery and scheduled jobs; see docs/worker.md.
    #: 2 s, so the search-index node task (every 2 s) shows one node's edits on the others
    #: within a few seconds; a quiet pass is a handful of cheap reads.
    WORKER_POLL_SECONDS = float(os.environ.get("WORKER_POLL_SECONDS", "2"))
    #: Tries before an email is marked failed; the wait after a failed try starts at
    #: MAIL_RETRY_SECONDS and doubles, up to MAIL_RETRY_MAX_SECONDS.
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))
    MAIL_RETRY_SECONDS = float(os.environ.get("MAIL_RETRY_SECONDS", "30"))
    MAIL_RETRY_MAX_SECONDS = float(os.environ.get("MAIL_RETRY_MAX_SECONDS", "3600"))
    #: How long a worker holds a batch of emails before another may take them again.
    MAIL_LEASE_SECONDS = float(os.environ.get("MAIL_LEASE_SECONDS", "300"))
    MAIL_BATCH_SIZE = int(os.environ.get("MAIL_BATCH_SIZE", "20"))
    #: A job run's lease (renewed while it runs); tries before a run is marked failed; the
    #: wait after a failed try starts at JOB_RETRY_SECONDS and doubles up to the maximum.
    JOB_LEASE_SECONDS = float(os.environ.get("JOB_LEASE_SECONDS", "300"))
    JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", "5"))
    JOB_RETRY_SECONDS = float(os.environ.get("JOB_RETRY_SECONDS", "60"))
    JOB_RETRY_MAX_SECONDS = float(os.environ.get("JOB_RETRY_MAX_SECONDS", "3600"))
    #: Finished job runs older than this are deleted by the daily prune-job-runs job.
    JOB_RUN_RETENTION_DAYS = int(os.environ.get("JOB_RUN_RETENTION_DAYS", "90"))

    # Search on many nodes: the index log, each node's index and the search log; see README
    # "Search on many nodes". Each is also read with the same default where it is used.
    #: /healthz says "behind" (503) once the oldest entry this node has not applied is older.
    SEARCH_INDEX_MAX_LAG_SECONDS = float(os.environ.get("SEARCH_INDEX_MAX_LAG_SECONDS", "30"))
    #: An index not seen for this long is dead: pruning stops waiting for it.
    SEARCH_INDEX_LIVE_SECONDS = float(os.environ.get("SEARCH_INDEX_LIVE_SECONDS", "600"))
    #: Entries older than this are pruned even if a lagging index needs them (it then rebuilds).
    SEARCH_LOG_RETENTION_SECONDS = float(os.environ.get("SEARCH_LOG_RETENTION_SECONDS", "86400"))
    SEARCH_UPKEEP_LOCK_TIMEOUT_SECONDS = float(
        os.environ.get("SEARCH_UPKEEP_LOCK_TIMEOUT_SECONDS", "10"))
    #: How long a save waits to apply its own change to this node's index before leaving it to
    #: the worker.
    SEARCH_APPLY_TIMEOUT_SECONDS = float(os.environ.get("SEARCH_APPLY_TIMEOUT_SECONDS", "2"))
    SEARCH_LOG_PRUNE_SECONDS = float(os.environ.get("SEARCH_LOG_PRUNE_SECONDS", "300"))
    #: The anonymous search log is written in batches: at this many rows or this age, and at
    #: exit. A web process killed outright loses at most one unwritten batch.
    SEARCH_LOG_FLUSH_ROWS = int(os.environ.get("SEARCH_LOG_FLUSH_ROWS", "100"))
    SEARCH_LOG_FLUSH_SECONDS = float(os.environ.get("SEARCH_LOG_FLUSH_SECONDS", "5"))


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = True
    # Journeys make many calls from one test address; the tests of each limit set their own.
    # (Logins keep the real limit: tests that log many people in raise it themselves.)
    REGISTRATION_RATE_LIMIT = "1000 per minute"
    SUPPORTER_INVITE_RATE_LIMIT = "1000 per minute"
    ENQUIRY_RATE_LIMIT = "1000 per minute"
    PASSWORD_RESET_RATE_LIMIT = "1000 per minute"
    CONFIRMATION_EMAIL_RATE_LIMIT = "1000 per minute"
    API_RATE_LIMIT = "100000 per minute"
    OPENREFERRAL_RATE_LIMIT = "100000 per minute"
    # Tests read the search log straight after a request.
    SEARCH_LOG_FLUSH_ROWS = 1
    #: Hashing stays real but cheap, so hundreds of test accounts do not dominate the run.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    STRIPE_WEBHOOK_SECRET = "whsec_test_pathways"
    PAYMENTS_TIMEOUT_SECONDS = 2
