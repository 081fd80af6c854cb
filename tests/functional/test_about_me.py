""" "Over mij": optional questions after sending input, stored so that nobody can link them to
the input, counted for staff without ever showing a small group, and the questions the
gemeente keeps itself."""

import re

import pytest
from sqlalchemy import func, inspect, select, text

from portal.domain import profiles
from portal.models import (
    AuditEvent,
    Profile,
    ProfileAnswer,
    ProfileOption,
    ProfileQuestion,
    Submission,
)
from tests.conftest import csrf_token, describe, page, send
from tests.unit.test_disclosure import possible_truths

ABOUT_ME = "/meedoen/over-mij"
RECEIPT = "/meedoen/ontvangen"
REACH = "/medewerkers/bereik"
ADMIN = "/medewerkers/beheer/over-mij"
PROFILE_TABLES = ("profile", "profile_answer")
# Column names that would tie an answer to a submission, a person or a moment.
LINKING_COLUMN = re.compile(
    r"submission|receipt|code|wijk|neighbourhood|channel|language|_at$|time|date|ip|agent"
)


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def questions(writer):
    """The gemeente's two questions, as the demo has them: {question: {answer: option id}}."""
    made = {}
    for dutch, translations, options, option_translations in (
        (
            "Heeft u een beperking of chronische ziekte?",
            {"ar": "هل لديك إعاقة؟"},
            ("Ja", "Nee", "Zeg ik liever niet"),
            {},
        ),
        (
            "Welke taal spreekt u thuis het meest?",
            {},
            ("Nederlands", "Arabisch", "Een andere taal"),
            {},
        ),
    ):
        question = profiles.add_question(
            writer,
            None,
            profiles.QuestionText(dutch, translations, options, option_translations),
        )
        made[dutch] = question
    writer.commit()
    return {
        "disability": (made["Heeft u een beperking of chronische ziekte?"].id, _options(made, 0)),
        "language": (made["Welke taal spreekt u thuis het meest?"].id, _options(made, 1)),
    }


def _options(made: dict, index: int) -> dict:
    question = list(made.values())[index]
    return {option.label: option.id for option in question.options}


def sent(client):
    """A resident who has just sent input and sees the receipt page."""
    describe(client)
    response = send(client)
    assert response.headers["Location"] == RECEIPT
    return client


def answer(client, **fields):
    data = {"csrf_token": csrf_token(client, ABOUT_ME), "website": ""}
    data.update(fields)
    return client.post(ABOUT_ME, data=data)


def field(questions, name: str) -> str:
    return f"q{questions[name][0]}"


def option(questions, name: str, label: str) -> str:
    return str(questions[name][1][label])


# --- the resident's side ------------------------------------------------------------------------


def test_the_receipt_invites_to_over_mij_and_says_it_is_optional(client, questions):
    soup = page(sent(client).get(RECEIPT))
    invitation = soup.select_one("section[aria-labelledby='over-mij']")
    assert "Dat hoeft niet." in invitation.get_text(" ", strip=True)
    assert invitation.select_one(f"a[href='{ABOUT_ME}']") is not None

    form = page(client.get(ABOUT_ME))
    assert "Deze vragen zijn niet verplicht." in form.get_text(" ", strip=True)
    legends = [legend.get_text(" ", strip=True) for legend in form.select("main legend")]
    assert legends == [
        "Hoe oud bent u? (optioneel)",
        "Heeft u een beperking of chronische ziekte? (optioneel)",
        "Welke taal spreekt u thuis het meest? (optioneel)",
    ]
    ages = [label.get_text(strip=True) for label in form.select("fieldset:has(#age_band-0) label")]
    assert ages == [
        "Jonger dan 18 jaar",
        "18 tot en met 26 jaar",
        "27 tot en met 40 jaar",
        "41 tot en met 65 jaar",
        "66 tot en met 80 jaar",
        "Ouder dan 80 jaar",
        "Zeg ik liever niet",
    ]
    assert not form.select("input[type='radio'][checked]"), "nothing is chosen beforehand"
    assert form.select_one("form[novalidate]") is not None


def test_the_questions_come_in_the_residents_language_where_staff_wrote_one(client, questions):
    sent(client)
    client.get("/taal/ar")
    soup = page(client.get(ABOUT_ME))
    legends = [legend.get_text(" ", strip=True) for legend in soup.select("main legend")]
    assert legends[1].startswith("هل لديك إعاقة؟")
    assert legends[2].startswith("Welke taal spreekt u thuis het meest?")  # no Arabic text


