"""The moderation inbox and what a moderator does to one submission or a selection.

Rows are made directly in the database with chosen moments and channels, so the order of
the inbox is known beforehand; every action goes through the pages as a moderator's would.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.domain import audit, receipts, submissions
from portal.domain.moderation import PAGE_SIZE
from portal.domain.submissions import Answers
from portal.models import (
    HIDE_REASONS,
    AuditEvent,
    ContactDetails,
    LifeDomain,
    Submission,
    Theme,
    theme_submission,
)
from portal.staff import audit_log
from tests.conftest import START, add_submission, csrf_token, page

MODERATOR = "moderator@rijnwaarde.example"


def add_theme(db, title: str, *members: Submission) -> Theme:
    theme = Theme(title=title, summary="", stage="collecting")
    theme.submissions.extend(members)
    db.add(theme)
    db.commit()
    return theme


def listed(response) -> list[int]:
    """The submission numbers in the inbox table, top to bottom."""
    soup = page(response)
    return [int(a.get_text().lstrip("#")) for a in soup.select("tbody tr a[href*='/inbreng/']")]


def events(db, submission_id: int) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.record_type == "submission", AuditEvent.record_id == submission_id)
            .order_by(AuditEvent.id)
        )
    )


def count(db, table, *conditions) -> int:
    """How many rows `table` has (that meet `conditions`), as the database says now."""
    return db.scalar(select(func.count()).select_from(table).where(*conditions))


def fresh(db, model, key):
    """The row as the database has it now, not as this session remembers it."""
    db.expire_all()
    return db.get(model, key)


def notices(response) -> str:
    return " ".join(p.get_text(" ", strip=True) for p in page(response).select(".notice"))


def field_errors(response) -> list[str]:
    return [p.get_text(" ", strip=True) for p in page(response).select(".field-error")]


# --- the inbox ---------------------------------------------------------------------------


def test_the_inbox_shows_every_channel_newest_first(staff, db, writer):
    web = add_submission(db, "Via de website.", minutes=0, channel="web")
    paper = add_submission(db, "Op papier.", minutes=30, channel="paper")
    assisted = add_submission(db, "Met hulp ingevuld.", minutes=10, channel="assisted")
    phone = add_submission(db, "Aan de telefoon.", minutes=20, channel="phone")
    just_now = submissions.submit(
        writer, Answers(kind="idea", text="Een bankje bij de halte.", language="nl")
    )
    writer.commit()

    client = staff("moderator")
    response = client.get("/medewerkers/inbox")
    assert listed(response) == [just_now.id, paper.id, phone.id, assisted.id, web.id]
    channels = [
        row.select("td")[5].get_text(strip=True) for row in page(response).select("tbody tr")
    ]
    assert channels == ["Website", "Papier", "Telefoon", "Met hulp", "Website"]


@pytest.fixture
def varied(db, wijken):
    """Four submissions that differ in every filter, newest first: d, c, b, a."""
    care = db.scalar(select(LifeDomain).where(LifeDomain.slug == "care"))
    housing = db.scalar(select(LifeDomain).where(LifeDomain.slug == "housing"))
    noord, oost, zuid = wijken["Noord"], wijken["Oost"], wijken["Zuid"]
    a = add_submission(db, "a", 0, neighbourhood_id=noord, life_domain_id=care.id)
    b = add_submission(
        db,
        "b",
        1,
        kind="idea",
        channel="paper",
        language="en",
        status="published",
        neighbourhood_id=oost,
        life_domain_id=housing.id,
    )
    c = add_submission(
        db,
        "c",
        2,
        channel="assisted",
        language="ar",
        status="hidden",
        hidden_reason="personal_data",
        neighbourhood_id=zuid,
    )
    d = add_submission(
        db, "d", 3, kind="idea", channel="phone", language="tr", life_domain_id=care.id
    )
    bus = add_theme(db, "Bus", a, d)
    park = add_theme(db, "Park", b, d)
    return {
        "rows": {"a": a.id, "b": b.id, "c": c.id, "d": d.id},
        "wijken": wijken,
        "care": care.id,
        "housing": housing.id,
        "themes": {"Bus": bus.id, "Park": park.id},
    }


def test_the_inbox_filters_by_kind_status_channel_and_language(staff, varied):
    rows = varied["rows"]
    expected = {
        "kind=obstacle": "ca",
        "kind=idea": "db",
        "status=received": "da",
        "status=published": "b",
        "status=hidden": "c",
        "channel=web": "a",
        "channel=paper": "b",
        "channel=assisted": "c",
        "channel=phone": "d",
        "language=nl": "a",
        "language=en": "b",
        "language=ar": "c",
        "language=tr": "d",
        "language=uk": "",
        "kind=idea&status=received": "d",
    }
    client = staff("moderator")
    assert listed(client.get("/medewerkers/inbox")) == [rows[n] for n in "dcba"]
    for query, names in expected.items():
        response = client.get(f"/medewerkers/inbox?{query}")
        assert response.status_code == 200, query
        assert listed(response) == [rows[n] for n in names], query
    nothing = page(client.get("/medewerkers/inbox?language=uk"))
    assert "geen inbreng die bij deze filters past" in nothing.get_text()


def test_the_inbox_filters_by_wijk_life_domain_and_theme(staff, varied):
    rows, wijken, bus, park = (
        varied["rows"],
        varied["wijken"],
        varied["themes"]["Bus"],
        varied["themes"]["Park"],
    )
    expected = {
        f"neighbourhood={wijken['Noord']}": "a",
        f"neighbourhood={wijken['Oost']}": "b",
        f"neighbourhood={wijken['Zuid']}": "c",
        f"life_domain={varied['care']}": "da",
        f"life_domain={varied['housing']}": "b",
        f"theme={bus}": "da",
        f"theme={park}": "db",
        "theme=0": "c",
        f"kind=idea&theme={bus}": "d",
        f"theme=0&neighbourhood={wijken['Noord']}": "",
    }
    client = staff("moderator")
    for query, names in expected.items():
        response = client.get(f"/medewerkers/inbox?{query}")
        assert response.status_code == 200, query
        assert listed(response) == [rows[n] for n in names], query
    shown = page(client.get(f"/medewerkers/inbox?theme={bus}"))
    assert shown.select_one("#theme option[selected]").get_text(strip=True) == "Bus"
    no_theme = page(client.get("/medewerkers/inbox?theme=0"))
    assert no_theme.select_one("#theme option[selected]")["value"] == "0"


UNKNOWN_FILTER_VALUES = (
    "kind=complaint",
    "status=deleted",
    "channel=pigeon",
    "language=xx",
    "neighbourhood=abc",
    "neighbourhood=99999",
    "life_domain=-3",
    "theme=99999",
    "theme=%00",
)


def test_an_unknown_filter_value_is_named_and_ignored(staff, varied):
    everything = [varied["rows"][n] for n in "dcba"]
    client = staff("moderator")
    for query in UNKNOWN_FILTER_VALUES:
        response = client.get(f"/medewerkers/inbox?{query}")
        assert response.status_code in (200, 400), query
        errors = field_errors(response)
        assert "Fout: Deze keuze kunnen we niet gebruiken. Kies opnieuw." in errors, query
        assert listed(response) == everything, query


MALFORMED_CURSORS = (
    "garbage",
    "~",
    "2024-05-01T09:00:00~",
    "2024-13-45T99:00:00~7",
    "~" * 65,
    "99999-01-01~1",
    "2024-05-01T09:00:00~99999999999999999999999999",
    "2024-05-01T09:00:00~-99999999999999999999999999",
)


def test_a_malformed_cursor_never_breaks_the_inbox(staff, db):
    first = add_submission(db, "eerste", 0)
    second = add_submission(db, "tweede", 1)
    client = staff("moderator")
    broken = []
    for cursor in MALFORMED_CURSORS:
        response = client.get("/medewerkers/inbox", query_string={"na": cursor})
        if response.status_code == 200:
            # Whatever the cursor says, the page shows rows the inbox really has, in order.
            assert listed(response) in ([second.id, first.id], [first.id], []), cursor
        elif response.status_code == 400:
            assert page(response).select_one("main p").get_text(strip=True), cursor
        else:
            broken.append((cursor, response.status_code))
    assert broken == []


def _walk(client, path: str) -> tuple[list[int], list[int]]:
    """Follow "Oudere inbreng" to the end; the ids seen, and the length of each page."""
    seen, sizes = [], []
    while path:
        soup_response = client.get(path)
        rows = listed(soup_response)
        seen.extend(rows)
        sizes.append(len(rows))
        older = page(soup_response).select_one("a[rel=next]")
        path = older["href"] if older else None
    return seen, sizes


def test_paging_through_the_inbox_shows_every_row_once(staff, db):
    # Rows share their moment in threes, so the order must break ties by number too.
    count = 2 * PAGE_SIZE + 7
    rows = [
        Submission(
            receipt_code=receipts.new_code(),
            kind="idea" if i % 2 else "obstacle",
            text=f"Inbreng {i}",
            language="nl",
            channel="web",
            created_at=START + timedelta(minutes=i // 3),
        )
        for i in range(count)
    ]
    db.add_all(rows)
    db.commit()
    newest_first = [
        row.id for row in sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
    ]

    client = staff("moderator")
    seen, sizes = _walk(client, "/medewerkers/inbox")
    assert seen == newest_first
    assert sizes == [PAGE_SIZE, PAGE_SIZE, 7]

    ideas = [row_id for row_id in newest_first if fresh(db, Submission, row_id).kind == "idea"]
    seen, sizes = _walk(client, "/medewerkers/inbox?kind=idea")
    assert seen == ideas, "the filter is kept on every page"
    assert sizes == [PAGE_SIZE, len(ideas) - PAGE_SIZE]


def test_paging_is_stable_when_new_input_arrives_between_pages(staff, db):
    rows = [
        Submission(
            receipt_code=receipts.new_code(),
            kind="obstacle",
            text=f"Inbreng {i}",
            language="nl",
            channel="paper",
            created_at=START + timedelta(minutes=i),
        )
        for i in range(PAGE_SIZE + 5)
    ]
    db.add_all(rows)
    db.commit()
    newest_first = [row.id for row in reversed(rows)]

    client = staff("moderator")
    first = client.get("/medewerkers/inbox")
    assert listed(first) == newest_first[:PAGE_SIZE]
    older = page(first).select_one("a[rel=next]")["href"]

    arrived = add_submission(db, "Net binnen.", minutes=10_000, channel="web")
    second = client.get(older)
    assert listed(second) == newest_first[PAGE_SIZE:], "no row twice, none skipped"
    assert page(second).select_one("a[rel=next]") is None
    back = page(second).find("a", string="Terug naar de nieuwste")["href"]
    assert listed(client.get(back))[:2] == [arrived.id, newest_first[0]]


# --- one submission ------------------------------------------------------------------------


def _post(client, token: str, path: str, **data):
    return client.post(path, data={"csrf_token": token, **data})


def test_publishing_is_audited_with_who_and_what_it_was(staff, db):
    item = add_submission(db, "Geen lift in de bibliotheek.")
    client = staff("moderator")
    token = csrf_token(client, f"/medewerkers/inbreng/{item.id}")
    response = _post(client, token, f"/medewerkers/inbreng/{item.id}/publiceren")
    assert response.headers["Location"] == f"/medewerkers/inbreng/{item.id}"
    assert "staat nu op de website" in notices(client.get(response.headers["Location"]))

    stored = fresh(db, Submission, item.id)
    assert (stored.status, stored.hidden_reason) == ("published", None)
    assert stored.moderated_at is not None
    [event] = events(db, item.id)
    assert (event.actor, event.action) == (MODERATOR, "submission.publish")
    assert event.before == {"status": "received", "hidden_reason": None, "duplicate_of_id": None}
    assert event.after == {"status": "published", "hidden_reason": None, "duplicate_of_id": None}


def test_publishing_without_a_csrf_token_changes_nothing(staff, db):
    item = add_submission(db)
    client = staff("moderator")
    response = client.post(f"/medewerkers/inbreng/{item.id}/publiceren")
    assert response.status_code == 400
    assert fresh(db, Submission, item.id).status == "received"
    assert events(db, item.id) == []


def test_hiding_needs_a_reason_and_keeps_each_reason(staff, db):
    items = {reason: add_submission(db, f"Tekst {reason}") for reason in HIDE_REASONS}
    labels = {
        "personal_data": "Persoonlijke gegevens",
        "abusive": "Beledigend of kwetsend",
        "off_topic": "Gaat niet over meedoen",
        "duplicate": "Dubbel",
    }
    client = staff("moderator")
    token = csrf_token(client, "/medewerkers/")
    for reason, item in items.items():
        path = f"/medewerkers/inbreng/{item.id}"
        response = _post(client, token, f"{path}/verbergen", reason=reason)
        assert response.status_code == 302, reason
        stored = fresh(db, Submission, item.id)
        assert (stored.status, stored.hidden_reason) == ("hidden", reason)
        status = page(client.get(path)).find("dt", string="Status").find_next("dd")
        assert status.get_text(strip=True) == f"Verborgen ({labels[reason]})"
        [event] = events(db, item.id)
        assert (event.actor, event.action) == (MODERATOR, "submission.hide")
        assert event.before["status"] == "received"
        assert event.after == {"status": "hidden", "hidden_reason": reason, "duplicate_of_id": None}


def test_hiding_without_a_reason_is_refused_with_a_message(staff, db):
    item = add_submission(db)
    client = staff("moderator")
    path = f"/medewerkers/inbreng/{item.id}"
    token = csrf_token(client, path)
    # No reason sent, the empty choice, and a reason the form does not offer.
    for data in ({}, {"reason": ""}, {"reason": "because"}):
        response = _post(client, token, f"{path}/verbergen", **data)
        assert response.status_code == 400, data
        assert field_errors(response) == ["Fout: Kies waarom u dit verbergt."], data
    assert fresh(db, Submission, item.id).status == "received"
    assert events(db, item.id) == []


def test_a_refused_change_puts_fout_in_the_page_title(staff, db):
    """House style: on an error the title starts with "Fout: ", so a screen reader hears it."""
    item = add_submission(db)
    client = staff("moderator")
    path = f"/medewerkers/inbreng/{item.id}"
    token = csrf_token(client, path)
    for action, data in (("verbergen", {"reason": ""}), ("tekst", {"text": ""})):
        response = _post(client, token, f"{path}/{action}", **data)
        assert response.status_code == 400
        soup = page(response)
        assert soup.select_one(".error-summary") is not None, action
        assert soup.title.get_text().startswith("Fout: "), action


@pytest.fixture
def on_a_public_theme(db):
    """A published submission in a published theme, with a name in its text."""
    item = add_submission(db, "Ik ben Jan de Vries, Dorpsstraat 3, en de bus komt niet.")
    item.status = "published"
    theme = add_theme(db, "De bus", item)
    theme.summary, theme.published = "De bus rijdt te weinig.", True
    db.commit()
    return item, theme


def test_an_edited_text_keeps_the_original_only_in_the_audit_trail(
    staff, db, client, on_a_public_theme
):
    item, theme = on_a_public_theme
    original = item.text
    moderator = staff("moderator")
    token = csrf_token(moderator, f"/medewerkers/inbreng/{item.id}")
    response = _post(
        moderator, token, f"/medewerkers/inbreng/{item.id}/tekst", text="  De bus komt niet.  "
    )
    assert response.status_code == 302
    assert "De oude tekst staat alleen in het logboek" in notices(
        moderator.get(response.headers["Location"])
    )
    assert fresh(db, Submission, item.id).text == "De bus komt niet."
    [event] = events(db, item.id)
    assert (event.actor, event.action) == (MODERATOR, "submission.edit_text")
    assert (event.before, event.after) == ({"text": original}, {"text": "De bus komt niet."})

    public = client.get(f"/themas/{theme.id}").get_data(as_text=True)
    assert "De bus komt niet." in public
    assert "Jan de Vries" not in public and "Dorpsstraat" not in public

    # Saving the same text again changes nothing and records nothing.
    again = _post(
        moderator, token, f"/medewerkers/inbreng/{item.id}/tekst", text="De bus komt niet."
    )
    assert "De tekst was al zo." in notices(moderator.get(again.headers["Location"]))
    assert len(events(db, item.id)) == 1


@pytest.mark.parametrize(
    "typed, message",
    [
        ("Te lang. " + "x" * 5000, "De tekst mag hoogstens 5000 tekens hebben."),
        ("   ", "De tekst mag niet leeg zijn."),
    ],
)
def test_an_edit_that_is_too_long_or_empty_is_refused_and_kept(staff, db, typed, message):
    item = add_submission(db, "De oorspronkelijke tekst.")
    client = staff("moderator")
    token = csrf_token(client, f"/medewerkers/inbreng/{item.id}")
    response = _post(client, token, f"/medewerkers/inbreng/{item.id}/tekst", text=typed)
    assert response.status_code == 400
    soup = page(response)
    assert soup.select_one("#text-error").get_text(" ", strip=True) == f"Fout: {message}"
    assert soup.select_one("textarea#text").get_text() == typed.strip()
    assert fresh(db, Submission, item.id).text == "De oorspronkelijke tekst."
    assert events(db, item.id) == []


def test_themes_are_assigned_and_a_new_theme_is_made_from_the_page(staff, db):
    item = add_submission(db)
    bus, park, _ = add_theme(db, "Bus"), add_theme(db, "Park"), add_theme(db, "Stoep")
    client = staff("moderator")
    path = f"/medewerkers/inbreng/{item.id}"
    token = csrf_token(client, path)

    assert _post(client, token, f"{path}/themas", themes=[bus.id, park.id]).status_code == 302
    assert {t.id for t in fresh(db, Submission, item.id).themes} == {bus.id, park.id}
    shown = page(client.get(path))
    assert {box["value"] for box in shown.select("input[name=themes][checked]")} == {
        str(bus.id),
        str(park.id),
    }

    response = _post(client, token, f"{path}/themas", themes=[park.id], new_theme="Lift kapot")
    assert response.status_code == 302
    new = db.scalar(select(Theme).where(Theme.title == "Lift kapot"))
    assert new is not None and new.stage == "collecting" and not new.published
    assert {t.id for t in fresh(db, Submission, item.id).themes} == {park.id, new.id}

    first, second = events(db, item.id)
    assert (first.actor, first.action) == (MODERATOR, "submission.themes")
    assert (first.before, first.after) == ({"themes": []}, {"themes": sorted([bus.id, park.id])})
    assert (second.before, second.after) == (
        {"themes": sorted([bus.id, park.id])},
        {"themes": sorted([park.id, new.id])},
    )
    created = db.scalar(select(AuditEvent).where(AuditEvent.action == "theme.create"))
    assert (created.actor, created.record_id, created.after["title"]) == (
        MODERATOR,
        new.id,
        "Lift kapot",
    )


def test_a_new_theme_with_a_too_long_title_is_refused(staff, db):
    item = add_submission(db)
    client = staff("moderator")
    path = f"/medewerkers/inbreng/{item.id}"
    response = _post(client, csrf_token(client, path), f"{path}/themas", new_theme="T" * 121)
    assert response.status_code == 400
    assert page(response).select_one("#new_theme-error") is not None
    assert page(response).select_one("input#new_theme")["value"] == "T" * 121
    assert count(db, Theme) == 0
    assert events(db, item.id) == []


def test_a_duplicate_is_marked_by_number_or_receipt_code_and_points_at_the_first(staff, db):
    first = add_submission(db, "De lift is kapot.", 0)
    second = add_submission(db, "De lift is al weken kapot.", 1)
    third = add_submission(db, "Lift kapot!", 2)
    client = staff("moderator")
    token = csrf_token(client, "/medewerkers/")

    response = _post(
        client, token, f"/medewerkers/inbreng/{second.id}/dubbel", original=f"#{first.id}"
    )
    assert response.status_code == 302
    assert fresh(db, Submission, second.id).duplicate_of_id == first.id

    typed_code = receipts.display(second.receipt_code).lower()
    response = _post(client, token, f"/medewerkers/inbreng/{third.id}/dubbel", original=typed_code)
    assert response.status_code == 302
    assert fresh(db, Submission, third.id).duplicate_of_id == first.id, "the chain is followed"
    shown = page(client.get(f"/medewerkers/inbreng/{third.id}"))
    assert shown.find("dt", string="Dubbel van").find_next("dd").get_text(strip=True) == (
        f"#{first.id}"
    )
    [event] = events(db, third.id)
    assert (event.actor, event.action) == (MODERATOR, "submission.duplicate")
    assert (event.before["duplicate_of_id"], event.after["duplicate_of_id"]) == (None, first.id)

    response = _post(client, token, f"/medewerkers/inbreng/{third.id}/dubbel", original="")
    assert "niet meer als dubbel gemarkeerd" in notices(client.get(response.headers["Location"]))
    assert fresh(db, Submission, third.id).duplicate_of_id is None
    unmarked = events(db, third.id)[-1]
    assert (unmarked.before["duplicate_of_id"], unmarked.after["duplicate_of_id"]) == (
        first.id,
        None,
    )


def test_a_duplicate_of_itself_or_of_nothing_is_refused(staff, db):
    item = add_submission(db, "Origineel", 0)
    copy = add_submission(db, "Kopie", 1, duplicate_of_id=item.id)
    itself = "Inbreng kan geen dubbel van zichzelf zijn."
    unknown = "We vinden geen inbreng met dit nummer of deze volgcode."
    references = {
        str(item.id): itself,
        f"#{copy.id}": itself,  # its own duplicate: the chain leads back to itself
        "99999": unknown,
        receipts.display(receipts.new_code()): unknown,  # well-formed, but nobody has it
        "geen code": unknown,
    }
    client = staff("moderator")
    path = f"/medewerkers/inbreng/{item.id}"
    token = csrf_token(client, path)
    for typed, message in references.items():
        response = _post(client, token, f"{path}/dubbel", original=typed)
        assert response.status_code == 400, typed
        soup = page(response)
        assert soup.select_one("#original-error").get_text(" ", strip=True) == f"Fout: {message}"
        assert soup.select_one("input#original")["value"] == typed
    assert fresh(db, Submission, item.id).duplicate_of_id is None
    assert events(db, item.id) == []


def test_when_an_original_becomes_a_duplicate_its_duplicates_follow(staff, db):
    """Every duplicate points at the first one (moderation.mark_duplicate's promise)."""
    first = add_submission(db, "Eerste melding", 0)
    later = add_submission(db, "Tweede melding", 1)
    copy_of_later = add_submission(db, "Kopie van de tweede", 2, duplicate_of_id=later.id)
    client = staff("moderator")
    path = f"/medewerkers/inbreng/{later.id}"
    response = _post(client, csrf_token(client, path), f"{path}/dubbel", original=str(first.id))
    assert response.status_code == 302
    assert fresh(db, Submission, later.id).duplicate_of_id == first.id
    assert fresh(db, Submission, copy_of_later.id).duplicate_of_id == first.id


# --- a selection ---------------------------------------------------------------------------


def _bulk(client, token: str, ids, action: str, back: str = "/medewerkers/inbox", **data):
    """Send the inbox's selection form; like a browser, every select sends its value."""
    fields = {"reason": "", "theme": "", **data}
    return client.post(
        "/medewerkers/inbox/selectie",
        data={"csrf_token": token, "ids": ids, "action": action, "terug": back, **fields},
    )


def test_a_selection_is_published_at_once_and_the_filter_is_kept(staff, db):
    chosen = [add_submission(db, f"Gekozen {i}", i, channel="paper") for i in range(2)]
    left = add_submission(db, "Niet gekozen", 5, channel="paper")
    client = staff("moderator")
    token = csrf_token(client, "/medewerkers/inbox")
    back = "/medewerkers/inbox?channel=paper&status=received"
    response = _bulk(client, token, [row.id for row in chosen], "publish", back)
    assert response.headers["Location"] == back
    assert "Klaar: 2 aangepast." in notices(client.get(back))
    for row in chosen:
        assert fresh(db, Submission, row.id).status == "published"
        [event] = events(db, row.id)
        assert (event.actor, event.action, event.after["status"]) == (
            MODERATOR,
            "submission.publish",
            "published",
        )
    assert fresh(db, Submission, left.id).status == "received"
    assert events(db, left.id) == []


def test_a_selection_is_hidden_only_with_a_reason(staff, db):
    chosen = [add_submission(db, f"Gekozen {i}", i) for i in range(3)]
    ids = [row.id for row in chosen]
    client = staff("moderator")
    token = csrf_token(client, "/medewerkers/inbox")

    refused = _bulk(client, token, ids, "hide", reason="")
    assert "Kies waarom u dit verbergt." in notices(client.get(refused.headers["Location"]))
    assert {fresh(db, Submission, i).status for i in ids} == {"received"}
    assert count(db, AuditEvent, AuditEvent.record_type == "submission") == 0

    response = _bulk(client, token, ids, "hide", reason="abusive")
    assert "Klaar: 3 aangepast." in notices(client.get(response.headers["Location"]))
    for row_id in ids:
        stored = fresh(db, Submission, row_id)
        assert (stored.status, stored.hidden_reason) == ("hidden", "abusive")
        [event] = events(db, row_id)
        assert (event.actor, event.action, event.after["hidden_reason"]) == (
            MODERATOR,
            "submission.hide",
            "abusive",
        )


def test_a_selection_is_added_to_a_theme_keeping_other_themes(staff, db):
    one, two = add_submission(db, "Een", 0), add_submission(db, "Twee", 1)
    park = add_theme(db, "Park", one)
    bus = add_theme(db, "Bus", two)
    client = staff("moderator")
    token = csrf_token(client, "/medewerkers/inbox")

    refused = _bulk(client, token, [one.id, two.id], "theme", theme="")
    assert "Kies een thema." in notices(client.get(refused.headers["Location"]))

    response = _bulk(client, token, [one.id, two.id], "theme", theme=str(bus.id))
    assert "Klaar: 1 aangepast." in notices(client.get(response.headers["Location"]))
    assert {t.id for t in fresh(db, Submission, one.id).themes} == {park.id, bus.id}
    assert {t.id for t in fresh(db, Submission, two.id).themes} == {bus.id}
    [event] = events(db, one.id)
    assert (event.actor, event.action) == (MODERATOR, "submission.themes")
    assert (event.before, event.after) == (
        {"themes": [park.id]},
        {"themes": sorted([park.id, bus.id])},
    )
    assert events(db, two.id) == [], "already in the theme: nothing changed, nothing audited"


def test_a_selection_that_cannot_be_used_gives_a_message(staff, db):
    item = add_submission(db)
    client = staff("moderator")
    token = csrf_token(client, "/medewerkers/inbox")
    cases = [
        # ids, where to go back to, the message, where it lands
        ([], "/medewerkers/inbox?status=received", "Kies eerst inbreng in de lijst.", None),
        (["abc"], "/medewerkers/inbox", "Kies eerst inbreng in de lijst.", None),
        ([], "https://evil.example/", "Kies eerst inbreng in de lijst.", "/medewerkers/inbox"),
        ([], "//evil.example/medewerkers/inbox", "Kies eerst", "/medewerkers/inbox"),
    ]
    for ids, back, message, lands_on in cases:
        response = _bulk(client, token, ids, "publish", back)
        assert response.status_code == 302, back
        assert response.headers["Location"] == (lands_on or back)
        assert message in notices(client.get(response.headers["Location"])), back
    assert fresh(db, Submission, item.id).status == "received"


def test_a_selection_without_a_csrf_token_changes_nothing(staff, db):
    item = add_submission(db)
    client = staff("moderator")
    response = _bulk(client, "", [item.id], "hide", reason="abusive")
    assert response.status_code == 400
    assert fresh(db, Submission, item.id).status == "received"
    assert events(db, item.id) == []


def test_an_unknown_submission_is_not_found(staff, db):
    client = staff("moderator")
    token = csrf_token(client, "/medewerkers/inbox")
    assert client.get("/medewerkers/inbreng/99999").status_code == 404
    assert _post(client, token, "/medewerkers/inbreng/99999/publiceren").status_code == 404
    assert count(db, AuditEvent) == 2  # the add and the login


# --- the audit log -------------------------------------------------------------------------


def test_the_audit_log_shows_every_event_newest_first_by_kind_and_page(staff, db, writer):
    item = add_submission(db, "Oorspronkelijke tekst met een naam.")
    client = staff("moderator")
    token = csrf_token(client, "/medewerkers/inbox")
    _post(client, token, f"/medewerkers/inbreng/{item.id}/tekst", text="Tekst zonder naam.")
    for number in range(audit_log.PAGE_SIZE + 5):
        audit.record_event(writer, None, "theme.update", "theme", number, None, {"n": number})
    writer.commit()

    first = page(client.get("/medewerkers/logboek"))
    shown = first.select("ol.events > li")
    assert len(shown) == audit_log.PAGE_SIZE
    assert "thema 104" in shown[0].get_text(" ", strip=True), "newest first"
    older = first.select_one("a[rel=next]")["href"]
    rest = page(client.get(older)).select("ol.events > li")
    assert len(rest) == 5 + 3  # the last themes, then the edit, the login and the account
    assert "Tekst aangepast" in rest[-3].get_text(" ", strip=True)
    assert f"door {MODERATOR}" in rest[-3].get_text(" ", strip=True)

    only_submissions = page(client.get("/medewerkers/logboek?soort=submission"))
    [edit] = only_submissions.select("ol.events > li")
    assert "Oorspronkelijke tekst met een naam." in edit.select_one("del").get_text()
    assert "Tekst zonder naam." in edit.select_one("ins").get_text()
    for query in ("soort=everything", "voor=abc", "voor=99999999999999999999", "voor=-1"):
        response = client.get(f"/medewerkers/logboek?{query}")
        assert response.status_code == 200, query
        assert len(page(response).select("ol.events > li")) == audit_log.PAGE_SIZE, query


def test_every_action_is_audited_once_and_nothing_is_ever_deleted(staff, db):
    items = [add_submission(db, f"Inbreng {i}", i) for i in range(4)]
    items[0].contact = ContactDetails(email="iemand@example.org", retain_until=START.date())
    db.commit()
    theme = add_theme(db, "Bus")
    ids = [row.id for row in items]

    def counts():
        return {
            table: count(db, table)
            for table in (Submission.__table__, ContactDetails.__table__, Theme.__table__)
        }

    before = counts()
    client = staff("moderator")
    token = csrf_token(client, "/medewerkers/inbox")
    actions = [
        (f"/medewerkers/inbreng/{ids[0]}/publiceren", {}),
        (f"/medewerkers/inbreng/{ids[0]}/verbergen", {"reason": "personal_data"}),
        (f"/medewerkers/inbreng/{ids[0]}/tekst", {"text": "Zonder naam."}),
        (f"/medewerkers/inbreng/{ids[1]}/dubbel", {"original": str(ids[0])}),
        (f"/medewerkers/inbreng/{ids[2]}/themas", {"themes": [theme.id]}),
        (f"/medewerkers/inbreng/{ids[2]}/themas", {"themes": []}),
    ]
    for number, (path, data) in enumerate(actions, start=1):
        assert _post(client, token, path, **data).status_code == 302, path
        audited = count(db, AuditEvent, AuditEvent.record_type == "submission")
        assert audited == number, f"one event for {path}"
    _bulk(client, token, ids[2:], "hide", reason="off_topic")
    trail = db.scalars(
        select(AuditEvent).where(AuditEvent.record_type == "submission").order_by(AuditEvent.id)
    ).all()
    assert [(e.record_id, e.action) for e in trail[:6]] == [
        (ids[0], "submission.publish"),
        (ids[0], "submission.hide"),
        (ids[0], "submission.edit_text"),
        (ids[1], "submission.duplicate"),
        (ids[2], "submission.themes"),
        (ids[2], "submission.themes"),
    ]
    # A selection is handled in whatever order the database returns it.
    assert sorted((e.record_id, e.action) for e in trail[6:]) == [
        (ids[2], "submission.hide"),
        (ids[3], "submission.hide"),
    ]
    assert {e.actor for e in trail} == {MODERATOR}
    assert all(e.before is not None and e.after is not None for e in trail)
    assert counts() == before
    assert count(db, theme_submission) == 0
    assert fresh(db, Submission, ids[0]).contact.email == "iemand@example.org"
