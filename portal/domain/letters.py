"""Feedback on paper: which residents get a letter about their input, and what it says.

A resident hears back by letter when they took part on paper, with help or on the phone
and gave a postal address. Someone who told a member of staff (with help or on the phone)
and left no contact details at all gets a letter too, handed over by the wijkteam: they
may have no email and no fixed address, and the wijkteam knows how to reach them.
Letters are not tracked yet: which went out is for later.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from portal.domain import audit, receipts
from portal.languages import LANGUAGES
from portal.models import (
    ASSISTED_CHANNELS,
    ContactDetails,
    StaffUser,
    Submission,
    Theme,
    utcnow,
)

LETTER_CHANNELS = ("paper", *ASSISTED_CHANNELS)
EXCERPT_LENGTH = 600
HANDOVER_LIST_LIMIT = 200  # rows the staff page lists; the counts cover them all


@dataclass(frozen=True)
class LetterFilter:
    channel: str | None = None  # one of LETTER_CHANNELS, or every one of them
    since: date | None = None  # received on or after this day

    def __post_init__(self):
        if self.channel is not None and self.channel not in LETTER_CHANNELS:
            raise ValueError(f"no letters for channel {self.channel!r}")


@dataclass(frozen=True)
class Letter:
    """One letter: to a postal address, or (without one) handed over by the wijkteam."""

    submission: Submission
    postal_address: str | None
    entered_by: str | None  # the email of whoever typed the input in
    themes: tuple[Theme, ...] = ()  # published themes it belongs to

    @property
    def code(self) -> str:
        return self.submission.receipt_code

    @property
    def display_code(self) -> str:
        return receipts.display(self.submission.receipt_code)

    @property
    def language(self) -> str:
        return self.submission.language

    @property
    def by_wijkteam(self) -> bool:
        return self.postal_address is None

    @property
    def excerpt(self) -> str:
        return excerpt(self.submission.text)

    @property
    def shortened(self) -> bool:
        return len(self.submission.text) > EXCERPT_LENGTH


@dataclass(frozen=True)
class LanguageCount:
    language: str
    by_post: int
    by_wijkteam: int

    @property
    def total(self) -> int:
        return self.by_post + self.by_wijkteam


def excerpt(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """The start of a text, cut at a space near `limit` rather than inside a word."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-\n") + "…"


def _language_order():
    """Languages in the order the portal lists them; any other code after them."""
    return case(
        {code: position for position, code in enumerate(LANGUAGES)},
        value=Submission.language,
        else_=len(LANGUAGES),
    )


def _eligible(filters: LetterFilter, today: date):
    by_post = and_(ContactDetails.postal_address.is_not(None), ContactDetails.retain_until >= today)
    by_wijkteam = and_(Submission.channel.in_(ASSISTED_CHANNELS), ContactDetails.id.is_(None))
    conditions = [
        Submission.channel.in_([filters.channel] if filters.channel else LETTER_CHANNELS),
        or_(by_post, by_wijkteam),
    ]
    if filters.since is not None:
        conditions.append(Submission.created_at >= datetime.combine(filters.since, time(), UTC))
    return conditions


def counts(
    session: Session, filters: LetterFilter, today: date | None = None
) -> list[LanguageCount]:
    """How many letters are ready, per language, by post and through the wijkteam."""
    today = today or utcnow().date()
    by_post = case((ContactDetails.postal_address.is_not(None), 1), else_=0)
    rows = session.execute(
        select(Submission.language, func.sum(by_post), func.count())
        .outerjoin(ContactDetails, ContactDetails.submission_id == Submission.id)
        .where(*_eligible(filters, today))
        .group_by(Submission.language)
        .order_by(_language_order(), Submission.language)
    )
    return [LanguageCount(language, post, total - post) for language, post, total in rows]


def _query(filters: LetterFilter, today: date):
    return (
        select(Submission, StaffUser.email)
        .outerjoin(ContactDetails, ContactDetails.submission_id == Submission.id)
        .outerjoin(StaffUser, StaffUser.id == Submission.entered_by)
        .where(*_eligible(filters, today))
        .options(contains_eager(Submission.contact))
    )


def handovers(
    session: Session,
    filters: LetterFilter,
    today: date | None = None,
    limit: int = HANDOVER_LIST_LIMIT,
) -> list[Letter]:
    """The letters the wijkteam hands over, newest first, with who typed the input in."""
    query = (
        _query(filters, today or utcnow().date())
        .where(ContactDetails.id.is_(None))
        .order_by(Submission.created_at.desc(), Submission.id.desc())
        .limit(limit)
    )
    return [Letter(submission, None, email) for submission, email in session.execute(query)]


def letters(session: Session, filters: LetterFilter, today: date | None = None) -> list[Letter]:
    """Every letter to print, grouped by language and oldest input first within one."""
    query = (
        _query(filters, today or utcnow().date())
        .options(selectinload(Submission.themes))
        .order_by(_language_order(), Submission.language, Submission.created_at, Submission.id)
    )
    return [
        Letter(
            submission,
            submission.contact.postal_address if submission.contact else None,
            email,
            public_themes(session, submission),
        )
        for submission, email in session.execute(query)
    ]


def public_themes(session: Session, submission: Submission) -> tuple[Theme, ...]:
    """The published themes a submission belongs to now: a merged theme counts as the one
    it went into."""
    found: dict[int, Theme] = {}
    for theme in submission.themes:
        seen = set()
        while theme.merged_into_id is not None and theme.id not in seen:
            seen.add(theme.id)
            theme = session.get(Theme, theme.merged_into_id)
        if theme.published and theme.merged_into_id is None:
            found[theme.id] = theme
    return tuple(sorted(found.values(), key=lambda theme: theme.title.lower()))


def record_printed(
    session: Session, actor: StaffUser, filters: LetterFilter, printed: list[Letter]
) -> None:
    """Note in the audit trail that letters were made, how many and for what filter."""
    audit.record_event(
        session,
        actor,
        "letters.print",
        "submission",
        None,
        after={
            "count": len(printed),
            "channel": filters.channel,
            "since": filters.since.isoformat() if filters.since else None,
            "languages": dict(Counter(letter.language for letter in printed)),
            "by_wijkteam": sum(letter.by_wijkteam for letter in printed),
        },
    )
