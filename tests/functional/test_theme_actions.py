"""Actions on a theme, and the board of the cycle: every theme by stage, longest waiting first."""

from datetime import timedelta

from sqlalchemy import select

from portal.domain import themes
from portal.models import AuditEvent, Experience, Theme, ThemeAction, utcnow
from tests.conftest import add_submission, csrf_token, page
from tests.functional.test_themes import add_theme, fresh

ACTION = {
    "action-description": "De bushalte bij het gezondheidscentrum krijgt een bankje.",
    "action-owner": "Afdeling Verkeer",
    "action-decided_on": "2026-11-20",
    "action-status": "planned",
    "action-reason": "",
}


def post(client, path, data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/medewerkers/themas"), **data})


def test_a_moderator_records_an_action_and_its_progress(staff, db):
    theme = add_theme(db, "Bus", add_submission(db))
    client = staff("moderator")
    response = post(client, f"/medewerkers/themas/{theme.id}/acties", ACTION)
    assert response.status_code == 302
    action = db.scalar(select(ThemeAction))
    assert (action.theme_id, action.owner, action.status) == (
        theme.id,
        "Afdeling Verkeer",
        "planned",
    )
    shown = client.get(f"/medewerkers/themas/{theme.id}")
    page(shown)
    assert "De bushalte bij het gezondheidscentrum krijgt een bankje." in shown.text

    prefix = f"action-{action.id}"
    done = {key.replace("action-", f"{prefix}-"): value for key, value in ACTION.items()}
    response = post(
        client,
        f"/medewerkers/themas/{theme.id}/acties/{action.id}",
        {**done, f"{prefix}-status": "not_done", f"{prefix}-reason": "Geen ruimte op de stoep."},
    )
    assert response.status_code == 302
    action = fresh(db, ThemeAction, action.id)
    assert (action.status, action.reason) == ("not_done", "Geen ruimte op de stoep.")
    actions = [e.action for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-3:] == ["theme_action.add", "theme.action_added", "theme_action.update"]


def test_not_done_without_a_reason_is_refused_and_nothing_typed_is_lost(staff, db):
    theme = add_theme(db, "Bus")
    client = staff("moderator")
    response = post(
        client,
        f"/medewerkers/themas/{theme.id}/acties",
        {**ACTION, "action-status": "not_done", "action-decided_on": "vorige week"},
    )
    assert response.status_code == 400
    soup = page(response)
    assert "Fout:" in soup.title.text
    assert (
        "Schrijf op waarom het niet is gedaan." in response.text
        or "jaar-maand-dag" in response.text
    )
    assert "De bushalte bij het gezondheidscentrum krijgt een bankje." in response.text
    assert db.scalar(select(ThemeAction)) is None

    response = post(
        client, f"/medewerkers/themas/{theme.id}/acties", {**ACTION, "action-status": "not_done"}
    )
    assert response.status_code == 400
    assert "Schrijf op waarom het niet is gedaan." in response.text
    assert db.scalar(select(ThemeAction)) is None


def test_policy_officers_see_the_board_and_actions_but_add_none(staff, db):
    theme = add_theme(db, "Bus")
    client = staff("policy")
    assert client.get("/medewerkers/cyclus").status_code == 200
    refused = client.post(f"/medewerkers/themas/{theme.id}/acties", data=ACTION)
    assert refused.status_code in (400, 403)
    assert db.scalar(select(ThemeAction)) is None


def test_the_board_puts_each_theme_under_its_stage_longest_waiting_first(staff, db):
    now = utcnow()
    for title, stage, days in [
        ("Stoep", "collecting", 3),
        ("Loket", "collecting", 40),
        ("Bus", "acting", 10),
    ]:
        theme = add_theme(db, title)
        theme.stage, theme.stage_since = stage, now - timedelta(days=days, hours=1)
    db.commit()
    board = page(staff("policy").get("/medewerkers/cyclus"))
    collecting = board.select("#caption-collecting ~ tbody tr")
    rows = [[cell.get_text(strip=True) for cell in row.find_all("td")] for row in collecting]
    assert [row[:2] for row in rows] == [["Loket", "40 dagen"], ["Stoep", "3 dagen"]]
    assert [row.get_text(" ", strip=True) for row in board.select("#caption-acting ~ tbody tr")][
        0
    ].startswith("Bus 10 dagen")
    assert "Geen thema's in deze stap." in board.text  # translated and reported are empty


def test_the_board_counts_input_as_the_theme_page_does(staff, db):
    theme = add_theme(
        db,
        "Bus",
        add_submission(db, "De bus komt niet.", kind="obstacle"),
        add_submission(db, "Een buurtbus.", minutes=1, kind="idea"),
        # A comment on what was done: counted with the answers, not as input.
        add_submission(db, "Het helpt nog niet.", minutes=2, kind="evaluation"),
    )
    for person in ("iemand", "iemand anders"):
        db.add(Experience(theme_id=theme.id, person_key=person, language="nl", channel="web"))
    db.commit()
    board = page(staff("policy").get("/medewerkers/cyclus"))
    [row] = board.select("#caption-collecting ~ tbody tr")
    cells = [cell.get_text(strip=True) for cell in row.find_all("td")]
    assert cells[2] == str(themes.figures(db, theme).inputs) == "4"


def test_moving_to_another_stage_restarts_its_clock(staff, db):
    theme = add_theme(db, "Bus", summary="Samenvatting.")
    theme.stage_since = utcnow() - timedelta(days=30)
    db.commit()
    client = staff("moderator")
    path = f"/medewerkers/themas/{theme.id}"
    response = post(client, f"{path}/stap", {"stage": "translated"})
    assert response.status_code == 302
    stored = fresh(db, Theme, theme.id)
    assert stored.stage == "translated"
    assert utcnow() - stored.stage_since.replace(tzinfo=utcnow().tzinfo) < timedelta(minutes=1)
