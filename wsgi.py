"""Entry point for gunicorn and the flask CLI: `gunicorn wsgi:app`, `flask --app wsgi ...`."""
import gc

from marketplace import create_app

app = create_app()
# What start-up built (the app, its routes, templates and vocabularies) lives as long as the
# process: frozen, the garbage collector's full passes during a request scan only what the
# request made. Unfrozen, they cost the commissioners' pages at region size up to half their
# CPU, and made their timings vary twofold (bench/RESULTS.md, "Commissioners' views").
gc.freeze()
