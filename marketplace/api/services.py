"""GET /api/v1/services (search, same parameters as the /search page) and
GET /api/v1/services/<id> (one active service; paused or missing is 404)."""
from __future__ import annotations

from flask import current_app, request

from marketplace.api import blueprint, serialisers
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.providers.models import Service
from marketplace.search.generation_cache import GenerationCache
from marketplace.search.params import parse_search_params
from marketplace.search.services import search_services

SERVICE_NOT_FOUND = "There is no service with that number, or it is not taking bookings now."


#: The JSON of each search, per index generation: the answer is the same for every caller
#: (open data), so only the search itself (cached too) and its log row happen per request.
_answers: GenerationCache[bytes] = GenerationCache()


@blueprint.get("/services")
def services():
    params = parse_search_params(request.args)
    results = search_services(params, channel="api")
    key = (request.host_url, tuple(sorted(request.args.items(multi=True))))
    body = _answers.get(results.generation, key, lambda: current_app.json.response(
        serialisers.search_results(results)).get_data())
    return current_app.response_class(body, mimetype="application/json")


@blueprint.get("/services/<int:service_id>")
def service(service_id: int):
    found = db.session.get(Service, service_id)
    if found is None or not found.is_active:
        raise NotFound(SERVICE_NOT_FOUND)
    return serialisers.service_detail(found)
