import click


@click.command("reindex")
def reindex_command():
    """Rebuild the search index from the database."""
