"""Scan assist through the staff pages: upload a scanned stack, see what each page read as,
and find the proposals waiting on the keying screen."""

import io
import random

import pytest
from sqlalchemy import func, select

from portal.domain import receipts, scanning
from portal.models import AuditEvent, PaperForm, ScanCrop, ScanPage, ScanUpload, utcnow
from tests import scan_samples as samples
from tests.conftest import add_submission, csrf_token, page

SCANS = "/medewerkers/papier/scans"


@pytest.fixture(scope="module")
def dutch():
    return samples.sample_batch("nl", "standard", 3)


@pytest.fixture(scope="module")
def arabic():
    return samples.sample_batch("ar", "standard", 2)


@pytest.fixture(scope="module")
def stack(dutch, arabic):
    """Both batches filled in and scanned, shuffled together, one page upside down."""
    rng = random.Random(21)
    pages = samples.scanned_batch(dutch, rng, upside_down=0.2, double_tick=0.25)
    pages += samples.scanned_batch(arabic, rng, upside_down=0.2, double_tick=0.25)
    rng.shuffle(pages)
    return pages


def upload(client, data: bytes, filename: str = "stapel.pdf"):
    return client.post(
        SCANS,
        data={"csrf_token": csrf_token(client, SCANS), "scan": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def expected_forms(stack) -> dict[str, samples.Expected]:
    """Per form code, what the keying screen should be offered."""
    return {scanned.form.code: scanned.form for scanned in stack}


def test_a_scanned_stack_is_read_and_every_form_proposed_for_keying(
    app, staff, db, writer, dutch, arabic, stack
):
    samples.store_batch(writer, dutch)
    samples.store_batch(writer, arabic)
    writer.commit()
    client = staff("wijkteam")

    response = upload(client, samples.pdf_of([p.image for p in stack]), "stapel oost.pdf")
    assert response.status_code == 302, response.get_data(as_text=True)
    result = client.get(response.headers["Location"])
    soup = page(result)
    assert "stapel oost.pdf" in soup.get_text()
    rows = soup.select("tbody tr")
    assert len(rows) == len(stack)
    for row, scanned in zip(rows, stack, strict=True):
        link = row.find("a")
        assert link["href"] == f"/medewerkers/papier/invoeren/{scanned.expected.code}"
        assert receipts.display(scanned.expected.code) in row.get_text()

    for code, want in expected_forms(stack).items():
        reading = scanning.latest_reading(db, code)
        got = {name: value for name, value in reading.values.items() if name in want.values}
        assert got == want.values, code
        assert reading.flagged == want.flagged, code
        assert reading.missing_pages == []
        # The address someone wrote is kept as an image only when they ticked the box.
        ticked = want.values["consent"] == "yes"
        assert set(reading.crops) == ({"text", "contact"} if ticked else {"text"}), code
    consents = {want.values["consent"] for want in expected_forms(stack).values()}
    assert consents == {"yes", None}, "the stack has forms with and without the tick"
    returned = db.scalar(select(func.count()).where(PaperForm.returned_at.is_not(None)))
    assert returned == 5
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "scan_upload.create"))
    assert event.actor == "wijkteam@rijnwaarde.example"
    assert event.after["pages"] == len(stack) and event.after["outcomes"] == {"read": len(stack)}


def test_a_page_scanned_twice_keeps_its_first_reading(app, staff, db, writer, dutch):
    samples.store_batch(writer, dutch)
    writer.commit()
    client = staff("wijkteam")
    rng = random.Random(3)
    code = dutch.codes[0]
    first = samples.fill_in(
        samples.rasterise(dutch.pdf)[:2],
        dutch.layout,
        samples.Expected(None, None, values={"kind": "idea", "consent": "yes"}),
        rng,
    )
    again = samples.fill_in(
        samples.rasterise(dutch.pdf)[:2],
        dutch.layout,
        samples.Expected(None, None, values={"kind": "obstacle"}),
        rng,
    )
    scans = [samples.scanner(image, rng) for image in (first[0], again[0], first[1])]
    assert upload(client, samples.pdf_of(scans)).status_code == 302
    assert upload(client, samples.pdf_of(scans[1:2])).status_code == 302

    outcomes = db.execute(select(ScanPage.outcome).order_by(ScanPage.id)).scalars().all()
    assert outcomes == ["read", "duplicate", "read", "duplicate"]
    assert scanning.latest_reading(db, code).values["kind"] == "idea"
    assert db.scalar(select(func.count()).select_from(ScanCrop)) == 2  # none for duplicates


