"""After each provider-area change commits, search shows it: new words are found, old ones
and paused or deleted services are not, and a renamed provider is found by its new name."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.providers.models import Service
from marketplace.search.services import search_services
from marketplace.search.types import SearchParams
from tests.providers.conftest import profile_form, service_form


def _found(words: str) -> list[int]:
    results = search_services(SearchParams(q=words), log=False)
    return [hit.service_id for hit in results.hits]


def test_search_follows_every_change_a_provider_makes(client, logged_in_provider):
    client.post("/provider/services/new",
                data=service_form(title="Pottery wheel taster", tags="clay"))
    service_id = db.session.scalars(sa.select(Service.id)).one()
    assert _found("pottery") == [service_id]

    client.post(f"/provider/services/{service_id}/edit",
                data=service_form(title="Ukulele circle", tags="strings"))
    assert _found("ukulele") == [service_id]
    assert _found("pottery") == []

    client.post("/provider/profile", data=profile_form(name="Zephyrine Collective"))
    assert _found("zephyrine") == [service_id]

    client.post(f"/provider/services/{service_id}/pause")
    assert _found("ukulele") == []
    client.post(f"/provider/services/{service_id}/resume")
    assert _found("ukulele") == [service_id]

    client.post(f"/provider/services/{service_id}/delete")
    assert _found("ukulele") == []
