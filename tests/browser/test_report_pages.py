"""The export page and the council report page in Dutch and in Arabic, checked by axe-core:
a policy officer downloads published input and the themes, and the report for a period,
each first with something the page cannot use, which it says and keeps."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_keyboard import REFLOW_WIDTH, assert_no_horizontal_scrolling
from tests.browser.test_staff_pages import (
    Staff,
    assert_error_state,
    assert_region_is_labelled,
)

EXPORT = "/medewerkers/export"
SUBMISSIONS = "/medewerkers/export/inbreng"
THEMES = "/medewerkers/export/themas"
REPORT = "/medewerkers/rapport"
REPORT_PDF = "/medewerkers/rapport.pdf"


def download(me: Staff, action: str):
    """Send the form that goes to `action`; the answer is a file, not a page."""
    with me.page.expect_download() as started:
        me.submit(action).click()
    return started.value


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_a_policy_officer_downloads_exports_and_the_council_report(
    open_page, staff_account, published_theme, language
):
    me = Staff(open_page(), staff_account("policy"), language)
    page = me.page
    me.open_login_page()
    me.log_in()

    me.visit(EXPORT)
    assert_region_is_labelled(page, "main .table-wrap")
    # A date the export cannot read: said in the summary and at the field, and kept.
    page.fill("#van", "31-12-2024")
    page.select_option("#kind", "idea")
    me.follow(me.submit(SUBMISSIONS), status=400)
    assert_error_state(page, "van", form=SUBMISSIONS)
    expect(page.locator("#van")).to_have_value("31-12-2024")
    expect(page.locator("#kind")).to_have_value("idea")
    # Then one it can: the file comes, the page stays.
    page.fill("#van", "2024-01-01")
    file = download(me, SUBMISSIONS)
    assert file.suggested_filename.startswith("inbreng-")
    assert file.suggested_filename.endswith(".csv")
    assert Path(file.path()).read_bytes().startswith(b"\xef\xbb\xbf")

    # A kind of file the page does not offer, as in an edited link: the radios say so.
    me.visit(f"{THEMES}?formaat=pdf", status=400)
    link = page.locator(".error-summary[role='alert'] a[href='#theme-formaat-0']")
    expect(link).to_have_count(1)
    group = page.locator(f"main form[action='{THEMES}'] fieldset")
    expect(group).to_have_attribute("aria-describedby", "theme-formaat-error")
    expect(page.locator("#theme-formaat-error")).to_be_visible()
    assert page.title().startswith(
        page.locator("#theme-formaat-error .visually-hidden").text_content().strip()
    )
    link.click()
    expect(page.locator("#theme-formaat-0")).to_be_focused()
    page.check("#theme-formaat-1")
    file = download(me, THEMES)
    assert file.suggested_filename.startswith("themas-")
    assert file.suggested_filename.endswith(".json")

    me.visit(REPORT)
    this_year = page.locator("#van").input_value()
    assert this_year.endswith("-01-01")
    page.fill("#tot", "morgen")
    me.follow(me.submit(REPORT_PDF), status=400)
    assert_error_state(page, "tot", form=REPORT_PDF)
    expect(page.locator("#tot")).to_have_value("morgen")
    expect(page.locator("#van")).to_have_value(this_year)
    page.fill("#van", "2024-01-01")
    page.fill("#tot", "2099-12-31")
    file = download(me, REPORT_PDF)
    assert file.suggested_filename == "raadsrapport-2024-01-01-2099-12-31.pdf"
    assert Path(file.path()).read_bytes().startswith(b"%PDF")
    me.assert_every_field_had_its_own_id_and_label()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_the_export_and_report_pages_fit_a_narrow_screen(open_page, staff_account, language):
    me = Staff(open_page(width=REFLOW_WIDTH, height=640), staff_account("policy"), language)
    me.open_login_page()
    me.log_in()
    for path in (EXPORT, REPORT):
        me.visit(path)
        assert_no_horizontal_scrolling(me.page)
