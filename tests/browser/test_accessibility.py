"""Every resident page, in Dutch and in Arabic, with JavaScript on and off, checked by axe-core.

One journey per language and JavaScript setting walks a resident through the whole portal:
choose the language in the header, open both forms, send them empty (the error state), fill
in the obstacle form, check it, send it, look the receipt code up (wrongly first), and read
the statements and a page that does not exist. `visit` and `follow` run axe-core on each page.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import follow, scripting_enabled, visit

RECEIPT_CODE = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
DIRECTION = {"nl": "ltr", "ar": "rtl"}


class Resident:
    """A resident in one browser tab who reads the portal in one language."""

    def __init__(self, page: Page, language: str):
        self.page = page
        self.language = language

    def visit(self, path: str, status: int = 200):
        visit(self.page, path, status)
        self.assert_language()

    def follow(self, target, status: int = 200):
        follow(self.page, target, status)
        self.assert_language()

    def assert_language(self):
        html = self.page.locator("html")
        expect(html).to_have_attribute("lang", self.language)
        expect(html).to_have_attribute("dir", DIRECTION[self.language])
        current = self.page.locator("nav.languages a[aria-current='true']")
        expect(current).to_have_attribute("hreflang", self.language)

    def link(self, path: str):
        """The one link in the page's main content or footer to `path`."""
        return self.page.locator(f"main a[href='{path}'], footer a[href='{path}']").first

    def submit_button(self):
        return self.page.locator("main form button[type='submit']")


def assert_error_state(page: Page, field_id: str) -> None:
    """The error summary leads to the field, which says it is invalid and why."""
    summary = page.locator(".error-summary[role='alert']")
    expect(summary).to_be_visible()
    expect(summary.locator(f"a[href='#{field_id}']")).to_have_count(1)
    field = page.locator(f"#{field_id}")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", re.compile(rf"\b{field_id}-error\b"))
    expect(page.locator(f"#{field_id}-error")).to_be_visible()
    # The title starts with the same (translated) "Fout:" that the error message carries.
    prefix = page.locator(f"#{field_id}-error .visually-hidden").text_content().strip()
    assert prefix, "the error message has no hidden 'Fout:' prefix"
    assert page.title().startswith(prefix + " "), f"title {page.title()!r} lacks {prefix!r}"


def choose_an_option(page: Page, select_id: str) -> str | None:
    """Pick the first real choice of a select, if there is one; return its label."""
    options = page.locator(f"#{select_id} option")
    if options.count() < 2:  # the wijken may have been cleared by the functional tests
        return None
    page.select_option(f"#{select_id}", index=1)
    return options.nth(1).text_content().strip()


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_every_resident_page_is_accessible(open_page, language, javascript):
    page = open_page(javascript=javascript)
    me = Resident(page, language)
    text = f"De stoep bij de bibliotheek is te smal voor mijn rolstoel ({language})."

    # Start page, first in the browser's language (English), then in the chosen language.
    visit(page, "/")
    assert scripting_enabled(page) is javascript
    expect(page.locator("html")).to_have_attribute("lang", "en")
    me.follow(page.locator(f"nav.languages a[hreflang='{language}']"))
    assert page.url.endswith("/")

    # The idea form, empty and sent empty.
    me.follow(me.link("/meedoen/idee"))
    expect(page.locator("#text")).to_be_visible()
    me.follow(me.submit_button(), status=400)
    assert_error_state(page, "text")

    # The obstacle form, empty and sent empty; then filled in and sent.
    me.follow(me.link("/"))
    me.follow(me.link("/meedoen/obstakel"))
    expect(page.locator("input[name='height']")).to_have_count(6)
    me.follow(me.submit_button(), status=400)
    assert_error_state(page, "text")
    page.fill("#text", text)
    page.check("input[name='height'][value='4']")
    life_domain = choose_an_option(page, "life_domain")
    neighbourhood = choose_an_option(page, "neighbourhood")
    assert life_domain, "the life domains of the migration are missing from the form"
    me.follow(me.submit_button())

    # The check page shows the answers; sending leads to the receipt.
    assert page.url.endswith("/meedoen/controleren")
    answers = page.locator("dl.summary")
    expect(answers.locator(".user-text")).to_have_text(text)
    expect(answers).to_contain_text(life_domain)
    if neighbourhood:
        expect(answers).to_contain_text(neighbourhood)
    me.follow(me.submit_button())
    assert page.url.endswith("/meedoen/ontvangen")
    code = page.locator(".receipt-code").text_content().strip()
    assert RECEIPT_CODE.match(code), f"no receipt code on the receipt page: {code!r}"

    # Looking up: empty, a wrong code, then the code from the receipt.
    me.follow(me.link("/volgen"))
    expect(page.locator(".error-summary")).to_have_count(0)
    page.fill("#code", "ABCD")
    me.follow(me.submit_button(), status=400)
    assert_error_state(page, "code")
    expect(page.locator("#code")).to_have_value("ABCD")
    page.fill("#code", code.lower())
    me.follow(me.submit_button())
    assert page.url.endswith("/volgen/inbreng")
    status = page.locator("dl.summary")
    expect(status.locator("dd[translate='no']")).to_have_text(code)
    expect(status.locator(".user-text")).to_have_text(text)

    # The statements, through the footer, and a page that does not exist.
    me.follow(page.locator("footer a[href='/toegankelijkheid']"))
    expect(page.locator("h1")).to_have_count(1)
    me.follow(page.locator("footer a[href='/privacy']"))
    expect(page.locator("h1")).to_have_count(1)
    me.visit("/deze-pagina-bestaat-niet", status=404)
    expect(page.locator("main a[href='/']")).to_be_visible()
