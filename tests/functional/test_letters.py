"""Feedback letters on paper: who gets one, how many per language, and the PDF to print."""

from datetime import date, timedelta

import pypdfium2
import pytest
from sqlalchemy import select

from portal.domain import letters, receipts
from portal.domain.letters import LetterFilter
from portal.models import AuditEvent, ContactDetails, Submission, Theme, utcnow
from tests.conftest import START, add_staff, add_submission, csrf_token, page

LETTERS = "/medewerkers/brieven"
WIJKTEAM = "wijkteam@rijnwaarde.example"
HELPER = "buurtwerker@rijnwaarde.example"  # who typed the input in
ADDRESS = "J. de Vries\nKerkstraat 1\n1234 AB Rijnwaarde"
ARABIC_ADDRESS = "Ahmad Haddad\nMolenweg 7\n1235 CD Rijnwaarde"
MM = 72 / 25.4  # PDF points in a millimetre


def submission(db, channel="paper", language="nl", address=None, email=None, **fields):
    """A submission of `channel`; assisted and phone ones with the resident's agreement."""
    if channel in ("assisted", "phone"):
        fields.setdefault("resident_consent_at", START)
    row = add_submission(db, channel=channel, language=language, **fields)
    if address or email:
        keep = utcnow().date() + timedelta(days=30)
        db.add(
            ContactDetails(
                submission_id=row.id, postal_address=address, email=email, retain_until=keep
            )
        )
        db.commit()
    return row


@pytest.fixture
def inputs(app, db):
    """Input from every channel, with and without contact details; who gets a letter."""
    helper = add_staff(app, HELPER, "wijkteam")
    rows = {
        "paper_post": submission(db, "paper", "nl", address=ADDRESS, minutes=1),
        "phone_post_ar": submission(
            db, "phone", "ar", address=ARABIC_ADDRESS, minutes=2, text="الرصيف ضيق جدا"
        ),
        "assisted_none_ar": submission(
            db, "assisted", "ar", minutes=3, entered_by=helper.id, text="لا يوجد مصعد"
        ),
        "assisted_none_tr": submission(db, "assisted", "tr", minutes=400, entered_by=helper.id),
    }
    # No letter: a web address, no contact on paper, an email to use instead, an expired one.
    submission(db, "web", "nl", address="Webstraat 1")
    submission(db, "paper", "nl")
    submission(db, "phone", "nl", email="bewoner@voorbeeld.nl")
    expired = submission(db, "paper", "nl", address="Oudestraat 2")
    db.execute(
        ContactDetails.__table__.update()
        .where(ContactDetails.submission_id == expired.id)
        .values(retain_until=utcnow().date() - timedelta(days=1))
    )
    db.commit()
    return rows


def pdf_pages(data: bytes) -> list[pypdfium2.PdfPage]:
    return list(pypdfium2.PdfDocument(data))


def text_of(pdf_page) -> str:
    return pdf_page.get_textpage().get_text_range()


def is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\ufb50" <= char <= "\ufeff"


def make_pdf(client, **choice):
    data = {"csrf_token": csrf_token(client, LETTERS), **choice}
    return client.post(f"{LETTERS}/pdf", data=data)


# --- who gets a letter --------------------------------------------------------------------------


def test_letters_go_to_postal_addresses_and_through_the_wijkteam_to_whoever_gave_none(db, inputs):
    ready = letters.letters(db, LetterFilter())
    assert [letter.code for letter in ready] == [
        inputs[key].receipt_code
        for key in ("paper_post", "phone_post_ar", "assisted_none_ar", "assisted_none_tr")
    ]  # grouped by language in the portal's order, oldest first
    by_code = {letter.code: letter for letter in ready}
    assert by_code[inputs["paper_post"].receipt_code].postal_address == ADDRESS
    handed_over = by_code[inputs["assisted_none_ar"].receipt_code]
    assert handed_over.by_wijkteam and handed_over.entered_by == HELPER


