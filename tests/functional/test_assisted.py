"""Assisted entry: staff write down what a resident tells them, in person or on the phone,
and hand over a receipt slip in the resident's language."""

import pypdfium2
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.domain import accounts, receipts
from portal.models import AuditEvent, LifeDomain, StaffUser, Submission, utcnow
from tests.conftest import add_submission, csrf_token, page

ENTRY = "/medewerkers/namens-bewoner"
WIJKTEAM = "wijkteam@rijnwaarde.example"
TEXT = "De bus naar het ziekenhuis stopt niet meer bij ons in de straat."
ADDRESS = "Fatma Yilmaz\nDorpsstraat 12\n1234 AB Rijnwaarde"


def answers(**changes) -> dict:
    """A complete assisted entry as a wijkteam member fills it in; `changes` override it."""
    data = {
        "resident_consent": "y",
        "channel": "assisted",
        "language": "tr",
        "kind": "obstacle",
        "text": TEXT,
        "height": "4",
        "life_domain": "",
        "neighbourhood": "",
        "email": "",
        "postal_address": ADDRESS,
        "contact_consent": "y",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def enter(client, **changes):
    return client.post(ENTRY, data={"csrf_token": csrf_token(client, ENTRY), **answers(**changes)})


def only_submission(db) -> Submission:
    db.expire_all()
    (row,) = db.scalars(select(Submission)).all()
    return row


def error_for(response, field: str) -> str:
    error = page(response).select_one(f"[id='{field}-error']")
    assert error is not None, f"no message at {field}"
    return error.get_text(" ", strip=True).removeprefix("Fout: ")


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


# --- entering input ----------------------------------------------------------------------


def test_a_wijkteam_member_writes_down_what_a_resident_tells_in_person(staff, db, wijken):
    client = staff("wijkteam")
    care = db.scalar(select(LifeDomain.id).where(LifeDomain.slug == "care"))
    before = utcnow()
    response = enter(client, life_domain=str(care), neighbourhood=str(wijken["Oost"]))

    row = only_submission(db)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{ENTRY}/{row.receipt_code}/bon"
    entered_by = db.scalar(select(StaffUser.id).where(StaffUser.email == WIJKTEAM))
    assert (row.channel, row.language, row.kind, row.text, row.height) == (
        "assisted", "tr", "obstacle", TEXT, 4,
    )  # fmt: skip
    assert (row.life_domain_id, row.neighbourhood_id) == (care, wijken["Oost"])
    assert row.entered_by == entered_by
    assert row.resident_consent_at is not None
    assert accounts.aware(row.resident_consent_at) >= before
    assert (row.contact.postal_address, row.contact.email) == (ADDRESS, None)
    assert row.contact.retain_until > before.date()

    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "submission.assisted"))
    assert (event.actor, event.record_id) == (WIJKTEAM, row.id)
    assert event.after == {
        "channel": "assisted",
        "language": "tr",
        "kind": "obstacle",
        "contact": "post",
    }
    # The address and the text stay out of the audit trail.
    assert "Dorpsstraat" not in str(event.after) and "bus" not in str(event.after)

    slip = client.get(response.headers["Location"])
    assert "De inbreng is opgeslagen." in slip.get_data(as_text=True)


def test_an_idea_told_on_the_phone_is_stored_with_an_email_address_and_no_height(staff, db):
    client = staff("moderator")
    response = enter(
        client, channel="phone", language="ar", kind="idea", text="فكرة: مقاعد في الحديقة",
        postal_address="", email="bewoner@voorbeeld.nl",
    )  # fmt: skip
    assert response.status_code == 302
    row = only_submission(db)
    assert (row.channel, row.language, row.kind, row.height) == ("phone", "ar", "idea", None)
    assert row.text == "فكرة: مقاعد في الحديقة"
    assert (row.contact.email, row.contact.postal_address) == ("bewoner@voorbeeld.nl", None)


