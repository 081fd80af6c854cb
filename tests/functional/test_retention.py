"""Contact details are kept no longer than needed: the retention command, and the
resident who sees what is stored and removes their contact details with the receipt code."""

from datetime import date, timedelta

from sqlalchemy import func, select, update

from portal.db import session_for
from portal.domain import accounts, letters, paper, retention
from portal.models import (
    AuditEvent,
    ContactDetails,
    Draft,
    Notification,
    PaperForm,
    PaperKeying,
    ScanCrop,
    ScanPage,
    ScanUpload,
    StaffSession,
    StaffUser,
    utcnow,
)
from tests.conftest import csrf_token, page
from tests.cycle import contributor, reported_theme
from tests.functional.test_report_back import look_up

DAYS = 30


def contact_ids(db) -> set[int]:
    return set(db.scalars(select(ContactDetails.submission_id)))


def run(app, today=None, dry_run=False):
    with session_for(app) as session:
        report = retention.run(session, DAYS, today=today, dry_run=dry_run)
        session.commit()
        return report


def test_contact_details_go_after_their_date_after_feedback_and_after_closing(app, db):
    expired = contributor(db, email="old@example.org")
    db.execute(
        update(ContactDetails)
        .where(ContactDetails.submission_id == expired.id)
        .values(retain_until=date.today() - timedelta(days=1))
    )
    told = contributor(db, email="told@example.org")
    also_in_open_theme = contributor(db, email="open@example.org")
    waiting = contributor(db, email="waiting@example.org")
    contributor(  # closed long ago: its details go
        db, email="closed@example.org", status="hidden", hidden_reason="off_topic",
        moderated_at=utcnow() - timedelta(days=DAYS + 1),
    )  # fmt: skip
    recently_closed = contributor(
        db, email="recent@example.org", status="hidden", hidden_reason="off_topic",
        moderated_at=utcnow(),
    )  # fmt: skip
    untouched = contributor(db, email="new@example.org")

    reported_theme(app, [told, also_in_open_theme, waiting])
    reported_theme(app, [also_in_open_theme], title="Stoep", stage="acting")
    long_ago = utcnow() - timedelta(days=DAYS + 1)
    db.execute(
        update(Notification)
        .where(Notification.submission_id != waiting.id)
        .values(status="sent", sent_at=long_ago)
    )

    report = run(app)

    assert report.removed == {"expired": 1, "feedback_sent": 1, "closed": 1}
    assert contact_ids(db) == {
        also_in_open_theme.id,  # another theme has yet to tell them
        waiting.id,  # their message is still to be sent
        recently_closed.id,
        untouched.id,
    }
    assert db.scalar(select(AuditEvent.after).where(AuditEvent.action == "retention.run")) == {
        "expired": 1,
        "feedback_sent": 1,
        "closed": 1,
        "scan_crops": 0,
        "keyings": 0,
        "drafts": 0,
        "staff_sessions": 0,
        "login_throttles": 0,
    }
    assert run(app).total == 0, "running twice removes nothing more"


def test_a_dry_run_counts_and_removes_nothing(app, db):
    contributor(db, email="old@example.org")
    db.execute(update(ContactDetails).values(retain_until=date.today() - timedelta(days=1)))
    assert run(app, dry_run=True).removed["expired"] == 1
    assert db.scalar(select(func.count()).select_from(ContactDetails)) == 1


def test_the_command_reports_what_it_removed(app, db):
    contributor(db, email="old@example.org")
    db.execute(update(ContactDetails).values(retain_until=date.today() - timedelta(days=1)))
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0
    assert "Contact details removed: 1 (past their date 1" in result.output
    again = app.test_cli_runner().invoke(args=["retention", "run"])
    assert "removed: 0" in again.output


def test_the_resident_sees_what_is_stored_and_removes_their_contact_details(app, db, client):
    member = contributor(db, email="anna@example.org", channel="web")
    reported_theme(app, [member])
    look_up(client, member.receipt_code)

    status = page(client.get("/volgen/inbreng"))
    stored = status.find(id="bewaard").find_next("dl").get_text(" ", strip=True)
    assert "a…@example.org" in stored
    assert "anna@example.org" not in status.get_text()  # the code alone does not reveal it
    assert "Via de website" in stored and "Bus" in stored
    assert "E-mail: wordt verstuurd" in stored

    refused = client.post(
        "/volgen/inbreng/contactgegevens",
        data={"csrf_token": csrf_token(client, "/volgen/inbreng"), "website": ""},
    )
    assert refused.status_code == 400
    assert "Zet een vinkje" in page(refused).select_one(".error-summary").get_text()
    assert contact_ids(db) == {member.id}

    removed = client.post(
        "/volgen/inbreng/contactgegevens",
        data={"csrf_token": csrf_token(client, "/volgen/inbreng"), "website": "", "confirm": "y"},
    )
    assert removed.status_code == 302
    assert contact_ids(db) == set()
    assert db.scalar(select(Notification.status)) == "cancelled"
    after = page(client.get(removed.headers["Location"])).get_text()
    assert "Uw contactgegevens zijn weggehaald" in after


