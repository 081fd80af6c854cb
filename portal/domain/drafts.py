"""Answers kept between the steps of the form until the resident sends them."""

import json
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from portal.models import Draft, utcnow

LIFETIME = timedelta(days=1)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def load(session: Session, token: str | None) -> dict | None:
    if not token:
        return None
    draft = session.get(Draft, token)
    if draft is None or _as_utc(draft.updated_at) < utcnow() - LIFETIME:
        return None
    return json.loads(draft.data)


def save(session: Session, token: str, answers: dict) -> None:
    """Store the answers under `token`, and clear out drafts nobody came back to."""
    draft = session.get(Draft, token)
    data = json.dumps(answers, ensure_ascii=False)
    if draft is None:
        session.add(Draft(token=token, data=data))
        purge_expired(session)
    else:
        draft.data = data
        draft.updated_at = utcnow()
    session.flush()


def discard(session: Session, token: str) -> None:
    session.execute(delete(Draft).where(Draft.token == token))


def purge_expired(session: Session, now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - LIFETIME
    return session.execute(delete(Draft).where(Draft.updated_at < cutoff)).rowcount


def _as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)
