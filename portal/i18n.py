"""Which language a page is shown in, and the switch between languages.

The resident's explicit choice comes first, then the browser's Accept-Language, then
Dutch. An unknown code never fails: it falls back to Dutch.
"""

from flask import Flask, g, request, session, url_for
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString

from portal.caching import memo
from portal.languages import DEFAULT_LANGUAGE, LANGUAGES, Language, offered

SESSION_KEY = "lang"


def select_locale() -> str:
    chosen = offered(request.args.get("lang")) or offered(session.get(SESSION_KEY))
    if chosen:
        return chosen.code
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


def remember_choice(code: str | None) -> Language:
    """Store the resident's choice; an unknown code stores Dutch."""
    language = offered(code) or LANGUAGES[DEFAULT_LANGUAGE]
    session[SESSION_KEY] = language.code
    session.permanent = True
    return language


def current_language() -> Language:
    return LANGUAGES.get(str(get_locale()), LANGUAGES[DEFAULT_LANGUAGE])


def _translations():
    # Kept per locale: a page in one language may render a form or letter in another
    # (flask_babel.force_locale), and must get that language's catalog.
    locale = str(get_locale())
    cached = g.get("translations")
    if cached is None or cached[0] != locale:
        cached = g.translations = (locale, get_translations())
    return cached[1]


def gettext(message: str, **variables) -> str:
    """flask_babel.gettext, with the request's catalog looked up once instead of per call."""
    text = _translations().ugettext(message)
    return text % variables if variables else text


def lazy_gettext(message: str, **variables) -> LazyString:
    """A message translated when shown, for forms and tables defined at import time."""
    return LazyString(gettext, message, **variables)


def ngettext(singular: str, plural: str, number: int) -> str:
    return _translations().ungettext(singular, plural, number)


def init_app(app: Flask) -> None:
    # Templates call _() dozens of times a page; flask_babel looks the catalog up again on
    # each call, which was a third of the start page's time. Look it up once a request.
    app.jinja_env.install_gettext_callables(gettext, ngettext, newstyle=True)

    @app.context_processor
    def _language_context():
        return {"current_language": current_language(), "language_links": language_links()}


def language_links() -> tuple[tuple[Language, str], ...]:
    """Each offered language with the link that switches to it and comes back to this page."""
    path = request.path
    return memo("path_links").get(
        ("languages", request.script_root, path),
        lambda: tuple(
            (language, url_for("residents.choose_language", code=language.code, next=path))
            for language in LANGUAGES.values()
        ),
    )
