"""Feedback on paper: which residents get a letter about their input, and what it says.

A resident hears back by letter when they took part on paper, with help or on the phone
and gave a postal address. Someone who told a member of staff (with help or on the phone)
and left no contact details at all gets a letter too, handed over by the wijkteam: they
may have no email and no fixed address, and the wijkteam knows how to reach them.
Letters with a theme's published feedback are tracked: publishing queues a letter
notification (portal.domain.notify) and a letter run takes every waiting one, so each
resident gets that letter once and a run can be printed again.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session, contains_eager, selectinload

from portal.domain import actions, audit, feedback, receipts
from portal.languages import LANGUAGES
from portal.models import (
    ASSISTED_CHANNELS,
    ContactDetails,
    LetterRun,
    Notification,
    StaffUser,
    Submission,
    Theme,
    ThemeAction,
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
class ThemeReport:
    """What a letter says about a theme with published feedback."""

    feedback: feedback.ShownFeedback | None
    actions: tuple[ThemeAction, ...]


@dataclass(frozen=True)
class Letter:
    """One letter: to a postal address, or (without one) handed over by the wijkteam."""

    submission: Submission
    postal_address: str | None
    entered_by: str | None  # the email of whoever typed the input in
    themes: tuple[Theme, ...] = ()  # published themes it belongs to
    reports: dict[int, ThemeReport] | None = None  # by theme id, where feedback is published

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
    by_wijkteam = and_(
        Submission.channel.in_(ASSISTED_CHANNELS),
        ContactDetails.id.is_(None),
        Submission.contact_withdrawn_at.is_(None),  # who removed their details: no letter
    )
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
    reports = _Reports(session)
    return [reports.letter(submission, email) for submission, email in session.execute(query)]


class _Reports:
    """Builds letters with each theme's feedback, read once per theme and language."""

    def __init__(self, session: Session):
        self.session = session
        self.cache: dict[tuple[int, str], ThemeReport] = {}

    def report(self, theme: Theme, language: str) -> ThemeReport:
        key = (theme.id, language)
        if key not in self.cache:
            self.cache[key] = ThemeReport(
                feedback.shown(self.session, theme, language),
                tuple(actions.for_theme(self.session, theme.id)),
            )
        return self.cache[key]

    def letter(self, submission: Submission, entered_by: str | None) -> Letter:
        themes = public_themes(self.session, submission)
        return Letter(
            submission,
            submission.contact.postal_address if submission.contact else None,
            entered_by,
            themes,
            {
                theme.id: self.report(theme, submission.language)
                for theme in themes
                if theme.feedback_published_at is not None
            },
        )


# --- letters about published feedback: runs ---------------------------------------------


def waiting_feedback_letters(session: Session) -> int:
    """How many residents wait for a letter about published feedback."""
    return session.scalar(
        select(func.count(func.distinct(Notification.submission_id))).where(
            Notification.medium == "letter", Notification.status == "pending"
        )
    )


def start_run(session: Session, actor: StaffUser | None) -> LetterRun | None:
    """Take every waiting feedback letter into a new run; None when nothing waits.

    A paper contributor whose address was removed in the meantime gets no letter: their
    notification is cancelled. The caller commits.
    """
    now = utcnow()
    no_address = select(Submission.id).where(
        Submission.channel == "paper",
        ~select(ContactDetails.id)
        .where(
            ContactDetails.submission_id == Submission.id,
            ContactDetails.postal_address.is_not(None),
        )
        .exists(),
    )
    session.execute(
        update(Notification)
        .where(
            Notification.medium == "letter",
            Notification.status == "pending",
            Notification.submission_id.in_(no_address),
        )
        .values(status="cancelled", last_error="no postal address")
    )
    run = LetterRun(created_by=actor.id if actor is not None else None)
    session.add(run)
    session.flush()
    taken = session.execute(
        update(Notification)
        .where(Notification.medium == "letter", Notification.status == "pending")
        .values(status="sent", sent_at=now, letter_run_id=run.id)
    ).rowcount
    if not taken:
        session.delete(run)
        return None
    run.letters = session.scalar(
        select(func.count(func.distinct(Notification.submission_id))).where(
            Notification.letter_run_id == run.id
        )
    )
    audit.record(session, actor, "letters.feedback", run, None, {"letters": run.letters})
    return run


def run_letters(session: Session, run_id: int) -> list[Letter]:
    """The letters of a run, grouped by language, as they were and are to be printed."""
    in_run = select(Notification.submission_id).where(Notification.letter_run_id == run_id)
    query = (
        select(Submission, StaffUser.email)
        .outerjoin(ContactDetails, ContactDetails.submission_id == Submission.id)
        .outerjoin(StaffUser, StaffUser.id == Submission.entered_by)
        .where(Submission.id.in_(in_run))
        .options(contains_eager(Submission.contact), selectinload(Submission.themes))
        .order_by(_language_order(), Submission.language, Submission.created_at, Submission.id)
    )
    reports = _Reports(session)
    return [reports.letter(submission, email) for submission, email in session.execute(query)]


def recent_runs(session: Session, limit: int = 20) -> list[LetterRun]:
    return list(session.scalars(select(LetterRun).order_by(LetterRun.id.desc()).limit(limit)))


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