def test_a_missing_page_is_named_and_its_questions_flagged(app, staff, db, writer, dutch):
    samples.store_batch(writer, dutch)
    writer.commit()
    rng = random.Random(4)
    first_page = samples.scanner(samples.rasterise(dutch.pdf)[0], rng)
    assert upload(staff("wijkteam"), samples.pdf_of([first_page])).status_code == 302
    reading = scanning.latest_reading(db, dutch.codes[0])
    assert reading.missing_pages == [2]
    assert {"life_domain", "neighbourhood", "consent"} <= reading.flagged
    assert set(reading.crops) == {"text"}
    assert scanning.latest_reading(db, dutch.codes[1]) is None


def test_pages_that_are_not_ours_say_so_and_a_keyed_form_is_not_read_again(
    app, staff, db, writer, dutch
):
    samples.store_batch(writer, dutch)
    writer.commit()
    keyed = db.get(PaperForm, dutch.codes[1])
    keyed.submission_id, keyed.keyed_at = add_submission(db).id, utcnow()
    db.commit()
    rng = random.Random(5)
    pages = samples.rasterise(dutch.pdf)
    scans = [
        samples.blank_page(rng),
        samples.foreign_page(dutch.codes[0], rng),
        samples.scanner(pages[2], rng),  # the first page of the keyed form
    ]
    client = staff("wijkteam")
    response = upload(client, samples.pdf_of(scans))
    soup = page(client.get(response.headers["Location"]))
    text = soup.select_one("tbody").get_text(" ", strip=True)
    assert "Geen formuliercode gevonden" in text
    assert "formulier van een andere gemeente" in text
    assert "al ingevoerd" in text
    assert soup.select("tbody a") == []  # nothing there to key in
    outcomes = db.execute(select(ScanPage.outcome).order_by(ScanPage.position)).scalars().all()
    assert outcomes == ["no_code", "foreign", "keyed"]
    assert db.scalar(select(ScanPage.form_code).where(ScanPage.outcome == "foreign")) is None
    assert db.get(PaperForm, dutch.codes[0]).returned_at is None


def test_a_question_that_runs_on_to_the_next_page_is_read_over_both(app, staff, db, writer, arabic):
    layout = arabic.layout
    pages_of = {}
    for number, box in layout.boxes():
        pages_of.setdefault(box.field, set()).add(number)
    split = [name for name, numbers in pages_of.items() if len(numbers) > 1]
    if not split:
        pytest.skip("no question of this layout runs on to a next page")
    name = split[0]
    last_page = max(pages_of[name])
    box = next(b for number, b in layout.boxes(name) if number == last_page)
    samples.store_batch(writer, arabic)
    writer.commit()
    rng = random.Random(8)
    answers = samples.Expected(None, None, values={name: box.value})
    filled = samples.fill_in(
        samples.rasterise(arabic.pdf)[: len(layout.pages)], layout, answers, rng
    )
    client = staff("wijkteam")
    code = arabic.codes[0]

    first_pages = [samples.scanner(image, rng) for image in filled[: last_page - 1]]
    assert upload(client, samples.pdf_of(first_pages)).status_code == 302
    reading = scanning.latest_reading(db, code)
    assert reading.values[name] is None and name in reading.flagged  # its rest is missing

    rest = [samples.scanner(image, rng) for image in filled[last_page - 1 :]]
    assert upload(client, samples.pdf_of(rest)).status_code == 302
    reading = scanning.latest_reading(db, code)
    assert reading.values[name] == box.value and name not in reading.flagged
    assert reading.missing_pages == []


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: b"", "Het bestand is leeg"),
        (samples.empty_pdf, "Het bestand is leeg"),
        (samples.encrypted_pdf, "wachtwoord"),
        (lambda: b"%PDF-1.4\n" + b"\x00kapot" * 100, "niet openen"),
        (lambda: b"GIF89a" + b"\x00" * 100, "Dit soort bestand"),
    ],
    ids=["nothing", "pdf-without-pages", "encrypted", "corrupt", "gif"],
)
def test_a_file_that_is_no_scan_gets_a_clear_message(app, staff, db, make, message):
    client = staff("wijkteam")
    response = upload(client, make())
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Fout:")
    summary = soup.select_one(".error-summary a")
    assert message in summary.get_text() and summary["href"] == "#scan"
    assert soup.find(id="scan")["aria-invalid"] == "true"
    assert db.scalar(select(func.count()).select_from(ScanUpload)) == 0


