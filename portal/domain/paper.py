"""Paper batches and form codes: what a wijkteam prints, and checking a code keyed back in.

A form's code has the same shape as a receipt code (12 characters with a check character)
and becomes the receipt code of the submission keyed from it: the resident who keeps the
strip with the code follows a paper form like a web one. The caller commits.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.domain import audit, receipts, submissions, text
from portal.languages import LANGUAGES
from portal.models import (
    BATCH_MAX_FORMS,
    RESIDENT_KINDS,
    VARIANTS,
    Neighbourhood,
    PaperBatch,
    PaperForm,
    PaperKeying,
    StaffUser,
    Submission,
    utcnow,
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


def create_batch(
    session: Session,
    actor: StaffUser | None,
    request: BatchRequest,
    printed: dict | None = None,
    source: str = "wijkteam",
) -> PaperBatch:
    """A batch with `forms` forms, each with a fresh code used nowhere else.

    `printed` is what goes on paper and must be read back the same way: the answer
    options with their labels in the batch's language, and the layout (see
    portal.printing.printed_for).
    """
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
        source=source,
        printed=printed or {},
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


def is_waiting_to_be_keyed(session: Session, code: str) -> bool:
    """Whether `code` (canonical) is a printed form that has not been keyed in yet."""
    query = select(PaperForm.code).where(PaperForm.code == code, PaperForm.submission_id.is_(None))
    return session.scalar(query) is not None


def batch_codes(session: Session, batch: PaperBatch) -> list[tuple[int, str]]:
    """(number, code) of every form in the batch, in print order."""
    query = (
        select(PaperForm.number, PaperForm.code)
        .where(PaperForm.batch_id == batch.id)
        .order_by(PaperForm.number)
    )
    return [(number, code) for number, code in session.execute(query)]


# --- keying returned forms back in ----------------------------------------------------

# The answers on a paper form, in the order they are printed and keyed.
ANSWER_FIELDS = ("kind", "text", "height", "life_domain", "neighbourhood", "consent", "contact")


@dataclass(frozen=True)
class PaperAnswers:
    """What one person typed from one paper form. Empty answers are None (or False)."""

    kind: str | None
    text: str
    height: str | None = None
    life_domain: str | None = None
    neighbourhood: str | None = None
    consent: bool = False
    contact: str | None = None  # an email address or a postal address, as written

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in ANSWER_FIELDS}

    @classmethod
    def from_dict(cls, data: dict) -> "PaperAnswers":
        return cls(**{name: data.get(name) for name in ANSWER_FIELDS})

    def differences(self, other: "PaperAnswers") -> list[str]:
        """The fields where two keyings of the same form disagree. Text is compared with
        its white space tidied: a line break typed elsewhere is no disagreement."""
        return [
            name
            for name in ANSWER_FIELDS
            if _comparable(getattr(self, name)) != _comparable(getattr(other, name))
        ]


def _comparable(value):
    return " ".join(value.split()) if isinstance(value, str) else value


@dataclass(frozen=True)
class Keyed:
    """The outcome of keying a form: a submission, or a round waiting for its pair."""

    submission: Submission | None = None
    waiting_for_second: bool = False
    differences: tuple[str, ...] = ()


def key(
    session: Session,
    actor: StaffUser,
    code: str,
    answers: PaperAnswers,
    retain_contact_until: date,
) -> Keyed:
    """Key a returned form in. A batch that is keyed once makes the submission now; a
    double-keyed batch keeps this keying as round 1 or 2 and makes the submission when
    the two agree, or returns the differences to resolve.

    Two people keying the same form at once: the database lets one of them have the
    round (or the submission) and PaperError("keyed") tells the other.
    """
    form = form_for_keying(session, code)
    _mark_returned(form)
    if not form.batch.double_keying:
        return Keyed(submission=_submit(session, actor, form, answers, retain_contact_until))

    rounds = _rounds(session, form.code)
    if 1 not in rounds:
        _claim_round(session, actor, form, 1, answers)
        return Keyed(waiting_for_second=True)
    if 2 in rounds:  # both keyed and not settled yet: the differences are the answer
        second = PaperAnswers.from_dict(rounds[2].answers)
    elif rounds[1].keyed_by == actor.id:
        raise PaperError("same_person")
    else:
        _claim_round(session, actor, form, 2, answers)
        second = answers
    differences = PaperAnswers.from_dict(rounds[1].answers).differences(second)
    if differences:
        return Keyed(differences=tuple(differences))
    return Keyed(submission=_submit(session, actor, form, second, retain_contact_until))


def keyed_once(session: Session, batch: PaperBatch) -> set[str]:
    """Codes of the batch's forms with a keying round waiting for its pair or a decision."""
    query = (
        select(PaperKeying.form_code)
        .join(PaperForm, PaperForm.code == PaperKeying.form_code)
        .where(PaperForm.batch_id == batch.id, PaperForm.submission_id.is_(None))
    )
    return set(session.scalars(query))


def keying_rounds(session: Session, code: str) -> dict[int, PaperAnswers]:
    """The rounds keyed so far for a double-keyed form, by round number."""
    return {n: PaperAnswers.from_dict(row.answers) for n, row in _rounds(session, code).items()}


def resolve(
    session: Session,
    actor: StaffUser,
    code: str,
    answers: PaperAnswers,
    retain_contact_until: date,
) -> Submission:
    """Accept a double-keyed form with the answers a person settled on, looking at the
    paper and the two keyings side by side."""
    form = form_for_keying(session, code)
    if set(_rounds(session, form.code)) != {1, 2}:
        raise PaperError("not_both_rounds")
    return _submit(session, actor, form, answers, retain_contact_until, resolved=True)


