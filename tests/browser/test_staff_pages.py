"""The staff pages and the public theme pages, in Dutch and in Arabic, checked by axe-core.

A member of staff logs in through the login page, as a person would, once per test, and
walks through the pages of that test in one browser tab: sign-in with and without a second
factor, the inbox and one submission, the themes, the audit log and the administration, each
in its error states too. Residents read the published themes and say "this happens to me
too", with the mouse and with the keyboard alone. `visit` and `follow` run axe-core on every
page. Staff pages have no JavaScript; one pass of the login runs with JavaScript off.

Arabic (right to left) goes where the layout changes with it: the sign-in steps, the
published themes and the pages at 320 px (inbox, theme). The moderation and administration
walk runs in Dutch only, to keep the suite within its minute.
"""

import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PublishedTheme, follow, scripting_enabled, visit
from tests.browser.test_keyboard import (
    REFLOW_WIDTH,
    assert_focus_visible,
    assert_no_horizontal_scrolling,
    focused,
    tab_to,
)
from tests.conftest import STAFF_PASSWORD

DIRECTION = {"nl": "ltr", "ar": "rtl"}
LOGIN = "/medewerkers/inloggen"
HOME = "/medewerkers/"
INBOX = "/medewerkers/inbox"
ENROL = "/medewerkers/account/tweede-stap"
CODE = "/medewerkers/inloggen/code"
TOTP_STEP = 30  # seconds

# Every id on the page once, and every form control with a label of its own: a second
# element with the same id takes no label and is not reached by the error summary's link.
FORM_PROBLEMS = """() => {
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const duplicates = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  const unlabelled = [...document.querySelectorAll('input, select, textarea')]
    .filter(e => e.type !== 'hidden' && !e.closest('.honeypot'))
    .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label'))
    .map(e => e.outerHTML.slice(0, 100));
  return {duplicates, unlabelled};
}"""


class Staff:
    """A member of staff in one browser tab, who reads the staff pages in one language."""

    def __init__(self, page: Page, email: str, language: str = "nl"):
        self.page = page
        self.email = email
        self.language = language
        self.form_problems: list[str] = []

    # --- getting around: every page is checked by axe-core -----------------------------------

    def visit(self, path: str, status: int = 200):
        visit(self.page, path, status)
        self.arrived()

    def follow(self, target, status: int = 200):
        follow(self.page, target, status)
        self.arrived()

    def arrived(self):
        self.assert_language()
        # Noted, not asserted here: the walk goes on, and the test says it all at the end.
        found = self.page.evaluate(FORM_PROBLEMS)
        path = "/" + self.page.url.split("/", 3)[-1].split("?")[0]
        problems = []
        if found["duplicates"]:
            problems.append(f"{path} has duplicate ids: {found['duplicates']}")
        if found["unlabelled"]:
            problems.append(f"{path} has fields without a label: {found['unlabelled']}")
        self.form_problems += [p for p in problems if p not in self.form_problems]

    def assert_every_field_had_its_own_id_and_label(self):
        assert not self.form_problems, "\n".join(self.form_problems)

    def assert_language(self):
        html = self.page.locator("html")
        expect(html).to_have_attribute("lang", self.language)
        expect(html).to_have_attribute("dir", DIRECTION[self.language])

    def open_login_page(self):
        """The login page, first in the browser's language, then in the chosen one."""
        visit(self.page, LOGIN)
        self.follow(self.page.locator(f"nav.languages a[hreflang='{self.language}']"))
        assert self.page.url.endswith(LOGIN)

    def log_in(self, password: str = STAFF_PASSWORD, status: int = 200):
        self.page.fill("#email", self.email)
        self.page.fill("#password", password)
        self.follow(self.submit(LOGIN), status)

    def log_out(self):
        self.follow(self.page.locator("nav.staff-nav form[action$='/uitloggen'] button"))
        assert self.page.url.endswith(LOGIN), self.page.url

    # --- what is on a page -------------------------------------------------------------------

    def nav(self, path: str):
        return self.page.locator(f"nav.staff-nav a[href='{path}']")

    def link(self, path: str):
        return self.page.locator(f"main a[href='{path}']").first

    def submit(self, action: str):
        """The submit button of the form in <main> that posts to `action`."""
        return self.page.locator(f"main form[action='{action}'] button[type='submit']")


