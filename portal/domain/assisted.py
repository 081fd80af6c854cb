"""Input that staff write down for a resident, in person or on the phone (assisted entry).

The text stays the resident's own: it is stored in the resident's words and language, and
the slip and any letter go out in that language. The resident's agreement that staff write
it down is recorded with the submission; the database refuses these channels without it.
"""

from datetime import date, datetime

from sqlalchemy.orm import Session

from portal.domain import audit, submissions
from portal.domain.submissions import Answers
from portal.languages import LANGUAGES
from portal.models import ASSISTED_CHANNELS, StaffUser, Submission, utcnow


class AssistedError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def enter(
    session: Session,
    actor: StaffUser,
    answers: Answers,
    *,
    channel: str,
    resident_agreed: bool,
    retain_contact_until: date,
    now: datetime | None = None,
) -> Submission:
    """Store what a resident told a member of staff and return it; the caller commits."""
    if channel not in ASSISTED_CHANNELS:
        raise AssistedError("unknown_channel")
    if not resident_agreed:
        raise AssistedError("no_consent")
    if answers.language not in LANGUAGES:
        raise AssistedError("unknown_language")
    submission = submissions.submit(
        session,
        answers,
        channel=channel,
        retain_contact_until=retain_contact_until,
        entered_by=actor.id,
        resident_consent_at=now or utcnow(),
    )
    # Who typed what for whom; the text and the address are in the record, not in the trail.
    audit.record(
        session,
        actor,
        "submission.assisted",
        submission,
        after={
            "channel": channel,
            "language": answers.language,
            "kind": submission.kind,
            "contact": _contact_kind(answers),
        },
    )
    return submission


def _contact_kind(answers: Answers) -> str | None:
    if answers.email and answers.postal_address:
        return "email+post"
    if answers.email:
        return "email"
    return "post" if answers.postal_address else None


def slip_submission(session: Session, code: str) -> Submission | None:
    """The submission a slip is for: only input written down by staff has a slip."""
    submission = submissions.find_by_code(session, code)
    if submission is None or submission.channel not in ASSISTED_CHANNELS:
        return None
    return submission
