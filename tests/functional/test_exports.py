"""Exports for policy officers: the right columns per role, nothing that leads to a person,
no formulas for a spreadsheet to run, only published input, and every export audited."""

import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.domain import exports, receipts, themes
from portal.models import AuditEvent, ContactDetails, Evaluation, Experience, ThemeAction, utcnow
from tests.conftest import START, add_staff, add_submission, page
from tests.functional.test_themes import add_theme

EXPORT = "/medewerkers/export"
SUBMISSIONS = "/medewerkers/export/inbreng"
THEMES = "/medewerkers/export/themas"
EMAIL = "bewoner@voorbeeld.nl"
ADDRESS = "J. de Vries, Kerkstraat 1, 1234 AB Rijnwaarde"
HELPER = "buurtwerker@rijnwaarde.example"
ARABIC = "لا يوجد مصعد في المركز، ولا أستطيع صعود الدرج."
UKRAINIAN = "Немає пандуса біля бібліотеки, я не можу зайти з візком."
DAY = 24 * 60  # minutes

READ_HEADER = [
    "Nummer",
    "Ontvangen op",
    "Soort",
    "Tekst",
    "Taal",
    "Leefgebied",
    "Wijk",
    "Hoogte",
    "Kanaal",
    "Thema's",
]
MODERATE_HEADER = [*READ_HEADER, "Gemodereerd op", "Themanummers"]
# What a resident might type that a spreadsheet would run, and what it must become.
FORMULAS = {
    "=1+1": "'=1+1",
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "-2+3": "'-2+3",
    "@SUM(A1:A9)": "'@SUM(A1:A9)",
    "\t=1+1": "'\t=1+1",
    " =x": "' =x",
    "\r=HYPERLINK(1)": "'\r=HYPERLINK(1)",
    "  \n@x": "'  \n@x",
    "＝1+1": "'＝1+1",
}


def add_contact(db, submission, email=None, address=None):
    db.add(
        ContactDetails(
            submission_id=submission.id,
            email=email,
            postal_address=address,
            retain_until=utcnow().date() + timedelta(days=30),
        )
    )
    db.commit()


@pytest.fixture
def inputs(app, db, wijken):
    """Published input in three languages with contact details, and what must stay out."""
    helper = add_staff(app, HELPER, "wijkteam")
    rows = {
        "web": add_submission(
            db,
            "De stoep bij de bibliotheek is te smal.",
            status="published",
            height=3,
            neighbourhood_id=wijken["Noord"],
            moderated_at=START + timedelta(hours=1),
        ),
        "arabic": add_submission(
            db,
            ARABIC,
            minutes=DAY,
            status="published",
            language="ar",
            channel="assisted",
            entered_by=helper.id,
            neighbourhood_id=wijken["Oost"],
            height=5,
        ),
        "ukrainian": add_submission(
            db,
            UKRAINIAN,
            minutes=2 * DAY,
            status="published",
            kind="idea",
            language="uk",
            channel="paper",
            neighbourhood_id=wijken["Zuid"],
        ),
        "hidden": add_submission(
            db, "Verborgen: bel Jan op 0612345678.", minutes=3, status="hidden"
        ),
        "received": add_submission(db, "Nog niet bekeken door een moderator.", minutes=4),
        "evaluation": add_submission(
            db, "Reactie: de helling helpt mij echt.", minutes=5, kind="evaluation",
            status="published",
        ),
    }  # fmt: skip
    add_contact(db, rows["web"], email=EMAIL)
    add_contact(db, rows["arabic"], address=ADDRESS)
    add_contact(db, rows["ukrainian"], email="oekraine@voorbeeld.nl", address=ADDRESS)
    add_contact(db, rows["hidden"], email="verborgen@voorbeeld.nl")
    rows["theme"] = add_theme(db, "Smalle stoepen", rows["web"], rows["arabic"])
    return rows


