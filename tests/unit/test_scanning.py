"""Reading scanned paper forms: which form a page is, what is ticked, the handwriting.

The scans are made by tests/scan_samples.py: real rendered forms, marked by "hand" and
put through a simulated sheet feeder (skew, blur, noise, dust, pages upside down).
"""

import io
import random

import cv2
import numpy as np
import pytest
from PIL import Image

from portal.domain import scanning
from portal.domain.paper_layout import MARKS, Rect
from tests import scan_samples as samples


@pytest.fixture(scope="module")
def dutch():
    return samples.sample_batch("nl", "standard", 3)


@pytest.fixture(scope="module")
def arabic():
    return samples.sample_batch("ar", "large_print", 2)


def layouts(*batches):
    return {code: batch.layout for batch in batches for code in batch.codes}


def check(reading: scanning.PageReading, expected: samples.Expected) -> list[str]:
    """What the reader got wrong on one page, in words."""
    if (reading.outcome, reading.code, reading.page) != ("read", expected.code, expected.page):
        return [f"{expected.code}/{expected.page} read as {reading.outcome} {reading.code}"]
    wrong = []
    for name, field in reading.fields.items():
        want = (expected.values.get(name), name in expected.flagged)
        if (field.value, field.flag) != want:
            wrong.append(f"{expected.code}/{expected.page} {name}: {field} != {want}")
    return wrong


def test_a_shuffled_skewed_stack_is_read_form_by_form_and_box_by_box(dutch, arabic):
    rng = random.Random(11)
    stack = samples.scanned_batch(dutch, rng, upside_down=0.25, sideways=0.1, double_tick=0.2)
    stack += samples.scanned_batch(arabic, rng, upside_down=0.25, sideways=0.1, double_tick=0.2)
    rng.shuffle(stack)
    assert any(page.expected.flagged for page in stack), "the sample has a double tick"
    known = layouts(dutch, arabic)
    wrong, turns = [], set()
    for page in stack:
        reading = scanning.read_page(page.image, known, samples.prefix())
        wrong += check(reading, page.expected)
        turns.add(reading.rotation)
    assert wrong == []
    assert {0, 180} <= turns


def test_two_ticks_in_one_question_leave_it_empty_and_flagged(dutch):
    layout = dutch.layout
    rng = random.Random(5)
    answers = samples.Expected(code=None, page=None, values={"height": "3"}, flagged={"kind"})
    filled = samples.fill_in(samples.rasterise(dutch.pdf)[:2], layout, answers, rng)
    reading = scanning.read_page(samples.scanner(filled[0], rng), layouts(dutch), samples.prefix())
    assert reading.fields["kind"].value is None and reading.fields["kind"].flag
    kind_boxes = [box.rect for _, box in layout.boxes("kind")]
    states = [
        scanning.box_state(ratio, rect)
        for ratio, rect in zip(reading.fields["kind"].ratios, kind_boxes, strict=True)
    ]
    assert states == ["marked", "marked"]
    assert (reading.fields["height"].value, reading.fields["height"].flag) == ("3", False)


@pytest.mark.parametrize(
    "ratios, expected",
    [
        ([0.0, 0.3], ("b", False)),  # one clear mark
        ([0.0, 0.0], (None, False)),  # nothing ticked
        ([0.3, 0.4], (None, True)),  # two ticks
        ([0.03, 0.0], (None, True)),  # a faint mark: a person decides
        ([0.03, 0.5], (None, True)),  # a clear mark beside a faint one: still a person
    ],
)
def test_a_question_gets_a_value_only_from_one_clear_mark(ratios, expected):
    box = Rect(0, 0, 6, 6)  # a tick box in ordinary print
    states = [scanning.box_state(ratio, box) for ratio in ratios]
    field = scanning._decide(["a", "b"], states, ratios)
    assert (field.value, field.flag) == expected


def test_the_same_ink_counts_the_same_in_a_large_print_box():
    small, large = Rect(0, 0, 6, 6), Rect(0, 0, 9, 9)
    tick = 1.0  # mm² of ink
    for box in (small, large):
        inside = (box.w - 2 * scanning.BOX_INSET) ** 2
        assert scanning.box_state(tick / inside, box) == "marked"
        assert scanning.box_state(0.1 / inside, box) == "empty"


