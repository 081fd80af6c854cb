"""Themes: create, rename, merge and split them, and the figures a theme page shows.

A theme's figures count input, not support: every obstacle, idea and "this happens to me
too" weighs one, whatever its channel (a contributor's answer to "does it help?" is counted
apart, in portal.domain.evaluations). Merging never deletes: the merged theme points
at the one it went into. The caller commits.
"""

import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.domain import audit, feedback, moderation, notify, text
from portal.models import (
    STAGES,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Experience,
    StaffUser,
    Submission,
    Theme,
    ThemeAction,
    theme_submission,
    utcnow,
)


class ThemeError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _fields(theme: Theme) -> dict:
    return {
        "title": theme.title,
        "summary": theme.summary,
        "stage": theme.stage,
        "published": theme.published,
    }


def _checked_title(title: str) -> str:
    title = text.clean(title or "")
    if not title:
        raise ThemeError("empty_title")
    if len(title) > TITLE_MAX_LENGTH:
        raise ThemeError("title_too_long")
    return title


def active_themes(session: Session) -> list[Theme]:
    return list(
        session.scalars(
            select(Theme).where(Theme.merged_into_id.is_(None)).order_by(func.lower(Theme.title))
        )
    )


def create(
    session: Session,
    actor: StaffUser | None,
    title: str,
    summary: str = "",
    submissions: list[Submission] = (),
) -> Theme:
    theme = Theme(
        title=_checked_title(title), summary=text.clean(summary or ""), stage="collecting"
    )
    session.add(theme)
    session.flush()
    audit.record(session, actor, "theme.create", theme, None, _fields(theme))
    if submissions:
        moderation.add_to_theme(session, actor, list(submissions), theme)
    return theme


def update(
    session: Session,
    actor: StaffUser | None,
    theme: Theme,
    *,
    title: str,
    summary: str,
    published: bool,
) -> None:
    """Title, summary and publication. The stage moves through `move`, by its rules."""
    summary = text.clean(summary or "")
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise ThemeError("summary_too_long")
    if published and not summary:
        raise ThemeError("publish_without_summary")
    if theme.stage == "reported" and not published:
        raise ThemeError("reported_stays_published")
    before = _fields(theme)
    theme.title, theme.summary, theme.published = _checked_title(title), summary, published
    after = _fields(theme)
    if after != before:
        audit.record(session, actor, "theme.update", theme, before, after)


def move(session: Session, actor: StaffUser | None, theme: Theme, stage: str) -> None:
    """Move a theme to another step of the cycle: forward one step when it is ready for
    it, or back to any earlier step. ThemeError says what is missing.

    collecting -> translated: the summary (the experiences in plain words) is written;
    translated -> acting: at least one action is recorded;
    acting -> reported: every action is done or not done (with its reason), and the
    feedback is written in Dutch. Reporting publishes the theme and its feedback and
    puts a message to every contributor who can be reached in the outbox.
    """
    if stage not in STAGES:
        raise ThemeError("unknown_stage")
    current, wanted = STAGES.index(theme.stage), STAGES.index(stage)
    if wanted == current:
        return
    if wanted > current + 1:
        raise ThemeError("one_step_at_a_time")
    if wanted == current + 1:
        _check_ready(session, theme, stage)
    before = theme.stage
    theme.stage, theme.stage_since = stage, utcnow()
    after = {"stage": stage}
    if stage == "reported":
        theme.published, theme.feedback_published_at = True, theme.stage_since
        after["notifications"] = dict(notify.enqueue_for_theme(session, theme))
    audit.record(session, actor, "theme.stage", theme, {"stage": before}, after)


def _check_ready(session: Session, theme: Theme, stage: str) -> None:
    if stage == "translated" and not theme.summary:
        raise ThemeError("needs_summary")
    if stage in ("acting", "reported"):
        statuses = list(
            session.scalars(select(ThemeAction.status).where(ThemeAction.theme_id == theme.id))
        )
        if not statuses:
            raise ThemeError("needs_action")
        if stage == "reported" and any(s in ("planned", "under_way") for s in statuses):
            raise ThemeError("actions_open")
    if stage == "reported" and not feedback.has_dutch(session, theme.id):
        raise ThemeError("needs_feedback")


def merge(session: Session, actor: StaffUser | None, source: Theme, target: Theme) -> int:
    """Move everything of `source` into `target`; `source` stays, marked as merged."""
    if source.id == target.id or target.merged_into_id is not None:
        raise ThemeError("bad_merge")
    moved = 0
    for submission in list(source.submissions):  # one audited change per submission
        others = [t for t in submission.themes if t.id not in (source.id, target.id)]
        moved += target not in submission.themes
        moderation.set_themes(session, actor, submission, [*others, target])
    _move_experiences(session, source, target)
    source.merged_into_id, source.published = target.id, False
    audit.record(
        session, actor, "theme.merge", source, {"merged_into": None}, {"merged_into": target.id}
    )
    return moved