def test_handwriting_cut_from_scans_goes_after_its_form_was_keyed(app, db, writer):
    batch = paper.create_batch(
        writer, None, paper.BatchRequest("nl", "standard", 3, "Buurthuis", date(2026, 1, 5))
    )
    writer.commit()
    keyed_long_ago, keyed_today, not_keyed = db.scalars(
        select(PaperForm.code).where(PaperForm.batch_id == batch.id).order_by(PaperForm.number)
    )
    db.execute(
        update(PaperForm)
        .where(PaperForm.code == keyed_long_ago)
        .values(keyed_at=utcnow() - timedelta(days=31))
    )
    db.execute(update(PaperForm).where(PaperForm.code == keyed_today).values(keyed_at=utcnow()))
    recent = ScanUpload(filename="stapel.pdf", pages=3)
    old = ScanUpload(filename="oud.pdf", pages=1, uploaded_at=utcnow() - timedelta(days=400))
    db.add_all([recent, old])
    db.commit()
    for upload, codes in ((recent, (keyed_long_ago, keyed_today, not_keyed)), (old, (None,))):
        for position, code in enumerate(codes, 1):
            scanned = ScanPage(upload_id=upload.id, position=position, form_code=code,
                               form_page=1, outcome="read")  # fmt: skip
            db.add(scanned)
            db.commit()
            db.add(ScanCrop(page_id=scanned.id, field="text", png=b"\x89PNG"))
    db.commit()

    with session_for(app) as session:
        report = retention.run(session, DAYS, crop_days=30, longest_days=365)
        session.commit()

    assert report.scan_crops == 2
    kept = set(
        db.scalars(select(ScanPage.form_code).join(ScanCrop, ScanCrop.page_id == ScanPage.id))
    )
    assert kept == {keyed_today, not_keyed}


def test_drafts_nobody_sent_and_typed_versions_of_keyed_forms_go_too(app, db, writer):
    db.add_all(
        [
            Draft(token="old", data="{}", updated_at=utcnow() - timedelta(days=3)),
            Draft(token="today", data="{}", updated_at=utcnow()),
        ]
    )
    batch = paper.create_batch(
        writer,
        None,
        paper.BatchRequest("nl", "standard", 2, "Buurthuis", date(2026, 1, 5), double_keying=True),
    )
    writer.commit()
    keyed, waiting = db.scalars(
        select(PaperForm.code).where(PaperForm.batch_id == batch.id).order_by(PaperForm.number)
    )
    db.execute(
        update(PaperForm)
        .where(PaperForm.code == keyed)
        .values(keyed_at=utcnow() - timedelta(days=31))
    )
    answers = {"text": "Mijn adres is Dorpsstraat 1", "email": "anna@example.org"}
    db.add_all(
        [
            PaperKeying(form_code=keyed, round=1, answers=answers),
            PaperKeying(form_code=keyed, round=2, answers=answers),
            PaperKeying(form_code=waiting, round=1, answers=answers),  # its second still to come
        ]
    )
    db.commit()

    report = run(app)

    assert (report.drafts, report.keyings) == (1, 2)
    assert set(db.scalars(select(Draft.token))) == {"today"}
    assert set(db.scalars(select(PaperKeying.form_code))) == {waiting}


def test_who_removed_their_contact_details_gets_no_letter_through_the_wijkteam(app, db, client):
    member = contributor(db, channel="assisted", postal="Dorpsstraat 1")
    look_up(client, member.receipt_code)
    removed = client.post(
        "/volgen/inbreng/contactgegevens",
        data={"csrf_token": csrf_token(client, "/volgen/inbreng"), "website": "", "confirm": "y"},
    )
    assert removed.status_code == 302
    # Without details an assisted contributor would get a letter via the wijkteam: not now.
    reported_theme(app, [member])
    assert db.scalar(select(func.count()).select_from(Notification)) == 0
    with session_for(app) as session:
        assert letters.counts(session, letters.LetterFilter()) == []


def test_sign_ins_that_can_no_longer_count_and_spent_login_failures_go(app, db, staff):
    live = staff("moderator")  # signed in just now: stays, and keeps working
    now = utcnow()
    with session_for(app) as session:
        user = session.scalar(select(StaffUser).where(StaffUser.role == "moderator"))
        session.add_all(
            [
                StaffSession(token_hash="a" * 64, user_id=user.id, created_at=now,
                             last_seen_at=now, ended_at=now),  # logged out
                StaffSession(token_hash="b" * 64, user_id=user.id,
                             created_at=now - timedelta(hours=13),
                             last_seen_at=now - timedelta(hours=2)),  # past the 12 hours
                StaffSession(token_hash="c" * 64, user_id=user.id,
                             created_at=now - timedelta(hours=11),
                             last_seen_at=now - timedelta(hours=11)),  # idle, not yet 12 h
            ]
        )  # fmt: skip
        for name in ("spent@example.org", "locked@example.org", "recent@example.org"):
            accounts.register_failure(session, name, now=now - timedelta(hours=1))
        for _ in range(accounts.THROTTLE_FAILURES):
            accounts.register_failure(session, "locked@example.org", now=now)
        accounts.register_failure(session, "recent@example.org", now=now)
        session.commit()

    report = run(app)

    assert (report.staff_sessions, report.login_throttles) == (2, 1)
    kept = set(db.scalars(select(StaffSession.token_hash)))
    assert "c" * 64 in kept and {"a" * 64, "b" * 64}.isdisjoint(kept) and len(kept) == 2
    with session_for(app) as session:
        assert accounts.locked_for(session, "locked@example.org") is not None
    assert live.get("/medewerkers/inbox").status_code == 200
    assert (run(app).staff_sessions, run(app).login_throttles) == (0, 0)
