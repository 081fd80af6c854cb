"""Who is heard, who is missing, in Dutch and in Arabic, checked by axe-core.

An administrator reads the reach page (both periods), keeps the "over mij" questions (a new
question sent empty, then with a translation that does not match, then right; a removal
without the tick, then with it) and types a wrong number of inhabitants for a wijk before
the right one. A resident sends input, follows the receipt's invitation to "over mij", sends
a choice the page did not offer and a form whose session ran out (the error states), and
then answers; the invitation is gone afterwards. Once without JavaScript as well.
"""

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import follow, visit
from tests.browser.test_accessibility import Resident
from tests.browser.test_staff_pages import Staff, assert_error_state

REACH = "/medewerkers/bereik"
QUESTIONS = "/medewerkers/beheer/over-mij"
WIJKEN = "/medewerkers/beheer/wijken"
ABOUT_ME = "/meedoen/over-mij"
RECEIPT = "/meedoen/ontvangen"


def assert_tables_are_labelled(page: Page) -> None:
    """Every table has a caption, names its region with it, and heads its rows and columns."""
    tables = page.locator("main table")
    assert tables.count() >= 5
    for index in range(tables.count()):
        table = tables.nth(index)
        expect(table.locator("caption")).to_have_count(1)
        expect(table.locator("thead th[scope='col']").first).to_be_visible()
        expect(table.locator("tbody th[scope='row']").first).to_be_attached()
        region = table.locator("xpath=..")
        expect(region).to_have_attribute("role", "region")
        expect(region).to_have_accessible_name(table.locator("caption").text_content().strip())


def assert_radio_error_state(page: Page, name: str) -> None:
    """A refused radio group: the summary links to its first radio, the group says why."""
    expect(page.locator(f".error-summary[role='alert'] a[href='#{name}-0']")).to_have_count(1)
    group = page.locator(f"main fieldset:has(#{name}-0)")
    expect(group).to_have_attribute("aria-describedby", re.compile(rf"\b{name}-error\b"))
    message = page.locator(f"#{name}-error")
    expect(message).to_be_visible()
    prefix = message.locator(".visually-hidden").text_content().strip()
    assert page.title().startswith(prefix + " "), page.title()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_an_admin_reads_the_reach_and_keeps_questions_and_inhabitants(
    open_page, staff_account, language
):
    page = open_page()
    me = Staff(page, staff_account("admin"), language)
    me.open_login_page()
    me.log_in()

    # The reach page, from the staff navigation, for the last 12 months and for everything.
    me.follow(me.nav(REACH))
    expect(page.locator("h1")).to_have_count(1)
    assert_tables_are_labelled(page)
    me.follow(page.locator(f"main nav a[href='{REACH}?periode=alles']"))
    expect(page.locator(f"main nav a[href='{REACH}?periode=alles']")).to_have_attribute(
        "aria-current", "true"
    )

    # The questions of "over mij": empty first, then an answer missing in English.
    me.follow(me.link(QUESTIONS))
    me.follow(me.submit(QUESTIONS), status=400)
    assert_error_state(page, "text", form=QUESTIONS)
    question = f"Heeft u een mantelzorgtaak? ({secrets.token_hex(2)})"
    page.fill("#text", question)
    page.fill("#options", "Ja\nNee\nZeg ik liever niet")
    page.locator(f"main form[action='{QUESTIONS}'] details summary").click()
    page.fill("#options_en", "Yes\nNo")
    me.follow(me.submit(QUESTIONS), status=400)
    assert_error_state(page, "options_en", form=QUESTIONS)
    expect(page.locator("#text")).to_have_value(question)
    expect(page.locator("#options_en")).to_have_value("Yes\nNo")
    page.fill("#options_en", "Yes\nNo\nI prefer not to say")
    me.follow(me.submit(QUESTIONS))
    section = page.locator("main section.row-form", has_text=question)
    expect(section).to_have_count(1)

    # Removing it asks for the tick first.
    remove = section.locator("form[action$='/verwijderen']")
    action = remove.get_attribute("action")
    question_id = re.search(r"/(\d+)/verwijderen$", action).group(1)
    me.follow(remove.locator("button[type='submit']"), status=400)
    assert_error_state(page, f"r{question_id}-confirm", form=action)
    page.check(f"#r{question_id}-confirm")
    me.follow(me.submit(action))
    expect(page.locator("main section.row-form", has_text=question)).to_have_count(0)

    # The inhabitants of a wijk: a negative number is refused and stays in the field.
    me.follow(page.locator(f"main nav a[href='{WIJKEN}']"))
    row = page.locator("main form.row-form").first
    action = row.get_attribute("action")
    wijk_id = action.rsplit("/", 1)[-1]
    field = f"w{wijk_id}-inhabitants"
    before = page.locator(f"#{field}").input_value()
    page.fill(f"#{field}", "-40")
    me.follow(me.submit(action), status=400)
    assert_error_state(page, field, form=action)
    expect(page.locator(f"#{field}")).to_have_value("-40")
    page.fill(f"#{field}", before or "9.850")
    me.follow(me.submit(action))
    expect(page.locator("main .notice[role='status']")).to_be_visible()

    me.log_out()
    me.assert_every_field_had_its_own_id_and_label()


