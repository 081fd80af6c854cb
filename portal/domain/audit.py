"""The audit trail: every staff action, with who, when, and the record before and after."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import AuditEvent, StaffUser

CLI_ACTOR = "cli"  # operators acting from the command line have no account


def record(
    session: Session,
    actor: StaffUser | None,
    action: str,
    target,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Add an audit event in the caller's transaction: it commits or rolls back with the act."""
    session.flush()  # the target needs its id
    return record_event(session, actor, action, target.__tablename__, target.id, before, after)


def record_event(
    session: Session,
    actor: StaffUser | None,
    action: str,
    record_type: str,
    record_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """An audit event about something that is not one row, such as a rejected proposal."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        actor=actor.email if actor is not None else CLI_ACTOR,
        action=action,
        record_type=record_type,
        record_id=record_id,
        before=before,
        after=after,
    )
    session.add(event)
    return event


def events_for(session: Session, record_type: str, record_id: int) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.record_type == record_type, AuditEvent.record_id == record_id)
            .order_by(AuditEvent.id.desc())
        )
    )
