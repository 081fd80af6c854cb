"""Telling contributors that a theme they took part in has feedback: the outbox.

Publishing feedback only writes rows here, in the same transaction, so a mail server
that is down never blocks or fails a web request. A command (`flask outbox send`, run by
a timer) hands due email to the mail server later; letters wait for the wijkteam to
print them (portal.domain.letters).

Each contributor (a submission with its receipt code) hears at most once per theme: the
table's unique constraint holds that, whoever publishes or sends at the same moment. A
message is claimed (status "sending") and that claim is committed before the mail server
sees it; a sender that dies after that leaves it "sending", and once the lease has run
out it becomes "uncertain": it may have gone out, so it is not sent again by itself.
"""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.domain.letters import LETTER_CHANNELS
from portal.models import (
    ASSISTED_CHANNELS,
    ContactDetails,
    Notification,
    Submission,
    Theme,
    theme_submission,
    utcnow,
)

MAX_ATTEMPTS = 8  # with the delays below: about 4 hours of trying before giving up
FIRST_DELAY = timedelta(minutes=2)
LONGEST_DELAY = timedelta(hours=2)
LEASE = timedelta(minutes=15)  # a claim older than this belongs to a sender that stopped
GROUP = 20  # messages claimed, and their outcomes recorded, in one transaction
ERROR_LENGTH = 500


class NoRecipient(Exception):
    """The contact details are gone (removed on request or after their retention date)."""


class TemporaryFailure(Exception):
    """The mail server said "not now" (4xx) for this message: try it again later."""


class PermanentFailure(Exception):
    """The mail server refused this message for good (5xx): trying again will not help."""


class ServerUnavailable(Exception):
    """No mail server to talk to: stop this run; the messages stay as they were."""


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0  # a temporary failure: pending again, for later
    failed: int = 0
    cancelled: int = 0
    uncertain: int = 0  # claims of a sender that stopped, found in this run
    stopped: str | None = None  # why the run stopped early
    errors: list[str] = field(default_factory=list)


def combined(reports: list[SendReport]) -> SendReport:
    """One report for senders that ran side by side."""
    return SendReport(
        sent=sum(r.sent for r in reports),
        retried=sum(r.retried for r in reports),
        failed=sum(r.failed for r in reports),
        cancelled=sum(r.cancelled for r in reports),
        uncertain=sum(r.uncertain for r in reports),
        stopped=next((r.stopped for r in reports if r.stopped), None),
        errors=[error for r in reports for error in r.errors],
    )


def medium_for(channel: str, email: str | None, postal_address: str | None, has_contact: bool):
    """How a contributor hears back: email when they left an address, a letter when they
    took part on paper or through staff and a letter can reach them, otherwise only
    their status page (None)."""
    if email:
        return "email"
    if channel in LETTER_CHANNELS and (
        postal_address or (channel in ASSISTED_CHANNELS and not has_contact)
    ):
        return "letter"
    return None


def _insert_ignoring_existing(session: Session, rows: list[dict]) -> None:
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    for start in range(0, len(rows), 500):
        statement = insert(Notification).values(rows[start : start + 500])
        session.execute(
            statement.on_conflict_do_nothing(index_elements=["submission_id", "theme_id"])
        )


def enqueue_for_theme(session: Session, theme: Theme, today: date | None = None) -> Counter:
    """Add a notification for every contributor of `theme` who can be reached and has not
    heard about it yet. Returns how many were added per medium."""
    today = today or utcnow().date()
    rows = session.execute(
        select(
            Submission.id,
            Submission.language,
            Submission.channel,
            Submission.contact_withdrawn_at,
            ContactDetails.id.label("contact_id"),
            ContactDetails.email,
            ContactDetails.postal_address,
        )
        .join(theme_submission, theme_submission.c.submission_id == Submission.id)
        .outerjoin(
            ContactDetails,
            and_(
                ContactDetails.submission_id == Submission.id,
                ContactDetails.retain_until >= today,
            ),
        )
        .where(theme_submission.c.theme_id == theme.id, Submission.kind != "evaluation")
    ).all()
    already = set(
        session.scalars(select(Notification.submission_id).where(Notification.theme_id == theme.id))
    )
    now = utcnow()
    new = []
    for row in rows:
        medium = medium_for(row.channel, row.email, row.postal_address, row.contact_id is not None)
        if medium is not None and row.id not in already and row.contact_withdrawn_at is None:
            new.append(
                {
                    "submission_id": row.id,
                    "theme_id": theme.id,
                    "medium": medium,
                    "language": row.language,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
            )
    if new:
        _insert_ignoring_existing(session, new)
    return Counter(row["medium"] for row in new)


def backoff(attempts: int, jitter: Callable[[], float] = random.random) -> timedelta:
    """How long to wait after the `attempts`-th failure: doubling, with a tenth of jitter
    so that many messages refused at once do not all come back at the same second."""
    delay = min(FIRST_DELAY * 2 ** max(attempts - 1, 0), LONGEST_DELAY)
    return delay * (0.9 + 0.2 * jitter())


def expire_claims(session: Session, now: datetime) -> int:
    """Claims older than the lease become "uncertain"; returns how many."""
    result = session.execute(
        update(Notification)
        .where(Notification.status == "sending", Notification.claimed_at < now - LEASE)
        .values(status="uncertain", last_error="the sender stopped while sending")
    )
    session.commit()
    return result.rowcount


def _due_ids(
    session: Session, now: datetime, after_id: int, limit: int, shard: tuple[int, int] | None
) -> list[int]:
    query = (
        select(Notification.id)
        .where(
            Notification.medium == "email",
            Notification.status == "pending",
            Notification.next_attempt_at <= now,
            Notification.id > after_id,
        )
        .order_by(Notification.id)
        .limit(limit)
    )
    if shard is not None:
        index, count = shard
        query = query.where(Notification.id % count == index)
    return list(session.scalars(query))


def _claim(session: Session, ids: list[int], now: datetime) -> list[int]:
    """Take these messages for this sender, in one transaction; returns the ids it got
    (another sender may have been first for some)."""
    claimed = session.scalars(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.status == "pending")
        .values(status="sending", claimed_at=now)
        .returning(Notification.id)
    ).all()
    session.commit()
    return sorted(claimed)


