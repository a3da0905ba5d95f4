"""A provider registers, describes the organisation and manages a listing from start to end."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.providers.models import Provider, Service
from tests.accounts.links import confirm_address
from tests.factories import PASSWORD, make_service
from tests.providers.conftest import profile_form, service_form


def _only_service() -> Service:
    return db.session.scalars(sa.select(Service)).one()


def test_a_provider_registers_describes_itself_and_manages_a_listing(client, queued):
    registered = client.post(
        "/register",
        data={"display_name": "Jo Bloggs", "email": "jo@example.org", "role": "provider",
              "password": PASSWORD, "confirm_password": PASSWORD},
    )
    assert registered.headers["Location"].endswith("/provider/profile")
    # A new account confirms its address before it can list (docs/accounts.md).
    assert client.get("/provider/services/new").status_code == 403
    confirm_address(client, "jo@example.org")

    dashboard = client.get("/provider").get_data(as_text=True)
    assert "Describe your organisation" in dashboard
    # Until the organisation is described, adding a service leads to the profile form.
    assert client.get("/provider/services/new").headers["Location"].endswith("/provider/profile")

    form_page = client.get("/provider/profile").get_data(as_text=True)
    assert 'value="jo@example.org"' in form_page  # contact email starts as the account's

    saved = client.post("/provider/profile", data=profile_form(), follow_redirects=True)
    assert "Your organisation profile is saved." in saved.get_data(as_text=True)
    provider = db.session.scalars(sa.select(Provider)).one()
    assert provider.name == "Salford Peer Voices"
    assert provider.is_user_led and provider.is_micro
    assert provider.contact_email == "jo@example.org"
    assert provider.website == "https://www.example.org"
    assert provider.postcode_district == "M6"

    listed = client.post("/provider/services/new", data=service_form(), follow_redirects=True)
    page = listed.get_data(as_text=True)
    assert "“Photography walks” is listed and shows in search." in page
    service = _only_service()
    assert service.price_pence == 1250 and service.price_unit == "session"
    assert service.tags == ["cameras", "photos", "photo walks"]
    assert service.local_authorities == ["salford"]
    assert service.postcode_districts == ["M14", "SK4"]
    assert service.secondary_categories == ["sport-fitness", "befriending"]
    assert service.languages == ["en", "ur"] and service.specialisms == ["men"]
    assert service.is_group and service.capacity == 8 and service.poolable
    assert service.weekends and not service.evenings
    assert service.status == "active"
    assert "£12.50 per session" in page and "Active" in page
    assert queued == [service.id]

    edit_page = client.get(f"/provider/services/{service.id}/edit").get_data(as_text=True)
    assert 'value="12.50"' in edit_page
    assert 'value="cameras, photos, photo walks"' in edit_page
    edited = client.post(
        f"/provider/services/{service.id}/edit",
        data=service_form(title="Photo walks by the canal", price="9", evenings="y"),
        follow_redirects=True,
    )
    assert "Your changes to “Photo walks by the canal” are saved." in edited.get_data(as_text=True)
    db.session.expire_all()
    service = _only_service()
    assert service.title == "Photo walks by the canal"
    assert service.price_pence == 900 and service.evenings

    paused = client.post(f"/provider/services/{service.id}/pause", follow_redirects=True)
    assert "is paused: it no longer shows in search." in paused.get_data(as_text=True)
    db.session.expire_all()
    assert _only_service().status == "paused"
    assert "Resume" in paused.get_data(as_text=True)

    resumed = client.post(f"/provider/services/{service.id}/resume", follow_redirects=True)
    assert "shows in search again." in resumed.get_data(as_text=True)
    db.session.expire_all()
    assert _only_service().status == "active"

    confirm = client.get(f"/provider/services/{service.id}/delete")
    assert confirm.status_code == 200
    assert "Delete “Photo walks by the canal”?" in confirm.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Service)) == 1

    deleted = client.post(f"/provider/services/{service.id}/delete", follow_redirects=True)
    assert "“Photo walks by the canal” is deleted." in deleted.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Service)) == 0
    assert "You have not listed any services yet." in deleted.get_data(as_text=True)
    assert queued == [service.id] * 5  # listed, edited, paused, resumed, deleted


def test_editing_the_profile_requeues_every_service_of_the_provider(
    client, logged_in_provider, queued
):
    first = make_service(logged_in_provider)
    second = make_service(logged_in_provider, title="Second")
    queued.clear()
    response = client.post("/provider/profile", data=profile_form(name="A new name"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Provider, logged_in_provider.id).name == "A new name"
    assert sorted(queued) == sorted([first.id, second.id])


def test_the_profile_form_shows_what_is_saved(client, logged_in_provider):
    client.post("/provider/profile", data=profile_form(dbs_checked_on="2024-02-29"))
    page = client.get("/provider/profile").get_data(as_text=True)
    assert 'value="Salford Peer Voices"' in page
    for part, value in (("day", "29"), ("month", "2"), ("year", "2024")):
        assert f'name="dbs_checked_on-{part}" type="text" inputmode="numeric" value="{value}"' in page
    assert 'type="date"' not in page  # no browser's own mm/dd/yyyy beside our hint
    assert "Your organisation profile" in page


def test_pausing_a_paused_service_says_so_and_changes_nothing(client, logged_in_provider, queued):
    service = make_service(logged_in_provider, status="paused")
    queued.clear()
    response = client.post(f"/provider/services/{service.id}/pause", follow_redirects=True)
    assert "is already paused." in response.get_data(as_text=True)
    assert queued == []
    response = client.post(f"/provider/services/{service.id}/resume", follow_redirects=True)
    response = client.post(f"/provider/services/{service.id}/resume", follow_redirects=True)
    assert "is already showing in search." in response.get_data(as_text=True)


def test_the_dashboard_lists_each_service_with_status_price_and_actions(
    client, logged_in_provider
):
    active = make_service(logged_in_provider, title="Art club", price_pence=1500)
    paused = make_service(logged_in_provider, title="Quiet hour", price_pence=0,
                          price_unit="hour", status="paused")
    page = client.get("/provider").get_data(as_text=True)
    assert "£15.00 per session" in page and "Free" in page and "£0.00" not in page
    assert f'action="/provider/services/{active.id}/pause"' in page
    assert f'action="/provider/services/{paused.id}/resume"' in page
    assert f'href="/provider/services/{active.id}/edit"' in page
    assert f'href="/provider/services/{paused.id}/delete"' in page
    assert "Paused" in page and "Add a service" in page