def test_without_input_sent_there_is_nothing_to_answer(client):
    response = client.get(ABOUT_ME)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    response = client.post(ABOUT_ME, data={"age_band": "41_65"})
    assert response.status_code in (302, 400)


def test_an_empty_form_stores_nothing(client, db, questions):
    response = answer(sent(client))
    assert response.status_code == 302
    assert response.headers["Location"] == f"{ABOUT_ME}?klaar=leeg"
    thanks = page(client.get(response.headers["Location"]))
    assert "We hebben dus niets bewaard." in thanks.select_one("[role='status']").get_text()
    assert (count(db, Profile), count(db, ProfileAnswer)) == (0, 0)
    assert page(client.get(RECEIPT)).select_one("section[aria-labelledby='over-mij']") is None


def test_answers_are_stored_apart_with_only_the_month(client, db, questions):
    response = answer(
        sent(client),
        age_band="41_65",
        **{field(questions, "disability"): option(questions, "disability", "Ja")},
    )
    assert response.headers["Location"] == f"{ABOUT_ME}?klaar=bewaard"
    thanks = page(client.get(response.headers["Location"]))
    assert "los van uw inbreng" in thanks.select_one("[role='status']").get_text()

    [profile] = db.scalars(select(Profile)).all()
    assert re.fullmatch(r"[0-9a-f]{32}", profile.id)
    assert re.fullmatch(r"\d{4}-\d{2}", profile.period)
    assert profile.age_band == "41_65"
    [chosen] = db.scalars(select(ProfileAnswer)).all()
    question_id, options = questions["disability"]
    assert (chosen.question_id, chosen.option_id) == (question_id, options["Ja"])
    # Nothing of the submission is in there: not its receipt code, not when it came in.
    submission = db.scalar(select(Submission))
    for table in PROFILE_TABLES:
        for row in db.execute(text(f"SELECT * FROM {table}")).all():  # noqa: S608
            stored = " ".join(str(value) for value in row)
            assert submission.receipt_code not in stored
            assert submission.created_at.strftime("%d") not in re.findall(
                r"\d{4}-\d{2}-(\d{2})", stored
            )


def test_the_tables_cannot_link_an_answer_to_a_submission(db):
    inspector = inspect(db.get_bind())
    for table in PROFILE_TABLES:
        columns = inspector.get_columns(table)
        names = {column["name"] for column in columns}
        linking = [name for name in names if LINKING_COLUMN.search(name)]
        assert not linking, (table, linking)
        for column in columns:
            type_name = str(column["type"]).upper()
            assert "DATE" not in type_name and "TIME" not in type_name, (table, column)
        for key in inspector.get_foreign_keys(table):
            assert key["referred_table"] in ("profile", "profile_option"), (table, key)
    [pk] = [inspector.get_pk_constraint("profile")["constrained_columns"]]
    assert pk == ["id"]
    assert str(next(c for c in inspector.get_columns("profile") if c["name"] == "id")["type"]) in (
        "VARCHAR(32)",
        "CHARACTER VARYING(32)",
    )
    period = next(c for c in inspector.get_columns("profile") if c["name"] == "period")
    assert str(period["type"]).endswith("(7)"), "at most a month: 2026-11"


def test_the_keys_and_the_stored_order_say_nothing_about_who_came_first(db, writer, questions):
    from datetime import date

    made = []
    for _ in range(12):
        made.append(
            profiles.record(writer, profiles.ProfileAnswers("27_40"), date(2026, 11, 23)).id
        )
        writer.commit()
    assert sorted(made) != made
    assert len({key[:8] for key in made}) == 12, "random keys, not a counter"
    if db.get_bind().dialect.name == "sqlite":
        # No rowid: the table is stored in the order of the random key.
        with pytest.raises(Exception, match="rowid"):
            db.execute(text("SELECT rowid FROM profile"))
        db.rollback()
        assert list(db.scalars(text("SELECT id FROM profile"))) == sorted(made)


def test_over_mij_is_given_once_per_submission(client, db, questions):
    sent(client)
    token = csrf_token(client, ABOUT_ME)
    first = client.post(ABOUT_ME, data={"csrf_token": token, "age_band": "18_26"})
    assert first.status_code == 302
    # The same form sent again (a second tab, the back button): the first answers count.
    again = client.post(ABOUT_ME, data={"csrf_token": token, "age_band": "66_80"})
    assert again.status_code == 302 and again.headers["Location"] == ABOUT_ME
    assert count(db, Profile) == 1
    page_now = page(client.get(ABOUT_ME))
    assert page_now.select_one("main form") is None
    assert "al gezien" in page_now.select_one("[role='status']").get_text()
    # Sending new input is a new chance.
    sent(client)
    assert page(client.get(RECEIPT)).select_one("section[aria-labelledby='over-mij']")
    assert answer(client, age_band="66_80").status_code == 302
    assert sorted(db.scalars(select(Profile.age_band))) == ["18_26", "66_80"]


