"""Suggestions on the submission page and proposals for new themes, through the pages.

The similarity engine has its own tests (tests/unit/test_clustering.py); these check that
moderators see its suggestions with their reasons, can act on them, and that the index
follows what happens in the database.
"""

import threading

from sqlalchemy import select

from portal.domain import submissions, themes
from portal.domain.submissions import Answers
from portal.models import AuditEvent, RejectedProposal, Submission, Theme
from tests.conftest import csrf_token, page

STOEP = [
    "De stoeprand bij de Kerkstraat is veel te hoog voor mijn rolstoel.",
    "Met mijn rolstoel kom ik de hoge stoeprand op de Kerkstraat niet op.",
    "Hoge stoepranden in de Kerkstraat, met een rolstoel of rollator kom je er niet langs.",
    "stoeprand kerkstraat te hoog, rolstoel kan er niet op",
]
BUS = [
    "Lijn 12 rijdt 's avonds na 20:00 niet meer, ik kan niet naar mijn werk.",
    "Na acht uur 's avonds gaat er geen bus lijn 12 meer, daardoor mis ik mijn avonddienst.",
    "De laatste bus van lijn 12 vertrekt om 20:00, veel te vroeg voor wie avondwerk heeft.",
]


def _add(writer, texts, language="nl"):
    rows = [
        submissions.submit(writer, Answers(kind="obstacle", text=text, language=language))
        for text in texts
    ]
    writer.commit()
    return [row.id for row in rows]


def test_a_submission_shows_likely_themes_and_similar_input_with_the_shared_words(
    staff, writer, db
):
    stoep_ids = _add(writer, STOEP)
    bus_ids = _add(writer, BUS)
    theme = themes.create(writer, None, "Stoepen en drempels")
    for submission in writer.scalars(select(Submission).where(Submission.id.in_(stoep_ids[:3]))):
        submission.themes.append(theme)
    writer.commit()

    client = staff("moderator")
    shown = page(client.get(f"/medewerkers/inbreng/{stoep_ids[3]}"))
    hints = [li.get_text(" ", strip=True) for li in shown.select(".hints li")]
    assert any("Stoepen en drempels" in hint and "stoeprand" in hint for hint in hints), hints
    similar_links = [a["href"] for a in shown.select(".hints li > a[href*='/inbreng/']")]
    assert similar_links[0].endswith(tuple(f"/inbreng/{i}" for i in stoep_ids[:3]))
    assert not any(link.endswith(f"/inbreng/{bus_ids[0]}") for link in similar_links[:3])

    # Adding the suggested theme is one button.
    add = shown.select_one("form[action$='/thema-toevoegen']")
    response = client.post(
        add["action"],
        data={"csrf_token": add.select_one("[name=csrf_token]")["value"], "theme": theme.id},
    )
    assert response.status_code == 302
    assert theme.id in {t.id for t in db.get(Submission, stoep_ids[3]).themes}
    assert db.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == (
        "submission.themes"
    )


def test_a_likely_duplicate_is_flagged_and_marked_with_one_button(staff, writer, db):
    first, copy = _add(
        writer,
        [
            "De lift in het Stadskantoor is al drie weken kapot, ik kan niet naar de balie.",
            "De lift in het Stadskantoor is al 3 weken kapot! Ik kan zo niet naar de balie.",
        ],
    )
    _add(writer, BUS)
    client = staff("moderator")
    shown = page(client.get(f"/medewerkers/inbreng/{copy}"))
    flagged = shown.select_one(".hints li .tag")
    assert flagged is not None and "dubbel" in flagged.get_text()
    button = shown.select_one("form[action$='/dubbel'] input[name=original]")
    assert button["value"] == str(first)
    client.post(
        f"/medewerkers/inbreng/{copy}/dubbel",
        data={"csrf_token": csrf_token(client, f"/medewerkers/inbreng/{copy}"), "original": first},
    )
    assert db.get(Submission, copy).duplicate_of_id == first


def test_suggestions_follow_an_edited_text(staff, writer):
    """The index is refreshed from the database: an edit changes what is similar."""
    stoep_ids = _add(writer, STOEP[:2])
    bus_ids = _add(writer, BUS[:2])
    client = staff("moderator")

    def similar_to(submission_id):
        shown = page(client.get(f"/medewerkers/inbreng/{submission_id}"))
        return [a["href"] for a in shown.select(".hints li > a[href*='/inbreng/']")]

    assert similar_to(stoep_ids[0])[0].endswith(f"/inbreng/{stoep_ids[1]}")
    client.post(
        f"/medewerkers/inbreng/{stoep_ids[0]}/tekst",
        data={
            "csrf_token": csrf_token(client, f"/medewerkers/inbreng/{stoep_ids[0]}"),
            "text": BUS[2],
        },
    )
    assert similar_to(stoep_ids[0])[0].endswith(tuple(f"/inbreng/{i}" for i in bus_ids))


