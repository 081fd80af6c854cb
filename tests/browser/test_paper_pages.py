"""The paper screens in Dutch and in Arabic, checked by axe-core on every page and state.

A wijkteam member makes a batch (first with mistakes), waits for its PDF, finds a form by
its code (first with a typo) and keys it in (first with answers missing), in one browser
tab. A resident opens the page to download a blank form. The double-keying resolution
screen is reached by two keyings of one form.
"""

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import visit
from tests.browser.test_staff_pages import Staff, assert_error_state

PAPER = "/medewerkers/papier"
NEW = "/medewerkers/papier/nieuw"
FIND = "/medewerkers/papier/invoeren"


def make_batch(me: Staff, double_keying: bool = False) -> str:
    """Make a batch of two forms through the pages; returns the batch page's path."""
    me.visit(NEW)
    me.page.fill("#forms", "2")
    me.page.fill("#place", "Buurthuis De Meent")
    if double_keying:
        me.page.check("#double_keying")
    me.follow(me.submit(NEW))
    path = "/" + me.page.url.split("/", 3)[-1]
    for _ in range(120):  # the PDF renders in a process of its own
        if me.page.locator("main a[href$='.pdf']").count():
            return path
        time.sleep(0.5)
        me.visit(path)
    pytest.fail("the batch's PDF was not ready within a minute")


def first_code(me: Staff) -> str:
    return me.page.locator("main table .code").first.text_content().strip()


def key_in(me: Staff, code: str, text: str, height: str = "3"):
    me.visit(FIND)
    me.page.fill("#code", code)
    me.follow(me.submit(FIND))
    key_path = "/" + me.page.url.split("/", 3)[-1]
    me.page.check("#kind-0")
    me.page.fill("#text", text)
    me.page.locator(f"input[name='height'][value='{height}']").check()
    return me.submit(key_path)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_a_wijkteam_member_prints_a_batch_and_keys_a_form_in(open_page, staff_account, language):
    me = Staff(open_page(), staff_account("wijkteam"), language)
    me.open_login_page()
    me.log_in()
    me.follow(me.nav(PAPER))

    # A batch with mistakes keeps what was typed and says what is wrong.
    me.follow(me.link(NEW))
    me.page.fill("#forms", "veel")
    me.page.fill("#place", "Buurthuis De Meent")
    me.page.fill("#handout_date", "")
    me.follow(me.submit(NEW), status=400)
    assert_error_state(me.page, "forms")
    assert_error_state(me.page, "handout_date")
    expect(me.page.locator("#place")).to_have_value("Buurthuis De Meent")

    batch = make_batch(me)
    me.visit(batch)
    code = first_code(me)

    # A typo in the code, then the form itself with answers missing, then complete.
    me.visit(FIND)
    me.page.fill("#code", code[:-1] + ("0" if code[-1] != "0" else "1"))
    me.follow(me.submit(FIND), status=400)
    assert_error_state(me.page, "code")
    me.page.fill("#code", code)
    me.follow(me.submit(FIND))
    key_path = "/" + me.page.url.split("/", 3)[-1]
    me.page.fill("#text", "")
    me.follow(me.submit(key_path), status=400)
    assert_error_state(me.page, "text")
    expect(me.page.locator(".error-summary a[href='#kind-0']")).to_have_count(1)
    me.page.check("#kind-0")
    me.page.fill("#text", "De drempel bij de bibliotheek is te hoog voor mijn rollator.")
    me.follow(me.submit(key_path))
    assert me.page.url.endswith(FIND)
    expect(me.page.locator("main .notice[role='status']").first).to_contain_text(code)

    me.visit(PAPER)
    me.assert_every_field_had_its_own_id_and_label()


@pytest.mark.browser
def test_two_keyings_that_differ_are_settled_side_by_side(open_page, staff_account):
    first = Staff(open_page(), staff_account("wijkteam"))
    first.open_login_page()
    first.log_in()
    first.visit(make_batch(first, double_keying=True))
    code = first_code(first)
    first.follow(key_in(first, code, "Het loket is alleen open als ik werk."))

    second = Staff(open_page(), staff_account("wijkteam"))
    second.open_login_page()
    second.log_in()
    second.follow(key_in(second, code, "Het loket is alleen open als ik moet werken.", "4"))
    assert second.page.url.endswith("/verschillen")
    expect(second.page.locator("main table")).to_contain_text("Het kost me veel moeite")
    resolve = "/" + second.page.url.split("/", 3)[-1]
    second.follow(second.submit(resolve), status=400)
    expect(second.page.locator(".error-summary a[href='#text-0']")).to_have_count(1)
    second.page.check("#text-1")
    second.page.check("#height-0")
    second.follow(second.submit(resolve))
    assert second.page.url.endswith(FIND)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_the_blank_form_page_in_each_direction(page, language):
    visit(page, f"/taal/{language}?next=/formulier")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("input[name='language']")).to_have_count(6)
    expect(page.locator(f"input[name='language'][value='{language}']")).to_be_checked()
