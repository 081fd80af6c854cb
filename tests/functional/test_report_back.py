"""Residents hear back and evaluate: the public feedback page, the status page by receipt
code, letters for paper and assisted contributors, and the answer "does it help?"."""

import io

from pypdf import PdfReader
from sqlalchemy import select

from portal.domain import receipts
from portal.models import (
    ContactDetails,
    Evaluation,
    LetterRun,
    Notification,
    Submission,
    theme_submission,
)
from tests.conftest import csrf_token, page
from tests.cycle import ACTION_TEXT, FEEDBACK_NL, contributor, reported_theme

FEEDBACK_AR = "قلتم إن الحافلة لا تأتي كثيرا. الخط 4 سيأتي كل نصف ساعة."


def look_up(client, code: str):
    return client.post(
        "/volgen",
        data={"csrf_token": csrf_token(client, "/volgen"), "website": "", "code": code},
    )


def prefixed_token(client, prefix: str) -> str:
    """The CSRF token of one theme's form on the status page."""
    soup = page(client.get("/volgen/inbreng"))
    return soup.find("input", attrs={"name": f"{prefix}-csrf_token"})["value"]


def evaluate_with_code(client, theme_id: int, **fields):
    path = f"/themas/{theme_id}/terugkoppeling"
    data = {"csrf_token": csrf_token(client, path), "website": "", "comment": "", **fields}
    return client.post(path, data=data)


def test_the_feedback_page_shows_the_readers_language_or_dutch_and_says_so(app, db, client):
    theme_id = reported_theme(app, [contributor(db)], texts={"nl": FEEDBACK_NL, "ar": FEEDBACK_AR})

    dutch = page(client.get(f"/themas/{theme_id}/terugkoppeling"))
    assert FEEDBACK_NL in dutch.get_text()
    assert ACTION_TEXT in dutch.get_text()
    assert "nog niet in uw taal" not in dutch.get_text()

    arabic = page(client.get(f"/themas/{theme_id}/terugkoppeling?lang=ar"))
    shown = arabic.select_one(".feedback-text")
    assert (shown.get_text(), shown["lang"]) == (FEEDBACK_AR, "ar")

    turkish = page(client.get(f"/themas/{theme_id}/terugkoppeling?lang=tr"))
    shown = turkish.select_one(".feedback-text")
    assert (shown.get_text(), shown["lang"]) == (FEEDBACK_NL, "nl")
    assert turkish.select_one(".notice"), "the page says the text is in Dutch"

    # The theme page links to it; a theme without published feedback has no such page.
    assert f"/themas/{theme_id}/terugkoppeling" in client.get(f"/themas/{theme_id}").text
    not_yet = reported_theme(app, [contributor(db)], title="Stoep", stage="acting")
    assert client.get(f"/themas/{not_yet}/terugkoppeling").status_code == 404


def test_a_contributor_evaluates_with_their_code_and_a_comment_enters_the_inbox(app, db, client):
    member = contributor(db)
    theme_id = reported_theme(app, [member])

    response = evaluate_with_code(
        client,
        theme_id,
        code=receipts.display(member.receipt_code).lower(),  # typed as people type it
        answer="helps_a_little",
        comment="Beter, maar op zondag nog steeds geen bus.",
    )
    assert response.status_code == 302
    assert "bedankt=1" in response.headers["Location"]
    evaluation = db.scalar(select(Evaluation))
    assert (evaluation.submission_id, evaluation.answer) == (member.id, "helps_a_little")
    comment = db.scalar(select(Submission).where(Submission.kind == "evaluation"))
    assert comment.text == "Beter, maar op zondag nog steeds geen bus."
    assert comment.status == "received"  # in the inbox, for a moderator to read
    on_theme = db.scalar(
        select(theme_submission.c.theme_id).where(theme_submission.c.submission_id == comment.id)
    )
    assert on_theme == theme_id

    # Answering again replaces the answer: one per contributor and theme.
    evaluate_with_code(client, theme_id, code=member.receipt_code, answer="helps")
    db.expire_all()
    assert [e.answer for e in db.scalars(select(Evaluation))] == ["helps"]


