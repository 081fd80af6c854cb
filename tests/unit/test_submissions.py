"""Receiving submissions: the domain functions the views, the CLI and later channels share."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.domain import drafts, submissions
from portal.domain.submissions import Answers
from portal.models import Draft, Neighbourhood, Submission, utcnow


def test_a_submission_gets_a_valid_unique_receipt_code(writer):
    first = submissions.submit(writer, Answers(kind="idea", text="Een", language="nl"))
    second = submissions.submit(writer, Answers(kind="idea", text="Twee", language="nl"))
    writer.commit()
    assert first.receipt_code != second.receipt_code
    assert submissions.find_by_code(writer, first.receipt_code.lower()) is first


def test_the_same_draft_sent_twice_is_one_submission(writer):
    token = drafts.new_token()
    drafts.save(writer, token, {"kind": "idea"})
    answers = Answers(kind="idea", text="Eén keer", language="nl")
    first = submissions.submit(writer, answers, draft_token=token)
    again = submissions.submit(writer, answers, draft_token=token)
    writer.commit()
    assert first.id == again.id
    assert writer.scalar(select(func.count()).select_from(Submission)) == 1
    assert writer.get(Draft, token) is None, "a sent draft is gone"


def test_an_idea_never_carries_a_height(writer):
    stored = submissions.submit(writer, Answers(kind="idea", text="x", language="nl", height=4))
    assert stored.height is None


def test_contact_details_need_a_date_to_remove_them(writer):
    answers = Answers(kind="obstacle", text="x", language="nl", email="a@example.org")
    with pytest.raises(ValueError):
        submissions.submit(writer, answers)
    until = submissions.contact_retained_until(30, today=date(2026, 1, 31))
    assert until == date(2026, 3, 2)
    stored = submissions.submit(writer, answers, retain_contact_until=until)
    assert stored.contact.retain_until == until


def test_a_wijk_that_was_removed_meanwhile_is_dropped_not_an_error(writer):
    gone = Neighbourhood(name="Oud", active=False)
    writer.add(gone)
    writer.flush()
    stored = submissions.submit(
        writer,
        Answers(
            kind="idea", text="x", language="nl", neighbourhood_id=gone.id, life_domain_id=99999
        ),
    )
    assert stored.neighbourhood_id is None and stored.life_domain_id is None


def test_drafts_expire_after_a_day(writer):
    drafts.save(writer, "old", {"kind": "idea"})
    writer.get(Draft, "old").updated_at = utcnow() - timedelta(days=2)
    writer.flush()
    assert drafts.load(writer, "old") is None
    drafts.save(writer, "new", {"kind": "idea"})
    assert writer.get(Draft, "old") is None, "saving a new draft clears out expired ones"
    assert drafts.load(writer, "new") == {"kind": "idea"}
