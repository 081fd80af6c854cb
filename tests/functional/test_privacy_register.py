"""The privacy statement and the register of processing activities stay true to the code.

Every column of every table is classified here as personal data or not, with a one-word
reason. A new column fails `test_every_column_is_classified` until someone decides; a
personal column fails `test_every_personal_column_is_in_the_register` until the register
(portal/privacy_register.py) says why it is kept, for whom and how long.
"""

import re
from datetime import timedelta

import pytest

from portal import privacy_register
from portal.models import Base
from tests.conftest import page

PERSONAL = "personal"
NOT_PERSONAL = "not personal"

# table.column: (personal or not, one word why). Reasons used:
# personal:     content (what a resident said or chose), identifier (a code that leads to a
#               person's record), link (ties a row to a resident's input), contact, consent,
#               time (when a person did something), moderation (decisions on a person's
#               input), staff (who on the staff did something), credential, handwriting,
#               pseudonym (a keyed hash standing for a person), smtp (a mail server's
#               answer, which may quote the address), name (may name a person), filename
#               (typed by staff, may name anything)
# not personal: key (a surrogate or random key), reference (the gemeente's own lists),
#               gemeente (text the gemeente writes), technical (processing state),
#               aggregate (counts), blank (unfilled forms)
COLUMNS: dict[str, tuple[str, str]] = {
    # participation
    "submission.id": (NOT_PERSONAL, "key"),
    "submission.receipt_code": (PERSONAL, "identifier"),
    "submission.kind": (PERSONAL, "content"),
    "submission.text": (PERSONAL, "content"),
    "submission.language": (PERSONAL, "content"),
    "submission.life_domain_id": (PERSONAL, "content"),
    "submission.neighbourhood_id": (PERSONAL, "content"),
    "submission.height": (PERSONAL, "content"),
    "submission.channel": (PERSONAL, "content"),
    "submission.status": (PERSONAL, "moderation"),
    "submission.hidden_reason": (PERSONAL, "moderation"),
    "submission.duplicate_of_id": (PERSONAL, "moderation"),
    "submission.created_at": (PERSONAL, "time"),
    "submission.moderated_at": (PERSONAL, "moderation"),
    "submission.draft_token": (PERSONAL, "identifier"),
    "submission.entered_by": (PERSONAL, "staff"),
    "submission.resident_consent_at": (PERSONAL, "consent"),
    "submission.contact_withdrawn_at": (PERSONAL, "consent"),
    "contact_details.id": (NOT_PERSONAL, "key"),
    "contact_details.submission_id": (PERSONAL, "link"),
    "contact_details.email": (PERSONAL, "contact"),
    "contact_details.postal_address": (PERSONAL, "contact"),
    "contact_details.consent_at": (PERSONAL, "consent"),
    "contact_details.retain_until": (PERSONAL, "time"),
    "draft.token": (PERSONAL, "identifier"),
    "draft.data": (PERSONAL, "content"),
    "draft.updated_at": (PERSONAL, "time"),
    "neighbourhood.id": (NOT_PERSONAL, "key"),
    "neighbourhood.name": (NOT_PERSONAL, "reference"),
    "neighbourhood.position": (NOT_PERSONAL, "reference"),
    "neighbourhood.active": (NOT_PERSONAL, "reference"),
    "neighbourhood.inhabitants": (NOT_PERSONAL, "aggregate"),
    "life_domain.id": (NOT_PERSONAL, "key"),
    "life_domain.slug": (NOT_PERSONAL, "reference"),
    "life_domain.label": (NOT_PERSONAL, "reference"),
    "life_domain.translations": (NOT_PERSONAL, "reference"),
    "life_domain.position": (NOT_PERSONAL, "reference"),
    "life_domain.active": (NOT_PERSONAL, "reference"),
    # themes and the cycle
    "theme.id": (NOT_PERSONAL, "key"),
    "theme.title": (NOT_PERSONAL, "gemeente"),
    "theme.summary": (NOT_PERSONAL, "gemeente"),
    "theme.stage": (NOT_PERSONAL, "gemeente"),
    "theme.published": (NOT_PERSONAL, "gemeente"),
    "theme.merged_into_id": (NOT_PERSONAL, "key"),
    "theme.created_at": (NOT_PERSONAL, "technical"),
    "theme.updated_at": (NOT_PERSONAL, "technical"),
    "theme.stage_since": (NOT_PERSONAL, "technical"),
    "theme.feedback_published_at": (NOT_PERSONAL, "technical"),
    "theme_submission.theme_id": (PERSONAL, "link"),
    "theme_submission.submission_id": (PERSONAL, "link"),
    "theme_submission.assigned_at": (NOT_PERSONAL, "technical"),
    "experience.id": (NOT_PERSONAL, "key"),
    "experience.theme_id": (PERSONAL, "content"),
    "experience.person_key": (PERSONAL, "pseudonym"),
    "experience.language": (PERSONAL, "content"),
    "experience.channel": (PERSONAL, "content"),
    "experience.created_at": (PERSONAL, "time"),
    "rejected_proposal.signature": (NOT_PERSONAL, "technical"),
    "rejected_proposal.rejected_at": (PERSONAL, "staff"),
    "rejected_proposal.rejected_by": (PERSONAL, "staff"),
    "rejected_proposal.members": (NOT_PERSONAL, "aggregate"),
    "theme_action.id": (NOT_PERSONAL, "key"),
    "theme_action.theme_id": (NOT_PERSONAL, "key"),
    "theme_action.description": (NOT_PERSONAL, "gemeente"),
    "theme_action.owner": (PERSONAL, "name"),
    "theme_action.decided_on": (NOT_PERSONAL, "gemeente"),
    "theme_action.status": (NOT_PERSONAL, "gemeente"),
    "theme_action.reason": (NOT_PERSONAL, "gemeente"),
    "theme_action.created_by": (PERSONAL, "staff"),
    "theme_action.created_at": (PERSONAL, "staff"),
    "theme_action.updated_at": (NOT_PERSONAL, "technical"),
    "theme_feedback.id": (NOT_PERSONAL, "key"),
    "theme_feedback.theme_id": (NOT_PERSONAL, "key"),
    "theme_feedback.language": (NOT_PERSONAL, "gemeente"),
    "theme_feedback.body": (NOT_PERSONAL, "gemeente"),
    "theme_feedback.updated_by": (PERSONAL, "staff"),
    "theme_feedback.updated_at": (PERSONAL, "staff"),
    "letter_run.id": (NOT_PERSONAL, "key"),
    "letter_run.created_by": (PERSONAL, "staff"),
    "letter_run.created_at": (PERSONAL, "staff"),
    "letter_run.letters": (NOT_PERSONAL, "aggregate"),
    "notification.id": (NOT_PERSONAL, "key"),
    "notification.submission_id": (PERSONAL, "link"),
    "notification.theme_id": (PERSONAL, "content"),
    "notification.medium": (PERSONAL, "contact"),
    "notification.language": (PERSONAL, "content"),
    "notification.status": (PERSONAL, "contact"),
    "notification.attempts": (NOT_PERSONAL, "technical"),
    "notification.next_attempt_at": (NOT_PERSONAL, "technical"),
    "notification.claimed_at": (NOT_PERSONAL, "technical"),
    "notification.sent_at": (PERSONAL, "time"),
    "notification.last_error": (PERSONAL, "smtp"),
    "notification.letter_run_id": (NOT_PERSONAL, "technical"),
    "notification.created_at": (NOT_PERSONAL, "technical"),
    "evaluation.id": (NOT_PERSONAL, "key"),
    "evaluation.theme_id": (PERSONAL, "content"),
    "evaluation.submission_id": (PERSONAL, "link"),
    "evaluation.answer": (PERSONAL, "content"),
    "evaluation.language": (PERSONAL, "content"),
    "evaluation.created_at": (PERSONAL, "time"),
    "evaluation.updated_at": (PERSONAL, "time"),
    # paper and scans
    "paper_batch.id": (NOT_PERSONAL, "key"),
    "paper_batch.language": (NOT_PERSONAL, "blank"),
    "paper_batch.variant": (NOT_PERSONAL, "blank"),
    "paper_batch.forms": (NOT_PERSONAL, "aggregate"),
    "paper_batch.place": (NOT_PERSONAL, "reference"),
    "paper_batch.neighbourhood_id": (NOT_PERSONAL, "reference"),
    "paper_batch.handout_date": (NOT_PERSONAL, "blank"),
    "paper_batch.double_keying": (NOT_PERSONAL, "technical"),
    "paper_batch.created_by": (PERSONAL, "staff"),
    "paper_batch.created_at": (PERSONAL, "staff"),
    "paper_batch.source": (NOT_PERSONAL, "technical"),
    "paper_batch.printed": (NOT_PERSONAL, "reference"),
    "paper_print.batch_id": (NOT_PERSONAL, "key"),
    "paper_print.state": (NOT_PERSONAL, "technical"),
    "paper_print.done": (NOT_PERSONAL, "technical"),
    "paper_print.pdf": (NOT_PERSONAL, "blank"),
    "paper_print.updated_at": (NOT_PERSONAL, "technical"),
    "paper_form.code": (PERSONAL, "identifier"),
    "paper_form.batch_id": (NOT_PERSONAL, "key"),
    "paper_form.number": (NOT_PERSONAL, "technical"),
    "paper_form.submission_id": (PERSONAL, "link"),
    "paper_form.keyed_by": (PERSONAL, "staff"),
    "paper_form.keyed_at": (PERSONAL, "staff"),
    "paper_form.returned_at": (NOT_PERSONAL, "technical"),
    "paper_keying.form_code": (PERSONAL, "link"),
    "paper_keying.round": (NOT_PERSONAL, "technical"),
    "paper_keying.answers": (PERSONAL, "content"),
    "paper_keying.keyed_by": (PERSONAL, "staff"),
    "paper_keying.keyed_at": (PERSONAL, "staff"),
    "scan_upload.id": (NOT_PERSONAL, "key"),
    "scan_upload.uploaded_by": (PERSONAL, "staff"),
    "scan_upload.uploaded_at": (PERSONAL, "staff"),
    "scan_upload.filename": (PERSONAL, "filename"),
    "scan_upload.pages": (NOT_PERSONAL, "aggregate"),
    "scan_page.id": (NOT_PERSONAL, "key"),
    "scan_page.upload_id": (NOT_PERSONAL, "key"),
    "scan_page.position": (NOT_PERSONAL, "technical"),
    "scan_page.form_code": (PERSONAL, "link"),
    "scan_page.form_page": (NOT_PERSONAL, "technical"),
    "scan_page.outcome": (NOT_PERSONAL, "technical"),
    "scan_page.rotation": (NOT_PERSONAL, "technical"),
    "scan_page.readings": (PERSONAL, "content"),
    "scan_crop.id": (NOT_PERSONAL, "key"),
    "scan_crop.page_id": (NOT_PERSONAL, "key"),
    "scan_crop.field": (NOT_PERSONAL, "technical"),
    "scan_crop.png": (PERSONAL, "handwriting"),
    # "over mij"
    "profile.id": (NOT_PERSONAL, "key"),
    "profile.period": (PERSONAL, "time"),
    "profile.age_band": (PERSONAL, "content"),
    "profile_answer.profile_id": (PERSONAL, "link"),
    "profile_answer.question_id": (PERSONAL, "content"),
    "profile_answer.option_id": (PERSONAL, "content"),
    "profile_question.id": (NOT_PERSONAL, "key"),
    "profile_question.text": (NOT_PERSONAL, "reference"),
    "profile_question.translations": (NOT_PERSONAL, "reference"),
    "profile_question.position": (NOT_PERSONAL, "reference"),
    "profile_option.id": (NOT_PERSONAL, "key"),
    "profile_option.question_id": (NOT_PERSONAL, "key"),
    "profile_option.label": (NOT_PERSONAL, "reference"),
    "profile_option.translations": (NOT_PERSONAL, "reference"),
    "profile_option.position": (NOT_PERSONAL, "reference"),
    # staff
    "staff_user.id": (NOT_PERSONAL, "key"),
    "staff_user.email": (PERSONAL, "contact"),
    "staff_user.role": (PERSONAL, "staff"),
    "staff_user.password_hash": (PERSONAL, "credential"),
    "staff_user.active": (PERSONAL, "staff"),
    "staff_user.totp_secret": (PERSONAL, "credential"),
    "staff_user.totp_confirmed_at": (PERSONAL, "credential"),
    "staff_user.totp_last_step": (PERSONAL, "credential"),
    "staff_user.created_at": (PERSONAL, "time"),
    "staff_user.last_login_at": (PERSONAL, "time"),
    "staff_session.token_hash": (PERSONAL, "identifier"),
    "staff_session.user_id": (PERSONAL, "link"),
    "staff_session.created_at": (PERSONAL, "time"),
    "staff_session.last_seen_at": (PERSONAL, "time"),
    "staff_session.ended_at": (PERSONAL, "time"),
    "login_throttle.key": (PERSONAL, "pseudonym"),
    "login_throttle.failures": (PERSONAL, "staff"),
    "login_throttle.window_started_at": (PERSONAL, "time"),
    "login_throttle.locked_until": (PERSONAL, "time"),
    "audit_event.id": (NOT_PERSONAL, "key"),
    "audit_event.created_at": (PERSONAL, "time"),
    "audit_event.actor_id": (PERSONAL, "staff"),
    "audit_event.actor": (PERSONAL, "staff"),
    "audit_event.action": (PERSONAL, "staff"),
    "audit_event.record_type": (NOT_PERSONAL, "technical"),
    "audit_event.record_id": (PERSONAL, "link"),
    "audit_event.before": (PERSONAL, "content"),
    "audit_event.after": (PERSONAL, "content"),
}

