"""The database engine and one session per request.

SQLite is the embedded default (WAL, foreign keys on, writers wait for each other);
PostgreSQL is the production database. Nothing here creates tables: Alembic does.
"""

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def make_engine(url: str) -> Engine:
    """An engine for `url`, with SQLite set up for concurrent web workers."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, future=True)

    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn):
        # A writer takes the lock up front: a deferred transaction that reads first and
        # then writes fails at once (SQLITE_BUSY_SNAPSHOT) when another writer committed
        # in between, instead of waiting its turn.
        options = conn.get_execution_options()
        if options.get("isolation_level") != "AUTOCOMMIT":
            conn.exec_driver_sql(f"BEGIN {options.get('sqlite_begin', 'DEFERRED')}")

    return engine


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    writer = engine.execution_options(sqlite_begin="IMMEDIATE")
    app.extensions["db"] = {
        "engine": engine,
        "reader": sessionmaker(bind=engine, expire_on_commit=False),
        "writer": sessionmaker(bind=writer, expire_on_commit=False),
    }
    app.teardown_appcontext(_close_session)


def engine_for(app: Flask) -> Engine:
    return app.extensions["db"]["engine"]


def session_for(app: Flask, *, write: bool = True) -> Session:
    """A new session outside a request, for the CLI and the tests."""
    return app.extensions["db"]["writer" if write else "reader"]()


def get_session() -> Session:
    """The request's session: the view commits once, teardown closes it."""
    if "db_session" not in g:
        write = not has_request_context() or request.method not in _SAFE_METHODS
        g.db_session = session_for(current_app, write=write)
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
