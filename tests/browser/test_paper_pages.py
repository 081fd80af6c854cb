"""The paper screens in Dutch and in Arabic, checked by axe-core on every page and state.

A wijkteam member makes a batch (first with mistakes), waits for its PDF, finds a form by
its code (first with a typo) and keys it in (first with answers missing), in one browser
tab. A resident opens the page to download a blank form. The double-keying resolution
screen is reached by two keyings of one form.
"""

import random
import time

import pytest
from playwright.sync_api import expect

from portal.db import session_for
from tests import scan_samples as samples
from tests.browser.conftest import follow, visit
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
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_two_keyings_that_differ_are_settled_side_by_side(open_page, staff_account, language):
    first = Staff(open_page(), staff_account("wijkteam"), language)
    first.open_login_page()
    first.log_in()
    first.visit(make_batch(first, double_keying=True))
    code = first_code(first)
    first.follow(key_in(first, code, "Het loket is alleen open als ik werk."))

    second = Staff(open_page(), staff_account("wijkteam"), language)
    second.open_login_page()
    second.log_in()
    second.follow(key_in(second, code, "Het loket is alleen open als ik moet werken.", "4"))
    assert second.page.url.endswith("/verschillen")
    expect(second.page.locator("main table strong")).to_have_count(2)  # two differences
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
    # A language the portal does not offer (an edited page) is refused in words.
    page.evaluate("document.querySelector('input[name=language]:checked').value = 'de'")
    follow(page, page.locator("main form button[type='submit']"), status=400)
    expect(page.locator(".error-summary a[href='#language-0']")).to_have_count(1)
    expect(page.locator("input[name='variant']:checked")).to_have_count(1)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_input_entered_for_a_resident_gets_a_slip_and_a_letter(open_page, staff_account, language):
    me = Staff(open_page(), staff_account("wijkteam"), language)
    me.open_login_page()
    me.log_in()
    entry = "/medewerkers/namens-bewoner"
    me.follow(me.nav(entry))

    # Without the resident's consent nothing is saved, and nothing typed is lost.
    me.page.fill("#text", "Ik kan de brieven van de gemeente niet lezen.")
    me.follow(me.submit(entry), status=400)
    assert_error_state(me.page, "resident_consent")
    expect(me.page.locator("#text")).to_have_value("Ik kan de brieven van de gemeente niet lezen.")

    me.page.check("#resident_consent")
    me.page.check("#channel-0")
    me.page.select_option("#language", "ar")
    me.page.check("#kind-0")
    me.page.fill("#postal_address", "Dorpsstraat 1\n1234 AB Rijnwaarde")
    me.page.check("#contact_consent")
    me.follow(me.submit(entry))
    assert me.page.url.endswith("/bon")
    expect(me.page.locator("main [lang='ar'][dir='rtl']").first).to_be_visible()

    letters = "/medewerkers/brieven"
    me.follow(me.nav(letters))
    expect(me.submit(f"{letters}/pdf")).to_have_count(1)
    me.page.fill("#since", "gisteren")  # a date the filter cannot read
    me.follow(me.submit(letters), status=400)
    assert_error_state(me.page, "since", form=letters)
    expect(me.page.locator("#since")).to_have_value("gisteren")
    me.assert_every_field_had_its_own_id_and_label()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_scans_are_sent_read_and_offered_for_keying(
    open_page, staff_account, server_app, tmp_path, language
):
    sample = samples.sample_batch(language, "standard", 1, seed=len(language))
    with session_for(server_app) as session:
        samples.store_batch(session, sample)
        session.commit()
    scanned = samples.scanned_batch(sample, random.Random(9), upside_down=0.5, double_tick=0)
    stack = tmp_path / "stapel.pdf"
    stack.write_bytes(samples.pdf_of([p.image for p in scanned]))

    me = Staff(open_page(), staff_account("wijkteam"), language)
    me.open_login_page()
    me.log_in()
    me.visit(PAPER)
    scans = "/medewerkers/papier/scans"
    me.follow(me.link(scans))
    me.follow(me.submit(scans), status=400)  # no file chosen
    assert_error_state(me.page, "scan")
    me.page.set_input_files("#scan", str(stack))
    me.follow(me.submit(scans))
    me.follow(me.page.locator("main table a").first)
    expect(me.page.locator("img.scan-crop")).to_have_count(2)
    me.assert_every_field_had_its_own_id_and_label()
