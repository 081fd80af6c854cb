"""The outbox: publishing feedback tells every contributor once, by email through a real
SMTP server process, or by letter; a mail server that is down loses nothing."""

import mailbox
import threading
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select, update

from portal.db import session_for
from portal.domain import notify, themes
from portal.domain.accounts import aware
from portal.models import ContactDetails, Notification, Theme, utcnow
from portal.outbox import send_outbox
from tests.conftest import csrf_token
from tests.cycle import FEEDBACK_NL, contributor, reported_theme
from tests.smtp_sink import free_port, running_sink


@pytest.fixture(scope="module")
def sink():
    with running_sink() as (port, maildir):
        yield port, maildir


@pytest.fixture
def mail(app, sink, monkeypatch):
    """The sink's mailbox, emptied, with the app pointed at the sink."""
    port, maildir = sink
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    box = mailbox.Maildir(maildir, create=True)
    box.clear()
    return box


def received(box) -> list:
    return [message_from_bytes(bytes(m), policy=policy.default) for m in box]


def notifications(db) -> list[Notification]:
    db.expire_all()
    return list(db.scalars(select(Notification).order_by(Notification.id)))


def test_publishing_queues_one_message_per_contributor_who_can_be_reached(app, db):
    by_email = contributor(db, email="anna@example.org")
    hidden = contributor(db, email="bert@example.org", status="hidden", hidden_reason="abusive")
    by_post = contributor(db, channel="paper", postal="Dorpsstraat 1, 1234 AB Rijnwaarde")
    by_wijkteam = contributor(db, channel="assisted")
    unreachable = contributor(db)  # web, no contact details: only the status page
    paper_without_address = contributor(db, channel="paper")

    theme_id = reported_theme(
        app, [by_email, hidden, by_post, by_wijkteam, unreachable, paper_without_address]
    )

    queued = {(n.submission_id, n.medium) for n in notifications(db)}
    assert queued == {
        (by_email.id, "email"),
        (hidden.id, "email"),  # hidden from the website, but its writer still hears back
        (by_post.id, "letter"),
        (by_wijkteam.id, "letter"),
    }
    theme = db.get(Theme, theme_id)
    assert theme.published and theme.feedback_published_at is not None


def test_reporting_again_tells_only_those_who_did_not_hear_yet(app, db, writer):
    first = contributor(db, email="anna@example.org")
    theme_id = reported_theme(app, [first])
    later = contributor(db, email="carla@example.org")

    theme = writer.get(Theme, theme_id)
    themes.move(writer, None, theme, "acting")
    theme.submissions.append(writer.merge(later))
    themes.move(writer, None, theme, "reported")
    writer.commit()

    assert sorted(n.submission_id for n in notifications(db)) == [first.id, later.id]


def test_the_sender_delivers_in_the_contributors_language(app, db, mail):
    dutch = contributor(db, email="anna@example.org")
    arabic = contributor(db, "الحافلة لا تأتي كثيرا", email="samira@example.org", language="ar")
    reported_theme(app, [dutch, arabic], texts={"nl": FEEDBACK_NL})

    report = send_outbox(app)

    assert (report.sent, report.failed, report.stopped) == (2, 0, None), report.errors
    messages = {m["To"]: m for m in received(mail)}
    assert set(messages) == {"anna@example.org", "samira@example.org"}
    anna = messages["anna@example.org"]
    assert anna["Subject"] == "Wat de gemeente deed met uw inbreng: Bus"
    assert anna["Content-Language"] == "nl"
    assert anna["Auto-Submitted"] == "auto-generated"
    body = anna.get_body(("plain",)).get_content()
    assert FEEDBACK_NL in body
    assert "Lijn 4 rijdt elk half uur" in body
    code = dutch.receipt_code
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in body
    assert "/terugkoppeling?lang=nl#evaluatie" in body

    samira = messages["samira@example.org"]
    assert samira["Content-Language"] == "ar"
    html = samira.get_body(("html",)).get_content()
    assert 'lang="ar" dir="rtl"' in html
    # No Arabic feedback yet: the Dutch text, and a sentence in Arabic that says so.
    assert FEEDBACK_NL in samira.get_body(("plain",)).get_content()
    assert 'lang="nl"' in html
    assert all(n.status == "sent" and n.sent_at for n in notifications(db))


def test_each_message_goes_out_at_most_once(app, db, mail):
    reported_theme(app, [contributor(db, email=f"p{i}@example.org") for i in range(3)])

    assert send_outbox(app).sent == 3
    assert send_outbox(app).sent == 0
    assert len(received(mail)) == 3


