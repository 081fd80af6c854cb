"""A page in one language can render a form or letter in another."""

from flask_babel import force_locale

from portal.i18n import current_language, gettext


def test_force_locale_switches_the_catalog_and_back(app):
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        assert gettext("Volg uw inbreng") == "Volg uw inbreng"
        assert current_language().code == "nl"
        with force_locale("en"):
            assert gettext("Volg uw inbreng") != "Volg uw inbreng"
            assert current_language().code == "en"
        assert gettext("Volg uw inbreng") == "Volg uw inbreng"
