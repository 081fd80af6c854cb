"""Fixtures for every kind of test: the app on a migrated test database, a client, helpers."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from portal import create_app
from portal.db import engine_for, session_for
from portal.domain import accounts, receipts
from portal.domain.places import BUILTIN_LIFE_DOMAINS
from portal.extensions import limiter
from portal.models import ASSISTED_CHANNELS, Base, Neighbourhood, Submission
from tests.databases import migrate, test_database_url

TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
    "RATELIMIT_SUBMIT": "1000 per minute",
    "RATELIMIT_LOOKUP": "1000 per minute",
    "RATELIMIT_DEFAULT": "10000 per minute",
    "RATELIMIT_LOGIN": "1000 per minute",
    "RATELIMIT_EXPERIENCE": "1000 per minute",
    "RATELIMIT_PAPER_FORM": "1000 per minute",
    "PAPER_PRINT_IN_PROCESS": True,
}
STAFF_PASSWORD = "een lange zin als wachtwoord"


@pytest.fixture(scope="session")
def database_url():
    url = test_database_url()
    migrate(url)
    return url


@pytest.fixture(scope="session")
def app(database_url):
    return create_app({**TEST_SETTINGS, "DATABASE_URL": database_url})


@pytest.fixture(autouse=True)
def _empty_tables(request):
    """Every test that touched the database leaves only the migrated reference data."""
    app = request.getfixturevalue("app") if "app" in request.fixturenames else None
    yield
    if app is not None:
        empty_tables(app)
        limiter.reset()


def empty_tables(app) -> None:
    """Delete every row except the built-in life domains the migrations seed."""
    with session_for(app) as session:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name == "life_domain":
                builtin = list(BUILTIN_LIFE_DOMAINS)
                session.execute(delete(table).where(table.c.slug.not_in(builtin)))
                # and the built-ins as the migration made them: switched on, no own names
                session.execute(update(table).values(active=True, translations=None))
            else:
                session.execute(delete(table))
        session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    """A session that sees what the app committed at every statement, as an observer would."""
    engine = engine_for(app).execution_options(isolation_level="AUTOCOMMIT")
    with Session(bind=engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def writer(app):
    """A session with a transaction, for calling domain functions as a view would."""
    with session_for(app) as session:
        yield session


@pytest.fixture
def wijken(db):
    """Three wijken of a test gemeente, by name."""
    rows = [
        Neighbourhood(name=name, position=i) for i, name in enumerate(("Noord", "Oost", "Zuid"))
    ]
    db.add_all(rows)
    db.commit()
    return {row.name: row.id for row in rows}


CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, path: str) -> str:
    """The CSRF token from the form on `path`, as a browser would find it."""
    if not client.application.config.get("WTF_CSRF_ENABLED", True):
        return ""
    page = client.get(path)
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def page(response) -> BeautifulSoup:
    """Parse a page and check what every page must get right (after GOV.UK Notify)."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    headings = soup.find_all("h1")
    assert len(headings) == 1, f"expected one h1, found {len(headings)}"
    title = soup.title.get_text(" ", strip=True)
    heading = headings[0].get_text(" ", strip=True)
    assert heading in title, f"title {title!r} does not name the heading {heading!r}"
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    return soup


def describe(client, kind_slug: str = "obstakel", **answers):
    """Fill in the form of `kind_slug` as a resident would; returns the response."""
    data = {"csrf_token": csrf_token(client, f"/meedoen/{kind_slug}"), "website": ""}
    data.update({"text": "De stoep is te smal voor mijn rolstoel.", **answers})
    return client.post(f"/meedoen/{kind_slug}", data=data)


def send(client):
    """Confirm the answers on the check page."""
    return client.post(
        "/meedoen/versturen",
        data={"csrf_token": csrf_token(client, "/meedoen/controleren"), "website": ""},
    )


def add_staff(app, email: str, role: str, password: str = STAFF_PASSWORD):
    with session_for(app) as session:
        user = accounts.add_user(session, email, role, password)
        session.commit()
        return user


def log_in(client, email: str, password: str = STAFF_PASSWORD, code: str | None = None):
    """Log in through the staff pages as a person would; returns the last response."""
    response = client.post(
        "/medewerkers/inloggen",
        data={
            "csrf_token": csrf_token(client, "/medewerkers/inloggen"),
            "email": email,
            "password": password,
        },
    )
    if code is not None and response.status_code == 302:
        response = client.post(
            "/medewerkers/inloggen/code",
            data={"csrf_token": csrf_token(client, "/medewerkers/inloggen/code"), "code": code},
        )
    return response


@pytest.fixture
def staff(app):
    """A client logged in as staff of a role: `staff("moderator")`."""

    def logged_in(role: str = "moderator"):
        email = f"{role}@rijnwaarde.example"
        add_staff(app, email, role)
        client = app.test_client()
        response = log_in(client, email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return logged_in


# The moment test submissions are "received" from, so their order is known.
START = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def add_submission(db, text: str = "De stoep is te smal.", minutes: int = 0, **fields):
    """One submission, received `minutes` after START; `fields` override the defaults."""
    values = {"kind": "obstacle", "language": "nl", "channel": "web", **fields}
    if values["channel"] in ASSISTED_CHANNELS:  # the database wants the resident's consent
        values.setdefault("resident_consent_at", START)
    row = Submission(
        receipt_code=receipts.new_code(),
        text=text,
        created_at=START + timedelta(minutes=minutes),
        **values,
    )
    db.add(row)
    db.commit()
    return row
