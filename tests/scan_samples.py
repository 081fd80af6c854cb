"""Synthetic scans of returned paper forms, made the same way every time (seeded).

A batch is rendered to PDF as the portal prints it, drawn at scanner resolution, and then
"filled in": crosses, ticks and filled blobs of varying pen width in chosen boxes,
scribbles in the writing areas, and the scanner's faults on top (a slight turn, blur,
noise, specks, pages upside down or on their side, the stack out of order). Every page
comes with what a perfect reader would say about it.

Used by tests/unit/test_scanning.py, tests/functional/test_scans.py and
tests/bench/scanning.py.
"""

import functools
import hashlib
import io
import random
import struct
from dataclasses import dataclass, field

import cv2
import numpy as np
import pypdfium2
import segno
from PIL import Image

from portal import printing
from portal.domain import receipts
from portal.domain.paper_layout import Box, Layout, Rect
from portal.models import PaperBatch, PaperForm

DPI = 150
PX_PER_MM = DPI / 25.4
PLACE = "Buurthuis De Meent"
LIFE_DOMAINS = [
    "Werk en inkomen", "Zorg en ondersteuning", "Wonen", "Vervoer", "Sport en bewegen",
    "Taal en informatie", "Elkaar ontmoeten en vrije tijd", "Openbare ruimte en gebouwen",
]  # fmt: skip
NEIGHBOURHOODS = ["Centrum", "Oosterpark", "De Meent", "Waterkant", "Hoograven", "Nieuwland"]
SINGLE_CHOICE = ("kind", "height", "life_domain", "neighbourhood")


@dataclass
class SampleBatch:
    """A rendered batch: what it printed, its codes and its PDF."""

    language: str
    variant: str
    printed: dict
    codes: list[str]
    pdf: bytes

    @property
    def layout(self) -> Layout:
        return Layout.from_dict(self.printed["layout"])


@dataclass
class Expected:
    """What a page should read as: its form and page, and per field the value (None for
    no mark) and whether it must be flagged (two boxes ticked in one question)."""

    code: str | None
    page: int | None
    outcome: str = "read"
    values: dict[str, str | None] = field(default_factory=dict)
    flagged: set[str] = field(default_factory=set)
    marked: set[tuple[str, str]] = field(default_factory=set)  # (field, value) inked


@dataclass
class ScannedPage:
    image: np.ndarray
    expected: Expected  # this page by itself
    form: Expected | None = None  # the whole form it belongs to, as the keying screen sees it


def codes_from(rng: random.Random, count: int) -> list[str]:
    """Valid form codes, the same for the same seed."""
    codes = []
    for _ in range(count):
        payload = "".join(rng.choice(receipts.ALPHABET) for _ in range(receipts.RANDOM_LENGTH))
        codes.append(payload + receipts.check_character(payload))
    return codes


def printed_options() -> dict:
    return {
        "life_domain": [[str(i), label] for i, label in enumerate(LIFE_DOMAINS, start=1)],
        "neighbourhood": [[str(i), label] for i, label in enumerate(NEIGHBOURHOODS, start=1)],
    }


def render_batch(app, language: str, variant: str, forms: int, seed: int = 1) -> SampleBatch:
    """A batch's PDF as the portal prints it (needs no database)."""
    codes = codes_from(random.Random(f"codes-{seed}-{language}-{variant}"), forms)
    options = printed_options()
    with app.app_context(), app.test_request_context():
        layout = printing.layout_for(language, variant, options, PLACE)
        printed = {**options, "layout": layout.to_dict()}
        pdf = printing.render_forms(language, variant, printed, PLACE, codes)
    return SampleBatch(language, variant, printed, codes, pdf)


@functools.cache
def _app():
    """An app of our own for rendering: printing needs no database."""
    from portal import create_app

    return create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x" * 40})


@functools.cache
def sample_batch(language: str, variant: str, forms: int, seed: int = 1) -> SampleBatch:
    """A rendered batch, made once per test process however many tests ask for it."""
    return render_batch(_app(), language, variant, forms, seed)


def prefix() -> str:
    """This portal's mark in QR codes, as the tests' apps are configured."""
    from portal.domain.paper_layout import qr_prefix

    return qr_prefix(_app().config["MUNICIPALITY_NAME"])


