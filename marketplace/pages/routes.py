from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template

from marketplace.extensions import db
from marketplace.providers.models import Provider, Service
from marketplace.search import index

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


@blueprint.route("/healthz")
def healthz():
    checks = {}
    try:
        db.session.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:  # the health check reports failures instead of raising them
        checks["database"] = f"error: {type(error).__name__}"
    checks["search_index"] = index.health()
    healthy = all(value == "ok" for value in checks.values())
    return jsonify({"status": "ok" if healthy else "error", "checks": checks}), (
        200 if healthy else 503
    )
