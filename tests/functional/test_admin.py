"""Administration: staff accounts, wijken and life domains, and that every change is audited."""

import pytest
from sqlalchemy import func, select, update

from portal.domain import accounts, receipts
from portal.models import (
    AuditEvent,
    LifeDomain,
    Neighbourhood,
    StaffSession,
    StaffUser,
    Submission,
    utcnow,
)
from tests.conftest import add_staff, csrf_token, log_in, page

ADMIN = "admin@rijnwaarde.example"
COLLEAGUE = "collega@rijnwaarde.example"
NEW_PASSWORD = "fietsen langs de rijn in mei"


def count(db, table, *conditions) -> int:
    """How many rows `table` has (that meet `conditions`), as the database says now."""
    return db.scalar(select(func.count()).select_from(table).where(*conditions))


def fresh(db, model, key):
    db.expire_all()
    return db.get(model, key)


def audit_trail(db, record_type: str) -> list[AuditEvent]:
    """The events about one kind of record, oldest first, leaving out logins."""
    return list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.record_type == record_type, AuditEvent.action != "user.login")
            .order_by(AuditEvent.id)
        )
    )


def notices(response) -> str:
    return " ".join(p.get_text(" ", strip=True) for p in page(response).select(".notice"))


def error_for(response, field: str) -> str:
    error = page(response).select_one(f"[id='{field}-error']")
    assert error is not None, f"no message at {field}"
    return error.get_text(" ", strip=True).removeprefix("Fout: ")


def offered(client, select_id: str, query: str = "") -> list[str]:
    """The choices the resident form offers in a select, without "Kies als u wilt"."""
    soup = page(client.get(f"/meedoen/obstakel{query}"))
    return [o.get_text(strip=True) for o in soup.select(f"#{select_id} option") if o["value"]]


# --- accounts --------------------------------------------------------------------------------


def _add_account(client, token: str, **fields):
    data = {"email": COLLEAGUE, "role": "moderator", "password": NEW_PASSWORD, **fields}
    return client.post("/medewerkers/beheer/accounts", data={"csrf_token": token, **data})


def test_an_admin_adds_an_account_that_can_log_in(app, staff, db):
    client = staff("admin")
    token = csrf_token(client, "/medewerkers/beheer/accounts")
    response = _add_account(client, token, email=" Collega@Rijnwaarde.Example ", role="policy")
    assert response.headers["Location"] == "/medewerkers/beheer/accounts"
    listing = client.get(response.headers["Location"])
    assert f"Het account voor {COLLEAGUE} is gemaakt." in notices(listing)
    assert NEW_PASSWORD not in listing.get_data(as_text=True)
    row = page(listing).find("th", string=COLLEAGUE).find_parent("tr")
    assert row.select_one("option[selected]")["value"] == "policy"

    user = db.scalar(select(StaffUser).where(StaffUser.email == COLLEAGUE))
    assert (user.role, user.active, user.totp_secret) == ("policy", True, None)
    [event] = [e for e in audit_trail(db, "staff_user") if e.record_id == user.id]
    assert (event.actor, event.action, event.after) == (
        ADMIN,
        "user.add",
        {"email": COLLEAGUE, "role": "policy"},
    )
    assert NEW_PASSWORD not in str(event.after)
    assert log_in(app.test_client(), COLLEAGUE, NEW_PASSWORD).status_code == 302


BAD_ACCOUNTS = [
    # what is typed differently from a good account, the field that says why, and what it says
    ({"email": "geen-adres"}, "email", "Vul een e-mailadres in zoals naam@gemeente.nl."),
    ({"email": ""}, "email", "Vul een e-mailadres in."),
    ({"email": ADMIN.upper()}, "email", "Er is al een account met dit e-mailadres."),
    ({"password": "kort maar"}, "password", "Het wachtwoord moet minstens 12 tekens hebben."),
    ({"password": ""}, "password", "Vul een wachtwoord in van minstens 12 tekens."),
    (
        {"password": "collega-wachtwoord-2024"},
        "password",
        "Het wachtwoord mag het e-mailadres niet bevatten.",
    ),
]


