"""Keeping contact details no longer than needed (AVG: opslagbeperking).

Contact details exist only to tell a resident what happened with their input. They are
removed, by `flask retention run`, on the first of:
- their retention date, set when they were given (CONTACT_RETENTION_DAYS);
- `days_after` days after the resident was told about every theme their input is in,
  when nothing is still waiting to be sent;
- `days_after` days after the input was closed without a theme: hidden or a duplicate,
  and in no theme, so no feedback will come.
A resident can remove them sooner with their receipt code (`remove_contact`).

Handwriting cut from scanned paper forms, and the two typed versions of a double-keyed
form (which may hold an address written on it), are personal data too: they are removed
`crop_days` after the form was keyed in; crops also from any upload older than the
contact retention period, keyed or not. Drafts nobody sent go after a day. Staff sign-ins
that can no longer be current, and failed logins that throttle nothing any more, go too.
Running twice removes nothing more.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from portal.domain import accounts, audit, drafts
from portal.models import (
    ContactDetails,
    Draft,
    LoginThrottle,
    Notification,
    PaperForm,
    PaperKeying,
    ScanCrop,
    ScanPage,
    ScanUpload,
    StaffSession,
    Submission,
    Theme,
    theme_submission,
    utcnow,
)

REASONS = ("expired", "feedback_sent", "closed")


@dataclass(frozen=True)
class RetentionReport:
    removed: dict[str, int]  # contact details, per reason
    dry_run: bool
    scan_crops: int = 0
    keyings: int = 0  # the typed versions of double-keyed forms
    drafts: int = 0
    staff_sessions: int = 0  # sign-ins that can no longer be current
    login_throttles: int = 0  # failed logins that throttle nothing any more

    @property
    def total(self) -> int:
        return sum(self.removed.values())


def _in_active_theme(submission_id_column):
    return (
        select(theme_submission.c.submission_id)
        .join(Theme, Theme.id == theme_submission.c.theme_id)
        .where(
            theme_submission.c.submission_id == submission_id_column,
            Theme.merged_into_id.is_(None),
        )
        .exists()
    )


def _due(today: date, days_after: int):
    """(reason, condition) pairs over ContactDetails joined with its Submission."""
    cutoff = datetime.combine(today - timedelta(days=days_after), time(), UTC)
    waiting = exists().where(
        Notification.submission_id == ContactDetails.submission_id,
        Notification.status.in_(("pending", "sending")),
    )
    told_long_ago = exists().where(
        Notification.submission_id == ContactDetails.submission_id,
        Notification.status == "sent",
        Notification.sent_at < cutoff,
    )
    # A theme of this input that has not told this resident anything yet.
    theme_still_to_tell = (
        select(theme_submission.c.theme_id)
        .join(Theme, Theme.id == theme_submission.c.theme_id)
        .where(
            theme_submission.c.submission_id == ContactDetails.submission_id,
            Theme.merged_into_id.is_(None),
            ~exists().where(
                Notification.submission_id == ContactDetails.submission_id,
                Notification.theme_id == theme_submission.c.theme_id,
            ),
        )
        .exists()
    )
    return (
        ("expired", ContactDetails.retain_until < today),
        ("feedback_sent", and_(told_long_ago, ~waiting, ~theme_still_to_tell)),
        (
            "closed",
            and_(
                or_(Submission.status == "hidden", Submission.duplicate_of_id.is_not(None)),
                Submission.moderated_at < cutoff,
                ~_in_active_theme(ContactDetails.submission_id),
            ),
        ),
    )


def run(
    session: Session,
    days_after: int,
    today: date | None = None,
    *,
    dry_run: bool = False,
    crop_days: int = 30,
    longest_days: int = 365,
    session_hours: int = 12,
    now: datetime | None = None,
) -> RetentionReport:
    """Remove every contact detail and handwriting crop that is due, and what is left of
    staff sign-ins (`session_hours`: STAFF_SESSION_HOURS); the caller commits."""
    now = now or utcnow()
    today = today or now.date()
    removed: Counter = Counter()
    for reason, condition in _due(today, days_after):
        ids = list(
            session.scalars(
                select(ContactDetails.id)
                .join(Submission, Submission.id == ContactDetails.submission_id)
                .where(condition)
            )
        )
        if not ids:
            continue
        removed[reason] += len(ids)
        if not dry_run:
            _remove(session, ids)
    crops = _due_crops(session, today, crop_days, longest_days)
    keyed_before = datetime.combine(today - timedelta(days=crop_days), time(), UTC)
    keyed_long_ago = select(PaperForm.code).where(PaperForm.keyed_at < keyed_before)
    counts = {
        "keyings": _remove_where(
            session, PaperKeying, PaperKeying.form_code.in_(keyed_long_ago), dry_run=dry_run
        ),
        "drafts": _remove_where(
            session, Draft, Draft.updated_at < drafts_before(today), dry_run=dry_run
        ),
        "staff_sessions": _remove_where(
            session,
            StaffSession,
            accounts.dead_sessions(timedelta(hours=session_hours), now),
            dry_run=dry_run,
        ),
        "login_throttles": _remove_where(
            session, LoginThrottle, accounts.stale_throttles(now), dry_run=dry_run
        ),
    }
    report = RetentionReport(
        {reason: removed[reason] for reason in REASONS},
        dry_run,
        scan_crops=len(crops),
        **counts,
    )
    if dry_run:
        return report
    for start in range(0, len(crops), 500):
        session.execute(delete(ScanCrop).where(ScanCrop.id.in_(crops[start : start + 500])))
    after = {**report.removed, "scan_crops": report.scan_crops, **counts}
    if any(after.values()):
        audit.record_event(session, None, "retention.run", "contact_details", None, after=after)
    return report


def _remove_where(session: Session, model, condition, *, dry_run: bool) -> int:
    """Count the rows of `model` that meet `condition`; remove them unless `dry_run`."""
    count = session.scalar(select(func.count()).select_from(model).where(condition))
    if count and not dry_run:
        session.execute(delete(model).where(condition))
    return count


def drafts_before(today: date) -> datetime:
    """Drafts untouched since before yesterday's start are certainly past their day."""
    return datetime.combine(today, time(), UTC) - drafts.LIFETIME


