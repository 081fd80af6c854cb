"""Operator commands: `flask --app portal db upgrade`, `flask --app portal demo load`, ..."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.db import session_for

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

db_cli = AppGroup("db", help="The database schema (Alembic migrations).")
demo_cli = AppGroup("demo", help="Demo content for the gemeente Rijnwaarde.")


def alembic_config(database_url: str):
    # Alembic is imported here, not at the top: it adds half a second to every web
    # worker's start for commands the web workers never run.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url
    return config


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str):
    """Bring the database schema up to REVISION (default: the newest)."""
    from alembic import command

    command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade(revision: str):
    """Take the database schema back to REVISION (for example -1 or base)."""
    from alembic import command

    command.downgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)


@db_cli.command("current")
def current():
    """Show the revision the database is at."""
    from alembic import command

    command.current(alembic_config(current_app.config["DATABASE_URL"]), verbose=True)


@demo_cli.command("load")
def load_demo():
    """Load the demo gemeente Rijnwaarde: wijken and a few submissions. Safe to run twice."""
    from portal.domain import demo

    with session_for(current_app) as session:
        added = demo.load(session)
        session.commit()
    click.echo(
        f"Demo content: {added['neighbourhoods']} wijken and "
        f"{added['submissions']} submissions added."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(demo_cli)
