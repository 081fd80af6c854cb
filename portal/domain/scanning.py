"""Scan assist: reading returned paper forms from a scanned stack.

Every page of a form carries a QR code ("PREFIX:CODE:PAGE") and four solid corner marks.
The QR code says which form and page it is, and which way up the page lies; the corner
marks, found near where the QR code says they must be, pin the page down exactly. With
the layout the batch was printed with (portal.domain.paper_layout), every tick box and
writing area is then a known place on the scan.

A box is read by the share of dark pixels inside it (its printed border left out): clearly
dark is marked, clearly light is empty, anything in between is unclear. Whatever is read
is only a proposal that a person confirms while keying the form: an unclear mark, or two
marks in a question that takes one, leaves the answer empty and flags it.

Nothing here trusts the upload: the file type comes from its first bytes, not its name;
images are size-checked before they are decoded; the handwriting is cut out and encoded
as a fresh PNG, so nothing from the upload is ever served back as it came.
"""

import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import cv2
import numpy as np
import pypdfium2
import segno
import zxingcpp
from PIL import Image, ImageOps, ImageSequence
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.domain import audit, receipts
from portal.domain.paper_layout import (
    MARK_SIZE,
    MARKS,
    PAGE_HEIGHT,
    Layout,
    Rect,
    parse_qr_payload,
)
from portal.models import PaperForm, ScanCrop, ScanPage, ScanUpload, StaffUser, utcnow
from portal.models.scans import FILENAME_MAX_LENGTH

MAX_PAGES = 300  # one upload: a stack that a scanner takes in one go, read in under a minute
RENDER_DPI = 200  # PDF pages are drawn at this resolution; larger images are scaled down to it
MAX_PIXELS = 60_000_000  # an A4 page at 600 dpi is 35 million; more is not a scan
READ_PX_PER_MM = 6.0  # boxes are read on the page redrawn at this scale (about 150 dpi)
CROP_MAX_PX_PER_MM = 8.0  # handwriting is cut out at the scan's resolution, at most 200 dpi
CROP_MAX_BYTES = 200 * 1024
CROP_MARGIN = 1.5  # millimetres around a writing area: writing does not stop at its border
# How much ink inside a box, in mm², makes it marked or empty. A tick drawn with a fine
# pen is 1 mm² or more, in a small box or a large one; a speck of dust or a stray dot is
# under 0.2 mm². Between the two a person decides. (Readings keep each box's dark share,
# the ink divided by the inside of the box; box_state turns it back into mm².)
EMPTY_BELOW = 0.3
MARKED_FROM = 0.7
# Inside a box, ink is anything clearly darker than the paper around it: a soft pencil
# line one pixel wide is still well under this, scanner noise stays well above it.
INK_BELOW = 0.75
BOX_BORDER = 0.45  # printed border of a tick box, mm (templates/paper/paper.css)
BOX_INSET = BOX_BORDER + 0.6  # read only inside the border, with room for a slight misfit
BOX_SEARCH = 1.2  # mm: how far a box may sit from where the corner marks put it
MARK_SEARCH = 9.0  # mm around where the QR code puts a corner mark
MAX_QR_MISFIT = 3.0  # mm: the corner marks and the QR code must agree this well
SINGLE_CHOICE = ("kind", "height", "life_domain", "neighbourhood")
FIELDS = (*SINGLE_CHOICE, "consent")
# A form counts as read from a page with one of these outcomes.
READ = ("read", "unaligned")


