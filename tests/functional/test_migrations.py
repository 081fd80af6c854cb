"""The schema comes only from Alembic, and the migrations go both ways on both databases."""

import os
import uuid
from contextlib import contextmanager

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from portal.cli import alembic_config
from portal.models import Base
from tests.databases import test_database_url


@contextmanager
def scratch_database():
    """An empty database of the kind the suite runs on, removed afterwards."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield test_database_url("migrations")
        return
    name = f"meedoen_scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_and_upgrade_again():
    with scratch_database() as url:
        config = alembic_config(url)
        command.upgrade(config, "head")
        assert table_names(url) == set(Base.metadata.tables)
        command.downgrade(config, "base")
        assert table_names(url) == set()
        command.upgrade(config, "head")
        assert table_names(url) == set(Base.metadata.tables)


def test_the_models_and_the_migrations_agree(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_the_built_in_life_domains_come_with_the_schema(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        slugs = (
            connection.execute(text("SELECT slug FROM life_domain ORDER BY position"))
            .scalars()
            .all()
        )
    engine.dispose()
    assert slugs[:3] == ["work", "care", "housing"] and len(slugs) == 12


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="runs against SQLite otherwise")
def test_the_suite_runs_on_the_database_it_was_given(database_url):
    assert database_url == os.environ["TEST_DATABASE_URL"]
