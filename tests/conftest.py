"""Fixtures: an app on a migrated database (SQLite by default, PostgreSQL when DATABASE_URL
says so), a fresh search index per test, clients and logged-in helpers.

The schema is built once per run by the real migrations, so every run also tests them; rows
are deleted after each test.
"""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.config import TestConfig
from marketplace.extensions import db
from tests.database import empty_tables

pytest_plugins = ["tests.stripe_plugin"]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _worker_database(url, worker) if worker else url


def _worker_database(url: str, worker: str) -> str:
    """Each pytest-xdist worker gets its own PostgreSQL database beside DATABASE_URL's."""
    base = sa.engine.make_url(_with_driver(url))
    name = f"{base.database}_{worker}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if exists is None:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def migrated_database(database_url, tmp_path_factory) -> str:
    from flask_migrate import upgrade

    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=_with_driver(database_url),
        SEARCH_INDEX_DIR=str(tmp_path_factory.mktemp("index-setup")),
    )
    with app.app_context():
        with db.engine.begin() as connection:
            _drop_everything(connection)
        upgrade()
        db.engine.dispose()
    return _with_driver(database_url)


def _forget_cached_login() -> None:
    from flask import g

    g.pop("_login_user", None)


def _with_driver(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _drop_everything(connection) -> None:
    metadata = sa.MetaData()
    metadata.reflect(bind=connection)
    metadata.drop_all(bind=connection)


@pytest.fixture
def app(migrated_database, tmp_path, request):
    # @pytest.mark.app_config(NAME=value, ...) sets what only counts at start-up
    # (TRUSTED_PROXIES, ENVIRONMENT, ...).
    marker = request.node.get_closest_marker("app_config")
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=migrated_database,
        SEARCH_INDEX_DIR=str(tmp_path / "search-index"),
        **(marker.kwargs if marker else {}),
    )
    # The test keeps one app context open across requests, so Flask's g outlives a request;
    # forget Flask-Login's cached user before each one so every client is seen as itself.
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_cached_login)
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as connection:
            empty_tables(connection)
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = "correct horse battery"):
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


class FixedClock:
    """marketplace.times' "now", held still until the test moves it (aware UTC)."""

    def __init__(self, now):
        self.now = now

    def set(self, now) -> None:
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch) -> FixedClock:
    """Fix the time for everything that asks marketplace.times: clock.set(aware datetime)."""
    from marketplace import times

    fixed = FixedClock(times.utcnow())
    monkeypatch.setattr(times, "_clock", fixed)
    return fixed
