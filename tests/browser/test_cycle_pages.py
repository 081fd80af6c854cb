"""The cycle in Dutch and in Arabic, checked by axe-core: a moderator records an action on
a theme (first without the reason "not done" needs), moves it on through the cycle and
reads the board of all themes."""

import pytest
from playwright.sync_api import expect

from portal.db import session_for
from portal.models import Theme
from tests.browser.test_staff_pages import Staff, assert_error_state


@pytest.mark.browser
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_a_moderator_records_an_action_and_reads_the_cycle_board(
    open_page, staff_account, server_app, language
):
    with session_for(server_app) as session:
        theme = Theme(title=f"Drempels {language}", summary="Veel ingangen hebben een drempel.")
        session.add(theme)
        session.commit()
        path = f"/medewerkers/themas/{theme.id}"
    me = Staff(open_page(), staff_account("moderator"), language)
    me.open_login_page()
    me.log_in()
    me.visit(path)
    action = f"{path}/acties"
    me.page.fill("#action-description", "De ingang van de bibliotheek krijgt een helling.")
    me.page.fill("#action-owner", "Afdeling Vastgoed")
    me.page.check("#action-status-3")  # not done, without saying why
    me.follow(me.submit(action), status=400)
    assert_error_state(me.page, "action-reason", form=action)
    expect(me.page.locator("#action-owner")).to_have_value("Afdeling Vastgoed")
    me.page.fill("#action-reason", "Het gebouw is een monument.")
    me.follow(me.submit(action))
    expect(me.page.locator("main section.action")).to_have_count(1)
    # The theme moves on: translated (its summary is there), then acting (it has an action).
    for _ in range(2):
        me.follow(
            me.page.locator(
                f"main form[action='{path}/stap'] button.button:not(.button--secondary)"
            )
        )
    expect(me.page.locator("main .notice[role='status']").first).to_be_visible()
    me.follow(me.nav("/medewerkers/cyclus"))
    expect(me.page.locator("#caption-acting ~ tbody")).to_contain_text(f"Drempels {language}")
    expect(me.page.locator("main")).to_contain_text(f"Drempels {language}")
    me.assert_every_field_had_its_own_id_and_label()
