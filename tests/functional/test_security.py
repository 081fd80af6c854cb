"""Headers, cookies, CSRF on every form, rate limits, and what is never stored."""

from datetime import UTC, datetime

import pytest
from flask import url_for
from sqlalchemy import inspect, select, text

from portal import create_app
from portal.extensions import limiter
from portal.models import Base, ContactDetails, Experience, Submission, Theme
from tests.conftest import TEST_SETTINGS, csrf_token, describe, page, send

RESIDENT_PAGES = (
    "/",
    "/meedoen/obstakel",
    "/meedoen/idee",
    "/volgen",
    "/toegankelijkheid",
    "/privacy",
)


@pytest.mark.parametrize("path", [*RESIDENT_PAGES, "/bestaat-niet", "/.well-known/security.txt"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", RESIDENT_PAGES)
def test_pages_have_no_inline_script_or_style(client, path):
    soup = page(client.get(path))
    assert not soup.find("script"), "the pages need no JavaScript at all"
    assert not soup.find("style") and not soup.find(style=True)
    assert not [tag for tag in soup.find_all(True) if any(a.startswith("on") for a in tag.attrs)]


def test_pages_with_personal_answers_are_not_cached(client):
    describe(client)
    assert client.get("/meedoen/controleren").headers["Cache-Control"] == "no-store"


def test_the_session_cookie_is_http_only_and_same_site(client):
    client.get("/taal/en")
    cookie = client.get_cookie("meedoen")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_in_production_the_cookie_is_secure_and_host_only(database_url):
    production = create_app(
        {
            "PORTAL_ENV": "production",
            "SESSION_COOKIE_SECURE": True,
            "SESSION_COOKIE_NAME": "__Host-meedoen",
            "HSTS": True,
            "SECRET_KEY": "p" * 40,
            "DATABASE_URL": database_url,
        }
    )
    response = production.test_client().get("/taal/en", base_url="https://localhost")
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("__Host-meedoen=")
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "Path=/" in set_cookie
    assert "Domain" not in set_cookie
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_security_txt_names_a_contact_and_a_future_expiry(client):
    response = client.get("/.well-known/security.txt")
    assert response.mimetype == "text/plain"
    fields = dict(line.split(": ", 1) for line in response.get_data(as_text=True).splitlines())
    assert fields["Contact"].startswith(("mailto:", "https://"))
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert 0 < (expires - datetime.now(UTC)).days < 365


def test_every_post_route_refuses_a_request_without_csrf_token(app, client, db):
    """Walks the URL map, so a new form cannot forget its CSRF check."""
    describe(client)  # a draft exists, so a send without token would have something to send
    theme = Theme(
        title="Drempels",
        summary="Te hoge drempels.",
        stage="reported",
        published=True,
        feedback_published_at=datetime.now(UTC),
    )
    db.add(theme)
    db.commit()
    values = {"slug": "obstakel", "theme_id": theme.id}
    # The open-data API only reads: it has no forms, and answers a POST with a 405 or 404
    # problem document (tests/functional/test_api.py).
    posts = [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.endpoint.startswith("api.")
    ]
    assert posts, "the portal has forms"
    for rule in posts:
        with app.test_request_context():
            path = url_for(rule.endpoint, **{arg: values.get(arg, 1) for arg in rule.arguments})
        response = client.post(path, data={"text": "x", "code": "x", "website": ""})
        assert response.status_code == 400, f"{rule} accepted a POST without CSRF token"
    assert db.scalar(select(Submission.id)) is None
    assert db.scalar(select(Experience.id)) is None


def test_no_ip_address_or_user_agent_is_stored(client, db):
    marker_ip, marker_agent = "203.0.113.77", "Marker-Agent/9.9 (unique)"
    environ = {"REMOTE_ADDR": marker_ip, "HTTP_USER_AGENT": marker_agent}
    client.environ_base.update(environ)
    describe(client, email="x@example.org", contact_consent="y")
    send(client)
    columns = {
        c["name"] for table in Base.metadata.tables for c in inspect(db.bind).get_columns(table)
    }
    assert not {"ip", "ip_address", "remote_addr", "user_agent"} & columns
    for table in Base.metadata.sorted_tables:
        for row in db.execute(select(table)).all():
            stored = " ".join(str(value) for value in row)
            assert marker_ip not in stored and marker_agent not in stored, table.name


def test_contact_details_live_apart_with_a_retention_date(client, db):
    describe(client, email="bericht@example.org", contact_consent="y")
    send(client)
    submission_columns = {c["name"] for c in inspect(db.bind).get_columns("submission")}
    assert "email" not in submission_columns
    contact = db.scalar(select(ContactDetails))
    assert contact.email == "bericht@example.org"
    assert (contact.retain_until - contact.consent_at.date()).days == TEST_SETTINGS.get(
        "CONTACT_RETENTION_DAYS", 365
    )


def test_an_email_without_consent_is_not_stored(client, db):
    describe(client, email="zonder@example.org", contact_consent="y")
    describe(client, email="", contact_consent="")
    send(client)
    assert db.scalar(select(ContactDetails)) is None
    assert db.execute(text("SELECT count(*) FROM contact_details")).scalar() == 0


@pytest.fixture
def strict_app(database_url):
    yield create_app(
        {
            **TEST_SETTINGS,
            "DATABASE_URL": database_url,
            "RATELIMIT_SUBMIT": "2 per minute",
            "RATELIMIT_LOOKUP": "3 per minute",
        }
    )
    limiter.reset()


def test_sending_too_often_gets_a_friendly_429_and_keeps_the_draft(strict_app):
    client = strict_app.test_client()
    for _ in range(2):
        describe(client)
        assert send(client).status_code == 302
    describe(client, text="De derde keer.")
    response = send(client)
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert "Uw antwoorden zijn bewaard" in page(response).get_text()
    assert "De derde keer." in client.get("/meedoen/controleren").get_data(as_text=True)


def test_guessing_codes_is_rate_limited(strict_app):
    client = strict_app.test_client()
    token = csrf_token(client, "/volgen")
    statuses = [
        client.post("/volgen", data={"csrf_token": token, "code": "7KQM3XRD9HWP"}).status_code
        for _ in range(4)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:3]


def test_rate_limits_count_per_client(strict_app):
    first, second = strict_app.test_client(), strict_app.test_client()
    second.environ_base["REMOTE_ADDR"] = "198.51.100.2"
    for _ in range(2):
        describe(first)
        send(first)
    describe(second)
    assert send(second).status_code == 302


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"]
)
def test_the_language_switch_never_redirects_elsewhere(client, target):
    response = client.get("/taal/en", query_string={"next": target})
    assert response.headers["Location"] == "/"