def test_a_page_that_is_no_form_has_no_code():
    page = samples.blank_page(random.Random(2))
    assert scanning.read_page(page, {}, samples.prefix()).outcome == "no_code"


def test_a_form_of_another_gemeente_is_foreign(dutch):
    page = samples.foreign_page(dutch.codes[0], random.Random(3))
    reading = scanning.read_page(page, layouts(dutch), samples.prefix())
    assert reading.outcome == "foreign"


def test_a_code_of_no_form_of_ours_is_unknown(dutch):
    page = samples.scanner(samples.rasterise(dutch.pdf)[0], random.Random(4))
    reading = scanning.read_page(page, lambda code: None, samples.prefix())
    assert (reading.outcome, reading.code) == ("unknown", dutch.codes[0])


def _cover(image: np.ndarray, corner: int) -> np.ndarray:
    """The page with one corner mark inked over by a blot that is no square."""
    covered = image.copy()
    x, y = MARKS[corner].centre
    centre = (round(x * samples.PX_PER_MM), round(y * samples.PX_PER_MM))
    cv2.circle(covered, centre, round(7 * samples.PX_PER_MM), 0, -1)
    return covered


def test_three_corner_marks_are_enough_and_two_are_not(dutch):
    clean = samples.rasterise(dutch.pdf)[0]
    rng = random.Random(6)
    one_gone = scanning.read_page(
        samples.scanner(_cover(clean, 3), rng), layouts(dutch), samples.prefix()
    )
    assert one_gone.outcome == "read"
    assert all(not field.flag for field in one_gone.fields.values())
    two_gone = scanning.read_page(
        samples.scanner(_cover(_cover(clean, 2), 3), rng), layouts(dutch), samples.prefix()
    )
    assert (two_gone.outcome, two_gone.code, two_gone.page) == ("unaligned", dutch.codes[0], 1)


