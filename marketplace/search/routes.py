# Skeleton so the app boots; the search work replaces it.
from flask import Blueprint

blueprint = Blueprint("search", __name__)


@blueprint.route("/search")
def search():
    return "search"
