"""What the open-data API publishes, as plain documents: queries that take a session and
plain values, never the request.

Only what residents may see on the website leaves through here: themes that are published
and not merged, feedback once it is published, and published obstacles and ideas that are
not marked as duplicates. Columns are chosen one by one, so a receipt code, contact
details, who keyed something in or an exact time cannot end up in a document by accident.
Each page costs a fixed number of queries, whatever its length.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.themes import PUBLIC_SUBMISSION, PUBLIC_THEME
from portal.languages import DEFAULT_LANGUAGE
from portal.models import (
    LifeDomain,
    Neighbourhood,
    Submission,
    Theme,
    ThemeAction,
    ThemeFeedback,
    theme_submission,
)

_THEME_COLUMNS = (
    Theme.id,
    Theme.title,
    Theme.summary,
    Theme.stage,
    Theme.updated_at,
    Theme.feedback_published_at,
)


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC to the second; SQLite hands back naive datetimes, which are UTC."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def day(moment: datetime, zone: tzinfo) -> date:
    """The day in the gemeente's time zone: all a reader learns of when input came in."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return moment.astimezone(zone).date()


# --- themes ----------------------------------------------------------------------------------


def themes_after(session: Session, after: int, limit: int) -> list[dict]:
    """Up to `limit` public themes with an id above `after`, by id."""
    rows = session.execute(
        select(*_THEME_COLUMNS)
        .where(*PUBLIC_THEME, Theme.id > after)
        .order_by(Theme.id)
        .limit(limit)
    ).all()
    return _theme_documents(session, rows)


def theme(session: Session, theme_id: int) -> dict | None:
    """One public theme, or None when it does not exist or is not public."""
    row = session.execute(
        select(*_THEME_COLUMNS).where(*PUBLIC_THEME, Theme.id == theme_id)
    ).first()
    return _theme_documents(session, [row])[0] if row is not None else None


def is_public_theme(session: Session, theme_id: int) -> bool:
    return session.scalar(select(Theme.id).where(*PUBLIC_THEME, Theme.id == theme_id)) is not None


def _theme_documents(session: Session, rows) -> list[dict]:
    ids = [row.id for row in rows]
    reported = [row.id for row in rows if row.feedback_published_at is not None]
    texts: dict[int, dict[str, str]] = defaultdict(dict)
    if reported:
        for theme_id, language, body in session.execute(
            select(ThemeFeedback.theme_id, ThemeFeedback.language, ThemeFeedback.body)
            .where(ThemeFeedback.theme_id.in_(reported))
            .order_by(ThemeFeedback.theme_id, ThemeFeedback.language)
        ):
            texts[theme_id][language] = body
    actions: dict[int, list[dict]] = defaultdict(list)
    if ids:
        for action in session.execute(
            select(
                ThemeAction.theme_id,
                ThemeAction.description,
                ThemeAction.owner,
                ThemeAction.decided_on,
                ThemeAction.status,
                ThemeAction.reason,
            )
            .where(ThemeAction.theme_id.in_(ids))
            .order_by(ThemeAction.theme_id, ThemeAction.decided_on, ThemeAction.id)
        ):
            actions[action.theme_id].append(
                {
                    "description": action.description,
                    "owner": action.owner,
                    "decided_on": action.decided_on.isoformat(),
                    "status": action.status,
                    "reason": action.reason or None,
                }
            )
    return [
        {
            "id": row.id,
            "title": row.title,
            "summary": row.summary,
            "stage": row.stage,
            "updated_at": timestamp(row.updated_at),
            "feedback": _feedback(row.feedback_published_at, texts.get(row.id, {})),
            "actions": actions.get(row.id, []),
        }
        for row in rows
    ]


def _feedback(published_at: datetime | None, texts: dict[str, str]) -> dict | None:
    # Dutch is what every other language falls back to: without it nothing is shown.
    if published_at is None or DEFAULT_LANGUAGE not in texts:
        return None
    return {"published_at": timestamp(published_at), "texts": texts}


# --- submissions -----------------------------------------------------------------------------


def submissions_after(
    session: Session, after: int, limit: int, zone: tzinfo, theme_id: int | None = None
) -> list[dict]:
    """Up to `limit` published obstacles and ideas with an id above `after`, by id;
    only those of `theme_id` when it is given (the caller checks that theme is public)."""
    query = (
        select(
            Submission.id,
            Submission.kind,
            Submission.text,
            Submission.language,
            Submission.height,
            Submission.channel,
            Submission.created_at,
            LifeDomain.slug.label("life_domain"),
            Neighbourhood.name.label("neighbourhood"),
        )
        .outerjoin(LifeDomain, LifeDomain.id == Submission.life_domain_id)
        .outerjoin(Neighbourhood, Neighbourhood.id == Submission.neighbourhood_id)
        .where(*PUBLIC_SUBMISSION)
        .limit(limit)
    )
    if theme_id is None:
        query = query.where(Submission.id > after).order_by(Submission.id)
    else:
        # Walk the theme's own index (theme_id, submission_id) instead of every submission.
        member = theme_submission.c.submission_id
        query = (
            query.join(theme_submission, member == Submission.id)
            .where(theme_submission.c.theme_id == theme_id, member > after)
            .order_by(member)
        )
    rows = session.execute(query).all()
    themes = _public_theme_ids(session, [row.id for row in rows])
    return [
        {
            "id": row.id,
            "kind": row.kind,
            "text": row.text,
            "language": row.language,
            "life_domain": row.life_domain,
            "neighbourhood": row.neighbourhood,
            "height": row.height,
            "channel": row.channel,
            "created_on": day(row.created_at, zone).isoformat(),
            "theme_ids": themes.get(row.id, []),
        }
        for row in rows
    ]


def _public_theme_ids(session: Session, submission_ids: list[int]) -> dict[int, list[int]]:
    if not submission_ids:
        return {}
    member = theme_submission.c.submission_id
    # EXISTS, not a join: with a join SQLite starts from every public theme and reads all
    # their members (a hundred times slower at 100,000 submissions) instead of this page's.
    public = select(Theme.id).where(Theme.id == theme_submission.c.theme_id, *PUBLIC_THEME)
    found: dict[int, list[int]] = defaultdict(list)
    for submission_id, theme_id in session.execute(
        select(member, theme_submission.c.theme_id)
        .where(member.in_(submission_ids), public.exists())
        .order_by(member, theme_submission.c.theme_id)
    ):
        found[submission_id].append(theme_id)
    return found