def parse_csv(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf"), "no byte order mark: Excel would misread UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def download(client, path=SUBMISSIONS, **args):
    response = client.get(path, query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.is_streamed
    return response


def assert_nothing_personal(data: bytes, inputs) -> None:
    text = data.decode("utf-8-sig")
    for row in inputs.values():
        code = getattr(row, "receipt_code", None)
        if code:
            assert code not in text and receipts.display(code) not in text
    for secret in (EMAIL, "oekraine@voorbeeld.nl", "verborgen@voorbeeld.nl", "Kerkstraat", HELPER):
        assert secret not in text
    assert "0612345678" not in text  # the hidden text
    assert "Nog niet bekeken" not in text  # input no moderator has published


# --- who gets what -----------------------------------------------------------------------


def test_no_role_is_ever_given_a_field_that_leads_to_a_person():
    for permission, fields in exports.SUBMISSION_FIELDS.items():
        assert not set(fields) & exports.NEVER_EXPORTED, permission
    assert set(exports.SUBMISSION_FIELDS["read"]) < set(exports.SUBMISSION_FIELDS["moderate"])


def test_policy_officers_get_public_fields_and_nothing_that_leads_to_a_person(staff, inputs):
    client = staff("policy")
    response = download(client, formaat="csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "private, no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="inbreng-')
    assert disposition.endswith('.csv"')
    rows = parse_csv(response)
    assert rows[0] == READ_HEADER
    assert [row[0] for row in rows[1:]] == [
        str(inputs[name].id) for name in ("web", "arabic", "ukrainian")
    ]
    web = dict(zip(READ_HEADER, rows[1], strict=True))
    assert web == {
        "Nummer": str(inputs["web"].id),
        "Ontvangen op": "2024-05-01",
        "Soort": "obstacle",
        "Tekst": "De stoep bij de bibliotheek is te smal.",
        "Taal": "nl",
        "Leefgebied": "",
        "Wijk": "Noord",
        "Hoogte": "3",
        "Kanaal": "web",
        "Thema's": "Smalle stoepen",
    }
    assert_nothing_personal(response.get_data(), inputs)

    as_json = download(client, formaat="json")
    assert_nothing_personal(as_json.get_data(), inputs)
    assert set(json.loads(as_json.get_data())[0]) == set(exports.SUBMISSION_FIELDS["read"])


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_also_get_when_it_was_moderated_and_the_theme_numbers(staff, inputs, role):
    client = staff(role)
    rows = parse_csv(download(client))
    assert rows[0] == MODERATE_HEADER
    web = dict(zip(MODERATE_HEADER, rows[1], strict=True))
    assert web["Gemodereerd op"] == "2024-05-01T12:00:00+02:00"  # in the gemeente's time
    assert web["Themanummers"] == str(inputs["theme"].id)
    assert_nothing_personal(download(client, formaat="json").get_data(), inputs)


def test_wijkteam_members_cannot_export(staff, inputs):
    client = staff("wijkteam")
    for path in (EXPORT, SUBMISSIONS, THEMES, f"{SUBMISSIONS}?formaat=json"):
        assert client.get(path).status_code == 403, path


def test_the_export_page_lists_the_columns_of_the_role(staff, inputs):
    soup = page(staff("policy").get(EXPORT))
    columns = [cell.get_text(strip=True) for cell in soup.select("table tbody th")]
    assert columns == READ_HEADER
    soup = page(staff("moderator").get(EXPORT))
    assert [cell.get_text(strip=True) for cell in soup.select("table tbody th")] == (
        MODERATE_HEADER
    )


# --- what goes out -----------------------------------------------------------------------


def test_only_published_obstacles_and_ideas_go_out_unless_reactions_are_asked_for(staff, inputs):
    client = staff("policy")
    ids = [row[0] for row in parse_csv(download(client))[1:]]
    for name in ("hidden", "received", "evaluation"):
        assert str(inputs[name].id) not in ids, name
    reactions = parse_csv(download(client, kind="evaluation"))[1:]
    assert [row[0] for row in reactions] == [str(inputs["evaluation"].id)]


def test_a_spreadsheet_finds_no_formula_to_run(staff, db):
    for minutes, text in enumerate(FORMULAS):
        add_submission(db, text, minutes=minutes, status="published")
    theme = add_theme(db, '=HYPERLINK("http://voorbeeld.nl")')
    theme.submissions.extend([])
    db.commit()
    client = staff("policy")
    rows = parse_csv(download(client))
    assert [row[3] for row in rows[1:]] == list(FORMULAS.values())
    themes_rows = parse_csv(download(client, THEMES))
    assert themes_rows[1][1] == '\'=HYPERLINK("http://voorbeeld.nl")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *FORMULAS.items(),
        ("\0=1", "'\0=1"),
        ("Gewone tekst", "Gewone tekst"),
        ("Tekst met = in het midden", "Tekst met = in het midden"),
        ("", ""),
        ("   ", "   "),
    ],
)
def test_neutralising_a_cell(value, expected):
    assert exports.neutralised(value) == expected


def test_arabic_and_ukrainian_text_arrive_unchanged_in_csv_and_json(staff, inputs):
    client = staff("policy")
    texts = [row[3] for row in parse_csv(download(client))[1:]]
    assert ARABIC in texts and UKRAINIAN in texts
    raw = download(client, formaat="json").get_data()
    assert ARABIC.encode() in raw  # as UTF-8, not as \u escapes
    texts = [row["text"] for row in json.loads(raw)]
    assert ARABIC in texts and UKRAINIAN in texts


def test_the_json_export_holds_the_same_rows_as_the_csv(staff, inputs):
    client = staff("moderator")
    csv_rows = parse_csv(download(client))[1:]
    json_rows = json.loads(download(client, formaat="json").get_data())
    assert len(json_rows) == len(csv_rows) == 3
    for as_csv, as_json in zip(csv_rows, json_rows, strict=True):
        assert list(as_json) == list(exports.SUBMISSION_FIELDS["moderate"])
        flattened = [
            " | ".join(map(str, value))
            if isinstance(value, list)
            else ("" if value is None else str(value))
            for value in as_json.values()
        ]
        assert flattened == as_csv
    arabic = json_rows[1]
    assert arabic["themes"] == ["Smalle stoepen"] and arabic["height"] == 5
    assert arabic["theme_ids"] == [inputs["theme"].id]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"kind": "idea"}, ["ukrainian"]),
        ({"kind": "obstacle"}, ["web", "arabic"]),
        ({"channel": "assisted"}, ["arabic"]),
        ({"language": "uk"}, ["ukrainian"]),
        ({"van": "2024-05-02"}, ["arabic", "ukrainian"]),
        ({"tot": "2024-05-02"}, ["web", "arabic"]),
        ({"van": "2024-05-02", "tot": "2024-05-02"}, ["arabic"]),
        ({"theme": "0"}, ["ukrainian"]),
    ],
)
def test_filters_work_as_in_the_inbox(staff, inputs, args, expected):
    ids = [row[0] for row in parse_csv(download(staff("policy"), **args))[1:]]
    assert ids == [str(inputs[name].id) for name in expected]


