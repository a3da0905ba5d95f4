"""The JSON API under /api/v1: one module per resource, described by openapi.py.

Open data (services, providers) is public: every GET response carries
`Access-Control-Allow-Origin: *`. A person's budgets, statement and orders need a personal access
token (`Authorization: Bearer ...`, see auth.py); session cookies are never accepted there, which
is why the blueprint can be exempt from CSRF. Every error is the JSON body of marketplace.errors.
"""
from flask import Blueprint, Response, request

from marketplace.errors import NotFound

blueprint = Blueprint("api", __name__)


@blueprint.after_request
def allow_any_origin(response: Response) -> Response:
    if request.method in ("GET", "HEAD"):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.get("/<path:unknown>")
def unknown_endpoint(unknown: str):
    raise NotFound(
        "There is no such API endpoint. The endpoints are listed in /api/v1/openapi.json."
    )


from marketplace.api import auth, me, openapi, orders, providers, services  # noqa: E402,F401  (registers routes)