def test_a_bad_account_is_refused_with_a_message_and_the_password_is_not_echoed(staff, db):
    client = staff("admin")
    token = csrf_token(client, "/medewerkers/beheer/accounts")
    for fields, field, message in BAD_ACCOUNTS:
        response = _add_account(client, token, **fields)
        assert response.status_code == 400, fields
        assert error_for(response, field) == message
        soup = page(response)
        assert soup.title.get_text().startswith("Fout: ")
        typed = fields.get("password", NEW_PASSWORD)
        assert not typed or typed not in response.get_data(as_text=True)
        assert soup.select_one("input#password")["value"] == ""
        assert soup.select_one("input#email")["value"] == fields.get("email", COLLEAGUE)
    assert count(db, StaffUser) == 1
    assert [e.action for e in audit_trail(db, "staff_user")] == ["user.add"], "only the admin's"


def test_a_role_change_is_saved_and_audited(app, staff, db):
    colleague = add_staff(app, COLLEAGUE, "moderator")
    client = staff("admin")
    token = csrf_token(client, "/medewerkers/beheer/accounts")
    path = f"/medewerkers/beheer/accounts/{colleague.id}/rol"
    response = client.post(path, data={"csrf_token": token, "role": "policy"})
    assert f"De rol van {COLLEAGUE} is aangepast." in notices(
        client.get(response.headers["Location"])
    )
    assert fresh(db, StaffUser, colleague.id).role == "policy"
    event = audit_trail(db, "staff_user")[-1]
    assert (event.actor, event.action, event.record_id, event.before, event.after) == (
        ADMIN,
        "user.set_role",
        colleague.id,
        {"role": "moderator"},
        {"role": "policy"},
    )

    assert client.post(path, data={"csrf_token": token, "role": "superuser"}).status_code == 400
    assert fresh(db, StaffUser, colleague.id).role == "policy"
    assert audit_trail(db, "staff_user")[-1].id == event.id


def test_disabling_an_account_ends_its_sessions_and_enabling_lets_it_back(app, staff, db):
    colleague = add_staff(app, COLLEAGUE, "moderator")
    their_browser = app.test_client()
    assert log_in(their_browser, COLLEAGUE).status_code == 302
    assert their_browser.get("/medewerkers/inbox").status_code == 200

    client = staff("admin")
    token = csrf_token(client, "/medewerkers/beheer/accounts")
    toggle = f"/medewerkers/beheer/accounts/{colleague.id}/aan-uit"
    response = client.post(toggle, data={"csrf_token": token})
    assert "staat uit. Het is overal uitgelogd." in notices(
        client.get(response.headers["Location"])
    )
    assert fresh(db, StaffUser, colleague.id).active is False
    assert their_browser.get("/medewerkers/inbox").status_code == 302, "their session ended"
    live = count(
        db, StaffSession, StaffSession.user_id == colleague.id, StaffSession.ended_at.is_(None)
    )
    assert live == 0
    assert log_in(their_browser, COLLEAGUE).status_code == 400
    disabled = audit_trail(db, "staff_user")[-1]
    assert (disabled.actor, disabled.action, disabled.before, disabled.after) == (
        ADMIN,
        "user.disable",
        {"active": True},
        {"active": False},
    )

    response = client.post(toggle, data={"csrf_token": token})
    assert "staat weer aan" in notices(client.get(response.headers["Location"]))
    enabled = audit_trail(db, "staff_user")[-1]
    assert (enabled.actor, enabled.action, enabled.after) == (
        ADMIN,
        "user.enable",
        {"active": True},
    )
    assert log_in(their_browser, COLLEAGUE).status_code == 302


def test_an_admin_cannot_disable_themself_or_drop_their_own_admin_role(staff, db):
    client = staff("admin")
    me = db.scalar(select(StaffUser).where(StaffUser.email == ADMIN))
    token = csrf_token(client, "/medewerkers/beheer/accounts")

    response = client.post(
        f"/medewerkers/beheer/accounts/{me.id}/aan-uit", data={"csrf_token": token}
    )
    assert "U kunt uw eigen account niet uitzetten." in notices(
        client.get(response.headers["Location"])
    )
    response = client.post(
        f"/medewerkers/beheer/accounts/{me.id}/rol", data={"csrf_token": token, "role": "moderator"}
    )
    assert "U kunt uw eigen beheerdersrol niet weghalen." in notices(
        client.get(response.headers["Location"])
    )
    stored = fresh(db, StaffUser, me.id)
    assert (stored.active, stored.role) == (True, "admin")
    assert client.get("/medewerkers/beheer/accounts").status_code == 200, "still logged in"
    assert [e.action for e in audit_trail(db, "staff_user")] == ["user.add"]


