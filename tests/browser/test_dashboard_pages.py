"""The dashboard in Dutch and in Arabic, checked by axe-core: a policy officer reads the
charts and their tables, on a wide screen and at 320 px, and chooses a period, first with a
date the page cannot read."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility
from tests.browser.test_keyboard import REFLOW_WIDTH, assert_no_horizontal_scrolling
from tests.browser.test_staff_pages import Staff, assert_error_state

DASHBOARD = "/medewerkers/dashboard"
CHARTS = 4  # and one heat map, which is a table


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_a_policy_officer_reads_the_dashboard_and_chooses_a_period(
    open_page, staff_account, published_theme, language
):
    me = Staff(open_page(), staff_account("policy"), language)
    me.open_login_page()
    me.log_in()
    me.visit(DASHBOARD)
    page = me.page
    charts = page.locator("main svg[role='img']")
    expect(charts).to_have_count(CHARTS)
    direction = "rtl" if language == "ar" else "ltr"
    for chart in charts.all():
        expect(chart).to_have_attribute("direction", direction)
        title = chart.locator("title").text_content()
        expect(chart).to_have_accessible_name(re.compile("^" + re.escape(title)))
    # Named after the theme: the heat map has it, whatever else the browser suite made.
    expect(page.locator("main table.table--heat")).to_contain_text(
        published_theme.title.split(" (")[0]
    )

    # Every chart's figures, opened: the tables are checked by axe-core too.
    for summary in page.locator("main details > summary").all():
        summary.click()
    expect(page.locator("main details[open] table")).to_have_count(CHARTS)
    check_accessibility(page)

    # A date the page cannot read: said in the summary and at the field, and kept.
    page.fill("#since", "31-12-2024")
    me.follow(me.submit(DASHBOARD), status=400)
    assert_error_state(page, "since", form=DASHBOARD)
    expect(page.locator("#since")).to_have_value("31-12-2024")
    expect(page.locator("main svg")).to_have_count(0)

    # Then a period it can: the charts come back, the period stays in the fields.
    page.fill("#since", "2024-01-01")
    me.follow(me.submit(DASHBOARD))
    expect(charts).to_have_count(CHARTS)
    expect(page.locator("#since")).to_have_value("2024-01-01")
    me.assert_every_field_had_its_own_id_and_label()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_the_dashboard_reflows_at_320_css_pixels(
    open_page, staff_account, published_theme, language
):
    page = open_page(width=REFLOW_WIDTH, height=640)
    me = Staff(page, staff_account("policy"), language)
    me.open_login_page()
    me.log_in()
    me.visit(DASHBOARD)
    assert_no_horizontal_scrolling(page)
    # The charts fit the screen; only the heat map's own region scrolls.
    for chart in page.locator("main svg[role='img']").all():
        box = chart.bounding_box()
        assert box and box["width"] <= REFLOW_WIDTH
    # A narrow screen draws the short twin of a long label, never both.
    shown = page.locator("main svg .chart__short").evaluate_all(
        "twins => twins.map(t => getComputedStyle(t).display)"
    )
    hidden = page.locator("main svg .chart__long").evaluate_all(
        "labels => labels.map(t => getComputedStyle(t).display)"
    )
    assert "none" not in shown and set(hidden) <= {"none"}