def _due_crops(session: Session, today: date, crop_days: int, longest_days: int) -> list[int]:
    keyed_before = datetime.combine(today - timedelta(days=crop_days), time(), UTC)
    uploaded_before = datetime.combine(today - timedelta(days=longest_days), time(), UTC)
    keyed_long_ago = (
        select(PaperForm.code)
        .where(PaperForm.code == ScanPage.form_code, PaperForm.keyed_at < keyed_before)
        .exists()
    )
    return list(
        session.scalars(
            select(ScanCrop.id)
            .join(ScanPage, ScanPage.id == ScanCrop.page_id)
            .join(ScanUpload, ScanUpload.id == ScanPage.upload_id)
            .where(or_(keyed_long_ago, ScanUpload.uploaded_at < uploaded_before))
        )
    )


def _remove(session: Session, contact_ids: list[int]) -> None:
    for start in range(0, len(contact_ids), 500):
        chunk = contact_ids[start : start + 500]
        submissions = select(ContactDetails.submission_id).where(ContactDetails.id.in_(chunk))
        _cancel_waiting(session, submissions)
        session.execute(delete(ContactDetails).where(ContactDetails.id.in_(chunk)))


def _cancel_waiting(session: Session, submission_ids) -> None:
    """Messages not yet sent cannot go any more: say why instead of failing later. A mail
    server's error may quote the address: those go too."""
    session.execute(
        update(Notification)
        .where(Notification.submission_id.in_(submission_ids), Notification.status != "pending")
        .values(last_error=None)
    )
    session.execute(
        update(Notification)
        .where(Notification.submission_id.in_(submission_ids), Notification.status == "pending")
        .values(status="cancelled", last_error="contact details removed")
    )


def remove_contact(session: Session, submission: Submission) -> bool:
    """The resident's own request, with their receipt code: remove their contact details
    now. False when there were none. The caller commits."""
    contact = session.scalar(
        select(ContactDetails).where(ContactDetails.submission_id == submission.id)
    )
    if contact is None:
        return False
    _cancel_waiting(session, select(Submission.id).where(Submission.id == submission.id))
    submission.contact_withdrawn_at = utcnow()
    session.delete(contact)
    session.flush()
    return True
