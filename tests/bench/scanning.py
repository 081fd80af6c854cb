"""The scan bench: how well and how fast returned paper forms are read.

    .venv/bin/python -m tests.bench.scanning        (part of: make bench)

Batches in Dutch and Arabic, in ordinary and large print, are rendered as the portal
prints them and filled in by tests/scan_samples.py (crosses, ticks and blobs of varying
pen width, now and then two boxes in one question, scribbles in the writing areas), then
put through a simulated sheet feeder: up to 3 degrees of skew, a shift, blur, noise and
dust, some pages upside down or on their side, the stack shuffled, and a few pages that
are no form at all. The stack goes through the importer (portal.domain.scanning) in
uploads of 50 pages, as PDFs with JPEG pages, into a fresh SQLite database.

Reported: pages per second through the importer (reading the PDF, finding each form,
reading its boxes, cutting out and storing the handwriting); box accuracy (every box's
marked or empty state against what was inked; an unclear box counts as wrong); question
accuracy (value and flag); and forms mixed up (a page put with another form or page).

Targets: box accuracy >= 99%, no form mixed up, >= 5 pages a second.
Prints a table and then one JSON object; exit 1 when a target is missed.
"""

import json
import os
import random
import sys
import time

os.environ.pop("TEST_DATABASE_URL", None)  # always its own SQLite file

from sqlalchemy import select  # noqa: E402

from portal import create_app  # noqa: E402
from portal.db import engine_for, session_for  # noqa: E402
from portal.domain import scanning  # noqa: E402
from portal.models import ScanPage  # noqa: E402
from tests import scan_samples as samples  # noqa: E402
from tests.databases import migrate, test_database_url  # noqa: E402

# (language, variant, forms): 2 pages a form in ordinary print, 3 in large print.
BATCHES = [("nl", "standard", 40), ("ar", "standard", 20), ("nl", "large_print", 14),
           ("ar", "large_print", 14)]  # fmt: skip
NOT_FORMS = 6
UPLOAD_PAGES = 50
TARGETS = {"box_accuracy": 0.99, "mixed_up": 0, "pages_per_s": 5.0}


def make_stack(app) -> tuple[list, list]:
    """The scanned pages in upload order, and the rendered batches."""
    rng = random.Random(2026)
    batches, stack = [], []
    for language, variant, forms in BATCHES:
        batch = samples.render_batch(app, language, variant, forms, seed=len(batches))
        batches.append(batch)
        stack += samples.scanned_batch(batch, rng, upside_down=0.1, sideways=0.03)
    for _ in range(NOT_FORMS):
        stack.append(
            samples.ScannedPage(samples.blank_page(rng), samples.Expected(None, None, "no_code"))
        )
    rng.shuffle(stack)
    return stack, batches


def score(session, stack, rows: list[ScanPage], batches) -> dict:
    layouts = {code: batch.layout for batch in batches for code in batch.codes}
    boxes = boxes_right = unclear = questions = questions_right = 0
    weakest_mark, darkest_empty = 100.0, 0.0
    mixed_up = not_read = 0
    for scanned, row in zip(stack, rows, strict=True):
        want = scanned.expected
        if want.outcome != "read":
            mixed_up += row.outcome != want.outcome
            continue
        if row.outcome != "read":
            not_read += 1
            continue
        if (row.form_code, row.form_page) != (want.code, want.page):
            mixed_up += 1
            continue
        page = layouts[want.code].pages[want.page - 1]
        for name, reading in row.readings.items():
            field_boxes = [box for box in page.boxes if box.field == name]
            for box, ratio in zip(field_boxes, reading["ratios"], strict=True):
                state = scanning.box_state(ratio, box.rect)
                unclear += state == "unclear"
                inked = (name, box.value) in want.marked
                ink = ratio * (box.rect.w - 2 * scanning.BOX_INSET) ** 2
                if inked:
                    weakest_mark = min(weakest_mark, ink)
                else:
                    darkest_empty = max(darkest_empty, ink)
                boxes += 1
                boxes_right += state == ("marked" if inked else "empty")
    # Questions as the keying screen gets them: each form's pages combined.
    forms = {scanned.form.code: scanned.form for scanned in stack if scanned.form}
    for code, want in forms.items():
        reading = scanning.latest_reading(session, code)
        for name in {box.field for _, box in layouts[code].boxes()}:
            questions += 1
            questions_right += (reading.values[name], name in reading.flagged) == (
                want.values.get(name),
                name in want.flagged,
            )
    return {
        "boxes": boxes,
        "box_accuracy": round(boxes_right / boxes, 5),
        "unclear_boxes": unclear,
        # The margins: ink (mm²) in the faintest inked box and in the darkest empty one.
        "weakest_mark_mm2": round(weakest_mark, 2),
        "darkest_empty_mm2": round(darkest_empty, 2),
        "questions": questions,
        "question_accuracy": round(questions_right / questions, 5),
        "mixed_up": mixed_up,
        "not_read": not_read,
    }


