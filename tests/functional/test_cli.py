"""The operator commands."""

from sqlalchemy import func, select

from portal.models import Neighbourhood, Submission


def test_demo_content_loads_once(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "8 wijken and 8 submissions added" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "0 wijken and 0 submissions added" in second.output
    assert db.scalar(select(func.count()).select_from(Submission)) == 8
    assert db.scalar(select(func.count()).select_from(Neighbourhood)) == 8
    languages = set(db.scalars(select(Submission.language)))
    assert {"nl", "ar", "uk"} <= languages


def test_db_current_reports_the_head_revision(app):
    result = app.test_cli_runner().invoke(args=["db", "current"])
    assert result.exit_code == 0, result.output
