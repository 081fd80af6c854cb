"""The staff theme pages: create, change, merge and split themes, and the figures they show.

Policy officers read themes but change nothing; wijkteam members do not see them at all.
"""

from datetime import date

import pytest
from sqlalchemy import func, select, update

from portal.domain import moderation, themes
from portal.models import AuditEvent, Experience, Submission, Theme, ThemeAction
from tests.conftest import add_submission, csrf_token, page

MODERATOR = "moderator@rijnwaarde.example"


def add_theme(db, title: str, *members: Submission, summary: str = "", published=False):
    theme = Theme(title=title, summary=summary, stage="collecting", published=published)
    theme.submissions.extend(members)
    db.add(theme)
    db.commit()
    return theme


def add_experience(db, theme: Theme, person: str, channel: str = "web", language: str = "nl"):
    db.add(Experience(theme_id=theme.id, person_key=person, language=language, channel=channel))
    db.commit()


def count(db, table, *conditions) -> int:
    """How many rows `table` has (that meet `conditions`), as the database says now."""
    return db.scalar(select(func.count()).select_from(table).where(*conditions))


def fresh(db, model, key):
    db.expire_all()
    return db.get(model, key)


def theme_events(db, theme_id: int) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.record_type == "theme", AuditEvent.record_id == theme_id)
            .order_by(AuditEvent.id)
        )
    )


def error_for(response, field: str) -> str:
    error = page(response).select_one(f"#{field}-error")
    assert error is not None, f"no message at {field}"
    return error.get_text(" ", strip=True).removeprefix("Fout: ")


def member_ids(db, theme_id: int) -> set[int]:
    return {row.id for row in fresh(db, Theme, theme_id).submissions}


# --- create and change -------------------------------------------------------------------


def test_a_moderator_creates_a_theme(staff, db):
    client = staff("moderator")
    response = client.post(
        "/medewerkers/themas",
        data={"csrf_token": csrf_token(client, "/medewerkers/themas"), "title": " Bus 's avonds "},
    )
    theme = db.scalar(select(Theme))
    assert response.headers["Location"] == f"/medewerkers/themas/{theme.id}"
    assert (theme.title, theme.summary, theme.stage, theme.published) == (
        "Bus 's avonds",
        "",
        "collecting",
        False,
    )
    shown = page(client.get(response.headers["Location"]))
    assert shown.h1.get_text(strip=True) == "Thema: Bus 's avonds"
    [event] = theme_events(db, theme.id)
    assert (event.actor, event.action, event.before) == (MODERATOR, "theme.create", None)
    assert event.after == {
        "title": "Bus 's avonds",
        "summary": "",
        "stage": "collecting",
        "published": False,
    }


def test_a_theme_without_a_title_is_refused(staff, db):
    client = staff("moderator")
    token = csrf_token(client, "/medewerkers/themas")
    for title in ("", "   ", "\u202e"):  # nothing, spaces, only a bidi override
        response = client.post("/medewerkers/themas", data={"csrf_token": token, "title": title})
        assert response.status_code == 400, repr(title)
        assert error_for(response, "title") == "Geef het thema een titel."
        assert page(response).title.get_text().startswith("Fout: ")
    assert count(db, Theme) == 0
    assert count(db, AuditEvent, AuditEvent.record_type == "theme") == 0


