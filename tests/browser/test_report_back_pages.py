"""The report-back pages ("you said, we did") in Dutch and in Arabic, checked by axe-core.

A contributor looks their receipt code up, answers "does it help?" on the status page
(first without an answer), reads all that is kept about their input and removes their
contact details (first without the tick); then opens the theme's feedback page, answers
again there with their code (first mistyped) and goes on to the public theme page, which
links to the feedback. The feedback page works without JavaScript too, and in Turkish it
shows the Dutch text, marked as Dutch, and says so. A moderator reads the theme's
feedback, messages and answers on the staff theme page and saves a text that is too long.
A wijkteam member makes the waiting feedback letters. `visit` and `follow` run axe-core on
every page and every state.

Each test makes its theme in the server's database as the cycle's own tests do
(tests.cycle): reported, with Dutch and Arabic feedback, a done action and a contributor
with an e-mail address; for the staff pages also a contributor on paper with a postal
address (a letter waits), who already answered. Every page is opened in its language
through the language switch's link (/taal/<code>?next=...), a staff page through the
login it leads to: one page load, and one axe-core run, less than a detour.
"""

import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from flask_babel import force_locale
from playwright.sync_api import Page, expect

from portal.db import session_for
from portal.domain import evaluations, receipts
from portal.i18n import gettext
from portal.languages import LANGUAGES, direction
from portal.models import Theme
from portal.models.cycle import FEEDBACK_MAX_LENGTH
from tests.browser.conftest import scripting_enabled, visit
from tests.browser.test_staff_pages import LOGIN, Staff, assert_error_state
from tests.conftest import STAFF_PASSWORD
from tests.cycle import ACTION_TEXT, FEEDBACK_NL, contributor, reported_theme

FEEDBACK_AR = "قلتم إن الحافلة لا تأتي كثيرا. الخط 4 سيأتي كل نصف ساعة."
FEEDBACK = {"nl": FEEDBACK_NL, "ar": FEEDBACK_AR}
COMMENT = "Beter, maar op zondag rijdt er nog steeds geen bus."
COMMENT_AR = "أفضل، لكن لا توجد حافلة يوم الأحد."
LETTERS = "/medewerkers/brieven"
MAKE_LETTERS = "/medewerkers/brieven/terugkoppeling"
STATUS = "/volgen/inbreng"
REMOVE_CONTACT = "/volgen/inbreng/contactgegevens"


@dataclass(frozen=True)
class ReportedTheme:
    id: int
    title: str
    code: str  # the receipt code, as printed, of the contributor with an e-mail address

    @property
    def feedback_page(self) -> str:
        return f"/themas/{self.id}/terugkoppeling"


def make_reported_theme(app, on_paper: bool) -> ReportedTheme:
    """A reported theme with feedback in Dutch and Arabic and a contributor with an e-mail
    address; `on_paper`, also a contributor on paper (a letter waits) who already answered."""
    suffix = secrets.token_hex(3)
    with session_for(app) as db:
        members = [contributor(db, email=f"anna-{suffix}@example.org")]
        if on_paper:
            members.append(
                contributor(
                    db,
                    "الحافلة لا تأتي كثيرا.",
                    language="ar",
                    channel="paper",
                    postal="Dorpsstraat 1, 1234 AB Rijnwaarde",
                )
            )
        theme_id = reported_theme(app, members, title=f"Bus ({suffix})", texts=FEEDBACK)
        theme = db.get(Theme, theme_id)
        if on_paper:
            evaluations.record(db, theme, members[1], "helps_a_little", COMMENT_AR, "ar")
            db.commit()
        return ReportedTheme(theme_id, theme.title, receipts.display(members[0].receipt_code))


@pytest.fixture
def reported(server_app) -> ReportedTheme:
    return make_reported_theme(server_app, on_paper=False)


@pytest.fixture
def reported_with_letter(server_app) -> ReportedTheme:
    return make_reported_theme(server_app, on_paper=True)


def translated(app, language: str, message: str) -> str:
    with app.test_request_context(), force_locale(language):
        return gettext(message)


