"""The council report: a PDF per period with, per theme, its summary, figures, quotes from
published input, actions, feedback and evaluation; nothing hidden, nothing personal."""

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.domain import reports, themes
from portal.models import (
    AuditEvent,
    ContactDetails,
    Evaluation,
    Experience,
    Theme,
    ThemeAction,
    ThemeFeedback,
    utcnow,
)
from tests.conftest import START, add_submission, page
from tests.functional.test_themes import add_theme

REPORT = "/medewerkers/rapport"
PDF = "/medewerkers/rapport.pdf"
PERIOD = {"van": "2024-01-01", "tot": "2024-12-31"}
EMAIL = "bewoner@voorbeeld.nl"
HIDDEN = "Bel Jan de Boer op 0612345678, hij weet er alles van."
QUOTE = "De drempel bij de ingang van de bibliotheek is te hoog voor mijn rolstoel."
ACTION = "Een helling bij de ingang van de bibliotheek"
FEEDBACK = "We hebben bij de bibliotheek een helling gemaakt. Dank voor uw inbreng."
ZONE = "Europe/Amsterdam"


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Text with every run of white space as one space: lines break anywhere in a PDF."""
    return " ".join(text.split())


@pytest.fixture
def library(db, wijken):
    """A theme in the period with all that a report shows, one before it, and a merged one."""
    members = [
        add_submission(
            db, QUOTE, status="published", height=4, neighbourhood_id=wijken["Noord"]
        ),
        add_submission(
            db, "Maak een tweede ingang aan de kant van het park, zonder trap.", minutes=1,
            status="published", kind="idea", channel="paper", neighbourhood_id=wijken["Oost"],
        ),
        add_submission(db, HIDDEN, minutes=2, status="hidden", height=5),
        add_submission(db, "Nog niet gelezen inbreng over de bibliotheek.", minutes=3),
    ]  # fmt: skip
    db.add(
        ContactDetails(
            submission_id=members[0].id, email=EMAIL, retain_until=date.today() + timedelta(30)
        )
    )
    theme = add_theme(
        db,
        "Drempels bij de bibliotheek",
        *members,
        summary="Mensen met een rolstoel komen de bibliotheek moeilijk in.",
        published=True,
    )
    theme.stage, theme.feedback_published_at = "reported", utcnow()
    db.add(
        ThemeAction(
            theme_id=theme.id, description=ACTION, owner="Afdeling Vastgoed",
            decided_on=date(2024, 6, 1), status="done",
        )
    )  # fmt: skip
    db.add(ThemeFeedback(theme_id=theme.id, language="nl", body=FEEDBACK))
    for member, answer in zip(members[:3], ("helps", "helps", "does_not_help"), strict=True):
        db.add(Evaluation(theme_id=theme.id, submission_id=member.id, answer=answer,
                          language="nl"))  # fmt: skip
    db.add(Experience(theme_id=theme.id, person_key="iemand", language="nl", channel="web",
                      created_at=START))  # fmt: skip
    old = add_submission(db, "Oude inbreng over het zwembad.", minutes=-200 * 24 * 60,
                         status="published")  # fmt: skip
    earlier = add_theme(db, "Het zwembad van vorig jaar", old, summary="Oud.")
    merged = add_theme(db, "Samengevoegd thema", add_submission(db, "Iets", minutes=9))
    merged.merged_into_id = theme.id
    db.commit()
    return {"theme": theme, "members": members, "earlier": earlier, "merged": merged}


def make(client, **args):
    response = client.get(PDF, query_string={**PERIOD, **args})
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    return response


def test_the_report_shows_each_part_of_a_theme_and_nothing_hidden_or_personal(staff, library):
    response = make(staff("policy"))
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="raadsrapport-2024-01-01-2024-12-31.pdf"'
    )
    text = flat(text_of(response.data))
    for expected in (
        "Gemeente Rijnwaarde",
        "Drempels bij de bibliotheek",
        "Mensen met een rolstoel komen de bibliotheek moeilijk in.",
        QUOTE,
        ACTION,
        "Afdeling Vastgoed",
        FEEDBACK,
        "Pagina 2 van",
        "Alle thema's samen",
        "Hoe kwam de inbreng binnen?",
    ):
        assert expected in text, expected
    assert "Helpt: 2; Helpt een beetje: 0; Helpt niet: 1; Nog niets van gemerkt: 0" in text
    assert "Inbreng samen: 5. Obstakels: 3. Ideeën: 1." in text  # 4 submissions, 1 "me too"
    assert "hoogte 4: 1; hoogte 5: 1" in text
    assert "Noord: 1; Oost: 1; geen wijk gekozen: 2" in text
    assert "0612345678" not in text and "Jan de Boer" not in text
    assert "Nog niet gelezen" not in text
    assert EMAIL not in text
    for member in library["members"]:
        assert member.receipt_code not in text
    assert "Samengevoegd thema" not in text


def test_the_period_chooses_the_themes(staff, library):
    client = staff("policy")
    text = flat(text_of(make(client).data))
    assert "Het zwembad van vorig jaar" not in text
    text = flat(text_of(make(client, van="2023-01-01").data))
    assert "Het zwembad van vorig jaar" in text
    text = flat(text_of(make(client, van="2025-01-01", tot="2025-12-31").data))
    assert "Drempels bij de bibliotheek" not in text
    assert "Er is geen thema met inbreng in deze periode." in text


def test_the_report_is_a_tagged_pdf_with_a_language_and_a_title(staff, library):
    reader = PdfReader(io.BytesIO(make(staff("policy")).data))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "nl"
    assert reader.metadata.title == "Wat inwoners vertellen: rapport voor de gemeenteraad"
    assert len(reader.pages) >= 4  # cover, contents, how to read it, the theme


def test_the_report_is_audited(staff, library, db):
    make(staff("policy"))
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "report.council"))
    assert event.actor == "policy@rijnwaarde.example"
    assert event.after == {"since": "2024-01-01", "until": "2024-12-31", "themes": 1}


@pytest.mark.parametrize(
    ("args", "field", "kept"),
    [
        ({"van": "1-1-2024"}, "van", "1-1-2024"),
        ({"tot": "morgen"}, "tot", "morgen"),
        ({"van": "2024-12-01", "tot": "2024-01-01"}, "tot", "2024-01-01"),
        ({"van": "0001-01-01"}, "van", "0001-01-01"),
        ({"tot": "9999-12-31"}, "tot", "9999-12-31"),
        ({"van": ""}, "van", ""),
    ],
)
def test_a_bad_date_shows_the_form_again_with_what_was_typed(staff, library, args, field, kept):
    response = staff("policy").get(PDF, query_string={**PERIOD, **args})
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Fout:")
    assert soup.select_one(f".error-summary a[href='#{field}']") is not None
    assert soup.select_one(f"#{field}")["value"] == kept


def test_the_report_page_offers_this_year(staff, library):
    soup = page(staff("policy").get(REPORT))
    assert soup.select_one("#van")["value"] == f"{date.today().year}-01-01"
    assert soup.select_one(f"main form[action='{PDF}'] #tot") is not None


def test_wijkteam_members_get_no_report(staff, library):
    client = staff("wijkteam")
    assert client.get(REPORT).status_code == 403
    assert client.get(PDF, query_string=PERIOD).status_code == 403


# --- the domain: which themes, in which order, with which figures and quotes ---------------


def period(since="2024-01-01", until="2024-12-31"):
    return reports.Period(date.fromisoformat(since), date.fromisoformat(until))


def zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(ZONE)


def test_themes_come_by_stage_then_title_never_by_size(db):
    big = add_theme(db, "Aaa veel inbreng", *[add_submission(db, minutes=m) for m in range(5)])
    small = add_theme(db, "Zzz weinig inbreng", add_submission(db, minutes=9))
    later = add_theme(db, "Bbb", add_submission(db, minutes=10))
    later.stage = "acting"
    db.commit()
    report = reports.council_report(db, period(), zone())
    assert [item.theme.id for item in report.themes] == [big.id, small.id, later.id]


def test_the_figures_are_those_of_the_theme_page_over_the_period(db, library):
    report = reports.council_report(db, period("2000-01-01", "2099-12-31"), zone())
    for item in report.themes:
        expected = themes.figures(db, db.get(Theme, item.theme.id))
        figures = item.figures
        assert (figures.inputs, figures.obstacles, figures.ideas) == (
            expected.inputs,
            expected.obstacles,
            expected.ideas,
        )
        assert figures.heights == expected.heights
        assert {k: v for k, v in figures.channels.items() if v} == expected.channels


def test_an_answer_to_does_it_help_is_not_counted_as_input(db):
    """A contributor's comment on what was done enters the inbox as a submission of kind
    evaluation; the theme's figures and the report count residents' input only."""
    obstacle = add_submission(db, "Geen bus na acht uur.", status="published", height=3)
    answer = add_submission(db, "Het helpt nog niet.", minutes=1, status="published",
                            kind="evaluation", channel="paper", language="tr")  # fmt: skip
    theme = add_theme(db, "Avondbus", obstacle, answer)
    expected = (1, 1, 0, {"web": 1}, {"nl": 1})
    shown = themes.figures(db, theme)
    assert (shown.inputs, shown.obstacles, shown.ideas, shown.channels, shown.languages) == (
        expected
    )
    [item] = reports.council_report(db, period(), zone()).themes
    figures = item.figures
    assert (
        figures.inputs,
        figures.obstacles,
        figures.ideas,
        {k: v for k, v in figures.channels.items() if v},
        dict(figures.languages),
    ) == expected


def test_quotes_are_published_diverse_and_the_same_every_time(db, wijken):
    channels = ("web", "paper", "web", "web", "phone", "web")
    rows = [
        add_submission(
            db,
            f"Inbreng nummer {n} over de bus die te vroeg vertrekt bij de halte.",
            minutes=n,
            status="published",
            channel=channels[n],
            neighbourhood_id=wijken["Noord"] if n < 4 else wijken["Zuid"],
        )
        for n in range(6)
    ]
    rows.append(add_submission(db, "Verborgen inbreng over de bus.", minutes=7, status="hidden"))
    duplicate = add_submission(db, "Dubbel over de bus.", minutes=8, status="published")
    duplicate.duplicate_of_id = rows[0].id
    theme = add_theme(db, "De bus", *rows, duplicate)
    first = reports.council_report(db, period(), zone()).themes[0]
    again = reports.council_report(db, period(), zone()).themes[0]
    assert first.theme.id == theme.id
    assert [quote.id for quote in first.quotes] == [quote.id for quote in again.quotes]
    assert len(first.quotes) == 3
    assert {quote.neighbourhood for quote in first.quotes} == {"Noord", "Zuid"}
    assert len({quote.channel for quote in first.quotes}) == 3
    chosen = {quote.id for quote in first.quotes}
    assert rows[-1].id not in chosen and duplicate.id not in chosen


def test_a_report_over_an_arabic_staff_page_is_right_to_left(staff, library):
    client = staff("policy")
    client.get("/taal/ar")
    response = make(client)
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.trailer["/Root"]["/Lang"] == "ar"
    assert START.year == 2024
