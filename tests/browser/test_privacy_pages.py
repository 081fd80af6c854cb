"""The privacy statement and the register of processing activities, in Dutch and in Arabic,
with JavaScript on and off, checked by axe-core on every page (`visit` and `follow` do that)."""

import pytest
from playwright.sync_api import expect

from portal import privacy_register
from tests.browser.conftest import visit
from tests.browser.test_accessibility import Resident


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_the_privacy_statement_and_the_register_are_accessible(open_page, language, javascript):
    page = open_page(javascript=javascript)
    me = Resident(page, language)
    visit(page, "/")
    me.follow(page.locator(f"nav.languages a[hreflang='{language}']"))

    # The statement, through the footer: it leads to the status page and to the register.
    me.follow(page.locator("footer a[href='/privacy']"))
    expect(page.locator("h1")).to_have_count(1)
    expect(me.link("/volgen")).to_be_visible()

    me.follow(me.link("/privacy/verwerkingsregister"))
    expect(page.locator("h1")).to_have_count(1)
    activities = privacy_register.ACTIVITIES
    expect(page.locator("main section h2")).to_have_count(len(activities))
    # The column names stay left to right inside a right-to-left page.
    expect(page.locator("main code[dir='ltr']").first).to_be_visible()

    # The overview leads to each activity on the page.
    last = activities[-1].slug
    page.locator(f"main a[href='#{last}']").click()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#{last}")
    expect(page.locator(f"h2#{last}")).to_be_in_viewport()

    me.follow(me.link("/privacy"))
    expect(page.locator("html")).to_have_attribute("lang", language)