def assert_error_state(page: Page, field_id: str, form: str = "", group: bool = False) -> None:
    """The error summary links to the field, which says it is invalid and why.

    `form` is the action of the field's form, where the page has several; a `group` of
    checkboxes carries the message on its fieldset. With JavaScript on, the summary's link
    is followed and must move focus to the field.
    """
    link = page.locator(f".error-summary[role='alert'] a[href='#{field_id}']")
    expect(link).to_have_count(1)
    scope = page.locator(f"main form[action='{form}']") if form else page.locator("main")
    field = scope.locator(f"#{field_id}")
    described = scope.locator(f"fieldset:has(#{field_id})") if group else field
    if not group:
        expect(field).to_have_attribute("aria-invalid", "true")
    expect(described).to_have_attribute("aria-describedby", re.compile(rf"\b{field_id}-error\b"))
    message = scope.locator(f"#{field_id}-error")
    expect(message).to_be_visible()
    # The title starts with the same (translated) "Fout:" that the message carries.
    prefix = message.locator(".visually-hidden").text_content().strip()
    assert prefix and page.title().startswith(prefix + " "), f"{page.title()!r} lacks {prefix!r}"
    if scripting_enabled(page):
        link.click()
        expect(field).to_be_focused()


def assert_region_is_labelled(page: Page, region_selector: str) -> None:
    """A scrolling table is a region with a name, reachable with Tab, so keys can scroll it."""
    region = page.locator(region_selector)
    expect(region).to_have_attribute("role", "region")
    expect(region).to_have_attribute("tabindex", "0")
    caption = region.locator("caption")
    expect(region).to_have_accessible_name(caption.text_content().strip())


def choose_theme_filter(staff: Staff, theme_id: int) -> None:
    staff.page.select_option("main form.filters select[name='theme']", str(theme_id))
    staff.follow(staff.submit(INBOX))
    assert f"theme={theme_id}" in staff.page.url


def totp_code(key: str, ahead: int = 0) -> str:
    """The code an authenticator app shows for `key` now, or `ahead` steps of 30 s later."""
    return pyotp.TOTP(key).at(time.time() + ahead * TOTP_STEP)


