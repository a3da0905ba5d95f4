"""The Open Referral UK 3.0 feed under /openreferral (docs/open-data.md): the endpoints and
parameters of the UK profile's OpenAPI document, open to anyone.

Every answer is JSON, carries `Access-Control-Allow-Origin: *` (the UK profile requires it,
so a web page anywhere can read the feed) and needs no login or key; calls are counted per
address (OPENREFERRAL_RATE_LIMIT), as the standard allows, so one harvester cannot starve the
site. Errors are the site's JSON error body with a 4xx status.
"""
from __future__ import annotations

import json

from flask import (Blueprint, Response, current_app, jsonify, request, stream_with_context,
                   url_for)
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from marketplace.errors import NotFound
from marketplace.extensions import configured_limit, limiter
from marketplace.openreferral import feed, ids, locations, params, taxonomies
from marketplace.openreferral.paging import page_body, page_of

blueprint = Blueprint("openreferral", __name__)
limiter.shared_limit(configured_limit("OPENREFERRAL_RATE_LIMIT"), scope="openreferral",
                     key_func=get_remote_address)(blueprint)

#: The standard this feed follows, as the ORUK validator reads it from "/".
VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://github.com/openreferral/uk-profile"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"
#: Methods a client might try on a read-only feed: each is answered in JSON.
ANY_OTHER_METHOD = ["POST", "PUT", "PATCH", "DELETE"]
NOT_HERE = ("There is no {what} with that id in this feed. Ids are listed by {listing}; a "
            "service that is paused or deleted is no longer here (see modified_after).")


@blueprint.after_request
def open_to_any_origin(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blueprint.get("/")
def about():
    """The API's version document."""
    return jsonify({
        "version": VERSION,
        "profile": PROFILE_URL,
        "openapi_url": OPENAPI_URL,
        "pathways_documentation": url_for("open_data.page", _external=True),
    })


def _ndjson(records) -> Response:
    """Every record, one JSON object a line, without paging (format=ndjson)."""
    lines = (json.dumps(record, separators=(",", ":")) + "\n" for record in records)
    return current_app.response_class(stream_with_context(lines),
                                      mimetype="application/x-ndjson")


@blueprint.get("/services")
def services():
    minimal = params.flag("minimal")
    full = params.flag("full")
    chosen = params.service_filters()
    if params.response_format() == "ndjson":
        return _ndjson(feed.every_service(chosen, full=full, minimal=minimal))
    return jsonify(feed.services_page(chosen, params.paging(minimal=minimal), full=full,
                                      minimal=minimal))


def _found(record, what: str, listing: str):
    if record is None:
        raise NotFound(NOT_HERE.format(what=what, listing=listing))
    return jsonify(record)


def _listing(every: list, body_of) -> Response:
    """A page of a list held in memory (our taxonomies and their terms)."""
    paging = params.paging()
    return jsonify(page_body([body_of(each) for each in page_of(every, paging)], len(every),
                             paging))


@blueprint.get("/services/<feed_id>")
def service(feed_id: str):
    parsed = ids.parse(feed_id)
    found = feed.service(parsed.number) if parsed and parsed.kind == "service" else None
    return _found(found, "service", "/services")


@blueprint.get("/service_at_locations")
def service_at_locations():
    return jsonify(feed.service_at_locations_page(params.service_filters(), params.paging()))


@blueprint.get("/service_at_locations/<feed_id>")
def service_at_location(feed_id: str):
    parsed = locations.find_service_at_location(feed_id)
    return _found(feed.service_at_location(*parsed) if parsed else None,
                  "service at location", "/service_at_locations")


@blueprint.get("/taxonomies")
def taxonomy_list():
    return _listing(list(taxonomies.TAXONOMIES), taxonomies.taxonomy_body)


@blueprint.get("/taxonomies/<feed_id>")
def taxonomy(feed_id: str):
    found = taxonomies.find_taxonomy(feed_id)
    return _found(taxonomies.taxonomy_body(found) if found else None, "taxonomy",
                  "/taxonomies")


@blueprint.get("/taxonomy_terms")
def taxonomy_terms():
    return _listing(taxonomies.terms(), taxonomies.term_body)


@blueprint.get("/taxonomy_terms/<feed_id>")
def taxonomy_term(feed_id: str):
    found = taxonomies.find_term(feed_id)
    return _found(taxonomies.term_body(found) if found else None, "taxonomy term",
                  "/taxonomy_terms")


@blueprint.route("/", methods=ANY_OTHER_METHOD)
@blueprint.route("/<path:unknown>", methods=["GET", *ANY_OTHER_METHOD])
def unknown_endpoint(unknown: str = ""):
    """A JSON 404 for a path the feed does not have; 405 for one it has, asked with another
    method than GET (the feed is read-only)."""
    if request.method != "GET":
        adapter = current_app.url_map.bind_to_environ(request.environ)
        try:
            endpoint, _ = adapter.match(request.path, method="GET")
        except HTTPException:
            endpoint = None
        if endpoint not in (None, "openreferral.unknown_endpoint"):
            raise MethodNotAllowed(valid_methods=["GET", "HEAD", "OPTIONS"])
    raise NotFound("There is no such endpoint in this feed. It serves /, /services, "
                   "/service_at_locations, /taxonomies and /taxonomy_terms (GET only).")