def test_resetting_the_app_unlinks_it_and_ends_the_sessions(app, staff, db, writer):
    colleague = add_staff(app, COLLEAGUE, "moderator")
    db.execute(
        update(StaffUser)
        .where(StaffUser.id == colleague.id)
        .values(totp_secret="JBSWY3DPEHPK3PXP", totp_confirmed_at=utcnow(), totp_last_step=7)
    )
    accounts.start_session(writer, writer.get(StaffUser, colleague.id))
    writer.commit()

    client = staff("admin")
    row = page(client.get("/medewerkers/beheer/accounts")).find("th", string=COLLEAGUE).parent
    assert row.select_one("form[action$='/app-ontkoppelen']") is not None
    response = client.post(
        f"/medewerkers/beheer/accounts/{colleague.id}/app-ontkoppelen",
        data={"csrf_token": csrf_token(client, "/medewerkers/beheer/accounts")},
    )
    assert "is ontkoppeld" in notices(client.get(response.headers["Location"]))
    stored = fresh(db, StaffUser, colleague.id)
    assert (stored.totp_secret, stored.totp_confirmed_at, stored.totp_last_step) == (None,) * 3
    ended = db.scalar(select(StaffSession.ended_at).where(StaffSession.user_id == colleague.id))
    assert ended is not None
    event = audit_trail(db, "staff_user")[-1]
    assert (event.actor, event.action, event.record_id) == (ADMIN, "user.totp_reset", colleague.id)


# --- wijken --------------------------------------------------------------------------------


def _save_wijk(client, token: str, row_id: int, name: str, active: bool = True):
    data = {"csrf_token": token, f"w{row_id}-name": name}
    if active:
        data[f"w{row_id}-active"] = "y"
    return client.post(f"/medewerkers/beheer/wijken/{row_id}", data=data)


def test_wijken_are_added_renamed_and_switched_off(staff, db, client, wijken):
    old = Submission(
        receipt_code=receipts.new_code(),
        kind="obstacle",
        text="De stoep in Zuid is kapot.",
        language="nl",
        channel="web",
        neighbourhood_id=wijken["Zuid"],
    )
    db.add(old)
    db.commit()
    assert offered(client, "neighbourhood") == ["Noord", "Oost", "Zuid"]  # seen before the change
    admin = staff("admin")
    token = csrf_token(admin, "/medewerkers/beheer/wijken")

    added = admin.post("/medewerkers/beheer/wijken", data={"csrf_token": token, "name": " West "})
    assert "De wijk is toegevoegd." in notices(admin.get(added.headers["Location"]))
    west = db.scalar(select(Neighbourhood).where(Neighbourhood.name == "West"))
    assert west.active and west.position > max(
        fresh(db, Neighbourhood, i).position for i in wijken.values()
    )
    assert _save_wijk(admin, token, wijken["Oost"], "Oostpoort").status_code == 302
    assert _save_wijk(admin, token, wijken["Zuid"], "Zuid", active=False).status_code == 302

    assert offered(client, "neighbourhood") == ["Noord", "Oostpoort", "West"]
    assert fresh(db, Submission, old.id).neighbourhood_id == wijken["Zuid"]
    shown = page(admin.get(f"/medewerkers/inbreng/{old.id}"))
    assert shown.find("dt", string="Wijk").find_next("dd").get_text(strip=True) == "Zuid"
    # Moderators can still filter on it (a filter that matches nothing keeps the page short).
    inbox = page(admin.get(f"/medewerkers/inbox?neighbourhood={wijken['Zuid']}&status=hidden"))
    assert inbox.select_one("#neighbourhood option[selected]").get_text(strip=True) == "Zuid"
    assert inbox.select(".field-error") == []

    trail = [
        (e.actor, e.action, e.record_id, e.before, e.after)
        for e in audit_trail(db, "neighbourhood")
    ]
    assert trail == [
        (ADMIN, "neighbourhood.add", west.id, None, {"name": "West"}),
        (
            ADMIN,
            "neighbourhood.update",
            wijken["Oost"],
            {"name": "Oost", "active": True},
            {"name": "Oostpoort", "active": True},
        ),
        (
            ADMIN,
            "neighbourhood.update",
            wijken["Zuid"],
            {"name": "Zuid", "active": True},
            {"name": "Zuid", "active": False},
        ),
    ]