def test_nothing_is_stored_without_the_csrf_token_and_the_choices_stay(client, db, questions):
    sent(client)
    disability = field(questions, "disability")
    response = client.post(
        ABOUT_ME,
        data={"age_band": "over_80", disability: option(questions, "disability", "Nee")},
    )
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Fout: ")
    assert "Uw antwoorden staan er nog." in soup.select_one(".error-summary").get_text()
    assert soup.select_one("input[name='age_band'][value='over_80']").has_attr("checked")
    assert soup.select_one(f"input[name='{disability}'][checked]")["value"] == option(
        questions, "disability", "Nee"
    )
    assert count(db, Profile) == 0


def test_a_choice_that_was_not_offered_is_refused_with_a_message(client, db, questions):
    sent(client)
    language_question = field(questions, "language")
    for data in (
        {"age_band": "99_120"},
        # an answer of the other question
        {language_question: option(questions, "disability", "Ja")},
        {language_question: "niet-een-getal"},
    ):
        response = answer(client, **data)
        assert response.status_code == 400, data
        soup = page(response)
        name = next(iter(data))
        assert (
            soup.select_one(f"#{name}-error")
            .get_text(" ", strip=True)
            .endswith("Deze keuze kunnen we niet gebruiken. Kies opnieuw.")
        )
        assert soup.select_one(f".error-summary a[href='#{name}-0']") is not None
    assert count(db, Profile) == 0


def test_a_robot_filling_the_honeypot_stores_nothing(client, db, questions):
    sent(client)
    assert answer(client, age_band="27_40", website="http://spam.example").status_code == 400
    assert count(db, Profile) == 0


def test_a_question_removed_while_the_page_was_open_is_not_stored(client, db, writer, questions):
    sent(client)
    token = csrf_token(client, ABOUT_ME)
    disability_id, options = questions["disability"]
    profiles.remove_question(writer, None, writer.get(ProfileQuestion, disability_id))
    writer.commit()
    response = client.post(
        ABOUT_ME,
        data={
            "csrf_token": token,
            "website": "",
            f"q{disability_id}": str(options["Ja"]),
            "age_band": "41_65",
        },
    )
    assert response.status_code == 302  # the removed question is simply not asked any more
    assert count(db, ProfileAnswer) == 0
    assert list(db.scalars(select(Profile.age_band))) == ["41_65"]


# --- what staff see: counts, never a small group ----------------------------------------


def residents_answer(app, questions, how_many: int, **fields) -> None:
    """`how_many` residents each send input and answer "over mij" the same way."""
    for _ in range(how_many):
        answer(sent(app.test_client()), **fields)


def test_four_people_with_a_rare_answer_are_never_revealed(app, db, staff, questions):
    disability = field(questions, "disability")
    residents_answer(app, questions, 4, **{disability: option(questions, "disability", "Ja")})
    residents_answer(app, questions, 9, **{disability: option(questions, "disability", "Nee")})
    residents_answer(app, questions, 2, age_band="18_26")  # skip the disability question
    assert count(db, Profile) == 15

    # The function: "ja" is hidden, and so much else that the total does not give it away.
    report = profiles.report(db)
    [breakdown] = [
        r.breakdown for r in report.questions if r.question.id == questions["disability"][0]
    ]
    assert breakdown.total.count == 15
    ja = breakdown[questions["disability"][1]["Ja"]]
    assert ja.count is None and ja.reason == "small"
    assert {truth[0] for truth in possible_truths(breakdown)} == {1, 2, 3, 4}

    # The page: the same, as a policy officer reads it.
    soup = page(staff("policy").get(REACH))
    table = next(
        t
        for t in soup.select("table")
        if t.caption.get_text(strip=True).startswith("Heeft u een beperking")
    )
    rows = {
        tr.th.get_text(strip=True): tr.td.get_text(strip=True)
        for tr in table.select("tbody tr, tfoot tr")
    }
    assert rows == {
        "Ja": "<5",
        "Nee": "verborgen",
        "Zeg ik liever niet": "0",
        "Niet beantwoord": "<5",
        "Totaal": "15",
    }
    shown = [int(value) for value in rows.values() if value.isdigit()]
    assert 15 - sum(shown[:-1]) not in (1, 2, 3, 4), "the total minus what is shown"
    about = soup.select_one("h2#over-mij").find_all_next(["table", "strong"])
    assert not any(re.search(r"(?<![\d.,])[49](?![\d.,])", t.get_text(" ")) for t in about), (
        "neither the 4 nor the 9 appears anywhere in the figures"
    )