def test_sending_no_file_asks_for_one(app, staff):
    client = staff("wijkteam")
    response = client.post(
        SCANS, data={"csrf_token": csrf_token(client, SCANS)}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "Kies het bestand met de scans" in page(response).select_one(".error-summary").text


def test_an_upload_over_the_limit_gets_a_clear_message(app, staff, db, monkeypatch):
    client = staff("wijkteam")
    monkeypatch.setitem(app.config, "SCAN_MAX_BYTES", 100_000)
    for size in (300_000, 120_000):  # over the request limit, and over it only by the file
        response = upload(client, b"%PDF-1.4\n" + b"0" * size)
        assert response.status_code == 413
        soup = page(response)
        message = soup.select_one(".error-summary").text
        assert "Het bestand is groter dan 0,1 MB. Verdeel de stapel" in message
        assert soup.find(id="scan") is not None  # the form is there to try again
    assert db.scalar(select(func.count()).select_from(ScanUpload)) == 0


def test_only_staff_who_may_upload_can_send_a_large_body(app, client, staff):
    body = b"0" * 200_000
    anonymous = client.post(
        SCANS, data={"scan": (io.BytesIO(body), "a.pdf")}, content_type="multipart/form-data"
    )
    assert anonymous.status_code == 413
    policy = staff("policy")
    response = policy.post(
        SCANS, data={"scan": (io.BytesIO(body), "a.pdf")}, content_type="multipart/form-data"
    )
    assert response.status_code == 413
    assert "Verdeel de stapel" not in response.get_data(as_text=True)


def test_a_crop_is_served_as_our_own_png_and_never_cached(app, staff, db, writer, dutch):
    samples.store_batch(writer, dutch)
    writer.commit()
    client = staff("wijkteam")
    scan = samples.scanner(samples.rasterise(dutch.pdf)[0], random.Random(6))
    upload(client, samples.pdf_of([scan]))
    crop_id = scanning.latest_reading(db, dutch.codes[0]).crops["text"]
    response = client.get(f"{SCANS}/uitsnede/{crop_id}.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG") and len(response.data) <= 200 * 1024
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"{SCANS}/uitsnede/{crop_id + 1000}.png").status_code == 404
    assert staff("policy").get(f"{SCANS}/uitsnede/{crop_id}.png").status_code == 403


def test_the_scans_page_lists_uploads_with_their_names_escaped(app, staff, db):
    client = staff("wijkteam")
    blank = samples.blank_page(random.Random(7))
    name = "<img src=x onerror=alert(1)>.png"
    response = upload(client, samples.image_file(blank, "PNG"), name)
    assert response.status_code == 302
    for path in (SCANS, response.headers["Location"]):
        html = client.get(path).get_data(as_text=True)
        assert "<img src=x" not in html and "&lt;img src=x" in html
    soup = page(client.get(SCANS))
    assert soup.select_one("tbody a")["href"] == response.headers["Location"]
    assert db.scalar(select(ScanUpload.filename)) == name