def test_filters_on_wijk_life_domain_and_theme(staff, inputs, wijken):
    client = staff("policy")
    ids = [row[0] for row in parse_csv(download(client, neighbourhood=wijken["Oost"]))[1:]]
    assert ids == [str(inputs["arabic"].id)]
    ids = [row[0] for row in parse_csv(download(client, theme=inputs["theme"].id))[1:]]
    assert ids == [str(inputs["web"].id), str(inputs["arabic"].id)]


def test_a_bad_filter_shows_the_form_again_with_what_was_typed(staff, inputs):
    client = staff("policy")
    response = client.get(
        SUBMISSIONS, query_string={"van": "31-12-2024", "neighbourhood": "999", "formaat": "xls"}
    )
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Fout:")
    summary = soup.select_one(".error-summary")
    assert summary is not None
    links = {link["href"] for link in summary.select("a")}
    assert {"#van", "#neighbourhood", "#formaat-0"} <= links
    assert soup.select_one("#van")["value"] == "31-12-2024"
    assert soup.select_one("#van")["aria-invalid"] == "true"


@pytest.mark.parametrize(
    "args",
    [
        {"tot": "2024-01-01", "van": "2024-05-01"},
        {"van": "0001-01-01"},
        {"tot": "9999-12-31"},
        {"kind": "anything"},
        {"theme": "abc"},
        {"life_domain": "99999999999999999999999"},
        {"van": "2024-05-01" * 500},
    ],
)
def test_odd_parameters_never_break_the_export(staff, inputs, args):
    response = staff("policy").get(SUBMISSIONS, query_string=args)
    assert response.status_code == 400
    page(response)


