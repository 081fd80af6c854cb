"""Actions on a theme, what the gemeente decided or changed, and the board of the cycle.

The caller commits. Every change is in the audit trail.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.domain import audit, text
from portal.domain.accounts import aware
from portal.models import (
    ACTION_STATUSES,
    ACTION_TEXT_MAX_LENGTH,
    STAGES,
    Experience,
    StaffUser,
    Submission,
    Theme,
    ThemeAction,
    theme_submission,
    utcnow,
)


class ActionError(ValueError):
    """A rule about actions was broken; `code` says which, for a message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ActionRequest:
    description: str
    owner: str
    decided_on: date
    status: str = "planned"
    reason: str | None = None


def _checked(request: ActionRequest) -> ActionRequest:
    description = text.clean(request.description or "")
    owner = text.clean(request.owner or "")
    reason = text.clean(request.reason or "") or None
    if not description:
        raise ActionError("empty_description")
    if len(description) > ACTION_TEXT_MAX_LENGTH:
        raise ActionError("description_too_long")
    if not owner or len(owner) > 120:
        raise ActionError("owner")
    if request.status not in ACTION_STATUSES:
        raise ActionError("unknown_status")
    if request.status == "not_done" and not reason:
        raise ActionError("reason_needed")
    if reason and len(reason) > ACTION_TEXT_MAX_LENGTH:
        raise ActionError("reason_too_long")
    # A reason belongs to "not done" only: a later status makes it stale.
    reason = reason if request.status == "not_done" else None
    return ActionRequest(description, owner, request.decided_on, request.status, reason)


def _fields(action: ThemeAction) -> dict:
    return {
        "description": action.description,
        "owner": action.owner,
        "decided_on": action.decided_on.isoformat(),
        "status": action.status,
        "reason": action.reason,
    }


def add(session: Session, actor: StaffUser | None, theme: Theme, request: ActionRequest):
    checked = _checked(request)
    action = ThemeAction(
        theme_id=theme.id,
        description=checked.description,
        owner=checked.owner,
        decided_on=checked.decided_on,
        status=checked.status,
        reason=checked.reason,
        created_by=actor.id if actor is not None else None,
    )
    session.add(action)
    session.flush()
    audit.record(session, actor, "theme_action.add", action, None, _fields(action))
    audit.record_event(
        session, actor, "theme.action_added", "theme", theme.id, None, {"action": action.id}
    )
    return action


def update(
    session: Session, actor: StaffUser | None, action: ThemeAction, request: ActionRequest
) -> None:
    checked = _checked(request)
    before = _fields(action)
    action.description, action.owner, action.decided_on = (
        checked.description,
        checked.owner,
        checked.decided_on,
    )
    action.status, action.reason = checked.status, checked.reason
    after = _fields(action)
    if after != before:
        audit.record(session, actor, "theme_action.update", action, before, after)


def for_theme(session: Session, theme_id: int) -> list[ThemeAction]:
    query = (
        select(ThemeAction)
        .where(ThemeAction.theme_id == theme_id)
        .order_by(ThemeAction.decided_on, ThemeAction.id)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class BoardItem:
    theme: Theme
    waited: timedelta  # in its stage since
    inputs: int
    actions: int

    @property
    def waited_days(self) -> int:
        return self.waited.days


def board(session: Session, now: datetime | None = None) -> dict[str, list[BoardItem]]:
    """Every active theme by stage, the one waiting longest first, with two counts each:
    four queries, whatever the number of themes. Input is counted as on the theme page
    (portal.domain.themes.figures): obstacles, ideas and "this happens to me too"."""
    now = now or utcnow()
    themes = list(
        session.scalars(select(Theme).where(Theme.merged_into_id.is_(None)).order_by(Theme.id))
    )
    inputs = Counter(
        dict(
            session.execute(
                select(theme_submission.c.theme_id, func.count())
                .join(Submission, Submission.id == theme_submission.c.submission_id)
                .where(Submission.is_input)
                .group_by(theme_submission.c.theme_id)
            ).all()
        )
    )
    inputs.update(
        dict(
            session.execute(
                select(Experience.theme_id, func.count()).group_by(Experience.theme_id)
            ).all()
        )
    )
    actions = dict(
        session.execute(
            select(ThemeAction.theme_id, func.count()).group_by(ThemeAction.theme_id)
        ).all()
    )
    columns: dict[str, list[BoardItem]] = {stage: [] for stage in STAGES}
    for theme in themes:
        waited = now - aware(theme.stage_since)
        columns[theme.stage].append(
            BoardItem(theme, waited, inputs.get(theme.id, 0), actions.get(theme.id, 0))
        )
    for items in columns.values():
        items.sort(key=lambda item: item.waited, reverse=True)
    return columns
