"""Test databases: a fresh SQLite file by default, PostgreSQL when TEST_DATABASE_URL is set."""

import os
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from portal.cli import alembic_config


def test_database_url(name: str = "meedoen") -> str:
    """A URL for an empty database: TEST_DATABASE_URL emptied first, or a new SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        reset(url)
        return url
    folder = Path(tempfile.mkdtemp(prefix="meedoen-test-"))
    return f"sqlite:///{folder / (name + '.db')}"


test_database_url.__test__ = False  # a helper, not a test, wherever it is imported


def reset(url: str) -> None:
    """Drop everything in a PostgreSQL test database, so each run starts from nothing."""
    if not url.startswith("postgresql"):
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def migrate(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)