def test_evaluation_refusals_keep_what_was_typed(app, db, client):
    member, outsider = contributor(db), contributor(db, "Iets anders.")
    theme_id = reported_theme(app, [member])
    comment = "Mijn reactie die ik niet kwijt wil."

    cases = {
        "7KQM-3XRD-9HWQ": "Deze volgcode klopt niet",  # a typo: the check character
        receipts.display(receipts.new_code()): "We kunnen geen inbreng vinden",
        outsider.receipt_code: "Met deze volgcode deed u niet mee aan dit thema",
    }
    for code, message in cases.items():
        response = evaluate_with_code(client, theme_id, code=code, answer="helps", comment=comment)
        assert response.status_code == 400
        soup = page(response)
        assert message in soup.select_one(".error-summary").get_text()
        assert soup.find("textarea", id="comment").get_text() == comment
        assert soup.find("input", id="code")["value"] == code

    response = evaluate_with_code(client, theme_id, code=member.receipt_code, comment=comment)
    assert response.status_code == 400
    assert "Kies een antwoord" in response.text
    assert db.scalar(select(Evaluation.id)) is None
    assert db.scalar(select(Submission.id).where(Submission.kind == "evaluation")) is None


def test_the_status_page_reports_back_and_takes_the_answer_without_the_code(app, db, client):
    member = contributor(db, language="ar")
    theme_id = reported_theme(app, [member], texts={"nl": FEEDBACK_NL, "ar": FEEDBACK_AR})
    look_up(client, member.receipt_code)

    status = page(client.get("/volgen/inbreng?lang=ar"))
    assert FEEDBACK_AR in status.get_text()
    assert ACTION_TEXT in status.get_text()
    prefix = f"theme-{theme_id}"
    assert status.find("input", attrs={"name": f"{prefix}-answer", "value": "not_noticed"})

    path = f"/volgen/inbreng/thema/{theme_id}"
    refused = client.post(
        path,
        data={
            f"{prefix}-csrf_token": prefixed_token(client, prefix),
            f"{prefix}-comment": "x" * 5001,
            f"{prefix}-answer": "does_not_help",
        },
    )
    assert refused.status_code == 400
    soup = page(refused)
    assert soup.find("textarea", id=f"{prefix}-comment").get_text() == "x" * 5001
    checked = soup.find("input", attrs={"name": f"{prefix}-answer", "checked": True})
    assert checked["value"] == "does_not_help"

    accepted = client.post(
        path,
        data={
            f"{prefix}-csrf_token": prefixed_token(client, prefix),
            f"{prefix}-answer": "does_not_help",
            f"{prefix}-comment": "",
        },
    )
    assert accepted.status_code == 302
    assert db.scalar(select(Evaluation.answer)) == "does_not_help"
    again = page(client.get(accepted.headers["Location"]))
    assert again.find("input", attrs={"value": "does_not_help", "checked": True})


def test_without_a_looked_up_code_the_status_answer_asks_for_the_code_again(app, db, client):
    theme_id = reported_theme(app, [contributor(db)])
    prefix = f"theme-{theme_id}"
    response = client.post(
        f"/volgen/inbreng/thema/{theme_id}",
        data={
            f"{prefix}-csrf_token": csrf_token(client, "/volgen"),  # the one the session has
            f"{prefix}-answer": "helps",
        },
    )
    assert response.status_code == 400
    assert "Vul uw volgcode opnieuw in" in response.text