def test_the_page_counts_letters_per_language_and_lists_the_handovers(staff, inputs):
    response = staff("wijkteam").get(LETTERS)
    assert response.status_code == 200
    soup = page(response)
    rows = {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
        for row in soup.select_one("#letters-caption").find_parent("table").select("tbody tr")
    }
    assert rows == {
        "Nederlands": ["1", "0", "1"],
        "Arabisch": ["1", "1", "2"],
        "Turks": ["0", "1", "1"],
    }
    assert [td.get_text(strip=True) for td in soup.select("tfoot td")] == ["2", "2", "4"]
    assert (
        soup.select_one("form[action='/medewerkers/brieven/pdf'] button").get_text(strip=True)
        == "4 brieven maken (PDF)"
    )

    handovers = soup.select("#handover-caption ~ tbody tr")
    codes = [row.td.get_text(strip=True) for row in handovers]
    assert codes == [
        receipts.display(inputs["assisted_none_tr"].receipt_code),
        receipts.display(inputs["assisted_none_ar"].receipt_code),
    ]
    assert all(HELPER in row.get_text() for row in handovers)


def test_the_count_follows_the_channel_and_the_date_chosen(staff, inputs):
    client = staff("wijkteam")
    soup = page(client.get(f"{LETTERS}?channel=paper"))
    assert [td.get_text(strip=True) for td in soup.select("tfoot td")] == ["1", "0", "1"]
    since = START.date()
    soup = page(client.get(f"{LETTERS}?since={since.isoformat()}"))
    # START is early in the day: every input of that day still counts.
    assert [td.get_text(strip=True) for td in soup.select("tfoot td")] == ["2", "2", "4"]
    soup = page(client.get(f"{LETTERS}?since={(since + timedelta(days=1)).isoformat()}"))
    assert soup.select("tfoot td") == []
    assert "Er zijn geen brieven die bij deze keuze passen." in soup.get_text()


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("since=1-12-2026", "since", "Vul een datum in zoals 2026-12-01"),
        ("channel=web", "channel", "Kies een kanaal uit de lijst."),
    ],
)
def test_a_filter_that_makes_no_sense_is_explained(staff, inputs, query, field, message):
    response = staff("wijkteam").get(f"{LETTERS}?{query}")
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Fout:")
    assert message in soup.select_one(f"#{field}-error").get_text(" ", strip=True)
    assert soup.select_one(f".error-summary a[href='#{field}']") is not None


# --- the PDF ----------------------------------------------------------------------------------


def test_the_pdf_has_one_letter_per_resident_each_on_its_own_pages(staff, db, inputs):
    response = make_pdf(staff("wijkteam"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response.headers["Cache-Control"]
    pages = pdf_pages(response.data)
    texts = [text_of(p) for p in pages]
    codes = [receipts.display(row.receipt_code) for row in inputs.values()]
    # Every letter begins on a page of its own, in language order, and no page holds two.
    first_pages = [next(i for i, text in enumerate(texts) if code in text) for code in codes]
    assert first_pages == sorted(first_pages) and len(set(first_pages)) == 4
    assert all(sum(code in text for code in codes) <= 1 for text in texts)
    for page_ in pages:
        width, height = page_.get_size()
        assert (round(width / MM), round(height / MM)) == (210, 297)

    dutch = texts[first_pages[0]]
    assert "Kerkstraat 1" in dutch and "Wat er gebeurt met uw inbreng" in dutch
    assert "localhost/volgen" in dutch
    handed_over = texts[first_pages[2]]
    assert "Via het wijkteam" in handed_over and HELPER in handed_over

    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "letters.print"))
    assert event.actor == WIJKTEAM
    assert event.after["count"] == 4
    assert event.after["languages"] == {"nl": 1, "ar": 2, "tr": 1}


