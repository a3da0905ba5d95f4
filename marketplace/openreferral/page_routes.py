"""/open-data: the public page that explains, in plain English, the two ways Pathways shares
its services: the Open Referral UK feed and the /api/v1 JSON API (linked from every footer)."""
from __future__ import annotations

from flask import Blueprint, render_template

from marketplace.openreferral.routes import OPENAPI_URL, VERSION
from marketplace.openreferral.taxonomies import TAXONOMIES, terms

blueprint = Blueprint("open_data", __name__)


@blueprint.get("/open-data")
def page():
    return render_template("openreferral/open_data.html", version=VERSION,
                           standard_openapi=OPENAPI_URL, taxonomies=TAXONOMIES, terms=terms)
