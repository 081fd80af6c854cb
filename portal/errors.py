"""Friendly error pages: the server answers every request with a page a person can read."""

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.i18n import lazy_gettext as _l

MESSAGES = {
    400: (
        _l("Dit konden we niet verwerken"),
        _l("Er ging iets mis met wat uw browser stuurde. Ga terug en probeer het opnieuw."),
    ),
    403: (
        _l("Deze pagina is niet voor u"),
        _l(
            "U bent ingelogd, maar uw rol geeft geen toegang tot deze pagina. "
            "Denkt u dat dit niet klopt? Vraag het de beheerder."
        ),
    ),
    404: (
        _l("Deze pagina bestaat niet"),
        _l("Misschien is het adres niet goed getypt, of is de pagina verplaatst."),
    ),
    405: (
        _l("Dit kan hier niet"),
        _l("Deze pagina werkt niet op deze manier. Ga naar de startpagina en probeer het opnieuw."),
    ),
    413: (
        _l("Dit is te veel tekst in één keer"),
        _l(
            "Wat u stuurde is groter dan we kunnen ontvangen. Maak uw tekst korter "
            "(maximaal 5000 tekens) en probeer het opnieuw."
        ),
    ),
    429: (
        _l("U heeft veel in korte tijd gestuurd"),
        _l(
            "Om misbruik te voorkomen kunt u even niets meer sturen. Wacht een paar minuten "
            "en probeer het dan opnieuw. Uw antwoorden zijn bewaard."
        ),
    ),
    500: (
        _l("Er ging bij ons iets mis"),
        _l(
            "Dit ligt niet aan u. Probeer het over een paar minuten opnieuw. "
            "Werkt het dan nog niet? Neem contact op met de gemeente."
        ),
    ),
}
CSRF_MESSAGE = (
    _l("Deze pagina is verlopen"),
    _l(
        "De pagina was te lang open, of uw browser heeft een cookie niet bewaard. "
        "Ga terug, laad de pagina opnieuw en probeer het nog eens."
    ),
)


def render_error(code: int, title, message):
    return render_template("errors/error.html", title=title, message=message, code=code), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(_error):
        return render_error(400, *CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        title, message = MESSAGES.get(error.code, MESSAGES[400 if error.code < 500 else 500])
        body, code = render_error(error.code, title, message)
        # Keep what the exception tells clients, such as Allow on a 405 or Retry-After.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return body, code, headers

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500, *MESSAGES[500])