def test_paper_and_assisted_contributors_get_one_letter_with_the_feedback(app, db, staff):
    by_post = contributor(
        db, "Geen bus op zondag.", channel="paper", postal="Dorpsstraat 1\n1234 AB Rijnwaarde"
    )
    by_wijkteam = contributor(db, "الحافلة لا تأتي", channel="assisted", language="ar")
    reported_theme(app, [by_post, by_wijkteam], texts={"nl": FEEDBACK_NL, "ar": FEEDBACK_AR})
    client = staff("wijkteam")

    letters = page(client.get("/medewerkers/brieven"))
    assert "2 bewoners wachten op een brief." in letters.get_text()

    made = client.post(
        "/medewerkers/brieven/terugkoppeling",
        data={"csrf_token": csrf_token(client, "/medewerkers/brieven")},
    )
    assert made.status_code == 303
    pdf = client.get(made.headers["Location"])
    assert pdf.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Dorpsstraat 1" in text
    assert "Via het wijkteam" in text
    assert "Lijn 4 rijdt elk half uur" in text  # the action, in both letters
    assert receipts.display(by_post.receipt_code) in text

    # Each resident gets that letter once: nothing waits any more, the run can be reprinted.
    assert {n.status for n in db.scalars(select(Notification))} == {"sent"}
    assert "0 bewoners wachten op een brief." in client.get("/medewerkers/brieven").text
    again = client.post(
        "/medewerkers/brieven/terugkoppeling",
        data={"csrf_token": csrf_token(client, "/medewerkers/brieven")},
    )
    assert again.status_code == 302
    assert db.scalar(select(LetterRun.letters)) == 2
    assert client.get(made.headers["Location"]).status_code == 200


def test_a_paper_contributor_whose_address_was_removed_gets_no_letter(app, db, staff):
    member = contributor(db, channel="paper", postal="Dorpsstraat 1")
    reported_theme(app, [member])
    db.execute(ContactDetails.__table__.delete())
    client = staff("wijkteam")
    response = client.post(
        "/medewerkers/brieven/terugkoppeling",
        data={"csrf_token": csrf_token(client, "/medewerkers/brieven")},
    )
    assert response.status_code == 302  # nothing to print
    assert db.scalar(select(Notification.status)) == "cancelled"


def tables_by_caption(soup) -> dict:
    return {t.caption.get_text(strip=True): t for t in soup.find_all("table") if t.caption}


def answer_counts(soup) -> dict[str, str]:
    """The answers to "does it help?" on a staff theme page: answer → how many gave it."""
    return {
        row.th.get_text(strip=True): row.td.get_text(strip=True)
        for row in tables_by_caption(soup)["Antwoorden van wie meedeed"].tbody.find_all("tr")
    }


def test_the_staff_theme_page_shows_who_heard_and_the_answers(app, db, staff, client):
    members = [contributor(db, email=f"p{i}@example.org") for i in range(3)]
    theme_id = reported_theme(app, members)
    for member, answer in zip(members, ("helps", "helps", "not_noticed"), strict=True):
        evaluate_with_code(client, theme_id, code=member.receipt_code, answer=answer)

    shown = page(staff("policy").get(f"/medewerkers/themas/{theme_id}"))
    tables = tables_by_caption(shown)
    assert answer_counts(shown) == {
        "Helpt": "2",
        "Helpt een beetje": "0",
        "Helpt niet": "0",
        "Nog niets van gemerkt": "1",
    }
    heard = tables["Berichten aan wie meedeed, per manier"].get_text(" ", strip=True)
    assert "E-mail Wacht 3" in heard


def test_read_only_roles_see_only_published_input_on_a_theme(app, db, staff):
    shown = contributor(db, "Gepubliceerd verhaal.", status="published")
    hidden = contributor(
        db, "Mijn buurman Jan de Vries op nummer 4.", status="hidden", hidden_reason="personal_data"
    )
    theme_id = reported_theme(app, [shown, hidden])
    policy = staff("policy").get(f"/medewerkers/themas/{theme_id}").text
    assert "Gepubliceerd verhaal." in policy and "Jan de Vries" not in policy
    moderator = staff("moderator").get(f"/medewerkers/themas/{theme_id}").text
    assert "Jan de Vries" in moderator