def test_an_arabic_letter_is_in_arabic_with_the_address_in_the_envelope_window(staff, inputs):
    response = make_pdf(staff("wijkteam"), channel="phone")
    pages = pdf_pages(response.data)
    text = "".join(text_of(p) for p in pages)
    assert receipts.display(inputs["phone_post_ar"].receipt_code) in text
    # The letter's own words, not only the resident's text, are in Arabic.
    assert "رمز المتابعة الخاص بك هو" in text
    assert sum(is_arabic(char) for char in text) > 100

    textpage = pages[0].get_textpage()
    start = text_of(pages[0]).index("Molenweg")
    left, bottom, _right, top = textpage.get_charbox(start)
    _width, height = pages[0].get_size()
    # Left in the sheet, as a window envelope needs, also when the letter runs right to left.
    assert 20 <= left / MM <= 40
    assert 50 <= (height - top) / MM <= 90


def test_a_letter_tells_the_published_themes_and_the_status(app, staff, db, inputs):
    row = inputs["paper_post"]
    public = Theme(title="Smalle stoepen", summary="Stoepen zijn te smal voor rolstoelen.",
                   stage="acting", published=True)  # fmt: skip
    hidden = Theme(title="Intern werkthema", summary="", stage="collecting", published=False)
    public.submissions.append(db.get(Submission, row.id))
    hidden.submissions.append(db.get(Submission, row.id))
    db.add_all([public, hidden])
    db.execute(Submission.__table__.update().where(Submission.id == row.id).values(
        status="published", text="Lang verhaal. " * 100))  # fmt: skip
    db.commit()

    text = "".join(text_of(p) for p in pdf_pages(make_pdf(staff("wijkteam"), channel="paper").data))
    assert "Smalle stoepen" in text and "Stoepen zijn te smal voor rolstoelen." in text
    assert "De gemeente werkt aan veranderingen." in text
    assert f"localhost/themas/{public.id}" in text
    assert "Intern werkthema" not in text
    assert "Gelezen en op de website gezet" in text
    assert "Dit is het begin van uw tekst." in text
    assert text.count("Lang verhaal.") < 50  # only the first part of the text


def test_a_merged_theme_shows_as_the_theme_it_went_into(db, inputs):
    row = db.get(Submission, inputs["paper_post"].id)
    target = Theme(title="Bereikbaarheid", summary="", stage="collecting", published=True)
    db.add(target)
    db.commit()
    source = Theme(title="Oud", summary="", stage="collecting", published=True,
                   merged_into_id=target.id)  # fmt: skip
    source.submissions.append(row)
    db.add(source)
    db.commit()
    assert letters.public_themes(db, row) == (target,)


def test_without_letters_to_make_the_page_says_so(staff, db):
    client = staff("wijkteam")
    response = make_pdf(client)
    assert response.status_code == 302
    follow = client.get(response.headers["Location"])
    assert "Er zijn geen brieven die bij deze keuze passen." in follow.get_data(as_text=True)
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "letters.print")) is None


def test_a_long_text_is_cut_at_a_space():
    cut = letters.excerpt("woord " * 200)
    assert len(cut) <= 601 and cut.endswith("woord…")
    assert letters.excerpt("kort") == "kort"


def test_a_policy_officer_may_not_see_or_print_letters(staff, inputs):
    client = staff("policy")
    assert client.get(LETTERS).status_code == 403
    token = csrf_token(client, "/medewerkers/")
    assert client.post(f"{LETTERS}/pdf", data={"csrf_token": token}).status_code == 403


def test_printing_letters_needs_a_csrf_token(staff, db, inputs):
    assert staff("wijkteam").post(f"{LETTERS}/pdf").status_code == 400
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "letters.print")) is None


def test_a_letter_filter_refuses_channels_without_letters():
    with pytest.raises(ValueError):
        LetterFilter(channel="web")
    assert LetterFilter(channel="paper", since=date(2026, 1, 1)).since == date(2026, 1, 1)