# Settings whose value a retention promise depends on: each must be shown live.
RETENTION_SETTINGS = ("CONTACT_RETENTION_DAYS", "CONTACT_DAYS_AFTER_FEEDBACK", "SCAN_CROP_DAYS")
# Unusual values, so that a number on the page can only have come from the settings.
OTHER_SETTINGS = {
    "CONTACT_RETENTION_DAYS": 401,
    "CONTACT_DAYS_AFTER_FEEDBACK": 47,
    "SCAN_CROP_DAYS": 13,
    "PERMANENT_SESSION_LIFETIME": timedelta(days=29),
    "STAFF_IDLE_MINUTES": 17,
}
DAYS = re.compile(r"(\d+) dag(?:en)?\b")


def all_columns() -> set[str]:
    return {
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
    }


def personal_columns() -> set[str]:
    return {column for column, (kind, _reason) in COLUMNS.items() if kind == PERSONAL}


# --- (a) the register names every column with personal data ------------------------------------


def test_every_column_is_classified():
    unclassified = sorted(all_columns() - set(COLUMNS))
    assert not unclassified, (
        "classify this column as personal or not personal in "
        f"tests/functional/test_privacy_register.py (COLUMNS): {unclassified}"
    )
    gone = sorted(set(COLUMNS) - all_columns())
    assert not gone, f"these columns no longer exist: take them out of COLUMNS: {gone}"


