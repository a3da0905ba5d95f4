from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, Blueprint, jsonify, render_template

from marketplace.extensions import db
from marketplace.providers.models import Provider, Service
from marketplace.search import index, upkeep

blueprint = Blueprint("pages", __name__)


@blueprint.route("/")
def home():
    counts = {
        "services": db.session.scalar(
            sa.select(sa.func.count()).select_from(Service).where(Service.status == "active")
        ),
        "providers": db.session.scalar(sa.select(sa.func.count()).select_from(Provider)),
        "user_led": db.session.scalar(
            sa.select(sa.func.count()).select_from(Provider).where(Provider.is_user_led)
        ),
    }
    return render_template("pages/home.html", counts=counts)


@blueprint.route("/how-personal-budgets-work")
def about_budgets():
    return render_template("pages/about_budgets.html")


@blueprint.route("/how-reviews-work")
def reviews_policy():
    return render_template("pages/reviews_policy.html",
                           prior_count=current_app.config["REVIEW_PRIOR_COUNT"],
                           prior_stars=current_app.config["REVIEW_PRIOR_STARS"])


@blueprint.route("/healthz")
def healthz():
    """200 when the database answers and this node's search index is open and current with
    the index log; otherwise 503, so a load balancer sends no traffic here. "search_index" is
    "current", "behind", "building" or an error. Cheap: a few indexed reads, no search."""
    body: dict = {}
    try:
        body.update(upkeep.status().as_json())
        body["database"] = "ok"
    except Exception as error:  # the health check reports failures instead of raising them
        body["database"] = f"error: {type(error).__name__}"
        body["search_index"] = "unknown"
    opened = index.health()
    if opened != "ok":
        body["search_index"] = opened
    healthy = body["database"] == "ok" and body["search_index"] == "current"
    body["status"] = "ok" if healthy else "unavailable"
    body["checks"] = {"database": body["database"], "search_index": body["search_index"]}
    return jsonify(body), 200 if healthy else 503
