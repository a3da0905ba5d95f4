"""GET /api/v1/providers/<id>: a provider's public profile with its active services."""
from __future__ import annotations

from marketplace.api import blueprint, serialisers
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.providers.models import Provider


@blueprint.get("/providers/<int:provider_id>")
def provider(provider_id: int):
    found = db.session.get(Provider, provider_id)
    if found is None or found.is_closed:
        raise NotFound("There is no provider with that number.")
    active = [service for service in found.services if service.is_active]
    return serialisers.provider_detail(found, active)
