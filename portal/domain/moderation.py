"""The moderation inbox and what a moderator does to one submission or a selection.

Nothing is ever deleted: hiding keeps the submission, an edit keeps the original text in
the audit trail, a duplicate keeps pointing at its original. Every change is audited in
the caller's transaction; the caller commits.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.domain import audit, text
from portal.models import (
    HIDE_REASONS,
    TEXT_MAX_LENGTH,
    StaffUser,
    Submission,
    Theme,
    theme_submission,
    utcnow,
)

PAGE_SIZE = 50
NO_THEME = 0  # the theme filter's value for "not in any theme yet"


class ModerationError(ValueError):
    """A moderation rule was broken; `code` says which, for a translated message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class InboxFilter:
    kind: str | None = None
    status: str | None = None
    channel: str | None = None
    language: str | None = None
    neighbourhood_id: int | None = None
    life_domain_id: int | None = None
    theme_id: int | None = None  # NO_THEME: only submissions without a theme


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the (created_at, id) of its last row. Newest first, so the next
    page holds what is older than this; stable while new input arrives at the top."""

    created_at: datetime
    id: int

    def encode(self) -> str:
        return f"{self.created_at.isoformat()}~{self.id}"

    @classmethod
    def decode(cls, value: str | None) -> "Cursor | None":
        """A cursor from a URL; anything malformed means "from the start", never an error."""
        if not value or "~" not in value or len(value) > 64:
            return None
        moment, _, id_ = value.rpartition("~")
        if not id_.isdigit() or len(id_) > 18:  # beyond a 64-bit id, the database refuses
            return None
        try:
            return cls(datetime.fromisoformat(moment), int(id_))
        except ValueError:
            return None


@dataclass
class InboxPage:
    submissions: list[Submission]
    next: Cursor | None = None
    filters: InboxFilter = field(default_factory=InboxFilter)


def inbox(
    session: Session, filters: InboxFilter, after: Cursor | None = None, size: int = PAGE_SIZE
) -> InboxPage:
    # The page shows each row's themes and wijk: load them with the page, not row by row.
    query = select(Submission).options(selectinload(Submission.themes))
    for column in ("kind", "status", "channel", "language", "neighbourhood_id", "life_domain_id"):
        value = getattr(filters, column)
        if value is not None:
            query = query.where(getattr(Submission, column) == value)
    if filters.theme_id is not None:
        in_a_theme = exists().where(theme_submission.c.submission_id == Submission.id)
        if filters.theme_id == NO_THEME:
            query = query.where(~in_a_theme)
        else:
            query = query.where(in_a_theme.where(theme_submission.c.theme_id == filters.theme_id))
    if after is not None:
        query = query.where(
            or_(
                Submission.created_at < after.created_at,
                and_(Submission.created_at == after.created_at, Submission.id < after.id),
            )
        )
    query = query.order_by(Submission.created_at.desc(), Submission.id.desc()).limit(size + 1)
    rows = list(session.scalars(query))
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if more else None
    return InboxPage(rows, Cursor(last.created_at, last.id) if last else None, filters)


def counts(session: Session) -> dict[str, int]:
    """What waits for moderators: new input, and published input without a theme."""
    in_a_theme = exists().where(theme_submission.c.submission_id == Submission.id)
    new = session.scalar(select(func.count()).where(Submission.status == "received"))
    loose = session.scalar(select(func.count()).where(Submission.status != "hidden", ~in_a_theme))
    themes = session.scalar(select(func.count()).where(Theme.merged_into_id.is_(None)))
    return {"new": new, "without_theme": loose, "themes": themes}


# --- acting on one submission ------------------------------------------------------------


def _snapshot(submission: Submission) -> dict:
    return {
        "status": submission.status,
        "hidden_reason": submission.hidden_reason,
        "duplicate_of_id": submission.duplicate_of_id,
    }


def _changed(session, actor, action, submission, before: dict, after: dict) -> None:
    submission.moderated_at = utcnow()
    audit.record(session, actor, action, submission, before, after)


def publish(session: Session, actor: StaffUser | None, submission: Submission) -> bool:
    """Put it on the website; False when it was there already (nothing to audit)."""
    if submission.status == "published":
        return False
    before = _snapshot(submission)
    submission.status, submission.hidden_reason = "published", None
    _changed(session, actor, "submission.publish", submission, before, _snapshot(submission))
    return True


def hide(session: Session, actor: StaffUser | None, submission: Submission, reason: str) -> bool:
    """Keep it off the website for `reason`; False when it was hidden so already."""
    if reason not in HIDE_REASONS:
        raise ModerationError("unknown_reason")
    if (submission.status, submission.hidden_reason) == ("hidden", reason):
        return False
    before = _snapshot(submission)
    submission.status, submission.hidden_reason = "hidden", reason
    _changed(session, actor, "submission.hide", submission, before, _snapshot(submission))
    return True


def edit_text(session: Session, actor: StaffUser | None, submission: Submission, new: str) -> bool:
    """Replace the text, e.g. to take out personal data; the original stays in the audit."""
    new = text.clean(new)
    if not new:
        raise ModerationError("empty_text")
    if len(new) > TEXT_MAX_LENGTH:
        raise ModerationError("text_too_long")
    if new == submission.text:
        return False
    before = {"text": submission.text}
    submission.text = new
    _changed(session, actor, "submission.edit_text", submission, before, {"text": new})
    return True


def mark_duplicate(
    session: Session, actor: StaffUser | None, submission: Submission, original: Submission | None
) -> None:
    """Mark as a duplicate of `original` (None: not a duplicate after all).

    A chain is followed to its start, so every duplicate points at the first one.
    """
    if original is not None:
        seen = {submission.id}
        while original.duplicate_of_id is not None and original.id not in seen:
            seen.add(original.id)
            original = session.get(Submission, original.duplicate_of_id)
        if original.id == submission.id:
            raise ModerationError("own_duplicate")
    before = _snapshot(submission)
    submission.duplicate_of_id = original.id if original is not None else None
    _changed(session, actor, "submission.duplicate", submission, before, _snapshot(submission))
    if original is not None:
        # What pointed at this one now points at the first one too.
        followers = select(Submission).where(Submission.duplicate_of_id == submission.id)
        for follower in session.scalars(followers):
            before = _snapshot(follower)
            follower.duplicate_of_id = original.id
            _changed(session, actor, "submission.duplicate", follower, before, _snapshot(follower))


def set_themes(
    session: Session, actor: StaffUser | None, submission: Submission, themes: list[Theme]
) -> None:
    """Make `themes` exactly the themes of this submission."""
    before = sorted(theme.id for theme in submission.themes)
    wanted = sorted({theme.id for theme in themes})
    if before == wanted:
        return
    submission.themes[:] = [theme for theme in themes if theme.merged_into_id is None]
    _changed(
        session, actor, "submission.themes", submission, {"themes": before}, {"themes": wanted}
    )
    for theme in submission.themes:
        # A contributor's comment on what was done is not new input on the problem.
        if theme.id not in before and theme.stage == "reported" and submission.kind != "evaluation":
            _reopen(session, actor, theme)


def _reopen(session: Session, actor: StaffUser | None, theme: Theme) -> None:
    """New input on a theme that was reported back on starts the cycle again."""
    theme.stage, theme.stage_since = "collecting", utcnow()
    audit.record(
        session,
        actor,
        "theme.stage",
        theme,
        {"stage": "reported"},
        {"stage": "collecting", "because": "new_input"},
    )


def add_to_theme(
    session: Session, actor: StaffUser | None, submissions: list[Submission], theme: Theme
) -> int:
    """Add each submission to `theme` (keeping its other themes); returns how many moved."""
    added = 0
    for submission in submissions:
        if theme not in submission.themes:
            set_themes(session, actor, submission, [*submission.themes, theme])
            added += 1
    return added


BULK_ACTIONS = ("publish", "hide", "theme")


def bulk(
    session: Session,
    actor: StaffUser | None,
    submissions: list[Submission],
    action: str,
    *,
    reason: str | None = None,
    theme: Theme | None = None,
) -> int:
    """One action on a selection; returns how many submissions it changed."""
    if action == "publish":
        return sum(publish(session, actor, submission) for submission in submissions)
    if action == "hide":
        return sum(hide(session, actor, submission, reason or "") for submission in submissions)
    if action == "theme":
        if theme is None:
            raise ModerationError("no_theme")
        return add_to_theme(session, actor, submissions, theme)
    raise ModerationError("unknown_action")
