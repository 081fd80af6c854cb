"""The operator commands."""

import pytest
from sqlalchemy import func, select

from portal.models import Evaluation, Neighbourhood, Notification, StaffUser, Submission, Theme


def test_demo_content_loads_once(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "8 wijken and 168 submissions added" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "0 wijken and 0 submissions added" in second.output
    assert db.scalar(select(func.count()).select_from(Submission)) == 168 + 1  # + a comment
    assert db.scalar(select(func.count()).select_from(Neighbourhood)) == 8
    languages = set(db.scalars(select(Submission.language)))
    assert {"nl", "ar", "tr", "pl", "uk", "en"} <= languages
    assert set(db.scalars(select(Submission.channel))) == {"web", "paper", "assisted", "phone"}
    assert "3 themes" in first.output
    published = db.scalars(select(Theme).where(Theme.published)).all()
    assert len(published) == 3 and all(theme.summary and theme.submissions for theme in published)
    # One theme went all the way: feedback published, contributors told, one evaluation.
    (reported,) = [theme for theme in published if theme.stage == "reported"]
    assert reported.feedback_published_at is not None
    media = set(db.scalars(select(Notification.medium)))
    assert media == {"email", "letter"}
    assert db.scalar(select(Evaluation.answer)) == "helps_a_little"
    roles = dict(db.execute(select(StaffUser.email, StaffUser.role)).all())
    assert sorted(roles.values()) == ["admin", "moderator", "policy", "wijkteam"]
    assert "rijnwaarde-demo-wachtwoord" in first.output


def test_demo_staff_accounts_are_never_made_in_production(database_url, db):
    from portal import create_app
    from tests.conftest import TEST_SETTINGS

    production = create_app(
        {**TEST_SETTINGS, "DATABASE_URL": database_url, "PORTAL_ENV": "production"}
    )
    result = production.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert db.scalar(select(func.count()).select_from(StaffUser)) == 0
    assert "password" not in result.output


def test_db_current_reports_the_head_revision(app):
    result = app.test_cli_runner().invoke(args=["db", "current"])
    assert result.exit_code == 0, result.output


def test_users_add_reads_the_password_from_standard_input(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "add", "Beleid@Rijnwaarde.example", "--role", "policy"],
        input="een lange zin als wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    assert "Added beleid@rijnwaarde.example as policy" in result.output
    user = db.scalar(select(StaffUser))
    assert (user.email, user.role, user.active) == ("beleid@rijnwaarde.example", "policy", True)
    assert user.password_hash.startswith("scrypt:"), "hashed with scrypt, never stored plain"
    assert "een lange zin" not in user.password_hash


def test_users_list_disable_enable_and_set_role(app, db):
    runner = app.test_cli_runner()
    runner.invoke(
        args=["users", "add", "w@rijnwaarde.example", "--role", "wijkteam"],
        input="een lange zin als wachtwoord\n",
    )
    assert (
        runner.invoke(args=["users", "set-role", "w@rijnwaarde.example", "moderator"]).exit_code
        == 0
    )
    assert runner.invoke(args=["users", "disable", "w@rijnwaarde.example"]).exit_code == 0
    listing = runner.invoke(args=["users", "list"]).output
    assert listing.split("\t")[:4] == ["w@rijnwaarde.example", "moderator", "disabled", "no-2fa"]
    assert runner.invoke(args=["users", "enable", "w@rijnwaarde.example"]).exit_code == 0
    assert "\tactive\t" in runner.invoke(args=["users", "list"]).output


@pytest.mark.parametrize(
    "args, password, message",
    [
        (["users", "add", "x@rijnwaarde.example", "--role", "policy"], "kort\n", "at least 12"),
        (
            ["users", "add", "geen-adres", "--role", "policy"],
            "een lange zin als wachtwoord\n",
            "not an e-mail",
        ),
        (["users", "add", "x@rijnwaarde.example", "--role", "koning"], "", "Invalid value"),
        (["users", "disable", "niemand@rijnwaarde.example"], "", "No staff account"),
        (["users", "set-role", "niemand@rijnwaarde.example", "admin"], "", "No staff account"),
    ],
)
def test_users_commands_refuse_bad_input_with_a_clear_message(app, db, args, password, message):
    result = app.test_cli_runner().invoke(args=args, input=password)
    assert result.exit_code != 0
    assert message in result.output
    assert db.scalar(select(func.count()).select_from(StaffUser)) == 0


def test_users_add_refuses_an_existing_address(app):
    runner = app.test_cli_runner()
    args = ["users", "add", "a@rijnwaarde.example", "--role", "admin"]
    assert runner.invoke(args=args, input="een lange zin als wachtwoord\n").exit_code == 0
    again = runner.invoke(args=args, input="een lange zin als wachtwoord\n")
    assert again.exit_code == 1 and "exists already" in again.output


def test_cluster_eval_prints_the_figures_as_one_json_object(app, tmp_path):
    import json

    corpus = tmp_path / "corpus.jsonl"
    labelled = [  # (theme, dup_group, text)
        ("stoep", "a", "De stoeprand is te hoog voor mijn rolstoel."),
        ("stoep", "a", "Stoeprand te hoog, rolstoel kan er niet op."),
        ("stoep", None, "Met de rolstoel kom ik de hoge stoep niet op."),
        ("bus", None, "Lijn 12 rijdt 's avonds niet meer na 20:00."),
        ("bus", None, "Na 20:00 geen bus lijn 12 meer in de avond."),
        ("bus", None, "De laatste bus van lijn 12 gaat te vroeg."),
    ]
    lines = [
        {"id": n, "text": text, "theme": theme, "dup_group": group}
        for n, (theme, group, text) in enumerate(labelled, start=1)
    ]
    corpus.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["cluster-eval", str(corpus)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    for key in ("suggest_top1", "suggest_top3", "ari", "nmi", "dup_precision", "dup_recall"):
        assert 0.0 <= figures[key] <= 1.0, key
    assert figures["items"] == 6 and figures["themes"] == 2
    assert figures["suggest_top3"] == 1.0, "two themes: the right one is always in the top 3"


@pytest.mark.parametrize("content", ["not json at all\n", '{"id": 1, "theme": "x"}\n', "[1, 2]\n"])
def test_cluster_eval_refuses_a_file_that_is_no_labelled_corpus(app, tmp_path, content):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(content, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["cluster-eval", str(corpus)])
    assert result.exit_code == 1
    assert "is not a labelled corpus" in result.output
