"""Operator commands: `flask --app portal db upgrade`, `flask --app portal demo load`, ..."""

import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.db import session_for
from portal.models import ROLES

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# For trying the staff pages on a development machine only; `demo load` refuses in production.
DEMO_PASSWORD = "rijnwaarde-demo-wachtwoord"  # noqa: S105

db_cli = AppGroup("db", help="The database schema (Alembic migrations).")
demo_cli = AppGroup("demo", help="Demo content for the gemeente Rijnwaarde.")
users_cli = AppGroup("users", help="Staff accounts: add, list, disable, set a role.")
retention_cli = AppGroup("retention", help="Remove personal data that is kept no longer.")
outbox_cli = AppGroup("outbox", help="Email to residents about feedback: send, status, retry.")


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
    """Load the demo gemeente Rijnwaarde: wijken, submissions, themes and, outside
    production, a staff account per role (password from DEMO_STAFF_PASSWORD). Safe to run
    twice."""
    from portal.domain import demo

    production = current_app.config["PORTAL_ENV"] == "production"
    password = None if production else os.environ.get("DEMO_STAFF_PASSWORD", DEMO_PASSWORD)
    with session_for(current_app) as session:
        added = demo.load(session, staff_password=password)
        session.commit()
    click.echo(
        f"Demo content: {added['neighbourhoods']} wijken and "
        f"{added['submissions']} submissions added, {added['themes']} themes."
    )
    if added["staff"]:
        accounts = ", ".join(email for email, _role in demo.STAFF)
        click.echo(f"Demo staff accounts ({accounts}) with password: {password}")


def _read_password() -> str:
    """From standard input when it is not a terminal (scripts), otherwise a hidden prompt."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _existing_user(session, email: str):
    from portal.domain import accounts

    user = accounts.find_user(session, email)
    if user is None:
        raise click.ClickException(f"No staff account with e-mail address {email}.")
    return user


def _account_change(change):
    """Run `change(session)` in one transaction; rule violations become CLI errors."""
    from portal.domain import accounts

    with session_for(current_app) as session:
        try:
            result = change(session)
        except accounts.AccountError as error:
            raise click.ClickException(_ACCOUNT_ERRORS.get(error.code, error.code)) from None
        session.commit()
        return result


# Operators read English on the command line; the screens say the same in their language.
_ACCOUNT_ERRORS = {
    "unknown_role": "Unknown role; use one of admin, moderator, wijkteam, policy.",
    "bad_email": "That is not an e-mail address.",
    "exists": "A staff account with that e-mail address exists already.",
    "too_short": "The password must be at least 12 characters.",
    "too_long": "The password must be at most 128 characters.",
    "contains_name": "The password must not contain the e-mail address.",
    "too_simple": "The password is too simple; a few words make a good one.",
}


@users_cli.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES))
def add_user(email: str, role: str):
    """Add a staff account. The password comes from standard input or a prompt."""
    from portal.domain import accounts

    password = _read_password()
    user = _account_change(lambda session: accounts.add_user(session, email, role, password))
    click.echo(f"Added {user.email} as {user.role}.")


@users_cli.command("list")
def list_users():
    """List staff accounts: e-mail, role, active, second factor, last login."""
    from sqlalchemy import select

    from portal.models import StaffUser

    with session_for(current_app, write=False) as session:
        for user in session.scalars(select(StaffUser).order_by(StaffUser.email)):
            click.echo(
                "\t".join(
                    (
                        user.email,
                        user.role,
                        "active" if user.active else "disabled",
                        "2fa" if user.has_second_factor else "no-2fa",
                        user.last_login_at.isoformat(timespec="minutes")
                        if user.last_login_at
                        else "never",
                    )
                )
            )


@users_cli.command("disable")
@click.argument("email")
def disable_user(email: str):
    """Disable an account and end all its sessions. The account and its history stay."""
    _set_active(email, False)
    click.echo(f"Disabled {email}; its sessions have ended.")


@users_cli.command("enable")
@click.argument("email")
def enable_user(email: str):
    """Enable a disabled account again."""
    _set_active(email, True)
    click.echo(f"Enabled {email}.")


def _set_active(email: str, active: bool) -> None:
    from portal.domain import accounts

    _account_change(
        lambda session: accounts.set_active(session, _existing_user(session, email), active)
    )


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def set_role(email: str, role: str):
    """Give an account another role."""
    from portal.domain import accounts

    _account_change(
        lambda session: accounts.set_role(session, _existing_user(session, email), role)
    )
    click.echo(f"{email} is now {role}.")


@users_cli.command("reset-2fa")
@click.argument("email")
def reset_second_factor(email: str):
    """Unlink the authenticator app (a lost phone); the next login links a new one."""
    from portal.domain import accounts

    _account_change(lambda session: accounts.reset_totp(session, _existing_user(session, email)))
    click.echo(f"The second factor of {email} is reset; its sessions have ended.")


@click.command("cluster-eval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def cluster_eval(path: str):
    """Measure theme suggestions, cluster proposals and duplicate detection on a labelled
    JSONL corpus (id, text, theme, dup_group); prints one JSON object."""
    import json

    from portal.domain import cluster_eval as evaluation

    try:
        figures = evaluation.evaluate(evaluation.read_jsonl(path))
    except (ValueError, KeyError, TypeError) as error:  # not JSON lines, or a key missing
        raise click.ClickException(
            f"{path} is not a labelled corpus of JSON lines with id, text, theme and "
            f"dup_group: {error!r}"
        ) from None
    click.echo(json.dumps(figures, ensure_ascii=False))


@outbox_cli.command("send")
@click.option("--limit", type=click.IntRange(min=1), help="Send at most this many messages.")
def send_outbox(limit: int | None):
    """Send the email that is due. Run it every few minutes from a timer; a run that
    finds the mail server down stops, and the next run tries again. Exits 1 when the
    mail server could not be reached, so a timer's log shows it."""
    from portal.outbox import send_outbox as send

    report = send(current_app, limit=limit)
    click.echo(
        f"sent {report.sent}, to retry later {report.retried}, failed {report.failed}, "
        f"cancelled (no contact details) {report.cancelled}, uncertain {report.uncertain}"
    )
    for error in report.errors[:20]:
        click.echo(f"  {error}", err=True)
    if report.stopped:
        click.echo(f"Stopped: {report.stopped}", err=True)
        sys.exit(1)