def _move_experiences(session: Session, source: Theme, target: Theme) -> None:
    """A person who said "me too" on both keeps one, as on any theme."""
    already = set(
        session.scalars(select(Experience.person_key).where(Experience.theme_id == target.id))
    )
    for experience in session.scalars(select(Experience).where(Experience.theme_id == source.id)):
        if experience.person_key not in already:
            experience.theme_id = target.id


def split(
    session: Session,
    actor: StaffUser | None,
    theme: Theme,
    submissions: list[Submission],
    new_title: str,
) -> Theme:
    """Move `submissions` out of `theme` into a new theme called `new_title`."""
    members = [s for s in submissions if theme in s.themes]
    if not members:
        raise ThemeError("nothing_to_split")
    new = create(session, actor, new_title)
    for submission in members:
        moderation.set_themes(
            session, actor, submission, [*(t for t in submission.themes if t.id != theme.id), new]
        )
    audit.record(
        session, actor, "theme.split", theme, None, {"into": new.id, "moved": len(members)}
    )
    return new


# --- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    inputs: int  # obstacles, ideas and "me too" experiences: each counts one
    submissions: int  # obstacles and ideas
    experiences: int
    obstacles: int
    ideas: int
    neighbourhoods: int  # distinct wijken named
    channels: dict[str, int]
    heights: dict[int, int]  # obstacle height → count, 1..5 all present
    languages: dict[str, int]


def figures(session: Session, theme: Theme) -> Figures:
    rows = session.execute(
        select(
            Submission.kind,
            Submission.channel,
            Submission.height,
            Submission.neighbourhood_id,
            Submission.language,
        )
        .join(theme_submission, theme_submission.c.submission_id == Submission.id)
        .where(theme_submission.c.theme_id == theme.id, Submission.is_input)
    ).all()
    experiences = session.execute(
        select(Experience.channel, Experience.language).where(Experience.theme_id == theme.id)
    ).all()
    kinds = Counter(row.kind for row in rows)
    channels = Counter(row.channel for row in rows) + Counter(e.channel for e in experiences)
    heights = Counter(row.height for row in rows if row.height is not None)
    return Figures(
        inputs=len(rows) + len(experiences),
        submissions=len(rows),
        experiences=len(experiences),
        obstacles=kinds["obstacle"],
        ideas=kinds["idea"],
        neighbourhoods=len({row.neighbourhood_id for row in rows if row.neighbourhood_id}),
        channels=dict(channels.most_common()),
        heights={height: heights[height] for height in range(1, 6)},
        languages=dict(Counter(row.language for row in rows).most_common()),
    )


# --- residents: published themes and "this happens to me too" ------------------------------

PUBLIC_ORDERS = ("recent", "title")
# What residents and the open data may see: a published theme that was not merged away,
# and published input (not a contributor's comment on what was done, not a duplicate).
PUBLIC_THEME = (Theme.published.is_(True), Theme.merged_into_id.is_(None))
PUBLIC_SUBMISSION = (
    Submission.status == "published",
    Submission.is_input,
    Submission.duplicate_of_id.is_(None),
)


def published_themes(session: Session, order: str = "recent") -> list[Theme]:
    """Published themes by recency or title, never by how many people reacted."""
    query = select(Theme).where(*PUBLIC_THEME)
    if order == "title":
        query = query.order_by(func.lower(Theme.title), Theme.id)
    else:
        query = query.order_by(Theme.updated_at.desc(), Theme.id.desc())
    return list(session.scalars(query))


def published_theme(session: Session, theme_id: int) -> Theme | None:
    theme = session.get(Theme, theme_id)
    return theme if theme is not None and theme.published and theme.merged_into_id is None else None


def public_submissions(session: Session, theme: Theme, limit: int = 20) -> list[Submission]:
    """A selection of the theme's published obstacles and ideas, newest first; text only is
    shown. A contributor's published answer to "does it help?" is about what the gemeente
    did, not an experience: the theme shows those answers in aggregate only."""
    return list(
        session.scalars(
            select(Submission)
            .join(theme_submission, theme_submission.c.submission_id == Submission.id)
            .where(
                theme_submission.c.theme_id == theme.id,
                *PUBLIC_SUBMISSION,
            )
            .order_by(Submission.created_at.desc(), Submission.id.desc())
            .limit(limit)
        )
    )


def person_key(secret: str, token: str) -> str:
    """A keyed hash of the random token in a resident's session: the same person twice is
    recognised, but the stored value says nothing about who it is."""
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def has_experience(session: Session, theme: Theme, key: str) -> bool:
    return (
        session.scalar(
            select(Experience.id).where(
                Experience.theme_id == theme.id, Experience.person_key == key
            )
        )
        is not None
    )


def add_experience(
    session: Session, theme: Theme, key: str, language: str, channel: str = "web"
) -> bool:
    """Record "this happens to me too"; False when this person already did for this theme."""
    if has_experience(session, theme, key):
        return False
    try:
        with session.begin_nested():
            session.add(
                Experience(theme_id=theme.id, person_key=key, language=language, channel=channel)
            )
    except IntegrityError:  # the same person, twice at the same moment
        return False
    return True
