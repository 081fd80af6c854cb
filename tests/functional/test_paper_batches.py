"""Paper batches: creating one gives every form its own code; a keyed-in code is checked."""

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.domain import paper, receipts
from portal.domain.paper import BatchRequest, PaperError
from portal.models import AuditEvent, PaperForm, utcnow
from tests.conftest import add_staff, add_submission

REQUEST = BatchRequest(
    language="ar", variant="large_print", forms=25, place="Buurthuis De Meent",
    handout_date=date(2026, 12, 1), double_keying=True,
)  # fmt: skip


def test_a_batch_has_numbered_forms_with_distinct_valid_codes(app, writer, db):
    actor = add_staff(app, "wijkteam@rijnwaarde.example", "wijkteam")
    batch = paper.create_batch(writer, writer.merge(actor), REQUEST)
    writer.commit()
    codes = paper.batch_codes(db, batch)
    assert [number for number, _ in codes] == list(range(1, 26))
    assert len({code for _, code in codes}) == 25
    assert all(receipts.is_valid(code) for _, code in codes)
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "paper_batch.create"))
    assert event.actor == "wijkteam@rijnwaarde.example"
    assert event.after["language"] == "ar" and event.after["forms"] == 25


def test_no_form_code_is_a_receipt_code_already(writer, db, monkeypatch):
    taken = add_submission(db).receipt_code
    fresh = receipts.new_code()
    handed_out = iter([taken, fresh])
    monkeypatch.setattr(receipts, "new_code", lambda: next(handed_out))
    batch = paper.create_batch(writer, None, BatchRequest(**{**REQUEST.__dict__, "forms": 1}))
    writer.commit()
    assert paper.batch_codes(db, batch) == [(1, fresh)]


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"language": "de"}, "unknown_language"),
        ({"variant": "tiny"}, "unknown_variant"),
        ({"forms": 0}, "forms_range"),
        ({"forms": 2001}, "forms_range"),
        ({"place": "  "}, "place"),
        ({"place": "x" * 121}, "place"),
    ],
)
def test_a_batch_request_that_breaks_a_rule_is_refused(writer, db, change, problem):
    with pytest.raises(PaperError) as refused:
        paper.create_batch(writer, None, BatchRequest(**{**REQUEST.__dict__, **change}))
    assert refused.value.code == problem
    writer.rollback()
    assert db.scalar(select(func.count()).select_from(PaperForm)) == 0


def test_a_keyed_in_code_is_checked_for_typos_batches_and_earlier_keying(app, writer, db):
    batch = paper.create_batch(writer, None, REQUEST)
    writer.commit()
    (_, code), (_, other) = paper.batch_codes(db, batch)[:2]
    # As people type it: lower case, without the hyphens, an O for a zero.
    typed = receipts.display(code).lower().replace("-", " ").replace("0", "o")
    assert paper.form_for_keying(db, typed).code == code

    typo = code[:3] + ("X" if code[3] != "X" else "Y") + code[4:]
    with pytest.raises(PaperError) as refused:
        paper.form_for_keying(db, typo)
    assert refused.value.code == "typo"

    with pytest.raises(PaperError) as refused:
        paper.form_for_keying(db, receipts.new_code())
    assert refused.value.code == "unknown"

    keyer = add_staff(app, "invoer@rijnwaarde.example", "wijkteam")
    form = db.get(PaperForm, other)
    form.submission_id = add_submission(db).id
    form.keyed_by, form.keyed_at = keyer.id, utcnow()
    db.commit()
    with pytest.raises(PaperError) as refused:
        paper.form_for_keying(db, other)
    assert refused.value.code == "keyed"
    assert refused.value.details["by"] == "invoer@rijnwaarde.example"
