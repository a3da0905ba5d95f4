"""The JSON API under /api/v1: one module per resource, described by openapi.py.

Read-only open data: every GET response carries `Access-Control-Allow-Origin: *`, and every
error (bad parameter, unknown id, unknown path) is the JSON body of marketplace.errors.
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


from marketplace.api import openapi, providers, services  # noqa: E402,F401  (registers routes)
