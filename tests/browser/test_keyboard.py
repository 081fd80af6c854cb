"""Keyboard only, and small screens: a whole obstacle sent with keys, no page wider than 320 px.

WCAG 2.1.1 (keyboard), 2.4.1 (bypass blocks), 2.4.7 (focus visible) and 1.4.10 (reflow).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import follow, visit

RECEIPT_CODE = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
REFLOW_WIDTH = 320

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  const transparent = c => c === 'transparent' || /^rgba\\(.*,\\s*0\\)$/.test(c);
  const rect = e.getBoundingClientRect();
  return {
    html: e.outerHTML.slice(0, 120),
    tag: e.tagName.toLowerCase(),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
      && !transparent(style.outlineColor),
    boxShadow: style.boxShadow !== 'none',
    inMain: !!e.closest('main'),
    onScreen: rect.bottom > 0 && rect.right > 0
      && rect.top < innerHeight && rect.left < innerWidth,
  };
}"""


def focused(page: Page) -> dict:
    element = page.evaluate(FOCUSED)
    assert element is not None, "nothing has keyboard focus"
    return element


def assert_focus_visible(element: dict) -> None:
    assert element["outline"] or element["boxShadow"], (
        f"focus is not visible (no outline, no box-shadow) on {element['html']}"
    )
    assert element["onScreen"], f"the focused element is off screen: {element['html']}"


def tab_to(page: Page, selector: str, max_presses: int = 40) -> None:
    """Press Tab until `selector` has focus; every element on the way must show its focus."""
    if page.evaluate("s => document.activeElement.matches(s)", selector):
        return
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        assert_focus_visible(focused(page))
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached with {max_presses} presses of Tab")


def assert_checked(page: Page, selector: str) -> None:
    expect(page.locator(selector)).to_be_checked()


@pytest.mark.browser
def test_an_obstacle_can_be_sent_with_the_keyboard_alone(page):
    text = "Bij de bushalte staat geen bankje, dus ik kan niet op de bus wachten."
    visit(page, "/")

    # The skip link comes first, shows itself and moves focus to the main content.
    page.keyboard.press("Tab")
    skip = focused(page)
    assert "skip-link" in skip["html"], f"the first Tab focused {skip['html']}, not the skip link"
    assert_focus_visible(skip)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement === document.querySelector('main')"), (
        "the skip link did not move focus to <main>"
    )
    page.keyboard.press("Tab")
    first_in_main = focused(page)
    assert first_in_main["inMain"], "after the skip link, Tab did not continue inside <main>"
    assert_focus_visible(first_in_main)

    # Start page -> obstacle form.
    tab_to(page, "main a[href='/meedoen/obstakel']")
    follow(page, lambda: page.keyboard.press("Enter"))
    assert page.url.endswith("/meedoen/obstakel")

    # Fill in the form: type, arrows in the radio group and the select, Space on the checkbox.
    tab_to(page, "#text")
    page.keyboard.type(text)
    tab_to(page, "input[name='height']")
    assert_checked(page, "input[name='height'][value='']")  # Tab lands on the chosen radio
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert_checked(page, "input[name='height'][value='4']")
    tab_to(page, "#life_domain")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#life_domain")).not_to_have_value("")
    life_domain = page.locator("#life_domain option:checked").text_content().strip()
    tab_to(page, "#email")
    page.keyboard.type("bewoner@example.org")
    tab_to(page, "#contact_consent")
    page.keyboard.press("Space")
    assert_checked(page, "#contact_consent")
    tab_to(page, "main form button[type='submit']")
    follow(page, lambda: page.keyboard.press("Enter"))

    # The check page shows what was typed and chosen; Space on the button sends it.
    assert page.url.endswith("/meedoen/controleren")
    answers = page.locator("dl.summary")
    expect(answers.locator(".user-text").first).to_have_text(text)
    expect(answers).to_contain_text(life_domain)
    expect(answers).to_contain_text("bewoner@example.org")
    tab_to(page, "main form button[type='submit']")
    follow(page, lambda: page.keyboard.press("Space"))

    assert page.url.endswith("/meedoen/ontvangen")
    code = page.locator(".receipt-code")
    expect(code).to_be_visible()
    assert RECEIPT_CODE.match(code.text_content().strip()), code.text_content()


def assert_no_horizontal_scrolling(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= REFLOW_WIDTH, f"{page.url} is {width} px wide at a {REFLOW_WIDTH} px viewport"


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_pages_reflow_at_320_css_pixels(open_page, language):
    page = open_page(width=REFLOW_WIDTH, height=640)
    visit(page, "/")
    follow(page, page.locator(f"nav.languages a[hreflang='{language}']"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_horizontal_scrolling(page)

    follow(page, page.locator("main a[href='/meedoen/obstakel']"))
    assert_no_horizontal_scrolling(page)
    follow(page, page.locator("main form button[type='submit']"), status=400)
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_horizontal_scrolling(page)


@pytest.mark.browser
def test_statements_reflow_at_320_css_pixels(open_page):
    page = open_page(width=REFLOW_WIDTH, height=640)
    visit(page, "/")
    follow(page, page.locator("nav.languages a[hreflang='nl']"))
    follow(page, page.locator("footer a[href='/toegankelijkheid']"))
    assert_no_horizontal_scrolling(page)
    follow(page, page.locator("footer a[href='/privacy']"))
    assert_no_horizontal_scrolling(page)