def send_input(me: Resident, text: str) -> None:
    """Send an obstacle through the pages, from the start page to the receipt."""
    page = me.page
    me.follow(me.link("/meedoen/obstakel"))
    page.fill("#text", text)
    me.follow(me.submit_button())
    assert page.url.endswith("/meedoen/controleren")
    me.follow(me.submit_button())
    assert page.url.endswith(RECEIPT)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_a_resident_answers_over_mij_after_sending_input(open_page, language):
    page = open_page()
    me = Resident(page, language)
    visit(page, "/")
    me.follow(page.locator(f"nav.languages a[hreflang='{language}']"))
    send_input(me, f"De drempel bij het buurthuis is te hoog ({language}).")

    invitation = page.locator("main section[aria-labelledby='over-mij']")
    expect(invitation).to_be_visible()
    me.follow(invitation.locator(f"a[href='{ABOUT_ME}']"))
    expect(page.locator("main fieldset")).to_have_count(3)  # age and the demo's two
    expect(page.locator("main input[type='radio']:checked")).to_have_count(0)

    # A choice the page did not offer (as when a page was changed): refused, with a message.
    page.locator("#age_band-0").evaluate("radio => { radio.value = 'anders'; }")
    page.check("#age_band-0")
    me.follow(me.submit_button(), status=400)
    assert_radio_error_state(page, "age_band")

    # The page was open too long: the session's token no longer fits. Choices stay.
    page.check("#age_band-3")
    second = page.locator("main fieldset").nth(1)
    second.locator("input[type='radio']").first.check()
    page.locator("main input[name='csrf_token']").evaluate("input => { input.value = 'oud'; }")
    me.follow(me.submit_button(), status=400)
    expect(page.locator(".error-summary[role='alert']")).to_be_visible()
    expect(page.locator("#age_band-3")).to_be_checked()
    expect(second.locator("input[type='radio']").first).to_be_checked()

    me.follow(me.submit_button())
    assert page.url.endswith(f"{ABOUT_ME}?klaar=bewaard")
    expect(page.locator("main [role='status']")).to_be_visible()
    expect(page.locator("main form")).to_have_count(0)
    me.follow(me.link(RECEIPT))
    expect(page.locator("main section[aria-labelledby='over-mij']")).to_have_count(0)


@pytest.mark.browser
def test_over_mij_works_without_javascript_and_an_empty_form_stores_nothing(open_page):
    page = open_page(javascript=False)
    me = Resident(page, "nl")
    visit(page, "/")
    me.follow(page.locator("nav.languages a[hreflang='nl']"))
    send_input(me, "Er is geen bankje bij de bushalte op het plein.")
    me.follow(me.link(ABOUT_ME))
    follow(page, me.submit_button())
    assert page.url.endswith(f"{ABOUT_ME}?klaar=leeg")
    expect(page.locator("main [role='status']")).to_contain_text("niets bewaard")