class ScanError(ValueError):
    """The upload cannot be read at all; `code` says why, for a message."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


# --- from an upload to page images -----------------------------------------------------------


def file_type(data: bytes) -> str | None:
    """ "pdf", "png", "jpeg" or "tiff" by the file's first bytes; None for anything else."""
    if data[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    return None


def pages_from_upload(data: bytes, filename: str = "") -> Iterator[np.ndarray]:
    """The upload's pages as grayscale images, in order.

    A problem with the file as a whole raises ScanError at once: "empty", "encrypted",
    "corrupt", "too_many_pages" (over MAX_PAGES), "too_large" (an image of more than
    MAX_PIXELS) or "not_supported". The filename is not used to decide anything.
    """
    if not data:
        raise ScanError("empty")
    kind = file_type(data)
    if kind is None:
        raise ScanError("not_supported")
    if kind == "pdf":
        return _pdf_pages(data)
    return _image_pages(data)


def _pdf_pages(data: bytes) -> Iterator[np.ndarray]:
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        # PDFium's error code can be left over from an earlier document in the process, so
        # the file itself says why: an encryption dictionary is never encrypted itself.
        if re.search(rb"/Encrypt\b", data):
            raise ScanError("encrypted") from None
        # PDFium refuses a document without pages as malformed.
        if re.search(rb"/Count\s*0\b", data) and not re.search(rb"/Count\s*[1-9]", data):
            raise ScanError("empty") from None
        raise ScanError("corrupt") from None
    count = len(document)
    if count == 0:
        document.close()
        raise ScanError("empty")
    if count > MAX_PAGES:
        document.close()
        raise ScanError("too_many_pages", pages=count, maximum=MAX_PAGES)
    return _render_pdf(document)


def _render_pdf(document: pypdfium2.PdfDocument) -> Iterator[np.ndarray]:
    # The long side is drawn at A4's length in RENDER_DPI, whatever size a scanner gave the
    # page: a page declared a metre long is not drawn four metres of pixels wide.
    target = PAGE_HEIGHT / 25.4 * RENDER_DPI
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                width, height = page.get_size()
                scale = target / max(width, height, 1.0)
                bitmap = page.render(scale=scale, grayscale=True)
                yield np.ascontiguousarray(_gray(bitmap.to_numpy()))
            except pypdfium2.PdfiumError:
                raise ScanError("corrupt", page=index + 1) from None
            finally:
                page.close()
    finally:
        document.close()


def _gray(pixels: np.ndarray) -> np.ndarray:
    if pixels.ndim == 3 and pixels.shape[2] >= 3:
        return cv2.cvtColor(pixels[:, :, :3], cv2.COLOR_BGR2GRAY)
    return pixels.reshape(pixels.shape[0], pixels.shape[1])


def _image_pages(data: bytes) -> Iterator[np.ndarray]:
    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ScanError("corrupt") from None
    if frames > MAX_PAGES:
        raise ScanError("too_many_pages", pages=frames, maximum=MAX_PAGES)
    return _decode_frames(image)


def _decode_frames(image: Image.Image) -> Iterator[np.ndarray]:
    target = round(PAGE_HEIGHT / 25.4 * RENDER_DPI)
    try:
        for frame in ImageSequence.Iterator(image):
            width, height = frame.size
            if width * height > MAX_PIXELS or not width or not height:
                raise ScanError("too_large")
            try:
                if frame.format == "JPEG":
                    frame.draft("L", (target, target))  # decode at a lower scale: faster
                page = _eight_bit_gray(ImageOps.exif_transpose(frame))
                if max(page.size) > target * 1.1:
                    page.thumbnail((target, target), Image.Resampling.BILINEAR)
                yield np.asarray(page, dtype=np.uint8).copy()
            except (OSError, ValueError, SyntaxError):
                raise ScanError("corrupt") from None
    finally:
        image.close()


def _eight_bit_gray(frame: Image.Image) -> Image.Image:
    if frame.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        # 16-bit scans: PIL would clip them to white; scale their range into 8 bits.
        pixels = np.asarray(frame, dtype=np.float64)
        top = max(float(pixels.max()), 1.0)
        return Image.fromarray(np.clip(pixels * (255.0 / top), 0, 255).astype(np.uint8))
    return frame.convert("L")


# --- reading one page ------------------------------------------------------------------------


@dataclass
class FieldReading:
    """One question's boxes: the value read (or None), whether a person must look, and
    each box's dark share in the layout's order."""

    value: str | None
    flag: bool
    ratios: list[float]

    def as_dict(self) -> dict:
        return {"value": self.value, "flag": self.flag, "ratios": self.ratios}


@dataclass
class PageReading:
    """What one scanned page says. `outcome` is "read", "unaligned" (the form is known,
    but its corner marks could not be found), "no_code", "foreign" or "unknown"."""

    outcome: str
    code: str | None = None
    page: int | None = None
    fields: dict[str, FieldReading] = field(default_factory=dict)
    crops: dict[str, bytes] = field(default_factory=dict)
    rotation: int | None = None  # degrees the page was turned (0, 90, 180, 270)


LayoutLookup = Callable[[str], Layout | None] | Mapping[str, Layout]


def read_page(image: np.ndarray, layouts_by_code: LayoutLookup, prefix: str) -> PageReading:
    """Read one grayscale page: which form and page it is, its boxes and its handwriting.

    `layouts_by_code` gives the layout a form was printed with by its code (None for a
    code that is no form of ours); `prefix` is this portal's mark in QR codes.
    """
    lookup = layouts_by_code.get if isinstance(layouts_by_code, Mapping) else layouts_by_code
    found = _find_form_qr(image, prefix)
    if found is None:
        return PageReading("no_code")
    barcode, (their_prefix, code, page_number) = found
    if their_prefix != prefix:
        return PageReading("foreign")
    if not receipts.is_valid(code):
        return PageReading("unknown")
    layout = lookup(code)
    if layout is None:
        return PageReading("unknown", code=code)
    if not 1 <= page_number <= len(layout.pages):
        return PageReading("unknown", code=code)

    qr_px = _qr_corners(barcode)
    qr_mm = _qr_symbol_corners(layout.qr, barcode)
    rotation = _rotation(qr_px)
    transform = _align(image, qr_mm, qr_px)
    if transform is None:
        return PageReading("unaligned", code=code, page=page_number, rotation=rotation)
    page = layout.pages[page_number - 1]
    return PageReading(
        "read",
        code=code,
        page=page_number,
        fields=_read_boxes(image, transform, page.boxes),
        crops={area.field: _crop(image, transform, area.rect) for area in page.areas},
        rotation=rotation,
    )


def _find_form_qr(image: np.ndarray, prefix: str):
    """The QR code that names a form, ours first; None if the page has no such code."""
    barcodes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    forms = [(b, parsed) for b in barcodes if (parsed := parse_qr_payload(b.text)) is not None]
    if not forms:
        return None
    forms.sort(key=lambda found: found[1][0] != prefix)
    return forms[0]


def _qr_corners(barcode) -> np.ndarray:
    """The QR symbol's corners in the image: its own top-left, top-right, bottom-right and
    bottom-left, whichever way the page lies."""
    p = barcode.position
    corners = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
    return np.array([(c.x, c.y) for c in corners], dtype=np.float64)


def _qr_symbol_corners(qr: Rect, barcode) -> np.ndarray:
    """The same corners on the layout, in mm. The printed square includes a quiet zone of
    four modules around the symbol; its module count follows from what it says."""
    # The mask does not change the size; fixing it spares segno trying all eight.
    symbol = segno.make(barcode.text, error=barcode.ec_level.lower(), micro=False, mask=0)
    modules = symbol.symbol_size(border=0)[0]
    module = qr.w / (modules + 8)
    left, top, side = qr.x + 4 * module, qr.y + 4 * module, modules * module
    return np.array(
        [(left, top), (left + side, top), (left + side, top + side), (left, top + side)],
        dtype=np.float64,
    )


def _rotation(qr_px: np.ndarray) -> int:
    dx, dy = qr_px[1] - qr_px[0]
    return int(round(np.degrees(np.arctan2(dy, dx)) / 90.0)) % 4 * 90


def _similarity(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The turn, scale and shift that best maps `source` points onto `target` (3x3)."""
    z = source[:, 0] + 1j * source[:, 1]
    w = target[:, 0] + 1j * target[:, 1]
    zc, wc = z - z.mean(), w - w.mean()
    a = (wc * zc.conj()).sum() / (zc * zc.conj()).sum().real
    b = w.mean() - a * z.mean()
    return np.array([[a.real, -a.imag, b.real], [a.imag, a.real, b.imag], [0, 0, 1]])


def _apply(transform: np.ndarray, points: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(points.reshape(-1, 1, 2).astype(np.float64), transform)[:, 0, :]


def _align(image: np.ndarray, qr_mm: np.ndarray, qr_px: np.ndarray) -> np.ndarray | None:
    """The homography from layout millimetres to image pixels, by the corner marks.

    The QR code alone gives a rough fit (it is small, so far corners are off by a few
    mm); each corner mark is then looked for near where that fit puts it. Four marks
    give a homography, three an affine fit; fewer, or a fit the QR code disagrees with,
    give None.
    """
    rough = _similarity(qr_mm, qr_px)
    px_per_mm = float(np.hypot(rough[0, 0], rough[1, 0]))
    if px_per_mm < 1.5:  # under 40 dpi nothing on the page can be read
        return None
    ink = _ink(image)
    centres_mm = np.array([m.centre for m in MARKS], dtype=np.float64)
    expected = _apply(rough, centres_mm)
    found_mm, found_px = [], []
    for centre_mm, guess in zip(centres_mm, expected, strict=True):
        mark = _find_mark(ink, guess, px_per_mm)
        if mark is not None:
            found_mm.append(centre_mm)
            found_px.append(mark)
    if len(found_px) < 3:
        return None
    source = np.array(found_mm, dtype=np.float32)
    target = np.array(found_px, dtype=np.float32)
    if len(found_px) == 4:
        transform = cv2.getPerspectiveTransform(source, target).astype(np.float64)
    else:
        transform = np.vstack([cv2.getAffineTransform(source, target), [0, 0, 1]])
    misfit = np.linalg.norm(_apply(transform, qr_mm) - qr_px, axis=1).max() / px_per_mm
    return transform if misfit <= MAX_QR_MISFIT else None


def _ink(image: np.ndarray) -> np.ndarray:
    """Dark pixels as 1, by a threshold between paper and ink (Otsu), after a light blur
    that keeps scanner noise from passing for ink."""
    blurred = cv2.GaussianBlur(image, (3, 3), 0)
    _, ink = cv2.threshold(blurred, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def _find_mark(ink: np.ndarray, guess: np.ndarray, px_per_mm: float) -> np.ndarray | None:
    """The centre of the solid square nearest `guess`, if there is one close by."""
    side = MARK_SIZE * px_per_mm
    reach = MARK_SEARCH * px_per_mm
    x0, y0 = int(max(0, guess[0] - reach)), int(max(0, guess[1] - reach))
    x1 = int(min(ink.shape[1], guess[0] + reach))
    y1 = int(min(ink.shape[0], guess[1] + reach))
    if x1 - x0 < side or y1 - y0 < side:
        return None
    window = ink[y0:y1, x0:x1]
    contours, _ = cv2.findContours(window, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    best, best_distance = None, None
    for contour in contours:
        _, (w, h), _ = cv2.minAreaRect(contour)
        if not (0.65 * side <= min(w, h) and max(w, h) <= 1.4 * side):
            continue
        area = cv2.contourArea(contour)
        if area < 0.8 * w * h:
            continue
        mask = np.zeros_like(window)
        cv2.drawContours(mask, [contour], -1, 1, thickness=cv2.FILLED)
        filled = float(window[mask == 1].mean())
        if filled < 0.85:  # a QR code's finder pattern is a hollow square: about 0.67
            continue
        moments = cv2.moments(contour)
        centre = np.array(
            [moments["m10"] / moments["m00"] + x0, moments["m01"] / moments["m00"] + y0]
        )
        distance = float(np.hypot(*(centre - guess)))
        if best_distance is None or distance < best_distance:
            best, best_distance = centre, distance
    return best


def _upright(image: np.ndarray, transform: np.ndarray, rect: Rect, scale: float) -> np.ndarray:
    """The part of the scan under `rect` (mm), turned upright, at `scale` pixels per mm."""
    to_mm = np.array([[1 / scale, 0, rect.x], [0, 1 / scale, rect.y], [0, 0, 1]])
    size = (max(1, round(rect.w * scale)), max(1, round(rect.h * scale)))
    return cv2.warpPerspective(
        image,
        transform @ to_mm,
        size,
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )


def _read_boxes(image: np.ndarray, transform: np.ndarray, boxes) -> dict[str, FieldReading]:
    scale = READ_PX_PER_MM
    by_field: dict[str, list] = {}
    for box in boxes:
        by_field.setdefault(box.field, []).append(box)
    readings = {}
    for name, field_boxes in by_field.items():
        states, ratios = [], []
        for box in field_boxes:
            ratio = round(_box_ratio(image, transform, box.rect, scale), 4)
            ratios.append(ratio)
            states.append(box_state(ratio, box.rect))
        readings[name] = _decide([box.value for box in field_boxes], states, ratios)
    return readings


def box_state(ratio: float, rect: Rect) -> str:
    """ "marked", "empty" or "unclear", from the dark share inside a box of this size."""
    inside = max(rect.w - 2 * BOX_INSET, 0.1) * max(rect.h - 2 * BOX_INSET, 0.1)
    ink = ratio * inside
    if ink >= MARKED_FROM:
        return "marked"
    if ink < EMPTY_BELOW:
        return "empty"
    return "unclear"


def _decide(values: list[str], states: list[str], ratios: list[float]) -> FieldReading:
    """One answer from a question's boxes: exactly one marked and none unclear."""
    marked = [value for value, state in zip(values, states, strict=True) if state == "marked"]
    unclear = "unclear" in states
    if len(marked) == 1 and not unclear:
        return FieldReading(marked[0], False, ratios)
    return FieldReading(None, unclear or len(marked) > 1, ratios)


def _box_ratio(image: np.ndarray, transform: np.ndarray, rect: Rect, scale: float) -> float:
    """The dark share inside a tick box, found where its printed border really is."""
    reach = BOX_SEARCH
    around = Rect(rect.x - reach, rect.y - reach, rect.w + 2 * reach, rect.h + 2 * reach)
    ink = _ink_in(_upright(image, transform, around, scale))
    side_w, side_h = round(rect.w * scale), round(rect.h * scale)
    line = max(2, round(BOX_BORDER * scale))
    template = np.zeros((side_h, side_w), np.float32)
    cv2.rectangle(template, (0, 0), (side_w - 1, side_h - 1), 1.0, thickness=line)
    fit = cv2.matchTemplate(ink.astype(np.float32), template, cv2.TM_CCORR)
    # Of equally good places (a box inked over entirely fits anywhere), the nearest wins.
    ys, xs = np.mgrid[0 : fit.shape[0], 0 : fit.shape[1]]
    centre = reach * scale
    fit = fit / template.sum() - 0.002 * ((xs - centre) ** 2 + (ys - centre) ** 2)
    dy, dx = np.unravel_index(int(np.argmax(fit)), fit.shape)
    if fit[dy, dx] < 0.5:  # no border to be seen: read where the marks put it
        dx = dy = round(centre)
    inset = round(BOX_INSET * scale)
    inside = ink[dy + inset : dy + side_h - inset, dx + inset : dx + side_w - inset]
    return float(inside.mean()) if inside.size else 0.0


def _ink_in(patch: np.ndarray) -> np.ndarray:
    """Dark pixels of a small patch, against the paper's own whiteness around it."""
    blurred = cv2.GaussianBlur(patch, (3, 3), 0)
    paper = float(np.percentile(blurred, 90))
    return (blurred < paper * INK_BELOW).astype(np.uint8)


def _crop(image: np.ndarray, transform: np.ndarray, rect: Rect) -> bytes:
    """A writing area as an upright PNG: paper made white so scanner noise compresses
    away, 16 grey levels, and scaled down until it fits CROP_MAX_BYTES."""
    m = CROP_MARGIN
    around = Rect(rect.x - m, rect.y - m, rect.w + 2 * m, rect.h + 2 * m)
    scan_scale = float(np.sqrt(abs(np.linalg.det(transform[:2, :2]))))
    scale = min(CROP_MAX_PX_PER_MM, max(scan_scale, 2.0))
    patch = _upright(image, transform, around, scale).astype(np.float32)
    paper = max(float(np.percentile(patch[::3, ::3], 90)), 1.0)
    cleaned = np.clip(patch * (255.0 / paper), 0, 255)
    cleaned[cleaned > 225] = 255
    cleaned = (np.round(cleaned / 17) * 17).astype(np.uint8)
    while True:
        ok, png = cv2.imencode(".png", cleaned, [cv2.IMWRITE_PNG_COMPRESSION, 3])
        if ok and (len(png) <= CROP_MAX_BYTES or min(cleaned.shape) < 64):
            return png.tobytes()
        cleaned = cv2.resize(cleaned, None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA)


# --- importing an upload ---------------------------------------------------------------------


def safe_filename(filename: str | None) -> str:
    """The upload's name to show again: its last path part, printable characters only,
    at most FILENAME_MAX_LENGTH characters. It is never used as a path."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = "".join(char for char in name if char.isprintable())
    name = re.sub(r"\s+", " ", name).strip()
    return name[:FILENAME_MAX_LENGTH] or "scan"


class _Forms:
    """Forms and their printed layouts by code, each looked up once per upload."""

    def __init__(self, session: Session):
        self.session = session
        self.forms: dict[str, PaperForm | None] = {}
        self.layouts: dict[int, Layout | None] = {}

    def form(self, code: str) -> PaperForm | None:
        if code not in self.forms:
            self.forms[code] = self.session.get(PaperForm, code)
        return self.forms[code]

    def layout(self, code: str) -> Layout | None:
        form = self.form(code)
        if form is None:
            return None
        if form.batch_id not in self.layouts:
            printed = form.batch.printed or {}
            self.layouts[form.batch_id] = (
                Layout.from_dict(printed["layout"]) if "layout" in printed else None
            )
        return self.layouts[form.batch_id]


def import_scan(
    session: Session,
    actor: StaffUser | None,
    data: bytes,
    filename: str | None,
    prefix: str,
) -> ScanUpload:
    """Read every page of an upload and keep what each says; the caller commits.

    A form seen for the first time is marked as returned. A form page read before, in
    this upload or an earlier one, is a "duplicate" and the first reading stays; a page
    of a form keyed in already is "keyed". ScanError (see pages_from_upload) means the
    file could not be read; nothing is kept then, as the caller rolls back.
    """
    pages = pages_from_upload(data, filename or "")
    upload = ScanUpload(
        uploaded_by=actor.id if actor is not None else None,
        filename=safe_filename(filename),
        pages=0,
    )
    session.add(upload)
    session.flush()
    forms = _Forms(session)
    taken = _read_before(session)
    outcomes: Counter[str] = Counter()
    read_codes: set[str] = set()
    for position, image in enumerate(pages, start=1):
        reading = read_page(image, forms.layout, prefix)
        page = _store(session, upload, position, reading, forms, taken)
        outcomes[page.outcome] += 1
        upload.pages = position
        if page.outcome == "read":
            read_codes.add(page.form_code)
    session.flush()
    for code in sorted(read_codes):
        _drop_contact_without_consent(session, code)
    audit.record(
        session,
        actor,
        "scan_upload.create",
        upload,
        after={"filename": upload.filename, "pages": upload.pages, "outcomes": dict(outcomes)},
    )
    return upload


def _read_before(session: Session) -> Callable[[str, int], bool]:
    """Whether a form page has been read already; remembers the pages of this upload."""
    known: dict[str, set[int]] = {}

    def taken(code: str, page: int, mark: bool = False) -> bool:
        if code not in known:
            query = select(ScanPage.form_page).where(
                ScanPage.form_code == code, ScanPage.outcome == "read"
            )
            known[code] = set(session.scalars(query))
        seen = page in known[code]
        if mark:
            known[code].add(page)
        return seen

    return taken


def _store(session, upload, position, reading: PageReading, forms: _Forms, taken) -> ScanPage:
    outcome = reading.outcome
    form = forms.form(reading.code) if outcome in READ else None
    if form is not None and form.submission_id is not None:
        outcome = "keyed"
    elif outcome in READ and taken(reading.code, reading.page, mark=outcome == "read"):
        outcome = "duplicate"
    keep = outcome in READ
    page = ScanPage(
        upload_id=upload.id,
        position=position,
        form_code=reading.code if outcome != "foreign" else None,
        form_page=reading.page,
        outcome=outcome,
        rotation=reading.rotation,
        readings={name: r.as_dict() for name, r in reading.fields.items()} if keep else None,
    )
    session.add(page)
    if keep:
        if form.returned_at is None:
            form.returned_at = utcnow()
        session.flush()  # the crops need the page's id
        session.add_all(
            ScanCrop(page_id=page.id, field=name, png=png) for name, png in reading.crops.items()
        )
    return page


def _drop_contact_without_consent(session: Session, code: str) -> None:
    """Keep no image of a contact area whose consent box is clearly empty.

    Without the tick nobody may contact the resident, so the address they wrote is not to
    be kept, not even as handwriting. Decided per form, once its pages are read: the box
    and the area can be on different pages, which can come in different uploads. An
    unclear or unread box keeps the image, for a person to look at.
    """
    reading = latest_reading(session, code)
    if reading is None or "consent" in reading.flagged or reading.values.get("consent"):
        return
    form_pages = select(ScanPage.id).where(ScanPage.form_code == code)
    session.execute(
        delete(ScanCrop).where(ScanCrop.field == "contact", ScanCrop.page_id.in_(form_pages))
    )


# --- for the keying screen -------------------------------------------------------------------


@dataclass
class FormReading:
    """What the scans of one form propose, page by page combined.

    `values` has every question (None: nothing to propose); `flagged` names the questions
    a person must look at: an unclear or double mark, or a page that is missing or could
    not be aligned; `crops` gives the id of each writing area's image.
    """

    values: dict[str, str | None]
    flagged: set[str]
    crops: dict[str, int]
    missing_pages: list[int]


def latest_reading(session: Session, code: str) -> FormReading | None:
    """The scans' proposal for a form, or None if no page of it has been scanned.

    Each page counts with its first good reading, the one a later duplicate did not
    replace. A question whose boxes are (partly) on a page that is missing or could not
    be aligned is flagged, with what the other pages propose, if anything.
    """
    rows = list(
        session.scalars(
            select(ScanPage)
            .where(ScanPage.form_code == code, ScanPage.outcome.in_(READ))
            .order_by(ScanPage.id)
        )
    )
    if not rows:
        return None
    form = session.get(PaperForm, code)
    printed = (form.batch.printed or {}) if form is not None else {}
    if "layout" not in printed:
        return None
    layout = Layout.from_dict(printed["layout"])
    by_page: dict[int, ScanPage] = {}
    for row in rows:
        current = by_page.get(row.form_page)
        if current is None or (current.outcome != "read" and row.outcome == "read"):
            by_page[row.form_page] = row
    # A question's boxes may run on to the next page: it is decided over all its boxes.
    boxes: dict[str, list[tuple[str, str, float]]] = {}  # field -> (value, state, ratio)
    flagged: set[str] = set()
    missing = []
    page_ids = {}
    for page in layout.pages:
        names = {box.field for box in page.boxes}
        row = by_page.get(page.number)
        if row is None or row.outcome != "read":
            flagged |= names
            if row is None:
                missing.append(page.number)
            continue
        page_ids[row.id] = page.number
        for name in names:
            reading = (row.readings or {}).get(name)
            field_boxes = [box for box in page.boxes if box.field == name]
            if reading is None or len(reading["ratios"]) != len(field_boxes):
                flagged.add(name)
                continue
            boxes.setdefault(name, []).extend(
                (box.value, box_state(ratio, box.rect), ratio)
                for box, ratio in zip(field_boxes, reading["ratios"], strict=True)
            )
    values: dict[str, str | None] = dict.fromkeys(FIELDS)
    for name, read in boxes.items():
        decided = _decide(*(list(column) for column in zip(*read, strict=True)))
        values[name] = decided.value
        if decided.flag:
            flagged.add(name)
    crops = {}
    if page_ids:
        query = select(ScanCrop.id, ScanCrop.field).where(ScanCrop.page_id.in_(page_ids))
        crops = {name: crop_id for crop_id, name in session.execute(query)}
    return FormReading(values, flagged, crops, missing)


def crop_png(session: Session, crop_id: int) -> bytes | None:
    """A writing area's PNG by id, as the portal made it."""
    crop = session.get(ScanCrop, crop_id)
    return crop.png if crop is not None else None