def _rounds(session: Session, code: str) -> dict:
    query = select(PaperKeying).where(PaperKeying.form_code == code)
    return {row.round: row for row in session.scalars(query)}


def _claim_round(session, actor, form: PaperForm, number: int, answers: PaperAnswers) -> None:
    row = PaperKeying(
        form_code=form.code, round=number, answers=answers.as_dict(), keyed_by=actor.id
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise PaperError("round_taken", round=number) from None
    audit.record_event(
        session,
        actor,
        "paper_form.key_round",
        "paper_form",
        None,
        after={"code": form.code, "round": number},
    )


def _mark_returned(form: PaperForm) -> None:
    if form.returned_at is None:
        form.returned_at = utcnow()


def _submit(session, actor, form, answers: PaperAnswers, retain_contact_until, resolved=False):
    """The submission from a paper form, claimed for this form in the same transaction.

    The form's code becomes the receipt code, which is unique: of two transactions
    keying the same form, the second cannot insert and gets PaperError("keyed").
    """
    if answers.kind not in RESIDENT_KINDS:
        raise PaperError("kind")
    email, postal = split_contact(answers.contact) if answers.consent else (None, None)
    try:
        with session.begin_nested():
            submission = submissions.submit(
                session,
                submissions.Answers(
                    kind=answers.kind,
                    text=answers.text,
                    language=form.batch.language,
                    life_domain_id=_int(answers.life_domain),
                    neighbourhood_id=_int(answers.neighbourhood),
                    height=_int(answers.height),
                    email=email,
                    postal_address=postal,
                ),
                channel="paper",
                receipt_code=form.code,
                entered_by=actor.id,
                retain_contact_until=retain_contact_until,
            )
            claimed = session.execute(
                update(PaperForm)
                .where(PaperForm.code == form.code, PaperForm.submission_id.is_(None))
                .values(submission_id=submission.id, keyed_by=actor.id, keyed_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:
                raise IntegrityError("paper_form", None, Exception("claimed already"))
    except IntegrityError:
        session.expire(form)
        who = session.get(StaffUser, form.keyed_by) if form.keyed_by else None
        raise PaperError("keyed", by=who.email if who else "?", at=form.keyed_at) from None
    session.expire(form)
    audit.record(
        session,
        actor,
        "paper_form.resolve" if resolved else "paper_form.key",
        submission,
        after={"code": form.code, "batch": form.batch_id, "channel": "paper"},
    )
    return submission


def split_contact(written: str | None) -> tuple[str | None, str | None]:
    """(email, postal address) from what was written in the contact area: one word with
    an @ is an email address; anything else is a postal address."""
    written = text.clean(written or "")
    if not written:
        return None, None
    if "@" in written and len(written.split()) == 1:
        return written.lower(), None
    return None, written


def _int(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


@dataclass(frozen=True)
class Origin:
    """Who typed a submission in for a resident, and from which batch if it was paper."""

    entered_by: str | None
    batch_id: int | None


def origin_of(session: Session, submission: Submission) -> Origin | None:
    """None for what a resident sent themselves."""
    if submission.entered_by is None and submission.channel == "web":
        return None
    who = session.get(StaffUser, submission.entered_by) if submission.entered_by else None
    batch_id = session.scalar(
        select(PaperForm.batch_id).where(PaperForm.submission_id == submission.id)
    )
    return Origin(who.email if who else None, batch_id)


# --- how far batches are -----------------------------------------------------------------


@dataclass(frozen=True)
class BatchProgress:
    printed: int
    returned: int
    keyed: int

    @property
    def pending(self) -> int:
        """Handed out and not back yet."""
        return self.printed - self.returned


def progress_by_batch(session: Session, batch_ids: list[int]) -> dict[int, BatchProgress]:
    """Printed, returned and keyed forms of each batch, in one query."""
    query = (
        select(
            PaperForm.batch_id,
            func.count(),
            func.count(PaperForm.returned_at),
            func.count(PaperForm.submission_id),
        )
        .where(PaperForm.batch_id.in_(batch_ids))
        .group_by(PaperForm.batch_id)
    )
    return {
        batch_id: BatchProgress(printed, returned, keyed)
        for batch_id, printed, returned, keyed in session.execute(query)
    }


def progress_of_downloads(session: Session) -> BatchProgress:
    """The same figures over every form downloaded from the website, in one query."""
    query = (
        select(
            func.count(PaperForm.code),
            func.count(PaperForm.returned_at),
            func.count(PaperForm.submission_id),
        )
        .join(PaperBatch, PaperBatch.id == PaperForm.batch_id)
        .where(PaperBatch.source == "download")
    )
    return BatchProgress(*session.execute(query).one())


def progress_by_neighbourhood(session: Session) -> list[tuple[str | None, BatchProgress]]:
    """The same figures per wijk where the batches were handed out (None: no wijk)."""
    query = (
        select(
            Neighbourhood.name,
            func.count(),
            func.count(PaperForm.returned_at),
            func.count(PaperForm.submission_id),
        )
        .select_from(PaperForm)
        .join(PaperBatch, PaperBatch.id == PaperForm.batch_id)
        .outerjoin(Neighbourhood, Neighbourhood.id == PaperBatch.neighbourhood_id)
        .where(PaperBatch.source == "wijkteam")
        .group_by(Neighbourhood.name)
        .order_by(Neighbourhood.name)
    )
    return [(name, BatchProgress(p, r, k)) for name, p, r, k in session.execute(query)]
