"""Staff sign-in: passwords, throttling, the second factor, sessions and their end."""

import time
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select, update

from portal import create_app
from portal.domain import accounts
from portal.models import AuditEvent, StaffSession, StaffUser
from tests.conftest import (
    STAFF_PASSWORD,
    TEST_SETTINGS,
    add_staff,
    csrf_token,
    log_in,
    page,
)

EMAIL = "moderator@rijnwaarde.example"


@pytest.fixture
def moderator(app):
    return add_staff(app, EMAIL, "moderator")


def test_staff_pages_send_anonymous_visitors_to_the_login(client):
    response = client.get("/medewerkers/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/medewerkers/inloggen?next=")


def test_a_moderator_logs_in_and_comes_back_to_the_page_asked_for(client, moderator):
    client.get("/medewerkers/")  # sends to the login with next=
    response = client.post(
        "/medewerkers/inloggen?next=/medewerkers/",
        data={
            "csrf_token": csrf_token(client, "/medewerkers/inloggen"),
            "email": EMAIL.upper(),
            "password": STAFF_PASSWORD,
        },
    )
    assert response.headers["Location"] == "/medewerkers/"
    assert page(client.get("/medewerkers/")).find(string=EMAIL)


def test_the_login_never_redirects_to_another_site(client, moderator):
    response = client.post(
        "/medewerkers/inloggen?next=//evil.example/",
        data={
            "csrf_token": csrf_token(client, "/medewerkers/inloggen"),
            "email": EMAIL,
            "password": STAFF_PASSWORD,
        },
    )
    assert response.headers["Location"] == "/medewerkers/"


def test_unknown_account_and_wrong_password_get_the_same_answer(client, moderator):
    wrong_password = log_in(client, EMAIL, "niet het goede wachtwoord")
    unknown = log_in(client, "niemand@rijnwaarde.example")
    assert wrong_password.status_code == unknown.status_code == 400

    def message(response):
        return page(response).select_one(".field-error").get_text(" ", strip=True)

    assert message(wrong_password) == message(unknown)
    assert "klopt niet" in message(unknown)


def test_the_password_is_never_sent_back(client, moderator):
    response = log_in(client, EMAIL, "mijn-geheime-poging-123")
    assert "mijn-geheime-poging-123" not in response.get_data(as_text=True)
    assert page(response).select_one("#email")["value"] == EMAIL


@pytest.mark.parametrize("email", [EMAIL, "niemand@rijnwaarde.example"])
def test_five_failures_lock_the_name_for_known_and_unknown_accounts(client, moderator, email):
    for _ in range(accounts.THROTTLE_FAILURES):
        assert log_in(client, email, "fout fout fout fout").status_code == 400
    locked = log_in(client, email, STAFF_PASSWORD)
    assert locked.status_code == 429
    assert "Probeer het over 15 minuten opnieuw" in locked.get_data(as_text=True)
    # Another account is not affected.
    add_staff(client.application, "ander@rijnwaarde.example", "policy")
    assert log_in(client, "ander@rijnwaarde.example").status_code == 302


def test_logins_are_limited_per_client(app, database_url):
    app = create_app(
        {**TEST_SETTINGS, "DATABASE_URL": database_url, "RATELIMIT_LOGIN": "3 per minute"}
    )
    client = app.test_client()
    statuses = [log_in(client, f"iemand{i}@rijnwaarde.example").status_code for i in range(4)]
    assert statuses == [400, 400, 400, 429]
    assert "Retry-After" in log_in(client, "nog@rijnwaarde.example").headers


def test_login_starts_a_new_session_and_keeps_only_the_language(client, moderator):
    client.get("/taal/en")
    client.post("/meedoen/obstakel", data={"text": "x"})  # leaves resident state behind
    with client.session_transaction() as before:
        before["leftover"] = "from before the login"
    log_in(client, EMAIL)
    with client.session_transaction() as after:
        assert "leftover" not in after
        assert after["lang"] == "en"
        token = after["_user_id"]
    assert token and token != str(moderator.id), "the cookie holds a session token, not the id"