def test_nothing_is_shown_while_fewer_than_five_people_answered(app, db, staff, questions):
    residents_answer(app, questions, 4, age_band="over_80")
    report = profiles.report(db)
    assert report.withheld and report.people.count is None
    assert report.age.breakdown is None
    soup = page(staff("moderator").get(REACH))
    section = " ".join(
        p.get_text(" ", strip=True) for p in soup.select_one("h2#over-mij").find_all_next("p")
    )
    assert "Er zijn nog te weinig antwoorden om iets te laten zien." in section
    assert not soup.select("table caption[id^='caption-vraag']")


def test_a_question_that_cannot_be_shown_safely_is_left_out_whole(app, db, staff, questions):
    # 1 and 5 and 0: with the total of everyone known, any figure would give the 1 away.
    disability = field(questions, "disability")
    residents_answer(app, questions, 1, **{disability: option(questions, "disability", "Ja")})
    residents_answer(
        app, questions, 5, age_band="27_40", **{disability: option(questions, "disability", "Nee")}
    )
    report = profiles.report(db)
    by_question = {r.question.id: r.breakdown for r in report.questions}
    assert by_question[questions["disability"][0]] is None
    assert report.people.count == 6
    soup = page(staff("policy").get(REACH))
    assert "Over deze vraag tonen we nog niets." in soup.get_text(" ", strip=True)


# --- the gemeente's own questions ----------------------------------------------------------


def add_question(client, **fields):
    data = {
        "csrf_token": csrf_token(client, ADMIN),
        "text": "Werkt u?",
        "options": "Ja\nNee\nZeg ik liever niet",
        **fields,
    }
    return client.post(ADMIN, data=data)


def test_an_admin_adds_a_question_with_translations(staff, db):
    admin = staff("admin")
    response = add_question(
        admin,
        text=" Heeft u betaald werk? ",
        options="Ja\n\n Nee \nZeg ik liever niet\n",
        text_en="Do you have paid work?",
        options_en="Yes\nNo\nI prefer not to say",
    )
    assert response.status_code == 302
    question = db.scalar(select(ProfileQuestion))
    assert (question.text, question.translations) == (
        "Heeft u betaald werk?",
        {"en": "Do you have paid work?"},
    )
    options = db.scalars(select(ProfileOption).order_by(ProfileOption.position)).all()
    assert [(o.label, o.translations) for o in options] == [
        ("Ja", {"en": "Yes"}),
        ("Nee", {"en": "No"}),
        ("Zeg ik liever niet", {"en": "I prefer not to say"}),
    ]
    listing = page(admin.get(ADMIN))
    assert listing.select_one(f"textarea[id='q{question.id}-options']").get_text() == (
        "Ja\nNee\nZeg ik liever niet"
    )
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "profile_question.add"))
    assert event.after["options_en"] == "Yes | No | I prefer not to say"


BAD_QUESTIONS = [
    ({"text": ""}, "text", "Vul de vraag in."),
    ({"text": "x" * 201}, "text", "De vraag mag hoogstens 200 tekens hebben."),
    ({"options": "Ja"}, "options", "Vul minstens twee antwoorden in, elk op een eigen regel."),
    ({"options": ""}, "options", "Vul minstens twee antwoorden in, elk op een eigen regel."),
    ({"options": "Ja\nja"}, "options", "Elk antwoord mag maar één keer in de lijst staan."),
    ({"options": "Ja\n" + "n" * 101}, "options", "Een antwoord mag hoogstens 100 tekens hebben."),
    (
        {"options": "\n".join(str(n) for n in range(13))},
        "options",
        "Geef hoogstens 12 antwoorden.",
    ),
    (
        {"options_pl": "Tak\nNie"},
        "options_pl",
        "Geef hier evenveel antwoorden als in het Nederlands, in dezelfde volgorde.",
    ),
]


@pytest.mark.parametrize("fields, name, message", BAD_QUESTIONS)
def test_a_wrong_question_is_refused_and_what_was_typed_stays(staff, db, fields, name, message):
    admin = staff("admin")
    response = add_question(admin, **fields)
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Fout: ")
    assert (
        soup.select_one(f"#{name}-error").get_text(" ", strip=True).removeprefix("Fout: ")
        == message
    )
    assert soup.select_one(f".error-summary a[href='#{name}']") is not None
    typed = {"text": "Werkt u?", "options": "Ja\nNee\nZeg ik liever niet", **fields}
    shown = soup.select_one(f"#{name}")
    value = shown.get_text() if shown.name == "textarea" else shown["value"]
    assert value.strip() == typed.get(name, "").strip()
    if name.startswith("options_"):
        assert soup.select_one(f"details:has(#{name})").has_attr("open")
    assert count(db, ProfileQuestion) == 0