def store_batch(session, sample: SampleBatch) -> PaperBatch:
    """The batch and its forms in the database, with the sample's own codes."""
    from datetime import date

    batch = PaperBatch(
        language=sample.language,
        variant=sample.variant,
        forms=len(sample.codes),
        place=PLACE,
        handout_date=date(2026, 12, 1),
        printed=sample.printed,
    )
    session.add(batch)
    session.flush()
    session.add_all(
        PaperForm(code=code, batch_id=batch.id, number=number)
        for number, code in enumerate(sample.codes, start=1)
    )
    session.flush()
    return batch


def rasterise(pdf: bytes, dpi: int = DPI) -> list[np.ndarray]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for index in range(len(document)):
            bitmap = document[index].render(scale=dpi / 72, grayscale=True)
            pages.append(np.ascontiguousarray(bitmap.to_numpy()).copy())
        return pages
    finally:
        document.close()


# --- filling in ------------------------------------------------------------------------------


def _px(x_mm: float, y_mm: float) -> tuple[int, int]:
    # cv2 draws with 4 bits of sub-pixel precision (shift=4).
    return round(x_mm * PX_PER_MM * 16), round(y_mm * PX_PER_MM * 16)


def draw_mark(image: np.ndarray, rect: Rect, style: str, rng: random.Random) -> None:
    """A person's mark in a box: "cross", "tick" or "blob", in a pen of varying width."""
    pen_mm = rng.uniform(0.25, 0.8)
    thickness = max(1, round(pen_mm * PX_PER_MM))
    ink = rng.randint(10, 100)  # from black ink to a soft pencil
    size = rng.uniform(0.6, 1.0)  # some people mark small
    w, h = rect.w * size, rect.h * size
    rect = Rect(rect.x + (rect.w - w) / 2, rect.y + (rect.h - h) / 2, w, h)

    def at(fx: float, fy: float) -> tuple[int, int]:
        jitter = 0.06
        return _px(
            rect.x + w * (fx + rng.uniform(-jitter, jitter)),
            rect.y + h * (fy + rng.uniform(-jitter, jitter)),
        )

    if style == "cross":
        reach = rng.uniform(-0.05, 0.12)  # crosses often run over the border
        cv2.line(image, at(0.1 - reach, 0.1 - reach), at(0.9 + reach, 0.9 + reach), ink,
                 thickness, cv2.LINE_AA, 4)  # fmt: skip
        cv2.line(image, at(0.9 + reach, 0.1 - reach), at(0.1 - reach, 0.9 + reach), ink,
                 thickness, cv2.LINE_AA, 4)  # fmt: skip
    elif style == "tick":
        points = np.array([at(0.15, 0.5), at(0.4, 0.85), at(0.95, 0.05)], np.int32)
        cv2.polylines(image, [points], False, ink, thickness, cv2.LINE_AA, 4)
    else:
        cover = rng.uniform(0.55, 0.95)
        centre = _px(rect.x + w / 2, rect.y + h / 2)
        axes = (round(w * cover / 2 * PX_PER_MM * 16), round(h * cover / 2 * PX_PER_MM * 16))
        cv2.ellipse(image, centre, axes, rng.uniform(0, 180), 0, 360, ink, -1, cv2.LINE_AA, 4)