def wrong_code(key: str) -> str:
    """Six digits that are none of the codes the portal accepts around now."""
    accepted = {totp_code(key, ahead) for ahead in (-1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222") if code not in accepted)


# --- signing in ---------------------------------------------------------------------------------


@pytest.mark.browser
def test_staff_sign_in_works_without_javascript(open_page, staff_account):
    page = open_page(javascript=False)
    me = Staff(page, staff_account("moderator"))
    me.open_login_page()
    assert not scripting_enabled(page)

    # A wrong password: the e-mail address stays, the password does not.
    me.log_in("niet het goede wachtwoord", status=400)
    assert_error_state(page, "password")
    expect(page.locator("#email")).to_have_value(me.email)
    expect(page.locator("#password")).to_have_value("")

    me.log_in()
    assert page.url.endswith(HOME)
    expect(page.locator("nav.staff-nav")).to_contain_text(me.email)

    # Logging out ends the session: a staff page asks to log in again.
    me.log_out()
    me.visit(INBOX)
    assert LOGIN in page.url


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_staff_link_an_app_and_sign_in_with_its_code(open_page, staff_account, language):
    page = open_page()
    me = Staff(page, staff_account("moderator"), language)
    me.open_login_page()

    me.follow(me.submit(LOGIN), status=400)
    assert_error_state(page, "email")
    assert_error_state(page, "password")
    me.log_in("niet het goede wachtwoord", status=400)
    assert_error_state(page, "password")
    me.log_in()
    assert page.url.endswith(HOME)

    # Home suggests a second step; the enrolment page shows a QR code and the key as text.
    me.follow(me.link(ENROL))
    qr = page.locator(".qr svg")
    expect(qr).to_have_attribute("role", "img")
    expect(qr.locator("title")).not_to_be_empty()
    expect(qr).to_have_accessible_name(re.compile(r"\S"))
    secret = page.locator(".secret code").text_content()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret), secret
    key = secret.replace(" ", "")

    page.fill("#code", wrong_code(key))
    me.follow(me.submit(ENROL), status=400)
    assert_error_state(page, "code")
    expect(page.locator(".secret code")).to_have_text(secret)  # the same key, still
    page.fill("#code", totp_code(key))
    me.follow(me.submit(ENROL))
    assert page.url.endswith(f"{HOME}?linked=1")
    expect(page.locator("main .notice[role='status']")).to_be_visible()
    expect(me.link(ENROL)).to_have_count(0)

    # From now on the password leads to the code page. A code counts once: the next one works.
    me.log_out()
    me.log_in()
    assert page.url.endswith(CODE)
    page.fill("#code", wrong_code(key))
    me.follow(me.submit(CODE), status=400)
    assert_error_state(page, "code")
    page.fill("#code", totp_code(key, ahead=1))
    me.follow(me.submit(CODE))
    assert page.url.endswith(HOME)
    me.log_out()


# --- moderating and administering -----------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_moderation_and_admin_pages_are_accessible(
    open_page, staff_account, published_theme, unassigned_alike, language
):
    theme: PublishedTheme = published_theme
    page = open_page()
    me = Staff(page, staff_account("admin"), language)
    me.open_login_page()
    me.log_in()

    # The inbox: every submission, in a table that scrolls on its own.
    me.follow(me.nav(INBOX))
    expect(page.locator("main table tbody tr").first).to_be_visible()
    assert_region_is_labelled(page, "main .table-wrap")

    # A filter: only the theme's input.
    choose_theme_filter(me, theme.id)
    expect(page.locator("main table tbody tr")).to_have_count(len(theme.submission_ids))

    # Hiding the chosen input without a reason is refused, and the filter stays.
    bulk = page.locator("main form[action='/medewerkers/inbox/selectie']")
    bulk.locator(f"input[name='ids'][value='{theme.submission_ids[0]}']").check()
    bulk.locator("select[name='action']").select_option("hide")
    bulk.locator("select[name='reason']").select_option("")
    me.follow(me.submit("/medewerkers/inbox/selectie"))
    expect(page.locator("main .notice--error[role='alert']")).to_be_visible()
    assert f"theme={theme.id}" in page.url

    # The empty state, and back to everything.
    choose_theme_filter(me, theme.empty_theme_id)
    expect(page.locator("main table")).to_have_count(0)
    expect(page.locator("main .notice[role='status']")).to_be_visible()
    me.follow(page.locator(f"main form.filters a[href='{INBOX}']"))
    assert page.url.endswith(INBOX)

    # One submission, and what a moderator may get wrong there.
    number = theme.submission_ids[1]  # the Arabic one
    me.follow(me.link(f"/medewerkers/inbreng/{number}"))
    expect(page.locator("main .quote")).to_have_attribute("dir", "auto")
    page.select_option("#reason", "")  # "(kies een reden)": no reason is chosen beforehand
    me.follow(me.submit(f"/medewerkers/inbreng/{number}/verbergen"), status=400)
    assert_error_state(page, "reason")
    page.fill("#text", "")
    me.follow(me.submit(f"/medewerkers/inbreng/{number}/tekst"), status=400)
    assert_error_state(page, "text")

    # The themes, one theme with its figures and forms, and its error states.
    me.follow(me.nav("/medewerkers/themas"))
    assert_region_is_labelled(page, "main .table-wrap")
    me.follow(me.link(f"/medewerkers/themas/{theme.id}"))
    path = f"/medewerkers/themas/{theme.id}"
    expect(page.locator("main table caption")).not_to_be_empty()
    expect(page.locator("main table tbody th[scope='row']")).to_have_count(5)  # heights 1-5
    page.locator(f"main form[action='{path}'] input[name='title']").fill("")
    me.follow(me.submit(path), status=400)
    assert_error_state(page, "title", form=path)
    me.follow(me.submit(f"{path}/samenvoegen"), status=400)
    assert_error_state(page, "target")
    page.locator(f"main form[action='{path}/splitsen'] input[name='title']").fill("De trap")
    me.follow(me.submit(f"{path}/splitsen"), status=400)
    assert_error_state(page, "submissions", group=True)

    # The proposals for new themes, and a title that is too long.
    me.follow(me.nav("/medewerkers/voorstellen"))
    accept = "/medewerkers/voorstellen/aannemen"
    proposal = page.locator("main section.proposal").filter(
        has=page.locator(f"input[name='members'][value='{unassigned_alike[0]}']")
    )
    expect(proposal).to_have_count(1)
    proposal.locator("input[name='title']").fill("x" * 121)
    me.follow(proposal.locator("button[type='submit']").first, status=400)
    assert_error_state(page, "title", form=accept)

    # The audit log, all of it and the themes only.
    me.follow(me.nav("/medewerkers/logboek"))
    expect(page.locator("main ol.events li").first).to_be_visible()
    me.follow(page.locator("main nav a[href='/medewerkers/logboek?soort=theme']"))
    current = page.locator("main nav:not(.staff-nav) a[aria-current='true']")
    expect(current).to_have_attribute("href", "/medewerkers/logboek?soort=theme")

    # The administration, each page with an error state.
    me.follow(me.nav("/medewerkers/beheer/accounts"))
    assert_region_is_labelled(page, "main .table-wrap")
    expect(page.locator("main table tbody th", has_text=me.email)).to_have_count(1)
    page.fill("#email", "nieuw@rijnwaarde.example")
    page.fill("#password", "te kort")
    me.follow(me.submit("/medewerkers/beheer/accounts"), status=400)
    assert_error_state(page, "password")
    expect(page.locator("#email")).to_have_value("nieuw@rijnwaarde.example")
    me.follow(page.locator("main nav a[href='/medewerkers/beheer/wijken']"))
    page.fill("#name", "")
    me.follow(me.submit("/medewerkers/beheer/wijken"), status=400)
    assert_error_state(page, "name")
    me.follow(page.locator("main nav a[href='/medewerkers/beheer/leefgebieden']"))
    page.fill("#label", "")
    me.follow(me.submit("/medewerkers/beheer/leefgebieden"), status=400)
    assert_error_state(page, "label")

    me.log_out()
    me.assert_every_field_had_its_own_id_and_label()


