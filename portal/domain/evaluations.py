"""Evaluation: a contributor says, with their receipt code, whether what was done helps.

This is the fourth step of the cycle from the resident's side. Only someone who took
part in a theme can answer for it, once per theme (answering again replaces the answer).
A comment is input like any other: it enters the inbox as a submission of kind
"evaluation", already on the theme, without starting the cycle again.
"""

from collections import Counter

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.domain import submissions, text
from portal.domain.letters import public_themes
from portal.models import (
    EVALUATION_ANSWERS,
    TEXT_MAX_LENGTH,
    Evaluation,
    Submission,
    Theme,
    theme_submission,
)


class EvaluationError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def open_themes(session: Session, submission: Submission) -> list[Theme]:
    """The themes this contributor can evaluate: theirs, with published feedback."""
    if submission.kind == "evaluation":
        return []
    return [t for t in public_themes(session, submission) if t.feedback_published_at is not None]


def answer_of(session: Session, theme: Theme, submission: Submission) -> Evaluation | None:
    return session.scalar(
        select(Evaluation).where(
            Evaluation.theme_id == theme.id, Evaluation.submission_id == submission.id
        )
    )


def record(
    session: Session,
    theme: Theme,
    submission: Submission,
    answer: str,
    comment: str = "",
    language: str = "nl",
) -> Evaluation:
    """Store the contributor's answer, and their comment as new input on the theme.
    The caller commits."""
    if answer not in EVALUATION_ANSWERS:
        raise EvaluationError("unknown_answer")
    comment = text.clean(comment or "")
    if len(comment) > TEXT_MAX_LENGTH:
        raise EvaluationError("comment_too_long")
    if theme.feedback_published_at is None:
        raise EvaluationError("no_feedback")
    if theme.id not in {t.id for t in open_themes(session, submission)}:
        raise EvaluationError("not_a_contributor")

    evaluation = answer_of(session, theme, submission)
    if evaluation is None:
        evaluation = Evaluation(theme_id=theme.id, submission_id=submission.id)
        try:
            with session.begin_nested():
                evaluation.answer, evaluation.language = answer, language
                session.add(evaluation)
        except IntegrityError:  # the same person, twice at the same moment: the last wins
            evaluation = answer_of(session, theme, submission)
    evaluation.answer, evaluation.language = answer, language
    if comment:
        reply = submissions.submit(
            session, submissions.Answers(kind="evaluation", text=comment, language=language)
        )
        session.execute(insert(theme_submission).values(theme_id=theme.id, submission_id=reply.id))
    session.flush()
    return evaluation


def summary(session: Session, theme_ids: list[int] | None = None) -> dict[int, Counter]:
    """Per theme, how many contributors gave each answer (every answer present)."""
    query = select(Evaluation.theme_id, Evaluation.answer, func.count()).group_by(
        Evaluation.theme_id, Evaluation.answer
    )
    if theme_ids is not None:
        query = query.where(Evaluation.theme_id.in_(theme_ids))
    found: dict[int, Counter] = {}
    for theme_id, answer, count in session.execute(query):
        found.setdefault(theme_id, Counter({a: 0 for a in EVALUATION_ANSWERS}))[answer] = count
    return found


def comments(
    session: Session, theme: Theme, limit: int = 50, published_only: bool = False
) -> list[Submission]:
    """Contributors' comments on what was done, newest first."""
    query = (
        select(Submission)
        .join(theme_submission, theme_submission.c.submission_id == Submission.id)
        .where(theme_submission.c.theme_id == theme.id, Submission.kind == "evaluation")
        .order_by(Submission.created_at.desc(), Submission.id.desc())
        .limit(limit)
    )
    if published_only:
        query = query.where(Submission.status == "published")
    return list(session.scalars(query))