def _update(client, theme_id: int, **fields):
    data = {"title": "Bus", "summary": "", **fields}
    path = f"/medewerkers/themas/{theme_id}"
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def test_title_summary_and_publication_are_saved_and_audited(staff, db, client):
    theme = add_theme(db, "Bus")
    moderator = staff("moderator")
    response = _update(
        moderator,
        theme.id,
        title="Bus rijdt 's avonds niet",
        summary="Na acht uur rijdt er geen bus meer naar Oost.",
        published="y",
    )
    assert response.headers["Location"] == f"/medewerkers/themas/{theme.id}"
    stored = fresh(db, Theme, theme.id)
    assert (stored.title, stored.summary, stored.stage, stored.published) == (
        "Bus rijdt 's avonds niet",
        "Na acht uur rijdt er geen bus meer naar Oost.",
        "collecting",
        True,
    )
    [event] = theme_events(db, theme.id)
    assert (event.actor, event.action) == (MODERATOR, "theme.update")
    assert event.before == {
        "title": "Bus",
        "summary": "",
        "stage": "collecting",
        "published": False,
    }
    assert event.after == {
        "title": "Bus rijdt 's avonds niet",
        "summary": "Na acht uur rijdt er geen bus meer naar Oost.",
        "stage": "collecting",
        "published": True,
    }
    assert page(client.get("/themas")).find("a", string="Bus rijdt 's avonds niet")

    # Taking it off the website again is one more change, audited as such.
    _update(
        moderator,
        theme.id,
        title="Bus rijdt 's avonds niet",
        summary="Na acht uur rijdt er geen bus meer naar Oost.",
    )
    assert not fresh(db, Theme, theme.id).published
    assert theme_events(db, theme.id)[-1].after["published"] is False
    assert client.get(f"/themas/{theme.id}").status_code == 404


def test_publishing_without_a_summary_is_refused_and_what_was_typed_is_kept(staff, db):
    theme = add_theme(db, "Bus")
    client = staff("moderator")
    response = _update(client, theme.id, title="Nieuwe titel", summary="  ", published="y")
    assert response.status_code == 400
    assert error_for(response, "summary") == (
        "Schrijf eerst een samenvatting. Inwoners zien die als eerste op de website."
    )
    soup = page(response)
    assert soup.select_one("input#title")["value"] == "Nieuwe titel"
    assert soup.select_one("input#published").has_attr("checked")
    stored = fresh(db, Theme, theme.id)
    assert (stored.title, stored.published) == ("Bus", False)
    assert theme_events(db, theme.id) == []


def move(client, theme_id: int, stage: str):
    path = f"/medewerkers/themas/{theme_id}"
    return client.post(
        f"{path}/stap", data={"csrf_token": csrf_token(client, path), "stage": stage}
    )


def test_a_theme_moves_through_the_cycle_only_when_each_step_is_ready(staff, db):
    theme = add_theme(db, "Bus")
    client = staff("moderator")
    refused = client.get(move(client, theme.id, "translated").headers["Location"])
    assert "Schrijf eerst de samenvatting" in refused.text
    assert (
        "Een thema gaat één stap tegelijk vooruit."
        in client.get(move(client, theme.id, "acting").headers["Location"]).text
    )
    assert fresh(db, Theme, theme.id).stage == "collecting"

    _update(client, theme.id, summary="Na acht uur rijdt er geen bus meer naar Oost.")
    move(client, theme.id, "translated")
    assert (
        "Voeg eerst een actie toe"
        in client.get(move(client, theme.id, "acting").headers["Location"]).text
    )
    db.add(ThemeAction(theme_id=theme.id, description="Een avondbus.", owner="Verkeer",
                       decided_on=date(2026, 11, 1), status="under_way"))  # fmt: skip
    db.commit()
    move(client, theme.id, "acting")
    assert (
        "nog acties gepland of bezig"
        in client.get(move(client, theme.id, "reported").headers["Location"]).text
    )
    db.execute(update(ThemeAction).values(status="done"))
    db.commit()
    assert (
        "Schrijf eerst de terugkoppeling in het Nederlands"
        in client.get(move(client, theme.id, "reported").headers["Location"]).text
    )
    path = f"/medewerkers/themas/{theme.id}"
    saved = client.post(
        f"{path}/terugkoppeling",
        data={
            "csrf_token": csrf_token(client, path),
            "feedback_nl": "U zei: na acht uur geen bus. Wij doen: een avondbus.",
            "feedback_ar": "قلتم: لا توجد حافلة بعد الساعة الثامنة.",
        },
    )
    assert saved.status_code == 302
    move(client, theme.id, "reported")
    reported = fresh(db, Theme, theme.id)
    assert (reported.stage, reported.published) == ("reported", True)
    assert reported.feedback_published_at is not None
    steps = [
        (e.before["stage"], e.after["stage"])
        for e in theme_events(db, theme.id)
        if e.action == "theme.stage"
    ]
    assert steps == [("collecting", "translated"), ("translated", "acting"), ("acting", "reported")]

    # New input on a reported theme starts the cycle again; a step back is always allowed.
    moderation.add_to_theme(
        db, None, [add_submission(db, "Ook op zondag.")], fresh(db, Theme, theme.id)
    )
    db.commit()
    assert fresh(db, Theme, theme.id).stage == "collecting"
    assert move(client, theme.id, "done").status_code == 400