@outbox_cli.command("status")
def outbox_status():
    """How many messages there are, per medium and status."""
    from portal.domain import notify

    with session_for(current_app, write=False) as session:
        counts = notify.counts(session)
    if not counts:
        click.echo("The outbox is empty.")
    for (medium, status), count in sorted(counts.items()):
        click.echo(f"{medium}\t{status}\t{count}")


@outbox_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option(
    "--uncertain",
    is_flag=True,
    help="Also messages a stopped sender may or may not have sent: check the mail "
    "server's log first, or a resident may get one twice.",
)
def retry_outbox(ids: tuple[int, ...], uncertain: bool):
    """Put failed email (all, or the given ids) back in the queue."""
    from portal.domain import notify

    with session_for(current_app) as session:
        count = notify.requeue(session, list(ids) or None, uncertain=uncertain)
    click.echo(f"{count} message(s) back in the queue.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
def retention_run(dry_run: bool):
    """Remove contact details that are due: past their date, some time after the
    feedback was sent (CONTACT_DAYS_AFTER_FEEDBACK), or after input was closed. Safe to
    run twice; run it daily from a timer."""
    from portal.domain import retention

    with session_for(current_app) as session:
        report = retention.run(
            session,
            current_app.config["CONTACT_DAYS_AFTER_FEEDBACK"],
            dry_run=dry_run,
            crop_days=current_app.config["SCAN_CROP_DAYS"],
            longest_days=current_app.config["CONTACT_RETENTION_DAYS"],
            session_hours=current_app.config["STAFF_SESSION_HOURS"],
        )
        if not dry_run:
            session.commit()
    verb = "would remove" if dry_run else "removed"
    click.echo(
        f"Contact details {verb}: {report.total} "
        f"(past their date {report.removed['expired']}, "
        f"feedback sent {report.removed['feedback_sent']}, "
        f"closed without a theme {report.removed['closed']}); "
        f"handwriting cut from scans {verb}: {report.scan_crops}; "
        f"typed versions of double-keyed forms {verb}: {report.keyings}; "
        f"drafts nobody sent {verb}: {report.drafts}; "
        f"staff sign-ins that ended {verb}: {report.staff_sessions}; "
        f"failed logins that lock nothing any more {verb}: {report.login_throttles}"
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(outbox_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(cluster_eval)
    app.cli.add_command(db_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