def scribble(image: np.ndarray, rect: Rect, rng: random.Random) -> None:
    """Handwriting-like strokes along the lines of a writing area."""
    lines = max(1, int(rect.h // 9))
    for line in range(rng.randint(1, lines)):
        y = rect.y + 6 + line * 9
        x = rect.x + 4
        end = rect.x + rng.uniform(0.4, 0.95) * rect.w
        points = []
        while x < end:
            points.append(_px(x, y + rng.uniform(-2.5, 0.5)))
            x += rng.uniform(0.6, 1.6)
        ink = rng.randint(10, 80)
        thickness = max(1, round(rng.uniform(0.3, 0.6) * PX_PER_MM))
        cv2.polylines(image, [np.array(points, np.int32)], False, ink, thickness, cv2.LINE_AA, 4)


def answers_for(layout: Layout, rng: random.Random, double_tick: float = 0.1) -> Expected:
    """Random answers for a whole form: for each question one box, none, or (now and then)
    two, which the reader must flag."""
    expected = Expected(code=None, page=None)
    for name in (*SINGLE_CHOICE, "consent"):
        boxes = [box for _, box in layout.boxes(name)]
        if not boxes:
            continue
        roll = rng.random()
        if name == "consent":
            expected.values[name] = "yes" if roll < 0.5 else None
        elif roll < double_tick and len(boxes) > 1:
            expected.values[name] = None
            expected.flagged.add(name)
        elif roll < 0.85:
            expected.values[name] = rng.choice(boxes).value
        else:
            expected.values[name] = None
    return expected


def fill_in(
    pages: list[np.ndarray], layout: Layout, answers: Expected, rng: random.Random
) -> list[np.ndarray]:
    """The pages of one form with `answers` marked and the writing areas written in;
    the boxes inked are added to `answers.marked`."""
    filled = [page.copy() for page in pages]
    for name in (*SINGLE_CHOICE, "consent"):
        boxes = layout.boxes(name)
        if not boxes:
            continue
        chosen: list[tuple[int, Box]] = []
        if name in answers.flagged:
            chosen = rng.sample(boxes, 2)
        elif answers.values.get(name) is not None:
            chosen = [(n, b) for n, b in boxes if b.value == answers.values[name]]
        for number, box in chosen:
            answers.marked.add((box.field, box.value))
            style = rng.choice(("cross", "cross", "tick", "blob"))
            draw_mark(filled[number - 1], box.rect, style, rng)
    for number, area in layout.areas():
        scribble(filled[number - 1], area.rect, rng)
    return filled


def expected_pages(code: str, layout: Layout, answers: Expected) -> list[Expected]:
    """What each page of the form should read as, by itself.

    A question may run on to the next page; each page then sees only its own boxes: one
    inked box there is a value, two are flagged, none is no value.
    """
    result = []
    for page in layout.pages:
        marked = {(box.field, box.value) for box in page.boxes} & answers.marked
        expected = Expected(code=code, page=page.number, marked=marked)
        for name in {box.field for box in page.boxes}:
            inked = [value for field_name, value in marked if field_name == name]
            expected.values[name] = inked[0] if len(inked) == 1 else None
            if len(inked) > 1:
                expected.flagged.add(name)
        result.append(expected)
    return result


# --- the scanner -----------------------------------------------------------------------------


def scanner(image: np.ndarray, rng: random.Random, turn: int = 0) -> np.ndarray:
    """What a sheet feeder makes of a page: a slight skew (up to 3 degrees), a shift, a
    little blur, noise and dust; `turn` quarter turns for a page fed the wrong way."""
    height, width = image.shape
    angle = rng.uniform(-3, 3)
    scale = rng.uniform(0.985, 1.015)
    shift = (rng.uniform(-3, 3) * PX_PER_MM, rng.uniform(-3, 3) * PX_PER_MM)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, scale)
    matrix[:, 2] += shift
    paper = rng.randint(225, 250)
    page = cv2.warpAffine(
        image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=paper
    ).astype(np.float32)
    page = page * (paper / 255.0)  # paper is never quite white
    page = cv2.GaussianBlur(page, (0, 0), rng.uniform(0.4, 0.9))
    noise = np.random.default_rng(rng.randint(0, 2**32 - 1))
    page += noise.normal(0, rng.uniform(3, 12), page.shape)
    for _ in range(rng.randint(0, 40)):  # dust
        x, y = rng.randrange(width), rng.randrange(height)
        cv2.circle(page, (x, y), rng.randint(0, 1), rng.randint(0, 120), -1)
    page = np.clip(page, 0, 255).astype(np.uint8)
    if turn:
        page = np.ascontiguousarray(np.rot90(page, -turn))
    return page


def scanned_batch(
    sample: SampleBatch,
    rng: random.Random,
    upside_down: float = 0.05,
    sideways: float = 0.0,
    double_tick: float = 0.1,
    pages: list[np.ndarray] | None = None,
) -> list[ScannedPage]:
    """Every form of the batch filled in and scanned, in shuffled order."""
    pages = pages if pages is not None else rasterise(sample.pdf)
    layout = sample.layout
    per_form = len(layout.pages)
    scanned = []
    for index, code in enumerate(sample.codes):
        answers = answers_for(layout, rng, double_tick)
        own = pages[index * per_form : (index + 1) * per_form]
        filled = fill_in(own, layout, answers, rng)
        answers.code = code
        for image, expected in zip(filled, expected_pages(code, layout, answers), strict=True):
            roll = rng.random()
            turn = 2 if roll < upside_down else (1 if roll < upside_down + sideways else 0)
            scanned.append(ScannedPage(scanner(image, rng, turn), expected, answers))
    rng.shuffle(scanned)
    return scanned


# --- pages that are not ours, and files that are no scan -------------------------------------


def blank_page(rng: random.Random) -> np.ndarray:
    """An A4 page with some text-like lines and no QR code: a letter, a flyer."""
    width, height = round(210 * PX_PER_MM), round(297 * PX_PER_MM)
    page = np.full((height, width), 245, np.uint8)
    for line in range(30):
        y = round((30 + line * 8) * PX_PER_MM)
        cv2.line(page, (round(20 * PX_PER_MM), y), (round(rng.uniform(60, 190) * PX_PER_MM), y),
                 40, 2)  # fmt: skip
    return scanner(page, rng)


def foreign_page(code: str, rng: random.Random, prefix: str = "MEEDOEN-ANDERSTAD") -> np.ndarray:
    """A page with the QR code of another gemeente's portal, with its corner marks."""
    width, height = round(210 * PX_PER_MM), round(297 * PX_PER_MM)
    page = np.full((height, width), 255, np.uint8)
    for x, y in ((8, 8), (196, 8), (8, 283), (196, 283)):
        cv2.rectangle(page, _px(x, y), _px(x + 6, y + 6), 0, -1, shift=4)
    qr = segno.make(f"{prefix}:{code}:1", error="m", micro=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=5, border=4)
    symbol = np.asarray(Image.open(buffer).convert("L"))
    top, left = round(18 * PX_PER_MM), round(160 * PX_PER_MM)
    page[top : top + symbol.shape[0], left : left + symbol.shape[1]] = symbol
    return scanner(page, rng)


def pdf_of(images: list[np.ndarray], dpi: int = DPI) -> bytes:
    """Images as one PDF, the way a scanner sends them (JPEG pages)."""
    frames = [Image.fromarray(image) for image in images]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, format="PDF", save_all=True, append_images=frames[1:], resolution=dpi, quality=85
    )
    return buffer.getvalue()


