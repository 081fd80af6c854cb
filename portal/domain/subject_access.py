"""Everything the portal keeps about one submission, for the resident who has its code
(AVG: recht op inzage). What is not linked to it, such as "over mij", is said so."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.letters import public_themes
from portal.models import Evaluation, Notification, Submission, Theme


@dataclass(frozen=True)
class Stored:
    themes: tuple[Theme, ...]
    notifications: tuple[Notification, ...]
    evaluations: tuple[tuple[Theme, Evaluation], ...]
    entered_by_staff: bool


def stored_about(session: Session, submission: Submission) -> Stored:
    evaluations = session.execute(
        select(Theme, Evaluation)
        .join(Evaluation, Evaluation.theme_id == Theme.id)
        .where(Evaluation.submission_id == submission.id)
        .order_by(Evaluation.created_at)
    ).all()
    notifications = session.scalars(
        select(Notification)
        .where(Notification.submission_id == submission.id)
        .order_by(Notification.created_at)
    )
    return Stored(
        themes=public_themes(session, submission),
        notifications=tuple(notifications),
        evaluations=tuple((theme, evaluation) for theme, evaluation in evaluations),
        entered_by_staff=submission.entered_by is not None,
    )


def mask_email(email: str) -> str:
    """Enough of an address for its owner to recognise it, not for someone who found the
    receipt code to learn it: `a…@example.org`."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


def mask_postal_address(address: str) -> str:
    """The first few characters of each line: `Dor… 1`, `123… Rijnwaarde`."""
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    return "\n".join(f"{line[:3]}…" for line in lines)