def open_in_language(page: Page, language: str, path: str) -> None:
    """`path` in `language`: the link of the header's language switch, opened directly
    (one page, not the page in the browser's language first)."""
    visit(page, f"/taal/{language}?{urlencode({'next': path})}")


def sign_in_to(me: Staff, path: str) -> None:
    """Open a staff page in the staff member's language: log in first, then it shows."""
    open_in_language(me.page, me.language, path)
    me.arrived()
    assert LOGIN in me.page.url, me.page.url
    me.page.fill("#email", me.email)
    me.page.fill("#password", STAFF_PASSWORD)
    me.follow(me.page.locator(f"main form[action^='{LOGIN}'] button[type='submit']"))
    assert me.page.url.endswith(path), me.page.url


def mistyped(code: str) -> str:
    """The code with one character changed: its check character no longer fits."""
    first = "X" if code[0] != "X" else "Y"
    return first + code[1:]


class Resident(Staff):
    """A resident in one browser tab: the same checks on arrival as for staff (the page's
    language and direction, an id and a label of its own for every field)."""

    def __init__(self, page: Page, language: str):
        super().__init__(page, "", language)

    def assert_language(self):
        html = self.page.locator("html")
        expect(html).to_have_attribute("lang", self.language)
        expect(html).to_have_attribute("dir", direction(self.language))
        current = self.page.locator("nav.languages a[aria-current='true']")
        expect(current).to_have_attribute("hreflang", self.language)

    def open(self, path: str):
        open_in_language(self.page, self.language, path)
        self.arrived()
        assert self.page.url.endswith(path), self.page.url

    def choose_language(self, language: str):
        self.language = language
        self.follow(self.page.locator(f"nav.languages a[hreflang='{language}']"))


def assert_choice_error_state(page: Page, name: str, form: str) -> None:
    """A group of radios: the summary links to its first radio, the fieldset says why."""
    first = f"{name}-0"
    link = page.locator(f".error-summary[role='alert'] a[href='#{first}']")
    expect(link).to_have_count(1)
    scope = page.locator(f"main form[action='{form}']")
    expect(scope.locator(f"fieldset:has(#{first})")).to_have_attribute(
        "aria-describedby", re.compile(rf"\b{name}-error\b")
    )
    message = scope.locator(f"#{name}-error")
    expect(message).to_be_visible()
    prefix = message.locator(".visually-hidden").text_content().strip()
    assert prefix and page.title().startswith(prefix + " "), f"{page.title()!r} lacks {prefix!r}"
    if scripting_enabled(page):
        link.click()
        expect(scope.locator(f"#{first}")).to_be_focused()


def assert_landed_on(page: Page, heading: str) -> None:
    """After sending, the page opens at the heading above the answer, with focus on it
    (the address ends in its #id; the heading has tabindex=-1), so reading goes on there."""
    assert page.url.endswith(heading), page.url
    if scripting_enabled(page):
        expect(page.locator(heading)).to_be_focused()


def evaluate_with_a_mistyped_code_then_the_right_one(me: Resident, theme: ReportedTheme):
    """On the feedback page: the error state keeps what was typed, then the thanks."""
    page = me.page
    form = theme.feedback_page  # no anchor: a refused answer opens at the error summary
    expect(page.locator("#evaluatie ~ [role='status']")).to_have_count(0)
    page.fill("#code", mistyped(theme.code))
    page.check("#answer-1")
    page.fill("#comment", COMMENT)
    me.follow(me.submit(form), status=400)
    assert_error_state(page, "code", form=form)
    expect(page.locator("#code")).to_have_value(mistyped(theme.code))
    expect(page.locator("#comment")).to_have_value(COMMENT)
    expect(page.locator("#answer-1")).to_be_checked()

    page.fill("#code", theme.code.lower())  # typed as people type it
    me.follow(me.submit(form))
    assert page.url.endswith(f"{theme.feedback_page}?bedankt=1#evaluatie"), page.url
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.locator("section[aria-labelledby='evaluatie'] [role='status']")).to_be_visible()
    assert_landed_on(page, "#evaluatie")