def test_proposals_become_themes_under_the_moderators_title_or_are_rejected(staff, writer, db):
    stoep_ids = _add(writer, STOEP)
    bus_ids = _add(writer, BUS)
    client = staff("moderator")
    shown = page(client.get("/medewerkers/voorstellen"))
    groups = [
        {int(i["value"]) for i in section.select("form[action$='/aannemen'] [name=members]")}
        for section in shown.select(".proposal")
    ]
    assert set(stoep_ids) in groups and set(bus_ids) in groups, groups
    stoep = shown.select(".proposal")[groups.index(set(stoep_ids))]
    assert "stoeprand" in stoep.get_text().lower(), "the shared words explain the proposal"
    token = csrf_token(client, "/medewerkers/voorstellen")

    # A title that is too long is refused; what was typed stays in the field.
    too_long = "x" * 121
    refused = client.post(
        "/medewerkers/voorstellen/aannemen",
        data={"csrf_token": token, "members": stoep_ids, "title": too_long},
    )
    assert refused.status_code == 400
    assert page(refused).select_one("#title")["value"] == too_long

    accepted = client.post(
        "/medewerkers/voorstellen/aannemen",
        data={"csrf_token": token, "members": stoep_ids, "title": "Hoge stoepranden"},
    )
    theme = db.scalar(select(Theme).where(Theme.title == "Hoge stoepranden"))
    assert accepted.headers["Location"] == f"/medewerkers/themas/{theme.id}"
    assert sorted(s.id for s in theme.submissions) == sorted(stoep_ids)

    rejected = client.post(
        "/medewerkers/voorstellen/afwijzen", data={"csrf_token": token, "members": bus_ids}
    )
    assert rejected.status_code == 302
    assert db.scalar(select(RejectedProposal.members)) == len(bus_ids)
    again = page(client.get("/medewerkers/voorstellen"))
    assert not again.select(".proposal"), "neither group is proposed again"
    assert "geen voorstellen" in again.get_text()


def test_other_languages_are_suggested_from_their_own_language(staff, writer):
    arabic = [
        "لا يوجد مترجم في مكتب البلدية، ولم أفهم الرسالة عن المساعدة.",
        "أحتاج إلى مترجم عند الموعد في البلدية، لا أفهم الهولندية جيدا.",
        "الرسائل من البلدية صعبة جدا، أحتاج إلى مترجم.",
    ]
    ids = _add(writer, arabic, language="ar")
    _add(writer, STOEP)
    theme = themes.create(writer, None, "Tolken en vertaling")
    for submission in writer.scalars(select(Submission).where(Submission.id.in_(ids[:2]))):
        submission.themes.append(theme)
    writer.commit()
    shown = page(staff("moderator").get(f"/medewerkers/inbreng/{ids[2]}"))
    first_hint = shown.select_one(".hints li")  # the theme suggestions come first
    assert "Tolken en vertaling" in first_hint.get_text()
    assert "مترجم" in first_hint.get_text(), "the shared Arabic word explains the suggestion"


def test_new_input_is_suggested_as_soon_as_it_arrives(staff, writer):
    first = _add(writer, STOEP[:1])[0]
    _add(writer, BUS)
    client = staff("moderator")

    def similar_to(submission_id):
        shown = page(client.get(f"/medewerkers/inbreng/{submission_id}"))
        return [a["href"] for a in shown.select(".hints li > a[href*='/inbreng/']")]

    assert not any(href.endswith(tuple(f"/{i}" for i in (first,))) for href in similar_to(first))
    newer = _add(writer, STOEP[1:2])[0]  # arrives after the index was built
    assert similar_to(first)[0].endswith(f"/inbreng/{newer}")


def test_a_large_index_is_built_in_the_background_while_the_page_says_so(
    app, staff, writer, monkeypatch
):
    from portal.domain import suggestions as domain
    from portal.staff.suggestions import suggestion_index

    monkeypatch.setattr(domain, "SYNC_BUILD_LIMIT", 0)  # as if there were 100,000 already
    app.extensions.pop("suggestions", None)  # a worker that has not built its index yet
    ids = _add(writer, STOEP)
    client = staff("moderator")
    waiting = page(client.get(f"/medewerkers/inbreng/{ids[0]}"))
    assert "worden nog voorbereid" in waiting.get_text()
    for builder in [t for t in threading.enumerate() if t.name == "suggestion-index"]:
        builder.join(timeout=30)  # it may also have finished already
    with app.app_context():
        assert suggestion_index()._index is not None
    ready = page(client.get(f"/medewerkers/inbreng/{ids[0]}"))
    assert "worden nog voorbereid" not in ready.get_text()
    assert ready.select(".hints li > a[href*='/inbreng/']")