def test_every_classification_is_one_of_two_with_a_one_word_reason():
    for column, (kind, reason) in COLUMNS.items():
        assert kind in (PERSONAL, NOT_PERSONAL), column
        assert re.fullmatch(r"[a-z]+", reason), f"{column}: one word, not {reason!r}"


def test_every_personal_column_is_in_the_register():
    missing = sorted(personal_columns() - privacy_register.named_columns())
    assert not missing, (
        f"personal data the register does not mention: add it to an activity in "
        f"portal/privacy_register.py: {missing}"
    )


def test_the_register_names_only_real_personal_columns():
    named = privacy_register.named_columns()
    assert not named - all_columns(), f"no such column: {sorted(named - all_columns())}"
    not_personal = sorted(named - personal_columns())
    assert not not_personal, f"classified as not personal, yet in the register: {not_personal}"


def test_every_activity_says_everything_article_30_asks(app):
    slugs = [activity.slug for activity in privacy_register.ACTIVITIES]
    assert len(slugs) == len(set(slugs))
    with app.test_request_context():
        for shown in privacy_register.shown(app.config):
            for field in ("name", "purpose", "legal_basis", "data_subjects", "data"):
                assert shown[field], f"{shown['slug']} has no {field}"
            for field in ("recipients", "retention", "security"):
                assert shown[field], f"{shown['slug']} has no {field}"