def test_handwriting_is_cut_out_upright_as_a_small_png(dutch):
    rng = random.Random(8)
    layout = dutch.layout
    answers = samples.answers_for(layout, rng)
    pages = samples.fill_in(samples.rasterise(dutch.pdf)[:2], layout, answers, rng)
    text_page = samples.scanner(pages[0], rng, turn=2)
    reading = scanning.read_page(text_page, layouts(dutch), samples.prefix())
    assert reading.rotation == 180
    png = reading.crops["text"]
    assert png.startswith(b"\x89PNG") and len(png) <= scanning.CROP_MAX_BYTES
    crop = np.asarray(Image.open(io.BytesIO(png)))
    area = layout.pages[0].areas[0].rect
    assert crop.shape[1] / crop.shape[0] == pytest.approx((area.w + 3) / (area.h + 3), rel=0.02)
    # Upright, though the sheet was fed upside down: every line starts at the left.
    left_ink = (crop[:, : crop.shape[1] // 2] < 128).mean()
    right_ink = (crop[:, crop.shape[1] // 2 :] < 128).mean()
    assert left_ink > right_ink  # lines are written from the left, and end anywhere


# --- files -----------------------------------------------------------------------------------


def test_pdf_png_jpeg_and_tiff_become_grayscale_pages(dutch):
    page = samples.rasterise(dutch.pdf)[0]
    files = {
        "pdf": samples.pdf_of([page, page]),
        "tiff": samples.tiff_of([page, page, page]),
        "png": samples.image_file(page, "PNG"),
        "jpeg": samples.image_file(page, "JPEG"),
    }
    counts = {}
    for kind, data in files.items():
        images = list(scanning.pages_from_upload(data, "stapel.bin"))
        assert all(image.ndim == 2 and image.dtype == np.uint8 for image in images)
        counts[kind] = len(images)
    assert counts == {"pdf": 2, "tiff": 3, "png": 1, "jpeg": 1}


def test_a_sixteen_bit_scan_keeps_its_greys(dutch):
    page = samples.rasterise(dutch.pdf)[0]
    buffer = io.BytesIO()
    Image.fromarray(page.astype(np.uint16) * 257).save(buffer, format="TIFF")
    (image,) = scanning.pages_from_upload(buffer.getvalue(), "16bit.tif")
    assert abs(int(image.mean()) - int(page.mean())) <= 1
    reading = scanning.read_page(image, layouts(dutch), samples.prefix())
    assert (reading.outcome, reading.code) == ("read", dutch.codes[0])


def test_the_file_type_comes_from_the_bytes_not_the_name(dutch):
    png = samples.image_file(samples.rasterise(dutch.pdf)[0], "PNG")
    assert len(list(scanning.pages_from_upload(png, "stapel.pdf"))) == 1
    with pytest.raises(scanning.ScanError) as refused:
        scanning.pages_from_upload(b"<html><script>alert(1)</script></html>", "stapel.pdf")
    assert refused.value.code == "not_supported"


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda: b"", "empty"),
        (samples.empty_pdf, "empty"),
        (samples.encrypted_pdf, "encrypted"),
        (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 20, "corrupt"),
        (lambda: samples.image_file(np.zeros((20, 20), np.uint8), "PNG")[:40], "corrupt"),
        (lambda: samples.image_file(np.zeros((20, 20), np.uint8), "GIF"), "not_supported"),
    ],
    ids=["nothing", "pdf-without-pages", "encrypted", "corrupt-pdf", "cut-off-png", "gif"],
)
def test_a_file_that_cannot_be_read_says_why(make, code):
    with pytest.raises(scanning.ScanError) as refused:
        list(scanning.pages_from_upload(make(), "stapel.pdf"))
    assert refused.value.code == code


def test_each_file_is_judged_by_itself_not_by_the_one_before():
    """PDFium keeps its last error per process; an encrypted file must not colour the next."""
    codes = []
    for data in (samples.encrypted_pdf(), samples.empty_pdf(), b"%PDF-1.4\nkapot"):
        with pytest.raises(scanning.ScanError) as refused:
            scanning.pages_from_upload(data, "stapel.pdf")
        codes.append(refused.value.code)
    assert codes == ["encrypted", "empty", "corrupt"]


def test_a_pdf_encrypted_by_a_pdf_library_is_refused_too():
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("geheim", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(scanning.ScanError) as refused:
        scanning.pages_from_upload(buffer.getvalue(), "beveiligd.pdf")
    assert refused.value.code == "encrypted"


def test_the_encrypted_sample_is_really_encrypted():
    import pypdfium2

    document = pypdfium2.PdfDocument(samples.encrypted_pdf(), password="geheim")
    assert len(document) == 1


def test_too_many_pages_are_refused_before_reading_any(monkeypatch):
    monkeypatch.setattr(scanning, "MAX_PAGES", 2)
    blank = np.full((50, 40), 255, np.uint8)
    with pytest.raises(scanning.ScanError) as refused:
        scanning.pages_from_upload(samples.tiff_of([blank] * 3), "stapel.tif")
    assert (refused.value.code, refused.value.details["pages"]) == ("too_many_pages", 3)
    with pytest.raises(scanning.ScanError) as refused:
        scanning.pages_from_upload(samples.pdf_of([blank] * 3), "stapel.pdf")
    assert refused.value.code == "too_many_pages"


def test_an_image_too_large_to_be_a_scan_is_refused(monkeypatch):
    monkeypatch.setattr(scanning, "MAX_PIXELS", 1000)
    data = samples.image_file(np.full((50, 40), 255, np.uint8), "PNG")
    with pytest.raises(scanning.ScanError) as refused:
        list(scanning.pages_from_upload(data, "groot.png"))
    assert refused.value.code == "too_large"


@pytest.mark.parametrize(
    "given, shown",
    [
        ("stapel 3.pdf", "stapel 3.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Scans\\wijk oost.pdf", "wijk oost.pdf"),
        ("scan\x00\u202e.pdf", "scan.pdf"),
        ("", "scan"),
        (None, "scan"),
        ("a" * 500 + ".pdf", "a" * 200),
    ],
)
def test_the_filename_is_kept_only_as_harmless_text(given, shown):
    assert scanning.safe_filename(given) == shown
