from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.accounts import services
from marketplace.errors import DomainError
from marketplace.extensions import db


@click.command("create-commissioner")
@click.option("--email", prompt=True)
@click.option("--name", "display_name", prompt="Full name")
@click.password_option()
@with_appcontext
def create_commissioner_command(email: str, display_name: str, password: str) -> None:
    """Create a commissioner account (commissioners cannot register themselves)."""
    if len(password) < 10:
        raise click.BadParameter("Use at least 10 characters", param_hint="password")
    try:
        user = services.register_user(
            email=email, password=password, display_name=display_name, role="commissioner"
        )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created commissioner {user.email} (id {user.id}).")