def tiff_of(images: list[np.ndarray]) -> bytes:
    frames = [Image.fromarray(image) for image in images]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:],
                   compression="tiff_deflate")  # fmt: skip
    return buffer.getvalue()


def image_file(image: np.ndarray, kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format=kind)
    return buffer.getvalue()


def empty_pdf() -> bytes:
    """A well-formed PDF without pages."""
    document = pypdfium2.PdfDocument.new()
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


# An encrypted PDF, written by hand with the PDF standard security handler (revision 2:
# RC4 with a 40-bit key, PDF 1.7 section 7.6.3), since no library here writes one.
_PADDING = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: bytes = b"geheim", owner_password: bytes = b"eigenaar") -> bytes:
    """A one-page PDF that opens only with `user_password`."""
    document_id = hashlib.md5(b"meedoen-test").digest()
    permissions = -4  # everything allowed
    owner_key = hashlib.md5((owner_password + _PADDING)[:32]).digest()[:5]
    owner_entry = _rc4(owner_key, (user_password + _PADDING)[:32])
    key = hashlib.md5(
        (user_password + _PADDING)[:32] + owner_entry + struct.pack("<i", permissions) + document_id
    ).digest()[:5]
    user_entry = _rc4(key, _PADDING)

    def object_key(number: int) -> bytes:
        return hashlib.md5(key + struct.pack("<I", number)[:3] + b"\x00\x00").digest()[:10]

    content = _rc4(object_key(4), b"BT /F1 24 Tf 72 720 Td (Geheim) Tj ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (owner_entry.hex().encode(), user_entry.hex().encode(), permissions),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    identity = document_id.hex().encode()
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 5 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1,
        identity,
        identity,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