def test_logout_is_a_post_with_a_token_and_ends_the_session_everywhere(client, moderator, db):
    log_in(client, EMAIL)
    stolen = client.get_cookie("meedoen").value
    assert client.get("/medewerkers/uitloggen").status_code == 405
    assert client.post("/medewerkers/uitloggen").status_code == 400  # no CSRF token
    token = csrf_token(client, "/medewerkers/")
    assert client.post("/medewerkers/uitloggen", data={"csrf_token": token}).status_code == 302
    assert client.get("/medewerkers/").status_code == 302
    replay = client.application.test_client()
    replay.set_cookie("meedoen", stolen)
    assert replay.get("/medewerkers/").status_code == 302, "an old cookie is worth nothing"
    assert db.scalar(select(StaffSession.ended_at)) is not None


@pytest.mark.parametrize(
    "column, age",
    [("last_seen_at", timedelta(minutes=31)), ("created_at", timedelta(hours=13))],
)
def test_idle_and_absolute_timeouts_end_the_session(client, moderator, db, column, age):
    log_in(client, EMAIL)
    assert client.get("/medewerkers/").status_code == 200
    row = db.scalar(select(StaffSession))
    db.execute(update(StaffSession).values({column: getattr(row, column) - age}))
    db.commit()
    assert client.get("/medewerkers/").status_code == 302


def test_an_active_session_is_kept_alive_by_use(client, moderator, db):
    log_in(client, EMAIL)
    row = db.scalar(select(StaffSession))
    db.execute(update(StaffSession).values(last_seen_at=row.last_seen_at - timedelta(minutes=20)))
    db.commit()
    assert client.get("/medewerkers/").status_code == 200
    db.expire_all()
    assert db.scalar(select(StaffSession.last_seen_at)) > row.last_seen_at - timedelta(minutes=1)


def test_a_disabled_account_loses_its_sessions(app, client, moderator):
    log_in(client, EMAIL)
    assert client.get("/medewerkers/").status_code == 200
    result = app.test_cli_runner().invoke(args=["users", "disable", EMAIL])
    assert result.exit_code == 0, result.output
    assert client.get("/medewerkers/").status_code == 302
    assert log_in(client, EMAIL).status_code == 400


