"""The app gunicorn serves in bench/search_throughput.py, plus one bare route for the
yardstick: `gunicorn 'bench.throughput_app:create()'`. Settings come from the environment
(DATABASE_URL, SEARCH_INDEX_DIR, API_RATE_LIMIT, ...), as in production."""
from __future__ import annotations


def create():
    from marketplace import create_app
    from marketplace.config import Config

    app = create_app(Config, SECRET_KEY="bench-not-secret")

    @app.route("/bench/bare")
    def bare():
        return "ok"

    return app