def test_a_wijk_name_must_be_filled_in_and_new(staff, db, wijken):
    admin = staff("admin")
    token = csrf_token(admin, "/medewerkers/beheer/wijken")
    for name, message in (("Noord", "Deze naam bestaat al."), ("  ", "Vul een naam in.")):
        response = admin.post(
            "/medewerkers/beheer/wijken", data={"csrf_token": token, "name": name}
        )
        assert response.status_code == 400, name
        assert error_for(response, "name") == message
        assert page(response).title.get_text().startswith("Fout: ")

    oost = wijken["Oost"]
    clash = _save_wijk(admin, token, oost, "Noord")
    assert clash.status_code == 400
    assert error_for(clash, f"w{oost}-name") == "Deze naam bestaat al."
    assert page(clash).select_one(f"input[id='w{oost}-name']")["value"] == "Noord"

    names = db.scalars(select(Neighbourhood.name).order_by(Neighbourhood.position)).all()
    assert names == ["Noord", "Oost", "Zuid"]
    assert audit_trail(db, "neighbourhood") == []


def test_a_wijk_name_that_differs_only_in_capitals_is_the_same_wijk(staff, db, wijken):
    admin = staff("admin")
    token = csrf_token(admin, "/medewerkers/beheer/wijken")
    response = admin.post("/medewerkers/beheer/wijken", data={"csrf_token": token, "name": "noord"})
    assert response.status_code == 400
    assert error_for(response, "name") == "Deze naam bestaat al."
    assert count(db, Neighbourhood) == 3


def test_a_refused_rename_puts_fout_in_the_page_title(staff, wijken):
    admin = staff("admin")
    token = csrf_token(admin, "/medewerkers/beheer/wijken")
    response = _save_wijk(admin, token, wijken["Oost"], "")
    assert response.status_code == 400
    soup = page(response)
    assert soup.select_one(".error-summary") is not None
    assert soup.title.get_text().startswith("Fout: ")


# --- life domains ----------------------------------------------------------------------------


@pytest.fixture
def builtin_life_domains(db):
    """The built-in life domains by slug (tests/conftest.py resets them after each test)."""
    return {row.slug: row.id for row in db.scalars(select(LifeDomain))}


def test_a_gemeentes_own_life_domain_has_a_name_per_language(
    staff, db, client, builtin_life_domains
):
    for language in ("", "?lang=en", "?lang=ar", "?lang=tr"):  # seen before the change
        assert "Buurthuis" not in offered(client, "life_domain", language)
    admin = staff("admin")
    token = csrf_token(admin, "/medewerkers/beheer/leefgebieden")
    response = admin.post(
        "/medewerkers/beheer/leefgebieden",
        data={
            "csrf_token": token,
            "label": "Buurthuis",
            "label_en": "Community centre",
            "label_ar": "مركز الحي",
            "label_tr": "",
        },
    )
    assert "Het leefgebied is toegevoegd." in notices(admin.get(response.headers["Location"]))
    own = db.scalar(select(LifeDomain).where(LifeDomain.label == "Buurthuis"))
    assert own.slug not in builtin_life_domains and own.active
    assert own.translations == {"en": "Community centre", "ar": "مركز الحي"}

    assert "Buurthuis" in offered(client, "life_domain")
    english = offered(client, "life_domain", "?lang=en")
    assert "Community centre" in english and "Buurthuis" not in english
    assert "مركز الحي" in offered(client, "life_domain", "?lang=ar")
    assert "Buurthuis" in offered(client, "life_domain", "?lang=tr"), "Dutch where none given"

    row_id = own.id
    renamed = admin.post(
        f"/medewerkers/beheer/leefgebieden/{row_id}",
        data={
            "csrf_token": token,
            f"l{row_id}-label": "Buurthuis en wijkcentrum",
            f"l{row_id}-label_en": "Community centre",
            f"l{row_id}-label_ar": "",  # emptied: Arabic readers see the Dutch name again
            f"l{row_id}-active": "y",
        },
    )
    assert renamed.status_code == 302
    assert "Buurthuis en wijkcentrum" in offered(client, "life_domain")
    assert fresh(db, LifeDomain, row_id).translations == {"en": "Community centre"}
    assert "Buurthuis en wijkcentrum" in offered(client, "life_domain", "?lang=ar")

    trail = audit_trail(db, "life_domain")
    assert [(e.actor, e.action, e.record_id) for e in trail] == [
        (ADMIN, "life_domain.add", row_id),
        (ADMIN, "life_domain.update", row_id),
    ]
    assert trail[0].after == {"label": "Buurthuis", "en": "Community centre", "ar": "مركز الحي"}
    assert trail[1].before["label"] == "Buurthuis"
    assert trail[1].after["label"] == "Buurthuis en wijkcentrum"
    assert "ar" not in trail[1].after