def test_retention_refers_to_real_settings_and_covers_every_retention_setting(app):
    used = {
        setting
        for activity in privacy_register.ACTIVITIES
        for rule in activity.retention
        for setting in rule.settings
    }
    assert used <= set(app.config), f"no such settings: {sorted(used - set(app.config))}"
    assert set(RETENTION_SETTINGS) <= used


# --- (b) the numbers shown are the settings' values -------------------------------------------


def days_shown(soup) -> set[int]:
    return {int(number) for number in DAYS.findall(soup.main.get_text(" ", strip=True))}


def expected_days(config) -> set[int]:
    return {
        config["CONTACT_RETENTION_DAYS"],
        config["CONTACT_DAYS_AFTER_FEEDBACK"],
        config["SCAN_CROP_DAYS"],
        config["PERMANENT_SESSION_LIFETIME"].days,
        privacy_register.DRAFT_DAYS,
    }


@pytest.fixture
def fresh_pages(app):
    """The statements are rendered once and served again: start and end without them."""
    app.extensions["shared_pages"].clear()
    yield
    app.extensions["shared_pages"].clear()


@pytest.mark.parametrize("path", ["/privacy", "/privacy/verwerkingsregister"])
def test_the_periods_shown_are_the_settings(app, client, fresh_pages, path):
    assert days_shown(page(client.get(path))) == expected_days(app.config)