def test_a_bad_format_for_themes_shows_the_page_again(staff, inputs):
    response = staff("policy").get(THEMES, query_string={"formaat": "pdf"})
    assert response.status_code == 400
    soup = page(response)
    assert soup.select_one(".error-summary a")["href"] == "#theme-formaat-0"


def test_every_export_is_in_the_audit_trail_with_its_filter_and_rows(staff, inputs, db):
    client = staff("policy")
    download(client, kind="obstacle", van="2024-05-01").get_data()
    download(client, THEMES, formaat="json").get_data()
    events = list(
        db.scalars(
            select(AuditEvent).where(AuditEvent.action.like("export.%")).order_by(AuditEvent.id)
        )
    )
    assert [event.action for event in events] == ["export.submissions", "export.themes"]
    assert events[0].actor == "policy@rijnwaarde.example"
    assert events[0].after["filter"] == {"kind": "obstacle", "since": "2024-05-01"}
    assert events[0].after["rows"] == 2 and events[0].after["complete"] is True
    assert events[0].after["format"] == "csv"
    assert events[1].after["rows"] == 1 and events[1].after["format"] == "json"
    log = staff("moderator").get("/medewerkers/logboek")
    assert log.status_code == 200
    assert "Inbreng gedownload" in log.text and "gedownload" in page(log).get_text()


# --- themes ------------------------------------------------------------------------------


def test_the_themes_export_carries_the_figures_of_the_theme_page(staff, inputs, db):
    theme = inputs["theme"]
    # A comment on what was done, in the theme: counted with the answers, not as input.
    theme.submissions.append(inputs["evaluation"])
    db.add(Experience(theme_id=theme.id, person_key="iemand", language="nl", channel="web"))
    db.add(
        ThemeAction(
            theme_id=theme.id, description="Stoep breder", owner="Verkeer",
            decided_on=START.date(),
        )
    )  # fmt: skip
    db.add(Evaluation(theme_id=theme.id, submission_id=inputs["web"].id, answer="helps",
                      language="nl"))  # fmt: skip
    add_theme(db, "Ander thema")
    client = staff("policy")
    rows = json.loads(download(client, THEMES, formaat="json").get_data())
    assert [row["title"] for row in rows] == ["Ander thema", "Smalle stoepen"]
    exported = rows[1]
    figures = themes.figures(db, theme)
    assert exported["inputs"] == figures.inputs == 3
    assert (exported["obstacles"], exported["ideas"]) == (figures.obstacles, figures.ideas)
    assert [exported[f"height_{h}"] for h in range(1, 6)] == list(figures.heights.values())
    assert exported["actions"] == 1
    assert exported["evaluation_helps"] == 1 and exported["evaluation_does_not_help"] == 0
    assert list(exported) == list(exports.THEME_FIELDS)

    table = parse_csv(download(client, THEMES))
    assert table[0][:3] == ["Nummer", "Titel", "Samenvatting"]
    assert table[2][0] == str(theme.id) and table[2][5] == "false"
