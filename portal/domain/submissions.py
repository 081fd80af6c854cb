"""Receiving input from residents and looking it up by receipt code."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from portal.domain import drafts, receipts
from portal.models import ContactDetails, LifeDomain, Neighbourhood, Submission, utcnow


@dataclass(frozen=True)
class Answers:
    """What a resident told us, checked by the form."""

    kind: str
    text: str
    language: str
    life_domain_id: int | None = None
    neighbourhood_id: int | None = None
    height: int | None = None
    email: str | None = None
    postal_address: str | None = None  # given on paper or to a wijkteam, not on the web

    def __post_init__(self):
        if self.kind != "obstacle" and self.height is not None:
            object.__setattr__(self, "height", None)


def submit(
    session: Session,
    answers: Answers,
    *,
    channel: str = "web",
    draft_token: str | None = None,
    retain_contact_until: date | None = None,
    receipt_code: str | None = None,
    entered_by: int | None = None,
    resident_consent_at: datetime | None = None,
) -> Submission:
    """Store one submission and return it; the caller commits.

    Sending the same draft twice (a double click, a resent form, two tabs) returns the
    submission that the first send made instead of making a second one. A paper form
    brings its own `receipt_code` (the code printed on it); staff who type input in for
    a resident are `entered_by`.
    """
    if draft_token:
        existing = sent_from_draft(session, draft_token)
        if existing is not None:
            return existing

    submission = Submission(
        receipt_code=receipt_code or _unused_code(session),
        kind=answers.kind,
        text=answers.text,
        language=answers.language,
        life_domain_id=_existing(session, LifeDomain, answers.life_domain_id),
        neighbourhood_id=_existing(session, Neighbourhood, answers.neighbourhood_id),
        height=answers.height,
        channel=channel,
        draft_token=draft_token,
        entered_by=entered_by,
        resident_consent_at=resident_consent_at,
    )
    if answers.email or answers.postal_address:
        if retain_contact_until is None:
            raise ValueError("contact details are only kept with a date to remove them")
        submission.contact = ContactDetails(
            email=answers.email,
            postal_address=answers.postal_address,
            retain_until=retain_contact_until,
        )
    try:
        with session.begin_nested():
            session.add(submission)
            session.flush()
    except IntegrityError:
        # Another request sent the same draft at the same moment and won.
        existing = sent_from_draft(session, draft_token) if draft_token else None
        if existing is None:
            raise
        return existing
    if draft_token:
        drafts.discard(session, draft_token)
    return submission


def contact_retained_until(days: int, today: date | None = None) -> date:
    """The last day that contact details given today are kept."""
    return (today or utcnow().date()) + timedelta(days=days)


def find_by_code(session: Session, code: str) -> Submission | None:
    """The submission with this receipt code, in any form a person may type it."""
    try:
        canonical = receipts.normalise(code)
    except receipts.InvalidCode:
        return None
    return session.scalar(
        select(Submission)
        .options(joinedload(Submission.contact))  # the status page shows it; one query
        .where(Submission.receipt_code == canonical)
    )


def sent_from_draft(session: Session, token: str) -> Submission | None:
    """The submission a draft became, if it was sent already."""
    return session.scalar(select(Submission).where(Submission.draft_token == token))


def _existing(session: Session, model, key: int | None) -> int | None:
    """The key if that row exists and is active; a stale choice is dropped, not an error."""
    if key is None:
        return None
    row = session.get(model, key)
    return key if row is not None and row.active else None


def _unused_code(session: Session) -> str:
    # 55 random bits make a clash all but impossible; checking costs one indexed read.
    while True:
        code = receipts.new_code()
        if session.scalar(select(Submission.id).where(Submission.receipt_code == code)) is None:
            return code
