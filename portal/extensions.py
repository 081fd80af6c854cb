"""Extensions, created once and bound to the app in the factory."""

from flask import Flask, Response, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFProtect


def client_address() -> str:
    """The address rate limits count by; it is never stored with a submission."""
    return request.remote_addr or "unknown"


babel = Babel()
csrf = CSRFProtect()
# Limits are set on the routes that change or reveal something; reading pages is not limited
# here (a reverse proxy does that), which keeps the limiter off the hot path of every GET.
limiter = Limiter(client_address)


def init_limiter(app: Flask) -> None:
    """Bind the limiter, with Retry-After only where a client must wait.

    Flask-Limiter puts Retry-After on every limited response, a 200 too, where it reads as
    "come back later". The hook below runs after the limiter's own: Flask calls an app's
    after_request functions in the reverse order they were added, so it is added first.
    """

    @app.after_request
    def _retry_after_only_when_refused(response: Response) -> Response:
        if response.status_code not in (429, 503):
            response.headers.pop("Retry-After", None)
        return response

    limiter.init_app(app)


def form_checks_csrf(view):
    """Mark a view whose form checks the CSRF token itself.

    The global check would answer a bare 400 page and lose what the resident typed; the
    form instead shows every answer again with a message. Such a view must act only after
    `form.validate()`; tests/functional/test_security.py sends a token-less POST to every
    POST route to prove no view forgets.
    """
    return csrf.exempt(view)