@pytest.mark.parametrize("path", ["/privacy", "/privacy/verwerkingsregister"])
def test_other_settings_change_the_periods_shown(app, client, fresh_pages, monkeypatch, path):
    default = days_shown(page(client.get(path)))
    app.extensions["shared_pages"].clear()
    for key, value in OTHER_SETTINGS.items():
        monkeypatch.setitem(app.config, key, value)
    shown = days_shown(page(client.get(path)))
    assert shown == expected_days(app.config)
    assert {401, 47, 13, 29} <= shown
    assert not (default - {privacy_register.DRAFT_DAYS}) & shown, "a default is still shown"
    assert "17 minuten" in page(client.get(path)).main.get_text(" ", strip=True)


def test_the_register_shows_each_setting_beside_its_value(app, client, fresh_pages, monkeypatch):
    for key, value in OTHER_SETTINGS.items():
        monkeypatch.setitem(app.config, key, value)
    soup = page(client.get("/privacy/verwerkingsregister"))
    for setting in RETENTION_SETTINGS:
        rules = [code.parent for code in soup.select("main code") if code.get_text() == setting]
        assert rules, f"{setting} is not named on the register page"
        for rule in rules:
            assert f"{app.config[setting]} dag" in rule.get_text(" ", strip=True), setting


def test_the_register_says_whether_mail_goes_encrypted(app, client, fresh_pages, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_SECURITY", "none")
    text = page(client.get("/privacy/verwerkingsregister")).main.get_text(" ", strip=True)
    assert "mailserver is niet versleuteld" in text
    app.extensions["shared_pages"].clear()
    monkeypatch.setitem(app.config, "SMTP_SECURITY", "starttls")
    text = page(client.get("/privacy/verwerkingsregister")).main.get_text(" ", strip=True)
    assert "mailserver is versleuteld" in text


# --- (c) what the statement promises exists in the code ---------------------------------------


def test_the_removal_on_the_status_page_exists(app):
    assert "residents.remove_contact" in app.view_functions
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    assert "POST" in rules["residents.remove_contact"].methods


def test_the_retention_command_exists_and_runs(app):
    result = app.test_cli_runner().invoke(args=["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Contact details would remove" in result.output
    assert "handwriting cut from scans" in result.output


def test_the_statement_links_the_status_page_and_the_register(client, fresh_pages):
    soup = page(client.get("/privacy"))
    links = {a["href"] for a in soup.main.find_all("a", href=True)}
    assert {"/volgen", "/privacy/verwerkingsregister"} <= links
    assert "https://autoriteitpersoonsgegevens.nl/" in links
    register = page(client.get("/privacy/verwerkingsregister"))
    assert "/privacy" in {a["href"] for a in register.main.find_all("a", href=True)}


def test_the_privacy_contact_is_the_setting(app, client, fresh_pages, monkeypatch):
    monkeypatch.setitem(app.config, "PRIVACY_CONTACT", "fg@ooststad.example")
    for path in ("/privacy", "/privacy/verwerkingsregister"):
        links = {a["href"] for a in page(client.get(path)).main.find_all("a", href=True)}
        assert "mailto:fg@ooststad.example" in links, path


# --- (d) both pages are sound pages, in Dutch and in Arabic -----------------------------------


@pytest.mark.parametrize("language", ["nl", "ar"])
@pytest.mark.parametrize("path", ["/privacy", "/privacy/verwerkingsregister"])
def test_the_pages_render_in_each_language(client, fresh_pages, path, language):
    response = client.get(path, query_string={"lang": language})
    assert response.status_code == 200
    soup = page(response)
    assert soup.html["lang"] == language
    assert soup.html["dir"] == ("rtl" if language == "ar" else "ltr")
    assert soup.h1.get_text(strip=True)


def test_the_register_lists_every_activity_with_an_anchor(client, fresh_pages):
    soup = page(client.get("/privacy/verwerkingsregister"))
    for activity in privacy_register.ACTIVITIES:
        heading = soup.find("h2", id=activity.slug)
        assert heading is not None, activity.slug
        assert soup.find("a", href=f"#{activity.slug}") is not None, activity.slug
