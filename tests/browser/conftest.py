"""One portal server and one chromium for the whole browser suite, and the accessibility check.

Every page a browser test visits goes through `visit` or `follow`, and both run axe-core on
the page they arrive at (`check_accessibility`). A test never navigates any other way.

The server is gunicorn on 127.0.0.1 (tests.servers.running_server) on the session's test
database (the `database_url` fixture of tests/conftest.py: a migrated SQLite file, or
TEST_DATABASE_URL). The demo gemeente is loaded into it for the browser tests and removed
again afterwards, so the tests that follow still start from the migrated reference data only.
The functional tests delete submissions, drafts and wijken after each of their tests, so a
browser test never relies on demo rows: it makes what it needs through the pages themselves.
What no page can make, a staff account and a published theme with its input, the fixtures
`staff_account` and `published_theme` make through portal.domain, as the CLI would.
"""

import os
import secrets
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Response, sync_playwright
from sqlalchemy import select

from portal import create_app
from portal.db import engine_for, session_for
from portal.domain import accounts, demo, moderation, submissions, themes
from portal.models import Neighbourhood
from tests import chromium
from tests.conftest import STAFF_PASSWORD, empty_tables
from tests.servers import running_server

SECRET_KEY = "browser-suite-secret-key-that-is-long-enough-0123456789"
GENEROUS_LIMIT = "10000 per minute"
# Not Dutch and not Arabic: the page only turns Dutch or Arabic through the language switch.
BROWSER_LOCALE = "en-GB"
NAVIGATION_TIMEOUT_MS = 15_000

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
_axe = Axe()  # axe-core as bundled with axe-playwright-python


# --- the server, the data and the browser ---------------------------------------------------


@pytest.fixture(scope="session")
def portal_server(database_url):
    """The base URL of one gunicorn server for the whole session, on the test database."""
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "PORTAL_ENV": "test",
        "RATELIMIT_SUBMIT": GENEROUS_LIMIT,
        "RATELIMIT_LOOKUP": GENEROUS_LIMIT,
        "RATELIMIT_DEFAULT": GENEROUS_LIMIT,
        "RATELIMIT_LOGIN": GENEROUS_LIMIT,
        "RATELIMIT_EXPERIENCE": GENEROUS_LIMIT,
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    with running_server(env=env) as base_url:
        yield base_url


def _demo_app(database_url):
    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, "TESTING": True})


@pytest.fixture(scope="package")
def portal(portal_server, database_url):
    """The server's base URL, with the demo gemeente loaded; tidied up after the browser tests."""
    app = _demo_app(database_url)
    try:
        with session_for(app) as session:
            demo.load(session)
            session.commit()
        yield portal_server
    finally:
        # Leave what tests/conftest.py promises every test: the reference data and nothing else.
        empty_tables(app)
        engine_for(app).dispose()


# --- records the staff tests need, made in the server's database ------------------------------


@pytest.fixture(scope="package")
def server_app(portal, database_url):
    """An app on the server's database, to make records as the CLI would, not through pages."""
    app = _demo_app(database_url)
    yield app
    engine_for(app).dispose()


@pytest.fixture
def staff_account(server_app):
    """Make an account in the server's database: `staff_account("admin")` returns its e-mail.

    Every call makes a new account, so a test that links an app or fails a login changes
    nobody else's account. The password is tests.conftest.STAFF_PASSWORD.
    """

    def make(role: str = "moderator") -> str:
        email = f"{role}-{secrets.token_hex(4)}@rijnwaarde.example"
        with session_for(server_app) as session:
            accounts.add_user(session, email, role, STAFF_PASSWORD)
            session.commit()
        return email

    return make


@dataclass(frozen=True)
class PublishedTheme:
    """What a test needs to know of the theme the `published_theme` fixture made."""

    id: int
    title: str
    submission_ids: tuple[int, ...]
    empty_theme_id: int  # an unpublished theme without input: to merge into, to filter on


# (kind, height, language, text) of the input in the published theme
THEME_INPUT = (
    ("obstacle", 5, "nl", "De ingang van het wijkcentrum heeft alleen een trap."),
    ("obstacle", 4, "ar", "لا يوجد مصعد في المركز، ولا أستطيع صعود الدرج."),
    ("idea", None, "nl", "Maak een helling bij de ingang, dan kan iedereen erin."),
)


@pytest.fixture
def published_theme(server_app) -> PublishedTheme:
    """A published theme with a summary and three published submissions, and an empty theme."""
    suffix = secrets.token_hex(3)
    with session_for(server_app) as session:
        wijk = session.scalar(select(Neighbourhood).order_by(Neighbourhood.id))
        rows = []
        for kind, height, language, text in THEME_INPUT:
            answers = submissions.Answers(
                kind=kind,
                text=text,
                language=language,
                height=height,
                neighbourhood_id=wijk.id if wijk else None,
            )
            row = submissions.submit(session, answers)
            moderation.publish(session, None, row)
            rows.append(row)
        theme = themes.create(
            session,
            None,
            f"Het wijkcentrum is moeilijk te bereiken ({suffix})",
            "Mensen met een rolstoel of een rollator komen het wijkcentrum niet in.",
            submissions=rows,
        )
        themes.update(
            session, None, theme, title=theme.title, summary=theme.summary, published=True
        )
        demo.advance(session, theme, "acting")
        empty = themes.create(session, None, f"Nog zonder inbreng ({suffix})")
        session.commit()
        return PublishedTheme(theme.id, theme.title, tuple(row.id for row in rows), empty.id)


