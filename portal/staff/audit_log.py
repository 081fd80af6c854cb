"""The whole audit trail, newest first, for moderators and administrators."""

from flask import render_template, request, url_for
from sqlalchemy import select

from portal.db import get_session
from portal.models import AuditEvent
from portal.staff import bp
from portal.staff.access import allow

PAGE_SIZE = 100
RECORD_TYPES = ("submission", "theme", "staff_user", "neighbourhood", "life_domain")


@bp.get("/logboek")
@allow("moderate")
def audit_log():
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(PAGE_SIZE + 1)
    record_type = request.args.get("soort")
    if record_type in RECORD_TYPES:
        query = query.where(AuditEvent.record_type == record_type)
    else:
        record_type = None
    record_id = request.args.get("nummer", "")
    if record_type and record_id.isdigit() and len(record_id) < 12:
        query = query.where(AuditEvent.record_id == int(record_id))
    else:
        record_id = None
    before = request.args.get("voor", "")
    if before.isdigit() and len(before) < 12:
        query = query.where(AuditEvent.id < int(before))
    events = list(get_session().scalars(query))
    more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    return render_template(
        "staff/audit_log.html",
        events=events,
        record_type=record_type,
        record_types=RECORD_TYPES,
        record_id=record_id,
        next_url=url_for(".audit_log", soort=record_type, nummer=record_id, voor=events[-1].id)
        if more
        else None,
    )
