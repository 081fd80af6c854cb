"""The open-data API: published themes, their feedback and actions, and published input.

Read-only JSON under /api/v1/, described by the OpenAPI document at /api/v1/openapi.json.
It never reads or sets the session cookie and carries no credentials, so any website may
read it (CORS `*`); it is rate limited per client over all its operations together.
"""

from flask import Blueprint, Flask, current_app
from flask.sessions import SessionInterface

from portal.extensions import csrf, limiter

PREFIX = "/api"
bp = Blueprint("api", __name__, url_prefix=PREFIX)

# One budget per client for the whole API: a crawler cannot multiply it by spreading its
# requests over the operations, nor by asking for paths that do not exist.
limiter.shared_limit(lambda: current_app.config["RATELIMIT_API"], scope="api")(bp)
# Nothing here changes state, and a cross-site reader has no session to protect.
csrf.exempt(bp)

from portal.api import responses, views  # noqa: E402,F401  (handlers and routes register on bp)


def is_api_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


class SessionOutsideApi(SessionInterface):
    """The app's own sessions everywhere except under /api/.

    An API request gets Flask's null session: the cookie is not even decoded, nothing the
    API does can set it, and no response says `Vary: Cookie`. Anything that tried to write
    to the session there would fail loudly instead of leaking a cookie.
    """

    def __init__(self, inner: SessionInterface):
        self.inner = inner

    def open_session(self, app, request):
        if is_api_path(request.path):
            return None  # Flask then uses make_null_session
        return self.inner.open_session(app, request)

    def save_session(self, app, session, response) -> None:
        self.inner.save_session(app, session, response)

    def __getattr__(self, name: str):
        # Whatever else the app's own interface offers (a signing serializer, say).
        return getattr(self.inner, name)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.session_interface = SessionOutsideApi(app.session_interface)