def test_an_admin_rewrites_the_answers_but_cannot_change_how_many(staff, db, questions):
    admin = staff("admin")
    question_id, options = questions["disability"]
    path = f"{ADMIN}/{question_id}"
    token = csrf_token(admin, ADMIN)
    prefix = f"q{question_id}-"
    base = {"csrf_token": token, prefix + "text": "Heeft u een beperking?"}
    refused = admin.post(path, data={**base, prefix + "options": "Ja\nNee"})
    assert refused.status_code == 400
    soup = page(refused)
    assert (
        "Verwijder dan de vraag en maak een nieuwe."
        in soup.select_one(f"#{prefix}options-error").get_text()
    )
    assert soup.select_one(f"#{prefix}text")["value"] == "Heeft u een beperking?"
    saved = admin.post(
        path,
        data={
            **base,
            prefix + "options": "Ja\nNee\nDat zeg ik liever niet",
            prefix + "options_en": "Yes\nNo\nRather not say",
        },
    )
    assert saved.status_code == 302
    db.expire_all()
    labels = [o.label for o in db.get(ProfileQuestion, question_id).options]
    assert labels == ["Ja", "Nee", "Dat zeg ik liever niet"]
    assert db.get(ProfileOption, options["Nee"]).translations == {"en": "No"}


def test_an_admin_moves_and_removes_questions(app, staff, db, questions):
    disability_id = questions["disability"][0]
    language_id = questions["language"][0]
    residents_answer(
        app, questions, 1, **{f"q{disability_id}": str(questions["disability"][1]["Ja"])}
    )
    residents_answer(
        app,
        questions,
        1,
        age_band="27_40",
        **{f"q{disability_id}": str(questions["disability"][1]["Nee"])},
    )
    admin = staff("admin")
    token = csrf_token(admin, ADMIN)
    moved = admin.post(
        f"{ADMIN}/{language_id}/verplaatsen", data={"csrf_token": token, "richting": "omhoog"}
    )
    assert moved.status_code == 302
    assert [q.id for q in profiles.questions(db)] == [language_id, disability_id]
    assert (
        admin.post(
            f"{ADMIN}/{language_id}/verplaatsen",
            data={"csrf_token": token, "richting": "zijwaarts"},
        ).status_code
        == 400
    )

    # Removing asks for a tick first; then the question goes with what residents answered.
    path = f"{ADMIN}/{disability_id}/verwijderen"
    unticked = admin.post(path, data={"csrf_token": token})
    assert unticked.status_code == 400
    assert page(unticked).select_one(f"#r{disability_id}-confirm-error") is not None
    assert count(db, ProfileQuestion) == 2
    assert (
        admin.post(path, data={"csrf_token": token, f"r{disability_id}-confirm": "y"}).status_code
        == 302
    )
    assert [q.id for q in profiles.questions(db)] == [language_id]
    assert count(db, ProfileAnswer) == 0
    # Who answered only that question has nothing left and is gone; the other keeps the age.
    assert list(db.scalars(select(Profile.age_band))) == ["27_40"]
    actions = list(
        db.scalars(select(AuditEvent.action).where(AuditEvent.record_type == "profile_question"))
    )
    assert "profile_question.move" in actions and "profile_question.remove" in actions


@pytest.mark.parametrize("role", ["moderator", "policy", "wijkteam"])
def test_only_administrators_keep_the_questions(staff, db, role):
    client = staff(role)
    assert client.get(ADMIN).status_code == 403
    token = csrf_token(client, "/medewerkers/")
    response = client.post(
        ADMIN, data={"csrf_token": token, "text": "Werkt u?", "options": "Ja\nNee"}
    )
    assert response.status_code == 403
    assert count(db, ProfileQuestion) == 0


def test_the_demo_has_two_questions_of_its_own(db, writer):
    from portal.domain import demo

    demo.load(writer)
    writer.commit()
    texts = [q.text for q in profiles.questions(db)]
    assert texts == [
        "Heeft u een beperking of chronische ziekte?",
        "Welke taal spreekt u thuis het meest?",
    ]
    demo.load(writer)
    writer.commit()
    assert count(db, ProfileQuestion) == 2