def test_two_senders_at_the_same_time_send_each_message_once(app, db, mail):
    reported_theme(app, [contributor(db, email=f"p{i}@example.org") for i in range(30)])
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(send_outbox(app))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(r.sent for r in reports) == 30
    addresses = [m["To"] for m in received(mail)]
    assert sorted(addresses) == sorted(set(addresses)) and len(addresses) == 30


def test_a_mail_server_that_is_down_loses_nothing(app, db, mail, sink, monkeypatch):
    reported_theme(app, [contributor(db, email=f"p{i}@example.org") for i in range(2)])
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nobody listens there

    report = send_outbox(app)

    assert report.sent == 0 and "no mail server" in report.stopped
    assert [(n.status, n.attempts) for n in notifications(db)] == [("pending", 0)] * 2

    monkeypatch.setitem(app.config, "SMTP_PORT", sink[0])
    assert send_outbox(app).sent == 2


def test_a_temporary_refusal_is_retried_later_with_a_growing_delay(app, db, mail):
    reported_theme(app, [contributor(db, email="tempfail@example.org")])

    report = send_outbox(app)
    (notification,) = notifications(db)
    assert (report.retried, notification.status, notification.attempts) == (1, "pending", 1)
    assert "451" in notification.last_error
    first_wait = aware(notification.next_attempt_at) - utcnow()
    assert timedelta(minutes=1) < first_wait < timedelta(minutes=3)

    assert send_outbox(app).retried == 0  # not due yet
    for _ in range(notify.MAX_ATTEMPTS - 1):
        db.execute(update(Notification).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        send_outbox(app)
    (notification,) = notifications(db)
    assert (notification.status, notification.attempts) == ("failed", notify.MAX_ATTEMPTS)
    assert received(mail) == []


def test_backoff_doubles_up_to_a_ceiling():
    middle = lambda: 0.5  # noqa: E731  no jitter
    delays = [notify.backoff(attempt, middle) for attempt in range(1, 9)]
    assert delays[:3] == [timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]
    assert delays[-1] == notify.LONGEST_DELAY
    assert all(a <= b for a, b in zip(delays, delays[1:], strict=False))


def test_a_permanent_refusal_fails_at_once(app, db, mail):
    reported_theme(app, [contributor(db, email="reject@example.org")])
    report = send_outbox(app)
    (notification,) = notifications(db)
    assert (report.failed, notification.status, notification.attempts) == (1, "failed", 0)
    assert "550" in notification.last_error


def test_contact_details_removed_before_sending_cancel_the_message(app, db, mail):
    reported_theme(app, [contributor(db, email="anna@example.org")])
    db.execute(ContactDetails.__table__.delete())
    assert send_outbox(app).cancelled == 1
    assert [n.status for n in notifications(db)] == ["cancelled"]
    assert received(mail) == []


def test_a_sender_that_died_while_sending_leaves_an_uncertain_message_alone(app, db, mail):
    reported_theme(app, [contributor(db, email="anna@example.org")])
    db.execute(
        update(Notification).values(
            status="sending", claimed_at=utcnow() - notify.LEASE - timedelta(minutes=1)
        )
    )
    report = send_outbox(app)
    assert (report.uncertain, report.sent) == (1, 0)
    assert [n.status for n in notifications(db)] == ["uncertain"]

    runner = app.test_cli_runner()
    result = runner.invoke(args=["outbox", "retry"])
    assert "0 message(s)" in result.output  # without --uncertain it stays alone
    result = runner.invoke(args=["outbox", "retry", "--uncertain"])
    assert "1 message(s)" in result.output
    assert send_outbox(app).sent == 1


def test_the_command_line_reports_and_fails_when_the_server_is_down(
    app, db, mail, sink, monkeypatch
):
    reported_theme(app, [contributor(db, email="anna@example.org")])
    runner = app.test_cli_runner()
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())
    down = runner.invoke(args=["outbox", "send"])
    assert down.exit_code == 1
    assert "Stopped: no mail server" in down.output
    monkeypatch.setitem(app.config, "SMTP_PORT", sink[0])
    status = runner.invoke(args=["outbox", "status"])
    assert "email\tpending\t1" in status.output


def test_publishing_works_while_no_mail_server_answers(app, db, staff, monkeypatch):
    """The web request only writes the outbox: it never talks to a mail server."""
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())
    member = contributor(db, email="anna@example.org")
    theme_id = reported_theme(app, [member], stage="acting")
    client = staff("moderator")
    response = client.post(
        f"/medewerkers/themas/{theme_id}/stap",
        data={"csrf_token": csrf_token(client, "/medewerkers/themas"), "stage": "reported"},
    )
    assert response.status_code == 302
    assert [n.status for n in notifications(db)] == ["pending"]
    with session_for(app) as session:
        assert session.get(Theme, theme_id).stage == "reported"
