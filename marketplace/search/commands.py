"""`flask --app wsgi reindex`: rebuild this node's search index from the database."""
from __future__ import annotations

import time

import click

from marketplace.search import upkeep


@click.command("reindex")
def reindex_command():
    """Rebuild this node's search index from the database (all active services), then apply
    the index log entries committed meanwhile."""
    started = time.perf_counter()
    count = upkeep.keep_current(force_rebuild=True).rebuilt
    elapsed = time.perf_counter() - started
    noun = "service" if count == 1 else "services"
    click.echo(f"Indexed {count} {noun} in {elapsed:.2f} seconds.")