def test_without_any_contact_details_nothing_is_kept_to_reach_the_resident(staff, db):
    response = enter(staff("wijkteam"), postal_address="", contact_consent=None)
    assert response.status_code == 302
    assert only_submission(db).contact is None


def test_without_the_residents_agreement_nothing_is_stored_and_nothing_typed_is_lost(staff, db):
    client = staff("wijkteam")
    response = enter(client, resident_consent=None, email="bewoner@voorbeeld.nl")

    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Fout:")
    assert error_for(response, "resident_consent") == (
        "Vraag eerst of de bewoner het goed vindt dat u dit opschrijft. Zet dan het vinkje."
    )
    summary = soup.select_one(".error-summary a[href='#resident_consent']")
    assert summary is not None
    # Every answer is still there, as typed.
    assert soup.select_one("#text").get_text() == TEXT
    assert soup.select_one("#postal_address").get_text() == ADDRESS
    assert soup.select_one("#email")["value"] == "bewoner@voorbeeld.nl"
    assert soup.select_one("#channel-0").has_attr("checked")
    assert soup.select_one("#language option[selected]")["value"] == "tr"
    assert soup.select_one("#kind-0").has_attr("checked")
    assert soup.select_one("#height-3").has_attr("checked")
    assert soup.select_one("#contact_consent").has_attr("checked")
    assert not soup.select_one("#resident_consent").has_attr("checked")
    assert db.scalar(select(func.count()).select_from(Submission)) == 0


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"text": "   "}, "text", "Schrijf op wat de bewoner vertelt."),
        ({"text": "x" * 5001}, "text", "De tekst is te lang. Gebruik hoogstens 5000 tekens."),
        ({"channel": None}, "channel", "Kies hoe de bewoner het vertelt: in persoon of aan de"),
        ({"channel": "web"}, "channel", "Kies hoe de bewoner het vertelt: in persoon of aan de"),
        ({"language": ""}, "language", "Kies de taal waarin de bewoner het vertelt."),
        ({"language": "de"}, "language", "Kies een taal uit de lijst."),
        ({"kind": None}, "kind", "Kies of het een obstakel of een idee is."),
        ({"email": "bewoner@", "postal_address": ""}, "email", "Vul een e-mailadres in zoals"),
        ({"postal_address": ""}, "email", "De bewoner wil bericht krijgen. Vul een e-mailadres"),
        ({"contact_consent": None}, "contact_consent", "Zet een vinkje als de bewoner bericht"),
        ({"postal_address": "x" * 301}, "postal_address", "Het postadres is te lang."),
    ],
)
def test_what_cannot_be_stored_is_refused_with_a_plain_message(staff, db, changes, field, message):
    response = enter(staff("wijkteam"), **changes)
    assert response.status_code == 400
    assert error_for(response, field).startswith(message)
    soup = page(response)
    first = f"#{field}-0" if field in ("channel", "kind") else f"#{field}"
    assert soup.select_one(f".error-summary a[href='{first}']") is not None
    assert soup.select_one(first) is not None
    assert db.scalar(select(func.count()).select_from(Submission)) == 0


def test_the_database_itself_refuses_assisted_input_without_the_residents_agreement(db):
    with pytest.raises(IntegrityError):
        add_submission(db, channel="assisted", resident_consent_at=None)
    db.rollback()
    with pytest.raises(IntegrityError):
        add_submission(db, channel="phone", resident_consent_at=None)
    db.rollback()
    assert add_submission(db, channel="phone", resident_consent_at=utcnow()).id


# --- the slip ----------------------------------------------------------------------------------


def _assisted(db, language: str, channel: str = "assisted") -> Submission:
    return add_submission(db, channel=channel, language=language, resident_consent_at=utcnow())


