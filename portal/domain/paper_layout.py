"""Where everything sits on a printed form, in millimetres from a page's top-left corner.

One definition serves both ends of the paper round trip: the PDF template places every
corner mark, tick box and writing area from it, and the scan reader looks in exactly
those places. A batch keeps the layout it was printed with (`Layout.to_dict`), so a
form scanned months later is read as it was printed, whatever changed since.

The layout is computed in left-to-right terms and mirrored for right-to-left languages:
in Arabic the boxes stand on the right with their labels to their left.
"""

import math
from dataclasses import dataclass, field, replace

PAGE_WIDTH = 210.0  # A4
PAGE_HEIGHT = 297.0
MARK_SIZE = 6.0  # the solid squares in the corners that the reader aligns a scan by
MARK_INSET = 8.0
MARGIN = 18.0
PT = 0.3528  # millimetres in a typographic point


@dataclass(frozen=True)
class Style:
    """Sizes of one variant; the template sets its fonts from these too."""

    font_pt: float
    heading_pt: float
    box: float  # side of a tick box
    qr: float
    code_pt: float  # the form code printed next to the QR code
    text_area: float  # height of the area to write the obstacle or idea in
    contact_area: float
    rule_gap: float  # distance between the ruled lines to write on
    life_domain_columns: int
    neighbourhood_columns: int

    @property
    def line(self) -> float:
        return self.font_pt * PT * 1.35

    @property
    def heading_line(self) -> float:
        return self.heading_pt * PT * 1.3


