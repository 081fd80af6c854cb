"""Feedback on a theme ("you said, we did"): the text per language, and publishing it.

Dutch is required: it is what every other language falls back to. A resident who reads
the portal in a language staff have not written the feedback in sees the Dutch text,
and is told so. Publishing is the step to "reported" in the cycle (themes.move): it makes
the feedback public and tells every contributor (portal.domain.notify).
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import audit, text
from portal.languages import DEFAULT_LANGUAGE, LANGUAGES
from portal.models import FEEDBACK_MAX_LENGTH, StaffUser, Theme, ThemeFeedback


class FeedbackError(ValueError):
    def __init__(self, code: str, language: str | None = None):
        super().__init__(code)
        self.code = code
        self.language = language


@dataclass(frozen=True)
class ShownFeedback:
    """The feedback a reader gets: in their language, or in Dutch when there is none."""

    body: str
    language: str
    wanted: str

    @property
    def is_fallback(self) -> bool:
        return self.language != self.wanted


def texts(session: Session, theme_id: int) -> dict[str, ThemeFeedback]:
    rows = session.scalars(select(ThemeFeedback).where(ThemeFeedback.theme_id == theme_id))
    return {row.language: row for row in rows}


def save(
    session: Session, actor: StaffUser | None, theme: Theme, bodies: dict[str, str]
) -> list[str]:
    """Set the feedback text per language; an empty text removes that language (except
    Dutch once the feedback is published). Returns the languages that changed."""
    cleaned = {}
    for language, body in bodies.items():
        if language not in LANGUAGES:
            raise FeedbackError("unknown_language", language)
        body = text.clean(body or "")
        if len(body) > FEEDBACK_MAX_LENGTH:
            raise FeedbackError("too_long", language)
        cleaned[language] = body
    if theme.feedback_published_at is not None and cleaned.get(DEFAULT_LANGUAGE, "x") == "":
        raise FeedbackError("dutch_required", DEFAULT_LANGUAGE)

    existing = texts(session, theme.id)
    actor_id = actor.id if actor is not None else None
    changed = []
    for language, body in cleaned.items():
        row = existing.get(language)
        if row is None and body:
            session.add(
                ThemeFeedback(theme_id=theme.id, language=language, body=body, updated_by=actor_id)
            )
        elif row is not None and not body:
            session.delete(row)
        elif row is not None and row.body != body:
            row.body, row.updated_by = body, actor_id
        else:
            continue
        changed.append(language)
    if changed:
        audit.record(
            session,
            actor,
            "theme.feedback",
            theme,
            {lang: existing[lang].body for lang in changed if lang in existing},
            {lang: cleaned[lang] for lang in changed},
        )
    return changed


def has_dutch(session: Session, theme_id: int) -> bool:
    return (
        session.scalar(
            select(ThemeFeedback.id).where(
                ThemeFeedback.theme_id == theme_id, ThemeFeedback.language == DEFAULT_LANGUAGE
            )
        )
        is not None
    )


def shown(session: Session, theme: Theme, language: str) -> ShownFeedback | None:
    """The published feedback for a reader of `language`, or None when there is none."""
    if theme.feedback_published_at is None:
        return None
    available = texts(session, theme.id)
    row = available.get(language) or available.get(DEFAULT_LANGUAGE)
    if row is None:
        return None
    return ShownFeedback(row.body, row.language, language)