# --- residents: the published themes -------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_a_resident_says_a_theme_happens_to_them_too(open_page, published_theme, language):
    page = open_page()
    visit(page, "/themas")
    follow(page, page.locator(f"nav.languages a[hreflang='{language}']"))
    assert page.url.endswith("/themas")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", DIRECTION[language])
    follow(page, page.locator("main nav a[href='/themas?volgorde=titel']"))
    follow(page, page.locator(f"main a[href='/themas/{published_theme.id}']"))
    expect(page.locator("h1")).to_have_text(published_theme.title)
    stories = page.locator("main .stories blockquote")
    expect(stories).to_have_count(len(published_theme.submission_ids))
    expect(stories.first).to_have_attribute("dir", "auto")

    # Before: a button and no thanks. After: thanks, announced, and no button.
    box = page.locator("main section[aria-labelledby='herkend']")
    expect(box.locator("[role='status']")).to_have_count(0)
    follow(page, box.locator("button[type='submit']"))
    assert "herkend=1" in page.url
    expect(box.locator("[role='status']")).to_be_visible()
    expect(box.locator("form")).to_have_count(0)

    # Coming back later, the same person is still counted once.
    visit(page, f"/themas/{published_theme.id}")
    expect(box.locator("[role='status']")).to_be_visible()
    expect(box.locator("button[type='submit']")).to_have_count(0)


@pytest.mark.browser
def test_a_resident_says_it_happens_to_them_too_with_the_keyboard_alone(page, published_theme):
    visit(page, f"/themas/{published_theme.id}")
    tab_to(page, "main section[aria-labelledby='herkend'] button[type='submit']")
    follow(page, lambda: page.keyboard.press("Enter"))
    assert "herkend=1" in page.url
    expect(page.locator("#herkend ~ [role='status']")).to_be_visible()
    # Focus lands on the answer, where reading goes on.
    expect(page.locator("#herkend")).to_be_focused()


# --- small screens ------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_inbox_and_theme_pages_reflow_at_320_css_pixels(
    open_page, staff_account, published_theme, language
):
    page = open_page(width=REFLOW_WIDTH, height=640)
    me = Staff(page, staff_account("moderator"), language)
    me.open_login_page()
    assert_no_horizontal_scrolling(page)
    me.log_in()
    assert_no_horizontal_scrolling(page)

    # The inbox: only the table's own region scrolls, with the keyboard too.
    me.follow(me.nav(INBOX))
    assert_no_horizontal_scrolling(page)
    region = page.locator("main .table-wrap")
    assert_region_is_labelled(page, "main .table-wrap")
    assert region.evaluate("e => e.scrollWidth > e.clientWidth"), "the table does not scroll"
    tab_to(page, "main .table-wrap")
    assert_focus_visible(focused(page))
    page.keyboard.press("ArrowRight" if language == "nl" else "ArrowLeft")
    page.wait_for_function("e => Math.abs(e.scrollLeft) > 0", arg=region.element_handle())

    # The staff theme page and the public one.
    me.visit(f"/medewerkers/themas/{published_theme.id}")
    assert_no_horizontal_scrolling(page)
    me.visit(f"/themas/{published_theme.id}")
    assert_no_horizontal_scrolling(page)