def test_merging_moves_submissions_and_experiences_and_keeps_the_source(staff, db, client):
    s1, s2, s3 = (add_submission(db, f"Inbreng {i}", i, status="published") for i in range(3))
    source = add_theme(db, "Bus Oost", s1, s2, summary="Geen bus in Oost.", published=True)
    target = add_theme(db, "Busvervoer", s2, s3, summary="De bus rijdt te weinig.", published=True)
    for person in ("both", "only-source"):
        add_experience(db, source, person)
    for person in ("both", "only-target"):
        add_experience(db, target, person)

    moderator = staff("moderator")
    path = f"/medewerkers/themas/{source.id}"
    response = moderator.post(
        f"{path}/samenvoegen", data={"csrf_token": csrf_token(moderator, path), "target": target.id}
    )
    assert response.headers["Location"] == f"/medewerkers/themas/{target.id}"

    assert member_ids(db, target.id) == {s1.id, s2.id, s3.id}
    merged = fresh(db, Theme, source.id)
    assert merged is not None, "the source is kept"
    assert (merged.merged_into_id, merged.published, merged.submissions) == (target.id, False, [])
    people = db.scalars(select(Experience.person_key).where(Experience.theme_id == target.id))
    assert sorted(people) == ["both", "only-source", "only-target"], "one per person"
    assert count(db, Experience) == 4, "nothing deleted"
    assert themes.figures(db, fresh(db, Theme, target.id)).experiences == 3

    event = theme_events(db, source.id)[-1]
    assert (event.actor, event.action, event.before, event.after) == (
        MODERATOR,
        "theme.merge",
        {"merged_into": None},
        {"merged_into": target.id},
    )

    staff_list = page(moderator.get("/medewerkers/themas"))
    listed = [a.get_text(strip=True) for a in staff_list.select("tbody a")]
    assert listed == ["Busvervoer"]
    source_page = page(moderator.get(path))
    assert source_page.find("a", href=f"/medewerkers/themas/{target.id}", string="Busvervoer")
    assert source_page.select_one(f"form[action='{path}']") is None, "a merged theme is read-only"
    assert [
        a.get_text(strip=True) for a in page(client.get("/themas")).select(".theme-list a")
    ] == ["Busvervoer"]
    assert client.get(f"/themas/{source.id}").status_code == 404


def test_a_theme_cannot_be_merged_into_itself_or_into_a_merged_theme(staff, db):
    theme = add_theme(db, "Bus")
    other = add_theme(db, "Tram")
    gone = add_theme(db, "Trein")
    gone.merged_into_id = other.id
    db.commit()
    client = staff("moderator")
    path = f"/medewerkers/themas/{theme.id}"
    token = csrf_token(client, path)
    offered = [o["value"] for o in page(client.get(path)).select("#target option")]
    assert offered == ["", str(other.id)]

    itself = client.post(f"{path}/samenvoegen", data={"csrf_token": token, "target": theme.id})
    assert itself.status_code == 400
    assert error_for(itself, "target") == "Kies een ander thema om mee samen te voegen."
    assert page(itself).title.get_text().startswith("Fout: ")
    merged = client.post(f"{path}/samenvoegen", data={"csrf_token": token, "target": gone.id})
    assert merged.status_code == 400
    nothing = client.post(f"{path}/samenvoegen", data={"csrf_token": token, "target": ""})
    assert error_for(nothing, "target") == "Kies het thema waarin dit thema opgaat."
    assert fresh(db, Theme, theme.id).merged_into_id is None
    assert theme_events(db, theme.id) == []


