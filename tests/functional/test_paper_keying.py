"""The wijkteam's paper screens: a batch is made and printed, and forms are keyed back in."""

import io
import random
import re
import subprocess

import pypdfium2
import pytest
from bs4 import BeautifulSoup
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.domain import receipts
from portal.i18n import gettext
from portal.languages import LANGUAGES
from portal.models import AuditEvent, PaperForm, PaperKeying, PaperPrint, Submission
from tests import scan_samples as samples
from tests.conftest import add_staff, csrf_token, log_in

BATCH = {
    "language": "nl",
    "variant": "standard",
    "forms": "3",
    "place": "Buurthuis De Meent",
    "neighbourhood": "",
    "handout_date": "2026-12-01",
}
ANSWERS = {
    "kind": "obstacle",
    "text": "De lift in het buurthuis is al weken kapot.",
    "height": "4",
    "life_domain": "",
    "neighbourhood": "",
    "contact": "",
}


class Clerk:
    """A signed-in wijkteam member's browser: every form sent with its CSRF token."""

    def __init__(self, client, user_id: int):
        self.client, self.id = client, user_id
        self.token = csrf_token(client, "/medewerkers/papier/invoeren")

    def get(self, path):
        return self.client.get(path)

    def post(self, path, data):
        return self.client.post(path, data={"csrf_token": self.token, **data})


def clerk(app, email: str = "wijkteam@rijnwaarde.example") -> Clerk:
    user = add_staff(app, email, "wijkteam")
    client = app.test_client()
    assert log_in(client, email).status_code == 302
    return Clerk(client, user.id)


def pdf_text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def make_batch(client: Clerk, **changes) -> int:
    response = client.post("/medewerkers/papier/nieuw", data={**BATCH, **changes})
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def codes_of(db, batch_id: int) -> list[str]:
    query = select(PaperForm.code).where(PaperForm.batch_id == batch_id).order_by(PaperForm.number)
    return list(db.scalars(query))


def test_a_new_batch_is_printed_with_every_code_in_it(app, db):
    client = clerk(app)
    batch_id = make_batch(client)
    page = client.get(f"/medewerkers/papier/{batch_id}")
    assert "PDF downloaden (3 formulieren)" in page.text
    pdf = client.get(f"/medewerkers/papier/{batch_id}.pdf")
    assert pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    for code in codes_of(db, batch_id):
        assert receipts.display(code) in text
    assert "Wat wilt u vertellen?" in text and "Buurthuis De Meent" in text
    assert db.get(PaperPrint, batch_id).state == "done"


def test_a_batch_with_a_mistake_keeps_what_was_typed(app, db):
    client = clerk(app)
    response = client.post(
        "/medewerkers/papier/nieuw", data={**BATCH, "forms": "veel", "handout_date": "1 december"}
    )
    assert response.status_code == 400
    assert "Vul een aantal in van 1 tot en met 2000." in response.text
    assert "jaar-maand-dag" in response.text
    assert 'value="Buurthuis De Meent"' in response.text
    assert db.scalar(select(func.count()).select_from(PaperForm)) == 0


def test_keying_a_form_makes_a_paper_submission_with_the_form_code(app, db):
    client = clerk(app)
    code = codes_of(db, make_batch(client))[0]
    found = client.post(
        "/medewerkers/papier/invoeren", data={"code": receipts.display(code).lower()}
    )
    assert found.headers["Location"].endswith(f"/medewerkers/papier/invoeren/{code}")
    screen = client.get(found.headers["Location"])
    # the screen asks in the paper's order
    order = [
        screen.text.index(f'name="{name}"')
        for name in ("kind", "text", "height", "consent", "contact")
    ]
    assert order == sorted(order)
    saved = client.post(found.headers["Location"], data=ANSWERS)
    assert saved.status_code == 302
    submission = db.scalar(select(Submission).where(Submission.receipt_code == code))
    assert (submission.channel, submission.kind, submission.height) == ("paper", "obstacle", 4)
    assert submission.entered_by == client.id and submission.language == "nl"
    form = db.get(PaperForm, code)
    assert form.submission_id == submission.id and form.keyed_by == client.id
    assert form.returned_at is not None
    assert db.scalar(select(AuditEvent.action).where(AuditEvent.action == "paper_form.key"))