def _record(session: Session, outcomes: list[tuple[int, dict]]) -> None:
    """What became of a group of claimed messages, in one transaction."""
    if outcomes:
        # SQLAlchemy's bulk UPDATE by primary key: one statement per shape of outcome.
        session.execute(
            update(Notification),
            [{"id": notification_id, **values} for notification_id, values in outcomes],
        )
    session.commit()


def send_due(
    session: Session,
    deliver: Callable[[Notification], None],
    *,
    limit: int | None = None,
    clock: Callable[[], datetime] = utcnow,
    prefetch: Callable[[list[int]], None] | None = None,
    shard: tuple[int, int] | None = None,
) -> SendReport:
    """Send the email that is due, oldest first, each message once.

    `deliver` hands one message to the mail server and raises NoRecipient,
    TemporaryFailure, PermanentFailure or ServerUnavailable. Messages are claimed in
    groups of GROUP, and what became of them is recorded after each group: a sender that
    dies in the middle leaves at most one group "sending", which the lease turns into
    "uncertain" (never sent twice; an operator requeues them after checking the mail
    server's log). `prefetch` hears each batch of notification ids before they are sent,
    to load what composing them needs at once. With `shard` (index, count) this sender
    takes only the ids that are `index` modulo `count`, so that several senders side by
    side do not compete for the same messages (the claim would keep them apart anyway).
    """
    report = SendReport(uncertain=expire_claims(session, clock()))
    last_id, handled = 0, 0
    while limit is None or handled < limit:
        size = 200 if limit is None else limit - handled
        batch = _due_ids(session, clock(), last_id, size, shard)
        if not batch:
            break
        last_id = batch[-1]
        if prefetch is not None:
            prefetch(batch)
        for start in range(0, len(batch), GROUP):
            claimed = _claim(session, batch[start : start + GROUP], clock())
            outcomes, stopped = _send_group(session, claimed, deliver, report, clock)
            _record(session, outcomes)
            handled += len(claimed)
            if stopped:
                return report
    return report


def _send_group(session, claimed: list[int], deliver, report: SendReport, clock):
    """Hand each claimed message over; returns (outcomes, whether the run must stop)."""
    outcomes = []
    for position, notification_id in enumerate(claimed):
        notification = session.get(Notification, notification_id)
        try:
            deliver(notification)
        except ServerUnavailable as error:
            # Not these messages' fault: they go back as they were, and the run stops;
            # the next run (the timer) tries again.
            back = {"status": "pending", "claimed_at": None, "last_error": _said(error)}
            outcomes += [(later, back) for later in claimed[position:]]
            report.stopped = _said(error)
            return outcomes, True
        except (NoRecipient, PermanentFailure, TemporaryFailure) as error:
            outcomes.append((notification_id, _failed(notification, error, report, clock)))
        else:
            outcomes.append((notification_id, {"status": "sent", "sent_at": clock()}))
            report.sent += 1
    return outcomes, False


def _failed(notification: Notification, error: Exception, report: SendReport, clock) -> dict:
    if isinstance(error, NoRecipient):
        report.cancelled += 1
        return {"status": "cancelled", "last_error": "no contact details"}
    report.errors.append(_said(error))
    attempts = notification.attempts + (0 if isinstance(error, PermanentFailure) else 1)
    if isinstance(error, PermanentFailure) or attempts >= MAX_ATTEMPTS:
        report.failed += 1
        return {"status": "failed", "attempts": attempts, "last_error": _said(error)}
    report.retried += 1
    return {
        "status": "pending",
        "attempts": attempts,
        "next_attempt_at": clock() + backoff(attempts),
        "claimed_at": None,
        "last_error": _said(error),
    }


def _said(error: Exception) -> str:
    return (str(error) or type(error).__name__)[:ERROR_LENGTH]


def requeue(session: Session, ids: list[int] | None = None, *, uncertain: bool = False) -> int:
    """Put failed (or, when asked, uncertain) email back in the queue: for an operator who
    fixed the cause, or checked the mail server's log for an uncertain one."""
    states = ("failed", "uncertain") if uncertain else ("failed",)
    query = update(Notification).where(
        Notification.medium == "email", Notification.status.in_(states)
    )
    if ids:
        query = query.where(Notification.id.in_(ids))
    result = session.execute(
        query.values(status="pending", attempts=0, next_attempt_at=utcnow(), claimed_at=None)
    )
    session.commit()
    return result.rowcount


def counts(session: Session, theme_id: int | None = None) -> dict[tuple[str, str], int]:
    """How many notifications per (medium, status), for one theme or all."""
    query = select(Notification.medium, Notification.status, func.count()).group_by(
        Notification.medium, Notification.status
    )
    if theme_id is not None:
        query = query.where(Notification.theme_id == theme_id)
    return {(medium, status): n for medium, status, n in session.execute(query)}
