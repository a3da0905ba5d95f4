"""GET /api/v1/services (search, same parameters as the /search page) and
GET /api/v1/services/<id> (one active service; paused or missing is 404)."""
from __future__ import annotations

from flask import request

from marketplace.api import blueprint, serialisers
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.providers.models import Service
from marketplace.search.params import parse_search_params
from marketplace.search.services import search_services

SERVICE_NOT_FOUND = "There is no service with that number, or it is not taking bookings now."


@blueprint.get("/services")
def services():
    params = parse_search_params(request.args)
    results = search_services(params, channel="api")
    db.session.commit()  # the anonymous search log entry
    return serialisers.search_results(results)


@blueprint.get("/services/<int:service_id>")
def service(service_id: int):
    found = db.session.get(Service, service_id)
    if found is None or not found.is_active:
        raise NotFound(SERVICE_NOT_FOUND)
    return serialisers.service_detail(found)