def test_a_life_domain_needs_a_dutch_name(staff, db, builtin_life_domains):
    admin = staff("admin")
    response = admin.post(
        "/medewerkers/beheer/leefgebieden",
        data={
            "csrf_token": csrf_token(admin, "/medewerkers/beheer/leefgebieden"),
            "label": "",
            "label_en": "Community centre",
        },
    )
    assert response.status_code == 400
    assert error_for(response, "label") == "Vul een naam in."
    assert page(response).select_one("input#label_en")["value"] == "Community centre"
    assert count(db, LifeDomain) == len(builtin_life_domains)
    assert audit_trail(db, "life_domain") == []


def test_a_builtin_life_domain_can_be_switched_off_but_not_renamed(
    staff, db, client, builtin_life_domains
):
    sport = builtin_life_domains["sport"]
    assert "Sport en bewegen" in offered(client, "life_domain")
    admin = staff("admin")
    path = "/medewerkers/beheer/leefgebieden"
    token = csrf_token(admin, path)
    form = page(admin.get(path)).select_one(f"form[action='{path}/{sport}']")
    assert form.select_one("input[name$='-label']") is None, "no name to change"
    assert form.select_one(".label").get_text(strip=True) == "Sport en bewegen"

    response = admin.post(
        f"{path}/{sport}", data={"csrf_token": token, f"l{sport}-label": "Hardlopen"}
    )
    assert response.status_code == 302
    stored = fresh(db, LifeDomain, sport)
    assert (stored.active, stored.label, stored.translations) == (False, None, None)
    assert "Sport en bewegen" not in offered(client, "life_domain")
    assert "Hardlopen" not in offered(client, "life_domain")

    admin.post(
        f"{path}/{sport}",
        data={"csrf_token": token, f"l{sport}-label": "Hardlopen", f"l{sport}-active": "y"},
    )
    assert "Sport en bewegen" in offered(client, "life_domain")
    assert fresh(db, LifeDomain, sport).label is None
    trail = audit_trail(db, "life_domain")
    assert [(e.actor, e.action, e.record_id) for e in trail] == [
        (ADMIN, "life_domain.update", sport),
        (ADMIN, "life_domain.update", sport),
    ]
    assert (trail[0].before["active"], trail[0].after["active"]) == (True, False)
    assert (trail[1].before["active"], trail[1].after["active"]) == (False, True)
    assert all(e.after["label"] is None for e in trail)


def test_each_account_has_its_own_audit_trail(staff, db):
    admin = staff("admin")
    other = add_staff(admin.application, "ander@rijnwaarde.example", "policy")
    accounts_page = page(admin.get("/medewerkers/beheer/accounts"))
    link = accounts_page.select_one(
        f"a[href='/medewerkers/logboek?soort=staff_user&nummer={other.id}']"
    )
    assert link is not None
    trail = page(admin.get(link["href"]))
    actions = [li.strong.get_text() for li in trail.select("ol.events > li")]
    assert actions == ["Account gemaakt"], "only what happened to that account"