STYLES = {
    "standard": Style(
        font_pt=11, heading_pt=13, box=6, qr=26, code_pt=20, text_area=92, contact_area=27,
        rule_gap=9, life_domain_columns=2, neighbourhood_columns=3,
    ),
    "large_print": Style(
        font_pt=16, heading_pt=19, box=9, qr=30, code_pt=26, text_area=120, contact_area=42,
        rule_gap=14, life_domain_columns=2, neighbourhood_columns=2,
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2

    def mirrored(self) -> "Rect":
        return replace(self, x=PAGE_WIDTH - self.x - self.w)

    def as_list(self) -> list[float]:
        return [round(self.x, 2), round(self.y, 2), round(self.w, 2), round(self.h, 2)]


@dataclass(frozen=True)
class Box:
    """A tick box: ticking it answers `field` with `value`."""

    field: str  # kind, height, life_domain, neighbourhood or consent
    value: str
    rect: Rect
    label: Rect


@dataclass(frozen=True)
class Area:
    """Ruled space for handwriting: the free text, or the contact details."""

    field: str
    rect: Rect


@dataclass(frozen=True)
class Block:
    """Printed text that nothing reads back: a question, an instruction, a notice."""

    role: str  # which wording (see templates/paper/form.html), e.g. "question.kind"
    rect: Rect


@dataclass
class Page:
    number: int
    boxes: list[Box] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


MARKS = (
    Rect(MARK_INSET, MARK_INSET, MARK_SIZE, MARK_SIZE),
    Rect(PAGE_WIDTH - MARK_INSET - MARK_SIZE, MARK_INSET, MARK_SIZE, MARK_SIZE),
    Rect(MARK_INSET, PAGE_HEIGHT - MARK_INSET - MARK_SIZE, MARK_SIZE, MARK_SIZE),
    Rect(
        PAGE_WIDTH - MARK_INSET - MARK_SIZE,
        PAGE_HEIGHT - MARK_INSET - MARK_SIZE,
        MARK_SIZE,
        MARK_SIZE,
    ),
)  # top-left, top-right, bottom-left, bottom-right


@dataclass
class Layout:
    variant: str
    rtl: bool
    qr: Rect
    code: Rect
    pages: list[Page]

    @property
    def style(self) -> Style:
        return STYLES[self.variant]

    def boxes(self, field_name: str | None = None) -> list[tuple[int, Box]]:
        """(page number, box) of every tick box, or of one field's."""
        return [
            (page.number, box)
            for page in self.pages
            for box in page.boxes
            if field_name is None or box.field == field_name
        ]

    def areas(self) -> list[tuple[int, Area]]:
        return [(page.number, area) for page in self.pages for area in page.areas]

    def to_dict(self) -> dict:
        return {
            "variant": self.variant,
            "rtl": self.rtl,
            "qr": self.qr.as_list(),
            "code": self.code.as_list(),
            "pages": [
                {
                    "boxes": [
                        [b.field, b.value, b.rect.as_list(), b.label.as_list()] for b in p.boxes
                    ],
                    "areas": [[a.field, a.rect.as_list()] for a in p.areas],
                    "blocks": [[b.role, b.rect.as_list()] for b in p.blocks],
                }
                for p in self.pages
            ],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Layout":
        pages = [
            Page(
                number=number,
                boxes=[Box(f, v, Rect(*r), Rect(*label)) for f, v, r, label in page["boxes"]],
                areas=[Area(f, Rect(*r)) for f, r in page["areas"]],
                blocks=[Block(role, Rect(*r)) for role, r in page["blocks"]],
            )
            for number, page in enumerate(data["pages"], start=1)
        ]
        return cls(data["variant"], data["rtl"], Rect(*data["qr"]), Rect(*data["code"]), pages)


@dataclass(frozen=True)
class Wording:
    """The printed texts whose length decides how much room they take, in the form's
    language. Options are (value, label) pairs in print order."""

    blocks: dict[str, str]  # role -> text
    kinds: list[tuple[str, str]]
    heights: list[tuple[str, str]]
    life_domains: list[tuple[str, str]]
    neighbourhoods: list[tuple[str, str]]
    consent: str


def text_lines(text: str, width: float, font_pt: float) -> int:
    """How many lines `text` takes in a column `width` mm wide, erring on the long side.

    An average glyph is about half an em wide in the fonts we print with; words wrap
    whole, so a line is filled greedily word by word.
    """
    per_line = max(1, int(width / (font_pt * PT * 0.55)))
    lines, used = 1, 0
    for word in text.split():
        length = len(word)
        while length > per_line:  # a word longer than a line breaks anywhere
            lines, length = lines + (1 if used else 0) + 1, length - per_line
            used = 0
        if used and used + 1 + length > per_line:
            lines, used = lines + 1, length
        else:
            used = used + (1 if used else 0) + length
    return lines


HEADER_TOP = MARK_INSET + MARK_SIZE + 4  # below the top corner marks
FOOTER_BOTTOM = PAGE_HEIGHT - MARK_INSET - MARK_SIZE - 4
GAP = 5.0  # between sections


class _Pages:
    """A cursor that lays sections down the page and starts a new page when one is full."""

    def __init__(self, style: Style, content_top: float):
        self.style = style
        self.content_top = content_top
        self.pages = [Page(1)]
        self.y = content_top

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def room_for(self, height: float) -> None:
        if self.y + height > FOOTER_BOTTOM:
            self.pages.append(Page(len(self.pages) + 1))
            self.y = self.content_top

    def text(self, role: str, text: str, pt: float, line: float, space_after: float) -> None:
        width = PAGE_WIDTH - 2 * MARGIN
        height = text_lines(text, width, pt) * line
        self.room_for(height)
        self.page.blocks.append(Block(role, Rect(MARGIN, self.y, width, height)))
        self.y += height + space_after

    def options(self, field_name: str, options: list[tuple[str, str]], columns: int) -> None:
        style = self.style
        width = (PAGE_WIDTH - 2 * MARGIN) / columns
        label_width = width - style.box - 4
        rows = [options[i : i + columns] for i in range(0, len(options), columns)]
        for row in rows:
            height = max(
                max(style.box, text_lines(label, label_width, style.font_pt) * style.line)
                for _, label in row
            )
            self.room_for(height)
            for column, (value, _) in enumerate(row):
                x = MARGIN + column * width
                box = Rect(x, self.y, style.box, style.box)
                label = Rect(x + style.box + 2.5, self.y, label_width, height)
                self.page.boxes.append(Box(field_name, value, box, label))
            self.y += height + style.box * 0.45

    def area(self, field_name: str, height: float) -> None:
        self.room_for(height)
        rect = Rect(MARGIN, self.y, PAGE_WIDTH - 2 * MARGIN, height)
        self.page.areas.append(Area(field_name, rect))
        self.y += height


def build(variant: str, rtl: bool, wording: Wording) -> Layout:
    """The layout of a form in one language and variant, with the options it offers."""
    style = STYLES[variant]
    qr = Rect(PAGE_WIDTH - MARGIN - style.qr, HEADER_TOP, style.qr, style.qr)
    code = Rect(MARGIN, HEADER_TOP, PAGE_WIDTH - 2 * MARGIN - style.qr - 4, style.qr)
    pages = _Pages(style, content_top=HEADER_TOP + style.qr + 6)

    def heading(role: str) -> None:
        # keep a question together with at least its first answer line
        text = wording.blocks[role]
        width = PAGE_WIDTH - 2 * MARGIN
        pages.room_for(text_lines(text, width, style.heading_pt) * style.heading_line + 12)
        pages.text(role, text, style.heading_pt, style.heading_line, 2.5)

    def note(role: str) -> None:
        pages.text(role, wording.blocks[role], style.font_pt, style.line, 2.5)

    note("intro")
    pages.y += GAP - 2.5
    heading("question.kind")
    pages.options("kind", wording.kinds, 1)
    pages.y += GAP
    heading("question.text")
    pages.area("text", style.text_area)
    pages.y += GAP
    heading("question.height")
    pages.options("height", wording.heights, 1)
    pages.y += GAP
    if wording.life_domains:
        heading("question.life_domain")
        pages.options("life_domain", wording.life_domains, style.life_domain_columns)
        pages.y += GAP
    if wording.neighbourhoods:
        heading("question.neighbourhood")
        pages.options("neighbourhood", wording.neighbourhoods, style.neighbourhood_columns)
        pages.y += GAP
    heading("question.contact")
    pages.options("consent", [("yes", wording.consent)], 1)
    note("contact.hint")
    pages.area("contact", style.contact_area)
    pages.y += GAP
    heading("heading.privacy")
    note("privacy")
    heading("heading.return")
    note("return")

    layout = Layout(variant, rtl, qr, code, pages.pages)
    return mirrored(layout) if rtl else layout


def mirrored(layout: Layout) -> Layout:
    """The same layout for a right-to-left language: every rectangle flipped left to right."""
    return Layout(
        layout.variant,
        True,
        layout.qr.mirrored(),
        layout.code.mirrored(),
        [
            Page(
                page.number,
                [replace(b, rect=b.rect.mirrored(), label=b.label.mirrored()) for b in page.boxes],
                [replace(a, rect=a.rect.mirrored()) for a in page.areas],
                [replace(b, rect=b.rect.mirrored()) for b in page.blocks],
            )
            for page in layout.pages
        ],
    )


def qr_payload(prefix: str, code: str, page: int) -> str:
    """What a page's QR code says: whose portal, which form, which page.

    Upper case letters, digits and ':' only, so the QR code uses its compact
    alphanumeric mode and stays small and robust.
    """
    return f"{prefix}:{code}:{page}"


def parse_qr_payload(payload: str) -> tuple[str, str, int] | None:
    """(prefix, code, page) from a QR payload, or None if it is not one of a form's."""
    parts = payload.strip().split(":")
    if len(parts) != 3 or not parts[2].isdigit():
        return None
    prefix, code, page = parts
    return prefix, code, int(page)


def qr_prefix(municipality: str) -> str:
    """The portal's mark in QR codes, from the gemeente's name: MEEDOEN-RIJNWAARDE."""
    letters = "".join(c if c.isalnum() and c.isascii() else "-" for c in municipality.upper())
    return "MEEDOEN-" + "-".join(part for part in letters.split("-") if part)


def lines_in(area: Rect, gap: float) -> int:
    """How many ruled lines fit in a writing area."""
    return max(1, math.floor(area.h / gap))
