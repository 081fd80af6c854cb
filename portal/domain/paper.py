"""Paper batches and form codes: what a wijkteam prints, and checking a code keyed back in.

A form's code has the same shape as a receipt code (12 characters with a check character)
and becomes the receipt code of the submission keyed from it: the resident who keeps the
strip with the code follows a paper form like a web one. The caller commits.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import audit, receipts, text
from portal.languages import LANGUAGES
from portal.models import (
    BATCH_MAX_FORMS,
    VARIANTS,
    PaperBatch,
    PaperForm,
    StaffUser,
    Submission,
)


class PaperError(ValueError):
    """A rule about batches or codes was broken; `code` says which, for a message."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class BatchRequest:
    language: str
    variant: str
    forms: int
    place: str
    handout_date: date
    neighbourhood_id: int | None = None
    double_keying: bool = False


def create_batch(session: Session, actor: StaffUser | None, request: BatchRequest) -> PaperBatch:
    """A batch with `forms` forms, each with a fresh code used nowhere else."""
    if request.language not in LANGUAGES:
        raise PaperError("unknown_language")
    if request.variant not in VARIANTS:
        raise PaperError("unknown_variant")
    if not 1 <= request.forms <= BATCH_MAX_FORMS:
        raise PaperError("forms_range", maximum=BATCH_MAX_FORMS)
    place = text.clean(request.place or "")
    if not place or len(place) > 120:
        raise PaperError("place")
    batch = PaperBatch(
        language=request.language,
        variant=request.variant,
        forms=request.forms,
        place=place,
        neighbourhood_id=request.neighbourhood_id,
        handout_date=request.handout_date,
        double_keying=request.double_keying,
        created_by=actor.id if actor is not None else None,
    )
    session.add(batch)
    session.flush()
    codes = _fresh_codes(session, request.forms)
    session.add_all(
        PaperForm(code=code, batch_id=batch.id, number=number)
        for number, code in enumerate(codes, start=1)
    )
    audit.record(
        session,
        actor,
        "paper_batch.create",
        batch,
        after={
            "language": batch.language,
            "variant": batch.variant,
            "forms": batch.forms,
            "place": batch.place,
            "handout_date": batch.handout_date.isoformat(),
            "double_keying": batch.double_keying,
        },
    )
    return batch


def _fresh_codes(session: Session, count: int) -> list[str]:
    """`count` new codes that are no form's code and no submission's receipt code.

    55 random bits make a clash all but impossible; checking costs two queries and makes
    it impossible, which a code that becomes a receipt code deserves.
    """
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {receipts.new_code() for _ in range(count - len(codes))} - codes
        taken = set(session.scalars(select(PaperForm.code).where(PaperForm.code.in_(wanted))))
        taken |= set(
            session.scalars(
                select(Submission.receipt_code).where(Submission.receipt_code.in_(wanted))
            )
        )
        codes |= wanted - taken
    return sorted(codes)


def form_for_keying(session: Session, typed: str) -> PaperForm:
    """The form with the code a person typed, ready to be keyed in.

    PaperError says why not: "typo" (the check character does not match: a misread
    character), "unknown" (a well-formed code of no batch of ours), or "keyed" (with
    `by` and `at`: who keyed it and when).
    """
    try:
        code = receipts.normalise(typed)
    except receipts.InvalidCode:
        raise PaperError("typo") from None
    form = session.get(PaperForm, code)
    if form is None:
        raise PaperError("unknown")
    if form.submission_id is not None:
        who = session.get(StaffUser, form.keyed_by) if form.keyed_by else None
        raise PaperError("keyed", by=who.email if who else "?", at=form.keyed_at)
    return form


def batch_codes(session: Session, batch: PaperBatch) -> list[tuple[int, str]]:
    """(number, code) of every form in the batch, in print order."""
    query = (
        select(PaperForm.number, PaperForm.code)
        .where(PaperForm.batch_id == batch.id)
        .order_by(PaperForm.number)
    )
    return [(number, code) for number, code in session.execute(query)]