def test_splitting_moves_the_chosen_submissions_to_a_new_theme(staff, db):
    s1, s2, s3 = (add_submission(db, f"Inbreng {i}", i) for i in range(3))
    theme = add_theme(db, "Vervoer", s1, s2, s3)
    client = staff("moderator")
    path = f"/medewerkers/themas/{theme.id}"
    response = client.post(
        f"{path}/splitsen",
        data={
            "csrf_token": csrf_token(client, path),
            "submissions": [s1.id, s3.id],
            "title": "Taxibus",
        },
    )
    new = db.scalar(select(Theme).where(Theme.title == "Taxibus"))
    assert response.headers["Location"] == f"/medewerkers/themas/{new.id}"
    assert member_ids(db, new.id) == {s1.id, s3.id}
    assert member_ids(db, theme.id) == {s2.id}
    split = theme_events(db, theme.id)[-1]
    assert (split.actor, split.action, split.after) == (
        MODERATOR,
        "theme.split",
        {"into": new.id, "moved": 2},
    )
    assert [e.action for e in theme_events(db, new.id)] == ["theme.create"]


def test_a_split_without_chosen_submissions_gives_a_message(staff, db):
    s1 = add_submission(db)
    theme = add_theme(db, "Vervoer", s1)
    client = staff("moderator")
    path = f"/medewerkers/themas/{theme.id}"
    response = client.post(
        f"{path}/splitsen", data={"csrf_token": csrf_token(client, path), "title": "Taxibus"}
    )
    assert response.status_code == 400
    assert error_for(response, "submissions") == "Kies de inbreng die naar het nieuwe thema gaat."
    typed = [field["value"] for field in page(response).select("input[name=title]")]
    assert "Taxibus" in typed, "the new title is kept"
    assert count(db, Theme) == 1
    assert member_ids(db, theme.id) == {s1.id}


# --- figures -------------------------------------------------------------------------------


@pytest.fixture
def counted_theme(db, wijken):
    """A theme with input from every channel, three wijken and heights 1, 3, 3 and 5."""
    noord, oost, zuid = wijken["Noord"], wijken["Oost"], wijken["Zuid"]
    members = [
        add_submission(db, "o1", 1, height=1, channel="web", neighbourhood_id=noord),
        add_submission(db, "o2", 2, height=3, channel="paper", neighbourhood_id=oost),
        add_submission(
            db, "o3", 3, height=3, channel="assisted", neighbourhood_id=noord, language="ar"
        ),
        add_submission(db, "o4", 4, height=5, channel="phone", language="en"),
        add_submission(db, "o5", 5, channel="web", neighbourhood_id=zuid),
        add_submission(db, "i1", 6, kind="idea", channel="web", neighbourhood_id=zuid),
        add_submission(db, "i2", 7, kind="idea", channel="paper", language="tr"),
    ]
    add_submission(db, "elders", 8, height=4, channel="paper", neighbourhood_id=oost)
    theme = add_theme(db, "Bereikbaarheid", *members)
    add_experience(db, theme, "a")
    add_experience(db, theme, "b", language="ar")
    add_experience(db, theme, "c", channel="assisted")
    return theme


