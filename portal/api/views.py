"""The operations of version 1: every one a GET, every answer JSON."""

from zoneinfo import ZoneInfo

from flask import current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from portal.api import bp, openapi, published
from portal.api.pagination import MAX_ID, page, page_request
from portal.api.responses import json_response
from portal.db import get_session

V1 = "/v1"
READ_METHODS = ["GET", "HEAD", "OPTIONS"]
# Anything else under /api/, by any method a client may try, is answered here with a
# problem document instead of the site's HTML error pages.
ELSEWHERE_METHODS = [*READ_METHODS, "POST", "PUT", "PATCH", "DELETE", "TRACE"]


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _public_theme_id(theme_id: int) -> int:
    if theme_id > MAX_ID or not published.is_public_theme(get_session(), theme_id):
        raise NotFound(f"There is no published theme {theme_id}.")
    return theme_id


@bp.get(f"{V1}/themes")
def themes():
    wanted = page_request()
    rows = published.themes_after(get_session(), wanted.after, wanted.limit + 1)
    return json_response(page(rows, wanted))


@bp.get(f"{V1}/themes/<int:theme_id>")
def theme(theme_id: int):
    document = published.theme(get_session(), theme_id) if theme_id <= MAX_ID else None
    if document is None:
        raise NotFound(f"There is no published theme {theme_id}.")
    return json_response(document)


@bp.get(f"{V1}/themes/<int:theme_id>/submissions")
def theme_submissions(theme_id: int):
    wanted = page_request()
    rows = published.submissions_after(
        get_session(), wanted.after, wanted.limit + 1, _zone(), _public_theme_id(theme_id)
    )
    return json_response(page(rows, wanted))


@bp.get(f"{V1}/submissions")
def submissions():
    wanted = page_request()
    rows = published.submissions_after(get_session(), wanted.after, wanted.limit + 1, _zone())
    return json_response(page(rows, wanted))


@bp.get(f"{V1}/openapi.json")
def openapi_document():
    return json_response(openapi.document(current_app.config))


@bp.route("/", defaults={"rest": ""}, methods=ELSEWHERE_METHODS)
@bp.route("/<path:rest>", methods=ELSEWHERE_METHODS)
def elsewhere(rest: str):
    """Anything else under /api/: a 405 where the path exists, else a 404, as problems."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, _values = adapter.match(method="GET")
    except HTTPException:  # NotFound, or a redirect to a path with(out) a slash
        endpoint = None
    if endpoint is not None and endpoint != request.endpoint:
        raise MethodNotAllowed(valid_methods=READ_METHODS)
    raise NotFound()