def test_a_typo_an_unknown_code_and_a_form_keyed_twice_are_told_apart(app, db):
    client = clerk(app)
    code = codes_of(db, make_batch(client))[0]
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = client.post("/medewerkers/papier/invoeren", data={"code": typo})
    assert response.status_code == 400 and "teken verkeerd overgetypt" in response.text
    unknown = receipts.new_code()
    response = client.post("/medewerkers/papier/invoeren", data={"code": unknown})
    assert "hoort niet bij een stapel" in response.text
    client.post(f"/medewerkers/papier/invoeren/{code}", data=ANSWERS)
    response = client.post("/medewerkers/papier/invoeren", data={"code": code})
    assert response.status_code == 400
    assert re.search(r"al ingevoerd door wijkteam@rijnwaarde\.example op", response.text) or (
        "wijkteam@rijnwaarde.example" in response.text
    )
    again = client.post(f"/medewerkers/papier/invoeren/{code}", data=ANSWERS)
    assert again.status_code == 409 and "al ingevoerd" in again.text
    assert db.scalar(select(func.count()).select_from(Submission)) == 1


def test_a_keying_mistake_is_explained_and_nothing_typed_is_lost(app, db):
    client = clerk(app)
    code = codes_of(db, make_batch(client))[0]
    response = client.post(
        f"/medewerkers/papier/invoeren/{code}",
        data={**ANSWERS, "kind": "", "contact": "Dorpsstraat 1, Rijnwaarde"},
    )
    assert response.status_code == 400
    assert "Kies obstakel of idee." in response.text
    assert "Het vakje voor bericht is niet aangekruist." in response.text
    assert "De lift in het buurthuis is al weken kapot." in response.text
    assert "Dorpsstraat 1, Rijnwaarde" in response.text
    assert db.scalar(select(func.count()).select_from(Submission)) == 0


def test_a_postal_address_with_consent_is_kept_as_contact(app, db):
    client = clerk(app)
    code = codes_of(db, make_batch(client))[0]
    client.post(
        f"/medewerkers/papier/invoeren/{code}",
        data={**ANSWERS, "consent": "y", "contact": "Dorpsstraat 1\n1234 AB Rijnwaarde"},
    )
    submission = db.scalar(select(Submission).where(Submission.receipt_code == code))
    assert submission.contact.postal_address == "Dorpsstraat 1\n1234 AB Rijnwaarde"
    assert submission.contact.email is None


def test_double_keying_needs_a_second_person_and_settles_differences(app, db):
    client = clerk(app)
    code = codes_of(db, make_batch(client, double_keying="y"))[0]
    first = client.post(f"/medewerkers/papier/invoeren/{code}", data=ANSWERS)
    assert first.status_code == 302
    assert db.scalar(select(func.count()).select_from(Submission)) == 0
    same = client.post(f"/medewerkers/papier/invoeren/{code}", data=ANSWERS)
    assert same.status_code == 409 and "U heeft dit formulier al een keer ingevoerd" in same.text

    second = clerk(app, "tweede@rijnwaarde.example")
    blind = second.get(f"/medewerkers/papier/invoeren/{code}")
    assert "De lift in het buurthuis" not in blind.text  # the first keying is not shown
    differing = {**ANSWERS, "height": "3", "text": ANSWERS["text"] + " Al maanden."}
    response = second.post(f"/medewerkers/papier/invoeren/{code}", data=differing)
    assert response.headers["Location"].endswith(f"/invoeren/{code}/verschillen")
    assert db.scalar(select(func.count()).select_from(PaperKeying)) == 2
    side_by_side = second.get(response.headers["Location"])
    assert "Het lukt me meestal niet" in side_by_side.text
    assert "Het kost me veel moeite" in side_by_side.text
    refused = second.post(response.headers["Location"], data={"height": "1"})
    assert refused.status_code == 400 and "Kies wat er op het papier staat." in refused.text
    settled = second.post(response.headers["Location"], data={"height": "1", "text": "2"})
    assert settled.status_code == 302
    submission = db.scalar(select(Submission).where(Submission.receipt_code == code))
    assert submission.height == 4 and submission.text.endswith("Al maanden.")


