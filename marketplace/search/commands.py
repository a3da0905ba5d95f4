"""`flask --app wsgi reindex`: rebuild the search index from the database."""
from __future__ import annotations

import time

import click

from marketplace.search import index


@click.command("reindex")
def reindex_command():
    """Rebuild the search index from the database (all active services) and clear the
    outbox entries it covers."""
    started = time.perf_counter()
    count = index.rebuild_index()
    elapsed = time.perf_counter() - started
    noun = "service" if count == 1 else "services"
    click.echo(f"Indexed {count} {noun} in {elapsed:.2f} seconds.")
