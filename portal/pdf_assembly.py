"""A batch PDF put together from one rendered form and, per form, what differs.

Every form of a batch is the same but for its code, its sheet numbers and its QR codes.
Laying out and drawing the same page 500 times costs WeasyPrint minutes; instead the
form is rendered once, each of its pages becomes a Form XObject that every copy draws
(so it is stored once, too), and each copy's own page is a small rendered stamp with
the code as real text, with the QR code drawn on it as filled rectangles.
"""

from io import BytesIO

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
)

MM = 72 / 25.4  # PDF points in a millimetre


def assemble(base_pdf: bytes, stamp_pdf: bytes, qr_drawings: list[bytes]) -> bytes:
    """Stamp page k gets base page k mod (base pages) beneath it and qr_drawings[k] on it."""
    base = PdfReader(BytesIO(base_pdf))
    stamps = PdfReader(BytesIO(stamp_pdf))
    writer = PdfWriter()
    forms = [_as_form_xobject(writer, page) for page in base.pages]
    for number, stamp in enumerate(stamps.pages):
        page = writer.add_page(stamp)
        name = f"/MeedoenForm{number % len(forms)}"
        resources = page[NameObject("/Resources")].get_object()
        xobjects = resources.get(NameObject("/XObject"))
        if xobjects is None:
            xobjects = DictionaryObject()
            resources[NameObject("/XObject")] = xobjects
        xobjects.get_object()[NameObject(name)] = forms[number % len(forms)]
        own = page.get_contents().get_data() if page.get_contents() is not None else b""
        content = DecodedStreamObject()
        # Each part in its own graphics state: WeasyPrint's content changes the CTM.
        parts = (b"q " + name.encode() + b" Do Q", b"q", own, b"Q", qr_drawings[number])
        content.set_data(b"\n".join(parts))
        page.replace_contents(content.flate_encode())
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _as_form_xobject(writer: PdfWriter, page):
    form = DecodedStreamObject()
    form.set_data(page.get_contents().get_data())
    box = page.mediabox
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                FloatObject(v) for v in (box.left, box.bottom, box.right, box.top)
            ),
            NameObject("/Resources"): page[NameObject("/Resources")].clone(writer),
        }
    )
    return writer._add_object(form.flate_encode())


def qr_drawing(matrix, x_mm: float, y_mm: float, size_mm: float, page_height: float) -> bytes:
    """PDF operators that fill the dark modules of a QR `matrix` (rows of 0/1, no quiet
    zone) in a square of `size_mm` at (x_mm, y_mm) from the top-left, leaving a quiet
    zone of four modules inside the square. Runs of dark modules in a row are one
    rectangle."""
    modules = len(matrix) + 8
    step = size_mm * MM / modules
    left = x_mm * MM + 4 * step
    top = page_height - y_mm * MM - 4 * step
    ops = [b"q 0 g"]
    for row_index, row in enumerate(matrix):
        y = top - (row_index + 1) * step
        column = 0
        while column < len(row):
            if row[column]:
                run = column
                while run < len(row) and row[run]:
                    run += 1
                ops.append(
                    b"%.3f %.3f %.3f %.3f re"
                    % (left + column * step, y, (run - column) * step, step)
                )
                column = run
            else:
                column += 1
    ops.append(b"f Q")
    return b"\n".join(ops)