def test_figures_count_every_input_once_whatever_its_channel(db, counted_theme):
    figures = themes.figures(db, counted_theme)
    assert (figures.inputs, figures.submissions, figures.experiences) == (10, 7, 3)
    assert (figures.obstacles, figures.ideas, figures.neighbourhoods) == (5, 2, 3)
    assert figures.channels == {"web": 5, "paper": 2, "assisted": 2, "phone": 1}
    assert figures.heights == {1: 1, 2: 0, 3: 2, 4: 0, 5: 1}
    assert figures.languages == {"nl": 4, "ar": 1, "en": 1, "tr": 1}


def test_the_theme_page_and_list_show_the_figures(staff, counted_theme):
    client = staff("moderator")
    soup = page(client.get(f"/medewerkers/themas/{counted_theme.id}"))

    def figure(term: str) -> str:
        return soup.find("dt", string=term).find_next("dd").get_text(" ", strip=True)

    assert figure("Inbreng") == '10 in totaal: 7 verhalen en 3 keer "dit herken ik"'
    assert figure("Obstakels en ideeën") == "5 obstakels, 2 ideeën"
    assert figure("Verschillende wijken") == "3"
    channels = dict(part.split(": ") for part in figure("Kanalen").split(", "))
    assert channels == {"Website": "5", "Papier": "2", "Met hulp": "2", "Telefoon": "1"}
    heights = [
        (row.th.get_text(strip=True), row.td.get_text(strip=True))
        for row in soup.select("table tbody tr")
    ]
    assert heights == [("1", "1"), ("2", "0"), ("3", "2"), ("4", "0"), ("5", "1")]

    row = page(client.get("/medewerkers/themas")).select_one("tbody tr")
    cells = [cell.get_text(strip=True) for cell in row.select("td")]
    assert cells[0] == "Bereikbaarheid"
    assert cells[2:5] == ["10", "5 / 2", "3"]


# --- who may do what ---------------------------------------------------------------------


def test_policy_officers_read_themes_but_change_nothing(staff, db, counted_theme):
    other = add_theme(db, "Tram")
    themes_before = count(db, Theme)
    client = staff("policy")
    listing = page(client.get("/medewerkers/themas"))
    assert [a.get_text(strip=True) for a in listing.select("tbody a")] == ["Bereikbaarheid", "Tram"]
    path = f"/medewerkers/themas/{counted_theme.id}"
    shown = page(client.get(path))
    assert "10 in totaal" in shown.get_text()
    forms = [form["action"] for form in shown.select("main form")]
    assert forms == ["/medewerkers/uitloggen"], "no edit, merge or split forms"
    assert (
        page(client.get("/medewerkers/themas")).select("main form[action='/medewerkers/themas']")
        == []
    )
    assert not shown.select("a[href^='/medewerkers/inbreng/']")

    token = csrf_token(client, path)
    member = counted_theme.submissions[0].id
    attempts = {
        "/medewerkers/themas": {"title": "Nieuw"},
        path: {"title": "Anders", "summary": "", "stage": "collecting"},
        f"{path}/samenvoegen": {"target": other.id},
        f"{path}/splitsen": {"submissions": [member], "title": "Apart"},
    }
    for url, data in attempts.items():
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    assert count(db, Theme) == themes_before
    assert fresh(db, Theme, counted_theme.id).title == "Bereikbaarheid"
    assert count(db, AuditEvent, AuditEvent.record_type == "theme") == 0


def test_wijkteam_members_do_not_see_themes(staff, db):
    theme = add_theme(db, "Bus")
    client = staff("wijkteam")
    token = csrf_token(client, "/medewerkers/")
    assert client.get("/medewerkers/themas").status_code == 403
    assert client.get(f"/medewerkers/themas/{theme.id}").status_code == 403
    response = client.post(
        f"/medewerkers/themas/{theme.id}",
        data={"csrf_token": token, "title": "Anders", "stage": "collecting"},
    )
    assert response.status_code == 403
    assert fresh(db, Theme, theme.id).title == "Bus"
