"""The JSON API under /api/v1: one module per resource, described by openapi.py."""
from flask import Blueprint

blueprint = Blueprint("api", __name__)


@blueprint.route("/openapi.json")
def openapi():
    return {}
