"""How the API answers: JSON documents, RFC 9457 problem documents for every error, and the
headers that make it readable from any website and cacheable for a minute."""

import json
from http import HTTPStatus

from flask import Response, current_app, request
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from portal.api import bp

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# What a browser may send cross-site without asking twice; nothing carries credentials.
ALLOWED_HEADERS = "Accept, Accept-Language, Content-Language, Content-Type, If-None-Match"
# Headers a cross-site reader needs to see to slow down politely.
EXPOSED_HEADERS = "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
PREFLIGHT_MAX_AGE = "86400"
CACHE_SECONDS = 60


def _dumps(document) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def json_response(document, status: int = 200) -> Response:
    return Response(_dumps(document), status=status, mimetype=JSON)


def problem(status: int, detail: str, headers=()) -> Response:
    """A problem document (RFC 9457) with the status's own title, as `about:blank` asks."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    response = Response(_dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in headers:
        response.headers[name] = value
    return response


# Said in English: the readers of this API are developers; the pages speak Dutch.
DETAILS = {
    400: "The request has a parameter this API cannot use.",
    404: "There is nothing published at this address.",
    405: "This API only reads: use GET.",
    500: "Something went wrong on our side. Please try again later.",
}


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    detail = DETAILS.get(error.code)
    if isinstance(error, RateLimitExceeded):
        detail = f"Too many requests from this address (the limit is {error.description}). "
        detail += "Wait as long as Retry-After says."
    elif error.description and error.description != type(error).description:
        # Our own aborts say precisely what is wrong; werkzeug's default texts are for pages.
        detail = error.description
    # Keep what the exception tells clients, such as Allow on a 405.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return problem(error.code, detail or HTTPStatus(error.code).phrase, headers)


@bp.errorhandler(Exception)
def _unexpected(error: Exception):
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return problem(500, DETAILS[500])


@bp.before_request
def _preflight():
    """Answer OPTIONS on an operation (a CORS preflight) with what the API allows.

    Flask's own answer would list the methods of the catch-all route as allowed too.
    """
    if request.method == "OPTIONS" and request.endpoint != "api.elsewhere":
        return Response(status=204, headers={"Allow": ALLOWED_METHODS})
    return None


@bp.after_request
def _open_data_headers(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    # Readable by pages on other sites; the app's default keeps everything else same-origin.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    elif response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    else:
        # An error may be over in a minute (a theme published, a limit lifted).
        response.headers["Cache-Control"] = "no-store"
    return response