# --- residents: the status page, the feedback page and the theme page ----------------------------


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_a_contributor_reads_what_the_gemeente_did_and_says_whether_it_helps(
    open_page, reported, language
):
    page = open_page()
    me = Resident(page, language)
    me.open("/volgen")
    page.fill("#code", reported.code)
    me.follow(me.submit("/volgen"))
    assert page.url.endswith(STATUS), page.url

    # The status page: the theme, its feedback and its action, and "does it help?".
    section = page.locator(f"main section[aria-labelledby='thema-{reported.id}']")
    expect(section.locator("h3")).to_have_text(reported.title)
    expect(section.locator(".feedback-text")).to_have_text(FEEDBACK[language])
    expect(section.locator(".feedback-text")).to_have_attribute("lang", language)
    expect(section.locator("ul.actions")).to_contain_text(ACTION_TEXT)

    # Sent without an answer, then with one.
    form = f"/volgen/inbreng/thema/{reported.id}"
    answer = f"theme-{reported.id}-answer"
    page.fill(f"#theme-{reported.id}-comment", COMMENT)
    me.follow(me.submit(form), status=400)
    assert_choice_error_state(page, answer, form)
    expect(page.locator(f"#theme-{reported.id}-comment")).to_have_value(COMMENT)
    page.check(f"#{answer}-0")
    me.follow(me.submit(form))
    assert page.url.endswith(f"{STATUS}?bedankt={reported.id}#thema-{reported.id}"), page.url
    expect(section.locator("[role='status']")).to_be_visible()
    assert_landed_on(page, f"#thema-{reported.id}")
    expect(page.locator(f"#{answer}-0")).to_be_checked()

    # All that is kept about the input: the theme, the answer, the masked e-mail address.
    kept = page.locator("#bewaard ~ dl.summary")
    expect(page.locator("h2#bewaard")).to_have_count(1)
    expect(kept.locator(f"a[href='/themas/{reported.id}']")).to_have_text(reported.title)
    expect(kept).to_contain_text(f"{reported.title}: ")
    expect(kept.locator("span[dir='ltr'][translate='no']")).to_contain_text("@")

    # Removing the contact details: first without the tick, then with it.
    me.follow(me.submit(REMOVE_CONTACT), status=400)
    assert_error_state(page, "confirm", form=REMOVE_CONTACT)
    page.check("#confirm")
    me.follow(me.submit(REMOVE_CONTACT))
    assert page.url.endswith(f"{STATUS}?weggehaald=1#bewaard"), page.url
    expect(page.locator("#bewaard + p[role='status']")).to_be_visible()
    assert_landed_on(page, "#bewaard")
    expect(page.locator(f"main form[action='{REMOVE_CONTACT}']")).to_have_count(0)
    expect(kept.locator("span[dir='ltr'][translate='no']")).to_have_count(0)

    # The theme's feedback page, from the status page: the answer changes, with the code.
    me.follow(section.locator(f"a[href='{reported.feedback_page}']"))
    feedback = page.locator("main .feedback-text")
    expect(feedback).to_have_text(FEEDBACK[language])
    expect(feedback).to_have_attribute("lang", language)
    expect(feedback).to_have_attribute("dir", "auto")
    expect(page.locator("main p.notice")).to_have_count(0)  # no fallback: it is translated
    expect(page.locator("main ul.actions [lang='nl']").first).to_have_text(ACTION_TEXT)
    evaluate_with_a_mistyped_code_then_the_right_one(me, reported)

    # The public theme page links to the feedback page.
    me.follow(me.link(f"/themas/{reported.id}"))
    expect(me.link(reported.feedback_page)).to_be_visible()
    me.assert_every_field_had_its_own_id_and_label()


@pytest.mark.browser
def test_the_feedback_page_works_without_javascript_and_falls_back_to_dutch(open_page, reported):
    page = open_page(javascript=False)
    me = Resident(page, "tr")
    me.open(reported.feedback_page)
    assert not scripting_enabled(page)

    # No Turkish text: the Dutch one, marked as Dutch, and a notice that says so.
    feedback = page.locator("main .feedback-text")
    expect(feedback).to_have_text(FEEDBACK_NL)
    expect(feedback).to_have_attribute("lang", "nl")
    expect(page.locator("main p.notice")).to_have_count(1)
    expect(page.locator("main p.notice + .feedback-text")).to_have_count(1)

    me.choose_language("nl")
    evaluate_with_a_mistyped_code_then_the_right_one(me, reported)
    me.assert_every_field_had_its_own_id_and_label()