def test_double_keying_that_agrees_makes_the_submission_at_once(app, db):
    client = clerk(app)
    code = codes_of(db, make_batch(client, double_keying="y"))[0]
    client.post(f"/medewerkers/papier/invoeren/{code}", data=ANSWERS)
    second = clerk(app, "tweede@rijnwaarde.example")
    # a line break typed elsewhere is no difference
    text = ANSWERS["text"].replace(" is al", "\nis al")
    second.post(f"/medewerkers/papier/invoeren/{code}", data={**ANSWERS, "text": text})
    assert db.scalar(select(Submission.channel).where(Submission.receipt_code == code)) == "paper"


def test_the_overview_counts_printed_returned_and_keyed_per_batch_and_wijk(app, db):
    client = clerk(app)
    batch_id = make_batch(client)
    code = codes_of(db, batch_id)[0]
    client.post(f"/medewerkers/papier/invoeren/{code}", data=ANSWERS)
    page = client.get("/medewerkers/papier")
    row = re.search(rf"Stapel {batch_id}</a>.*?</tr>", page.text, re.S).group(0)
    assert [int(n) for n in re.findall(r"<td>(\d+)</td>", row)] == [3, 1, 1, 2]
    assert "Geen wijk" in page.text


def test_a_keyed_form_is_in_the_inbox_with_its_batch_and_who_keyed_it(app, db, staff):
    client = clerk(app)
    batch_id = make_batch(client)
    code = codes_of(db, batch_id)[0]
    client.post(f"/medewerkers/papier/invoeren/{code}", data=ANSWERS)
    moderator = staff("moderator")
    inbox = moderator.get("/medewerkers/inbox?channel=paper")
    assert "De lift in het buurthuis" in inbox.text
    submission_id = db.scalar(select(Submission.id).where(Submission.receipt_code == code))
    detail = moderator.get(f"/medewerkers/inbreng/{submission_id}")
    assert "wijkteam@rijnwaarde.example" in detail.text
    assert f'href="/medewerkers/papier/{batch_id}"' in detail.text


def test_a_scanned_form_opens_with_its_ticks_to_confirm_and_its_handwriting_beside(app, db, writer):
    sample = samples.sample_batch("nl", "standard", 1)
    samples.store_batch(writer, sample)
    writer.commit()
    client = clerk(app)
    scanned = samples.scanned_batch(sample, random.Random(5), upside_down=0, double_tick=0)
    upload = client.post(
        "/medewerkers/papier/scans",
        data={"scan": (io.BytesIO(samples.pdf_of([p.image for p in scanned])), "stapel.pdf")},
    )
    assert upload.status_code == 302
    code, want = sample.codes[0], scanned[0].form
    screen = BeautifulSoup(client.get(f"/medewerkers/papier/invoeren/{code}").text, "html.parser")
    for name in ("kind", "height", "life_domain", "neighbourhood"):
        checked = screen.select_one(f"input[name={name}][checked]")
        assert (checked["value"] if checked else None) == (want.values.get(name) or ""), name
    crops = screen.select("img.scan-crop")
    # The text's handwriting, and the contact area's only when the consent box is ticked.
    expected = 2 if want.values.get("consent") == "yes" else 1
    assert len(crops) == expected and all(c["src"].endswith(".png") for c in crops)
    assert client.get(crops[0]["src"]).mimetype == "image/png"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_batch_prints_in_every_language_with_codes_people_and_scanners_read(
    app, db, tmp_path, language
):
    client = clerk(app)
    batch_id = make_batch(client, language=language, variant="large_print", forms="2")
    pdf = client.get(f"/medewerkers/papier/{batch_id}.pdf").data
    document = pypdfium2.PdfDocument(pdf)
    codes = codes_of(db, batch_id)
    text = pdf_text(pdf)
    with app.test_request_context(), force_locale(language):
        assert gettext("Formuliercode") in text
    images = []
    for number, page in enumerate(document):
        path = tmp_path / f"page-{number}.png"
        page.render(scale=150 / 72).to_pil().save(path)
        images.append(str(path))
    decoded = subprocess.run(["zbarimg", "-q", "--raw", *images], capture_output=True, text=True)
    pages = len(document) // 2
    assert decoded.stdout.split() == [
        f"MEEDOEN-RIJNWAARDE:{code}:{page}" for code in codes for page in range(1, pages + 1)
    ]
    for code in codes:
        assert receipts.display(code) in text
