"""Every staff route, checked by role: the whole URL map is walked, nothing is assumed.

EXPECTED below is the access policy written out by hand. A new staff route fails this test
until someone decides here who may use it, so no page is ever open by accident.
"""

import pytest
from flask import url_for

from portal import create_app
from portal.models import ROLES
from portal.staff.access import PERMISSIONS
from tests.conftest import TEST_SETTINGS, add_staff, log_in

EXPECTED = {
    # Signing in and out; one's own second factor.
    "staff.login": "public",
    "staff.second_factor": "public",
    "staff.enrol_at_login": "public",
    "staff.enrol": "staff",
    "staff.logout": "staff",
    "staff.home": "staff",
    # Moderation: the inbox, one submission, the audit trail.
    "staff.inbox": "moderate",
    "staff.bulk_action": "moderate",
    "staff.submission": "moderate",
    "staff.publish": "moderate",
    "staff.hide": "moderate",
    "staff.edit_text": "moderate",
    "staff.set_themes": "moderate",
    "staff.mark_duplicate": "moderate",
    "staff.audit_log": "moderate",
    # Suggestions and proposals for new themes.
    "staff.add_suggested_theme": "moderate",
    "staff.proposals": "moderate",
    "staff.accept_proposal": "moderate",
    "staff.reject_proposal": "moderate",
    # Themes: policy officers read them, moderators change them.
    "staff.themes_list": "read",
    "staff.theme": "read",
    "staff.create_theme": "moderate",
    "staff.update_theme": "moderate",
    "staff.merge_theme": "moderate",
    "staff.split_theme": "moderate",
    # The cycle: actions on a theme, and the board of all themes by stage.
    "staff.move_theme": "moderate",
    "staff.add_action": "moderate",
    "staff.save_feedback": "moderate",
    "staff.feedback_letters": "paper",
    "staff.letter_run_pdf": "paper",
    "staff.update_action": "moderate",
    "staff.cycle_board": "read",
    # The dashboard: charts of who is heard, through which channel, about what.
    "staff.dashboard": "read",
    # Paper forms: the wijkteam prints batches and keys returned forms in.
    "staff.paper_batches": "paper",
    "staff.new_batch": "paper",
    "staff.create_batch": "paper",
    "staff.paper_batch": "paper",
    "staff.paper_batch_pdf": "paper",
    "staff.reprint_batch": "paper",
    "staff.find_form": "paper",
    "staff.open_form": "paper",
    "staff.key_form": "paper",
    "staff.save_keying": "paper",
    "staff.resolve_keying": "paper",
    "staff.save_resolution": "paper",
    # Scans of returned forms.
    "staff.scans": "paper",
    "staff.upload_scans": "paper",
    "staff.scan_upload": "paper",
    "staff.scan_crop": "paper",
    # Administration.
    "staff.admin_users": "administer",
    "staff.add_user": "administer",
    "staff.set_user_role": "administer",
    "staff.toggle_user": "administer",
    "staff.reset_user_totp": "administer",
    "staff.admin_neighbourhoods": "administer",
    "staff.add_neighbourhood": "administer",
    "staff.update_neighbourhood": "administer",
    "staff.admin_life_domains": "administer",
    "staff.add_life_domain": "administer",
    "staff.update_life_domain": "administer",
    # "Over mij": the gemeente's own questions.
    "staff.admin_profile_questions": "administer",
    "staff.add_profile_question": "administer",
    "staff.update_profile_question": "administer",
    "staff.move_profile_question": "administer",
    "staff.remove_profile_question": "administer",
    # Reach: who is heard and who is missing.
    "staff.reach_page": "read",
    # Assisted entry with its receipt slip, and feedback letters on paper.
    "staff.assisted_entry": "paper",
    "staff.assisted_slip": "paper",
    "staff.assisted_slip_pdf": "paper",
    "staff.letters": "paper",
    "staff.letters_pdf": "paper",
    # Exports and the council report: policy officers read, so they download.
    "staff.export_page": "read",
    "staff.export_submissions": "read",
    "staff.export_themes": "read",
    "staff.report_page": "read",
    "staff.report_pdf": "read",
}


@pytest.fixture(scope="module")
def open_app(app, database_url):
    """The portal without CSRF checks, so a POST reaches the access check itself.

    (It asks for `app` too, so the tables are emptied after each test as usual.)"""
    return create_app({**TEST_SETTINGS, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False})


def staff_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("staff."):
            # Any value for the route's arguments: access is checked before the view runs.
            values = {argument: 1 for argument in rule.arguments}
            path = _build(app, rule, values)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, method, path


def _build(app, rule, values):
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def test_every_staff_route_declares_who_may_use_it(open_app):
    declared = {
        endpoint: getattr(open_app.view_functions[endpoint], "permission", None)
        for endpoint in open_app.view_functions
        if endpoint.startswith("staff.")
    }
    assert declared == EXPECTED


def test_anonymous_visitors_are_sent_to_the_login(open_app):
    client = open_app.test_client()
    for endpoint, method, path in staff_routes(open_app):
        if EXPECTED[endpoint] == "public":
            continue
        response = client.open(path, method=method)
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert response.headers["Location"].startswith("/medewerkers/inloggen"), endpoint


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_the_routes_meant_for_it(open_app, role):
    email = f"{role}@rijnwaarde.example"
    add_staff(open_app, email, role)
    client = open_app.test_client()
    checked = 0
    for endpoint, method, path in staff_routes(open_app):
        permission = EXPECTED[endpoint]
        if permission == "public" or endpoint == "staff.logout":
            continue
        if client.get("/medewerkers/").status_code != 200:  # a route may end the session
            assert log_in(client, email).status_code == 302
        response = client.open(path, method=method)
        status = response.status_code
        if role in PERMISSIONS[permission]:
            to_login = response.headers.get("Location", "").startswith("/medewerkers/inloggen")
            assert status != 403 and not to_login, (endpoint, method, role, status)
        else:
            assert status == 403, (endpoint, method, role, status)
        checked += 1
    assert checked == sum(
        len(rule.methods - {"HEAD", "OPTIONS"})
        for rule in open_app.url_map.iter_rules()
        if EXPECTED.get(rule.endpoint, "public") != "public" and rule.endpoint != "staff.logout"
    )


def test_a_route_without_a_declaration_is_refused_to_everyone(app, database_url):
    """Fail closed: the check refuses a staff view that forgot to say who may use it."""
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": database_url})
    app.view_functions["staff.home"] = lambda: "open"  # as if the declaration was forgotten
    add_staff(app, "admin@rijnwaarde.example", "admin")
    client = app.test_client()
    log_in(client, "admin@rijnwaarde.example")
    assert client.get("/medewerkers/").status_code == 403