# --- staff: the theme's feedback, and the letters -------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_a_moderator_reads_the_feedback_messages_and_answers_of_a_theme(
    open_page, staff_account, server_app, reported_with_letter, language
):
    theme = reported_with_letter
    me = Staff(open_page(), staff_account("moderator"), language)
    path = f"/medewerkers/themas/{theme.id}"
    sign_in_to(me, path)
    page = me.page
    expect(me.link(theme.feedback_page)).to_have_count(1)

    # One text a language, each labelled and in its own language.
    form = f"{path}/terugkoppeling"
    fields = page.locator(f"main form[action='{form}'] textarea")
    expect(fields).to_have_count(len(LANGUAGES))
    for code in LANGUAGES:
        field = page.locator(f"#feedback_{code}")
        expect(field).to_have_attribute("lang", code)
        expect(field).to_have_attribute("dir", "auto")
        expect(page.locator(f"label[for='feedback_{code}']")).to_have_count(1)
        expect(field).to_have_accessible_name(re.compile(r"\S"))
        if code in FEEDBACK:
            expect(field).to_have_value(FEEDBACK[code])

    # The messages to contributors, per medium, and their answers.
    def table(caption: str):
        text = translated(server_app, language, caption)
        found = page.locator("main table").filter(has=page.get_by_text(text, exact=True))
        expect(found).to_have_count(1)
        expect(found.locator("caption")).to_have_text(text)
        return found

    messages = table("Berichten aan wie meedeed, per manier")
    expect(messages.locator("thead th[scope='col']")).to_have_count(3)
    expect(messages.locator("tbody th[scope='row']")).to_have_count(2)  # e-mail and letter
    answers = table("Antwoorden van wie meedeed")
    expect(answers.locator("thead th[scope='col']")).to_have_count(2)
    expect(answers.locator("tbody th[scope='row']")).to_have_count(4)  # one row an answer
    comments = page.locator("main h4 + ul.submissions .user-text")  # the answers' comments
    expect(comments).to_have_text([COMMENT_AR])
    expect(comments).to_have_attribute("lang", "ar")

    # A text over the limit is refused and kept; the summary leads to it.
    too_long = ("Lijn 4 rijdt nu elk half uur. " * 300)[: FEEDBACK_MAX_LENGTH + 1]
    page.fill("#feedback_nl", too_long)
    me.follow(me.submit(form), status=400)
    assert_error_state(page, "feedback_nl", form=form)
    expect(page.locator("#feedback_nl")).to_have_value(too_long)
    me.assert_every_field_had_its_own_id_and_label()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_a_wijkteam_member_makes_the_waiting_feedback_letters(
    open_page, staff_account, reported_with_letter, language
):
    me = Staff(open_page(), staff_account("wijkteam"), language)
    sign_in_to(me, LETTERS)
    page = me.page
    expect(me.nav(LETTERS)).to_have_attribute("aria-current", "page")
    box = page.locator("main section[aria-labelledby='feedback-letters']")
    waiting = box.locator("strong").text_content()
    assert int(re.search(r"\d+", waiting).group()) >= 1, waiting  # at least the paper one

    # The PDF downloads; the page stays where it was.
    run = re.compile(r"/medewerkers/brieven/ronde/(\d+)\.pdf$")
    with page.expect_response(run) as response, page.expect_download() as download:
        me.submit(MAKE_LETTERS).click()
    assert response.value.status == 200
    assert response.value.headers["content-type"] == "application/pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    run_path = "/" + response.value.url.split("/", 3)[-1]

    # Afterwards the run is listed, to print again, and nothing waits.
    me.visit(LETTERS)
    expect(box.locator(f"a[href='{run_path}']")).to_have_count(1)
    expect(box.locator(f"form[action='{MAKE_LETTERS}']")).to_have_count(0)
    me.assert_every_field_had_its_own_id_and_label()
