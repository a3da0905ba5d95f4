# Skeleton so the app boots; the provider-area work replaces it.
from flask import Blueprint

blueprint = Blueprint("providers", __name__)


@blueprint.route("/provider")
def dashboard():
    return "provider area"


@blueprint.route("/provider/profile")
def edit_profile():
    return "profile"