def main() -> int:
    url = test_database_url("bench-scanning")
    migrate(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "s" * 40, "TESTING": True})
    started = time.perf_counter()
    stack, batches = make_stack(app)
    made_seconds = time.perf_counter() - started
    uploads = [
        samples.pdf_of([page.image for page in stack[i : i + UPLOAD_PAGES]])
        for i in range(0, len(stack), UPLOAD_PAGES)
    ]
    prefix = samples.prefix()

    rows: list[ScanPage] = []
    seconds = 0.0
    with session_for(app) as session:
        for batch in batches:
            samples.store_batch(session, batch)
        session.commit()
        for number, data in enumerate(uploads, start=1):
            began = time.perf_counter()
            upload = scanning.import_scan(session, None, data, f"stapel-{number}.pdf", prefix)
            session.commit()
            seconds += time.perf_counter() - began
            rows += session.scalars(
                select(ScanPage).where(ScanPage.upload_id == upload.id).order_by(ScanPage.position)
            )
        figures = {
            "pages": len(stack),
            "forms": sum(len(batch.codes) for batch in batches),
            "uploads": len(uploads),
            "upload_mb": round(sum(len(data) for data in uploads) / 1e6, 1),
            "made_s": round(made_seconds, 1),
            "import_s": round(seconds, 1),
            "pages_per_s": round(len(stack) / seconds, 1),
            **score(session, stack, rows, batches),
        }
    engine_for(app).dispose()

    missed = []
    if figures["box_accuracy"] < TARGETS["box_accuracy"]:
        missed.append(f"box accuracy {figures['box_accuracy']:.2%} < 99%")
    if figures["mixed_up"] > TARGETS["mixed_up"]:
        missed.append(f"{figures['mixed_up']} pages put with the wrong form")
    if figures["pages_per_s"] < TARGETS["pages_per_s"]:
        missed.append(f"{figures['pages_per_s']} pages/s < {TARGETS['pages_per_s']}")
    figures["targets"] = TARGETS
    figures["missed"] = missed

    print(
        f"\nScan bench: {figures['pages']} pages of {figures['forms']} forms and "
        f"{NOT_FORMS} other pages (made in {made_seconds:.0f} s)"
    )
    took = f"{figures['import_s']} s for {figures['upload_mb']} MB in {len(uploads)} uploads"
    print(f"  importer             {figures['pages_per_s']:>8} pages/s ({took})")
    print(f"  box accuracy         {figures['box_accuracy']:>8.2%} of {figures['boxes']} boxes "
          f"({figures['unclear_boxes']} unclear)")  # fmt: skip
    print(f"  faintest mark        {figures['weakest_mark_mm2']:>8} mm² of ink "
          f"(marked from {scanning.MARKED_FROM}); darkest empty box "
          f"{figures['darkest_empty_mm2']} mm² (empty below {scanning.EMPTY_BELOW})")  # fmt: skip
    print(f"  question accuracy    {figures['question_accuracy']:>8.2%} of "
          f"{figures['questions']} questions (value and flag, per form)")  # fmt: skip
    print(f"  forms mixed up       {figures['mixed_up']:>8}")
    print(f"  form pages not read  {figures['not_read']:>8}")
    print("Targets missed:" if missed else "All scan targets met.", *missed, sep="\n  - ")
    print(json.dumps(figures))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