def test_the_slip_speaks_arabic_right_to_left_inside_the_dutch_staff_page(staff, db):
    row = _assisted(db, "ar", channel="phone")
    client = staff("wijkteam")
    response = client.get(f"{ENTRY}/{row.receipt_code}/bon")
    assert response.status_code == 200
    soup = page(response)
    assert soup.html["lang"] == "nl" and soup.html["dir"] == "ltr"
    slip = soup.select_one("section.slip")
    assert (slip["lang"], slip["dir"]) == ("ar", "rtl")
    assert "شكرًا لك، لقد استلمنا مساهمتك" in slip.get_text()
    assert slip.select_one(".receipt-code").get_text() == receipts.display(row.receipt_code)
    assert "http://localhost/volgen" in slip.get_text()
    assert "Lees de volgcode langzaam voor" in soup.get_text()
    # The staff page around it stays in the staff member's language.
    assert soup.h1.get_text() == "Bon voor de bewoner"
    pdf_link = soup.find("a", string="Bon afdrukken (PDF)")
    assert pdf_link["href"] == f"{ENTRY}/{row.receipt_code}/bon.pdf"


def test_the_slip_in_dutch_runs_left_to_right(staff, db):
    row = _assisted(db, "nl")
    soup = page(staff("wijkteam").get(f"{ENTRY}/{row.receipt_code}/bon"))
    slip = soup.select_one("section.slip")
    assert (slip["lang"], slip["dir"]) == ("nl", "ltr")
    assert "Bedankt, we hebben uw inbreng ontvangen" in slip.get_text()
    assert "Druk de bon af" in soup.get_text()


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_the_slip_prints_as_a_small_pdf_with_the_code(staff, db, language):
    row = _assisted(db, language)
    response = staff("wijkteam").get(f"{ENTRY}/{row.receipt_code}/bon.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    document = pypdfium2.PdfDocument(response.data)
    assert len(document) == 1
    width, height = document[0].get_size()
    assert round(width / 72 * 25.4) == 105 and round(height / 72 * 25.4) == 148  # A6
    text = pdf_text(response.data)
    assert receipts.display(row.receipt_code) in text
    # pdfium reads an address inside an Arabic line back in segments: volgen/localhost://http
    assert "localhost" in text and "volgen" in text
    if language == "ar":
        assert any("\u0600" <= char <= "\u06ff" or "\ufe70" <= char <= "\ufeff" for char in text)
    else:
        assert "Uw volgcode is" in text


def test_a_slip_is_only_for_input_that_staff_wrote_down(staff, db):
    client = staff("wijkteam")
    web = add_submission(db, channel="web")
    paper = add_submission(db, channel="paper")
    for code in (web.receipt_code, paper.receipt_code, receipts.new_code(), "niet-een-code"):
        assert client.get(f"{ENTRY}/{code}/bon").status_code == 404
        assert client.get(f"{ENTRY}/{code}/bon.pdf").status_code == 404


def test_a_slip_opens_with_the_code_as_people_type_it(staff, db):
    row = _assisted(db, "nl")
    typed = receipts.display(row.receipt_code).lower()
    assert staff("wijkteam").get(f"{ENTRY}/{typed}/bon").status_code == 200


def test_a_policy_officer_may_not_enter_input_or_open_a_slip(staff, db):
    row = _assisted(db, "nl")
    client = staff("policy")
    assert client.get(ENTRY).status_code == 403
    token = csrf_token(client, "/medewerkers/")  # the logout form's: a valid token
    assert client.post(ENTRY, data={"csrf_token": token, **answers()}).status_code == 403
    assert client.get(f"{ENTRY}/{row.receipt_code}/bon").status_code == 403
    assert client.get(f"{ENTRY}/{row.receipt_code}/bon.pdf").status_code == 403
    assert db.scalar(select(func.count()).select_from(Submission)) == 1


def test_the_entry_form_needs_a_csrf_token(staff, db):
    response = staff("wijkteam").post(ENTRY, data=answers())
    assert response.status_code == 400
    assert db.scalar(select(func.count()).select_from(Submission)) == 0