def _enrol(client) -> str:
    """Link an authenticator app from the account page; returns the secret."""
    enrol = page(client.get("/medewerkers/account/tweede-stap"))
    assert enrol.select_one(".qr svg[role=img] title")
    secret = enrol.select_one(".secret code").get_text().replace(" ", "")
    response = client.post(
        "/medewerkers/account/tweede-stap",
        data={"csrf_token": csrf_token(client, "/medewerkers/"), "code": pyotp.TOTP(secret).now()},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return secret


def test_after_linking_an_app_the_login_asks_for_its_code(app, client, moderator, db):
    log_in(client, EMAIL)
    secret = _enrol(client)
    assert db.scalar(select(StaffUser.totp_confirmed_at)) is not None

    other = app.test_client()
    response = log_in(other, EMAIL)
    assert response.headers["Location"] == "/medewerkers/inloggen/code"
    assert other.get("/medewerkers/").status_code == 302, "not logged in after the password"
    wrong = other.post(
        "/medewerkers/inloggen/code",
        data={"csrf_token": csrf_token(other, "/medewerkers/inloggen/code"), "code": "000000"},
    )
    assert wrong.status_code == 400 and "code klopt niet" in wrong.get_data(as_text=True)
    # The next 30-second step's code: enrolment used this step's, and a code counts once.
    code = pyotp.TOTP(secret).at(time.time() + 30)
    response = other.post(
        "/medewerkers/inloggen/code",
        data={"csrf_token": csrf_token(other, "/medewerkers/inloggen/code"), "code": code},
    )
    assert response.status_code == 302
    assert other.get("/medewerkers/").status_code == 200

    replay = app.test_client()
    log_in(replay, EMAIL)
    again = replay.post(
        "/medewerkers/inloggen/code",
        data={"csrf_token": csrf_token(replay, "/medewerkers/inloggen/code"), "code": code},
    )
    assert again.status_code == 400, "a code is accepted only once"


def test_in_production_a_second_factor_is_required_before_anything_else(database_url, db):
    app = create_app(
        {**TEST_SETTINGS, "DATABASE_URL": database_url, "STAFF_REQUIRE_SECOND_FACTOR": True}
    )
    add_staff(app, EMAIL, "moderator")
    client = app.test_client()
    assert log_in(client, EMAIL).headers["Location"] == "/medewerkers/inloggen/koppelen"
    assert client.get("/medewerkers/").status_code == 302
    enrol = page(client.get("/medewerkers/inloggen/koppelen"))
    secret = enrol.select_one(".secret code").get_text().replace(" ", "")
    response = client.post(
        "/medewerkers/inloggen/koppelen",
        data={
            "csrf_token": csrf_token(client, "/medewerkers/inloggen/koppelen"),
            "code": pyotp.TOTP(secret).now(),
        },
    )
    assert response.headers["Location"] == "/medewerkers/"
    assert client.get("/medewerkers/").status_code == 200


def test_production_settings_require_the_second_factor():
    from portal.config import from_environment

    settings = from_environment({"PORTAL_ENV": "production", "SECRET_KEY": "s" * 40})
    assert settings["STAFF_REQUIRE_SECOND_FACTOR"] is True
    assert from_environment({})["STAFF_REQUIRE_SECOND_FACTOR"] is False


def test_logins_and_account_changes_are_in_the_audit_trail(app, client, moderator, db):
    log_in(client, EMAIL)
    app.test_cli_runner().invoke(args=["users", "set-role", EMAIL, "policy"])
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["user.add", "user.login", "user.set_role"]
    change = db.scalar(select(AuditEvent).where(AuditEvent.action == "user.set_role"))
    assert (change.before, change.after, change.actor) == (
        {"role": "moderator"},
        {"role": "policy"},
        "cli",
    )


def test_the_home_page_shows_what_waits_for_moderators(staff, client, writer):
    from portal.domain import submissions
    from portal.domain.submissions import Answers

    for text in ("Eerste verhaal over de stoep.", "Tweede verhaal over de bus."):
        submissions.submit(writer, Answers(kind="idea", text=text, language="nl"))
    writer.commit()
    home = page(staff("moderator").get("/medewerkers/"))
    tiles = [li.get_text(" ", strip=True) for li in home.select(".tiles li")]
    assert "Nieuwe inbreng : 2" in tiles and "Inbreng zonder thema : 2" in tiles
    policy = page(staff("policy").get("/medewerkers/"))
    assert [a["href"] for a in policy.select(".tiles a")] == ["/medewerkers/themas"]


def test_a_post_after_minutes_of_reading_is_not_held_up_by_recording_the_visit(
    client, moderator, db, writer
):
    """Recording the visit must not wait for the lock of the request's own transaction."""
    from portal.domain import submissions
    from portal.domain.submissions import Answers

    item = submissions.submit(writer, Answers(kind="idea", text="Meer bankjes.", language="nl"))
    writer.commit()
    writer.close()
    log_in(client, EMAIL)
    token = csrf_token(client, f"/medewerkers/inbreng/{item.id}")
    row = db.scalar(select(StaffSession))
    db.execute(update(StaffSession).values(last_seen_at=row.last_seen_at - timedelta(minutes=5)))
    db.commit()
    started = time.monotonic()
    response = client.post(f"/medewerkers/inbreng/{item.id}/publiceren", data={"csrf_token": token})
    assert response.status_code == 302
    assert time.monotonic() - started < 2, "no waiting for a database lock"
    assert db.scalar(select(StaffSession.last_seen_at)) > row.last_seen_at - timedelta(minutes=1)
