"""Refusals: the provider area is for providers only, and each provider reaches only its own
services. Every provider-area route is checked."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.providers.models import Provider, Service
from tests.factories import PASSWORD, make_provider, make_service, make_user
from tests.providers.conftest import profile_form, service_form

AREA_ROUTES = [
    ("GET", "/provider"),
    ("GET", "/provider/profile"),
    ("POST", "/provider/profile"),
    ("GET", "/provider/services/new"),
    ("POST", "/provider/services/new"),
    ("GET", "/provider/services/{id}/edit"),
    ("POST", "/provider/services/{id}/edit"),
    ("POST", "/provider/services/{id}/pause"),
    ("POST", "/provider/services/{id}/resume"),
    ("GET", "/provider/services/{id}/delete"),
    ("POST", "/provider/services/{id}/delete"),
]

OBJECT_ROUTES = [(method, path) for method, path in AREA_ROUTES if "{id}" in path]


def _form_for(path: str) -> dict:
    if path.endswith("/profile"):
        return profile_form(name="Taken over")
    if path.endswith(("/new", "/edit")):
        return service_form(title="Taken over")
    return {}


def _send(client, method: str, path: str, service_id: int):
    url = path.format(id=service_id)
    if method == "GET":
        return client.get(url)
    return client.post(url, data=_form_for(path))


def _assert_nothing_changed(service: Service, provider: Provider) -> None:
    db.session.expire_all()
    service = db.session.get(Service, service.id)
    assert service is not None, "the service was deleted"
    assert service.title == "Peer support group" and service.status == "active"
    assert db.session.get(Provider, provider.id).name == provider.name
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Service)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Provider)) == 1


@pytest.mark.parametrize("method, path", AREA_ROUTES)
def test_anonymous_people_are_sent_to_log_in(client, queued, method, path):
    service = make_service()
    response = _send(client, method, path, service.id)
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    _assert_nothing_changed(service, service.provider)
    assert queued == []


@pytest.mark.parametrize("role", ["holder", "supporter", "commissioner"])
@pytest.mark.parametrize("method, path", AREA_ROUTES)
def test_other_roles_are_refused(client, auth, queued, role, method, path):
    service = make_service()
    auth.login(make_user(role).email)
    response = _send(client, method, path, service.id)
    assert response.status_code == 403
    assert "You cannot see this" in response.get_data(as_text=True)
    _assert_nothing_changed(service, service.provider)
    assert queued == []


@pytest.mark.parametrize("method, path", OBJECT_ROUTES)
def test_another_provider_cannot_touch_someone_elses_service(client, auth, queued, method, path):
    service = make_service()
    intruder = make_provider()
    auth.login(intruder.owner.email)
    response = _send(client, method, path, service.id)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    db.session.expire_all()
    service = db.session.get(Service, service.id)
    assert service.title == "Peer support group" and service.status == "active"
    assert queued == []


@pytest.mark.parametrize("method, path", OBJECT_ROUTES)
def test_a_provider_without_a_profile_or_an_unknown_id_gets_not_found(
    client, auth, method, path
):
    service = make_service()
    auth.login(make_user("provider").email)
    assert _send(client, method, path, service.id).status_code == 404
    assert _send(client, method, path, service.id + 1000).status_code == 404


def test_a_provider_cannot_change_another_providers_profile(client, auth):
    victim = make_provider(name="Original name")
    intruder = make_provider()
    auth.login(intruder.owner.email)
    client.post("/provider/profile", data=profile_form(name="Taken over"))
    db.session.expire_all()
    assert db.session.get(Provider, victim.id).name == "Original name"
    assert db.session.get(Provider, intruder.id).name == "Taken over"


def test_the_dashboard_shows_only_the_providers_own_services(client, auth):
    mine = make_service(title="My own group")
    make_service(title="Someone else's group")
    auth.login(mine.provider.owner.email)
    page = client.get("/provider").get_data(as_text=True)
    assert "My own group" in page
    assert "Someone else&#39;s group" not in page and "Someone else's group" not in page


def test_changes_without_the_forms_csrf_token_are_refused(app, migrated_database, tmp_path):
    """With CSRF protection on (as in production), a pause or delete posted from another site
    carries no token and changes nothing; the dashboard's own forms carry one."""
    import re

    from marketplace import create_app
    from marketplace.config import TestConfig

    service = make_service()
    # Read before switching apps: inside the other app a lazy load would borrow its pool.
    service_id, email = service.id, service.provider.owner.email
    protected = create_app(TestConfig, WTF_CSRF_ENABLED=True,
                           SQLALCHEMY_DATABASE_URI=migrated_database,
                           SEARCH_INDEX_DIR=str(tmp_path / "csrf-index"))
    # Requests run outside any app context of ours: each gets its own, as in production, so
    # Flask-WTF's per-context token cache (g) cannot hide a token missing from the session.
    client = protected.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', login_page).group(1)
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    for action in ("pause", "delete"):
        refused = client.post(f"/provider/services/{service_id}/{action}")
        assert refused.status_code == 400
        assert "This form has expired" in refused.get_data(as_text=True)
    dashboard = client.get("/provider").get_data(as_text=True)
    form_token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', dashboard).group(1)
    accepted = client.post(f"/provider/services/{service_id}/pause",
                           data={"csrf_token": form_token})
    assert accepted.status_code == 302
    with protected.app_context():
        db.engine.dispose()  # this app's own pool: leave no connection open behind it
    db.session.expire_all()
    assert db.session.get(Service, service_id).status == "paused"