@pytest.fixture(scope="session")
def browser():
    """One chromium for the whole session: Debian's, never a downloaded one."""
    if not os.access(chromium.EXECUTABLE, os.X_OK):
        pytest.fail(
            f"{chromium.EXECUTABLE} is missing: install Debian's chromium (make browser-deps)"
        )
    playwright = sync_playwright().start()
    try:
        browser = chromium.launch(playwright)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def open_page(browser, portal):
    """Open a page in a new browser context (cheap): a fresh cookie jar for every resident."""
    contexts = []

    def open_page(*, javascript: bool = True, width: int = 1280, height: int = 900) -> Page:
        context = browser.new_context(
            base_url=portal,
            locale=BROWSER_LOCALE,
            java_script_enabled=javascript,
            viewport={"width": width, "height": height},
        )
        context.set_default_timeout(NAVIGATION_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page) -> Page:
    return open_page()


@pytest.fixture
def page_without_js(open_page) -> Page:
    return open_page(javascript=False)


# --- navigating: every page that is reached is checked ---------------------------------------


def visit(page: Page, path: str, status: int = 200) -> Response:
    """Go to `path` as if typed in the address bar; check the page that answers."""
    response = page.goto(path)
    return _arrived(page, response, status)


def follow(page: Page, action, status: int = 200) -> Response:
    """Click a link or button (a Locator), or run `action()` (keys), and check where it leads."""
    with page.expect_navigation() as navigation:
        action() if callable(action) else action.click()
    return _arrived(page, navigation.value, status)


def _arrived(page: Page, response: Response | None, status: int) -> Response:
    assert response is not None, f"no page loaded at {page.url}"
    assert response.status == status, f"{page.url} answered {response.status}, not {status}"
    check_accessibility(page)
    return response


# --- axe-core ---------------------------------------------------------------------------------


def scripting_enabled(page: Page) -> bool:
    """Whether the page runs scripts, as the page itself reports it (CSS `scripting`)."""
    return not page.evaluate("matchMedia('(scripting: none)').matches")


def check_accessibility(page: Page) -> None:
    """Run axe-core (WCAG 2.0-2.2 A and AA, and best practices) and fail on any violation.

    axe-core cannot run inside a page whose context has JavaScript disabled. Playwright still
    injects the script (page.evaluate of plain expressions works), but Chromium then runs no
    microtasks and no timers for the page, and axe.run is asynchronous: its promise never
    settles and page.evaluate waits forever (tried with axe-core 4.12 and chromium 156).

    So a page rendered without JavaScript is checked through a twin: its DOM as chromium built
    it without scripts (page.content()) is served at the same URL to a page in a context with
    JavaScript, at the same viewport, where the real stylesheet and favicon load from the
    server. That twin is the same document: the portal serves no script at all (asserted
    below; its Content-Security-Policy allows none either), so whether JavaScript is on cannot
    change what the DOM holds. What the no-JS tests prove besides is that the pages *work*
    without JavaScript: they submit every form and follow every link with scripts off.
    """
    assert page.locator("script").count() == 0, f"{page.url} has a <script>: the portal uses none"
    assert page.locator("[onclick], [onload], [onsubmit], [onchange]").count() == 0, (
        f"{page.url} has an inline event handler: the portal uses none"
    )
    if scripting_enabled(page):
        violations, passes = _run_axe(page)
    else:
        violations, passes = _run_axe_on_twin(page)
    if violations:
        pytest.fail(_describe(violations, page.url), pytrace=False)
    # A run that checked nothing would pass anything: prove the rules really ran.
    assert passes, f"axe-core reported no passing rules on {page.url}: did it run at all?"


def _run_axe(page: Page) -> tuple[list, list]:
    results = _axe.run(page, options=AXE_OPTIONS).response
    return results["violations"], results["passes"]


def _run_axe_on_twin(page: Page) -> tuple[list, list]:
    twin = _Twin.of(page.context.browser)
    twin.show(page.url.split("#", 1)[0], page.content(), page.viewport_size)
    return _run_axe(twin.page)


class _Twin:
    """One page with JavaScript per browser, that shows the DOM of a page rendered without."""

    _by_browser: dict = {}

    def __init__(self, browser):
        context = browser.new_context(java_script_enabled=True, locale=BROWSER_LOCALE)
        self.page = context.new_page()
        self.url = self.html = None
        self.page.route(lambda url: url.split("#", 1)[0] == self.url, self._serve)

    @classmethod
    def of(cls, browser) -> "_Twin":
        twin = cls._by_browser.get(browser)
        if twin is None or twin.page.is_closed():
            twin = cls._by_browser[browser] = cls(browser)
        return twin

    def _serve(self, route):
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self.html)

    def show(self, url: str, html: str, viewport: dict | None) -> None:
        self.url, self.html = url, html
        if viewport:
            self.page.set_viewport_size(viewport)
        self.page.goto(url)
        assert self.page.content() == html, "the twin does not show the page's DOM"
        assert self.page.evaluate("document.styleSheets.length") >= 1, "no stylesheet loaded"


def _describe(violations: list, url: str) -> str:
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f"  [{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


# Three inputs that say the same in other words: the proposals page groups them.
PROPOSAL_INPUT = (
    "De lift bij het zwembad De Dolfijn is al weken kapot, ik kan niet naar binnen.",
    "Zwembad De Dolfijn: de lift is kapot en met mijn rolstoel kom ik er niet in.",
    "Al weken geen lift bij zwembad De Dolfijn. Zonder lift kan ik niet zwemmen.",
)


@pytest.fixture
def unassigned_alike(server_app) -> tuple[int, ...]:
    """Three alike submissions in no theme, so that the proposals page proposes them."""
    with session_for(server_app) as session:
        rows = [
            submissions.submit(
                session, submissions.Answers(kind="obstacle", text=text, language="nl")
            )
            for text in PROPOSAL_INPUT
        ]
        session.commit()
        return tuple(row.id for row in rows)
