"""The JSON API under /api/v1: one module per resource, described by openapi.py.

Open data (services, providers) is public: every GET response carries
`Access-Control-Allow-Origin: *`. A person's budgets, statement and orders need a personal access
token (`Authorization: Bearer ...`, see auth.py); session cookies are never accepted there, which
is why the blueprint can be exempt from CSRF. Every error is the JSON body of marketplace.errors;
a method a path does not take is 405 with an Allow header.
"""
from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from marketplace.errors import NotFound

blueprint = Blueprint("api", __name__)


@blueprint.after_request
def allow_any_origin(response: Response) -> Response:
    if request.method in ("GET", "HEAD"):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


#: Every method a client might try: the catch-all answers them all, so a path that exists
#: but does not take the method is a 405 with Allow (never a 404), and any other is a 404.
ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@blueprint.route("/<path:unknown>", methods=ANY_METHOD)
def unknown_endpoint(unknown: str):
    allowed = _methods_served(request.path)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise NotFound(
        "There is no such API endpoint. The endpoints are listed in /api/v1/openapi.json."
    )


def _methods_served(path: str) -> list[str]:
    """The methods some other rule serves at this path."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    served = set()
    for method in ANY_METHOD:
        try:
            endpoint, _ = adapter.match(path, method=method)
        except HTTPException:
            continue
        if endpoint != "api.unknown_endpoint":
            served.add(method)
    if "GET" in served:
        served.add("HEAD")
    return sorted(served | {"OPTIONS"}) if served else []


from marketplace.api import (  # noqa: E402,F401  (registers routes)
    auth, commissioning, enquiries, me, needs, openapi, orders, pools, providers, reviews, services)
