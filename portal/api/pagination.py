"""Cursor pagination: `limit` and an opaque `cursor` in, `{"data": [...], "next": url}` out.

A cursor is the last id of the page before, base64url-encoded, so a list can be walked by
keyset (WHERE id > :last ORDER BY id) at any depth in the same time, and rows added while
someone walks it are neither skipped nor repeated. Clients must treat it as opaque.
"""

import base64
import binascii
import re
from dataclasses import dataclass

from flask import request, url_for
from werkzeug.exceptions import BadRequest

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
# Ids are PostgreSQL `integer`s: a cursor beyond that is not one we gave out.
MAX_ID = 2**31 - 1
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,24}$"
_CURSOR = re.compile(CURSOR_PATTERN)
_PAYLOAD = re.compile(r"^after:([1-9][0-9]{0,9})$")
_LIMIT = re.compile(r"^[0-9]{1,3}$")


@dataclass(frozen=True)
class PageRequest:
    after: int  # 0: from the start
    limit: int


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id a cursor stands for; ValueError for anything this API did not hand out."""
    if not _CURSOR.match(cursor):
        raise ValueError("not a cursor")
    try:
        payload = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise ValueError("not a cursor") from error
    match = _PAYLOAD.match(payload)
    if not match or int(match.group(1)) > MAX_ID:
        raise ValueError("not a cursor")
    last_id = int(match.group(1))
    if encode_cursor(last_id) != cursor:  # one spelling per cursor: no lookalikes
        raise ValueError("not a cursor")
    return last_id


def _single(name: str) -> str | None:
    values = request.args.getlist(name)
    if len(values) > 1:
        raise BadRequest(f"Give the parameter {name!r} at most once.")
    return values[0] if values else None


def page_request() -> PageRequest:
    """The page the query string asks for; 400 (a problem document) when it is not valid."""
    limit = _single("limit")
    if limit is None:
        size = DEFAULT_LIMIT
    elif _LIMIT.match(limit) and 1 <= int(limit) <= MAX_LIMIT:
        size = int(limit)
    else:
        raise BadRequest(f"The parameter 'limit' must be a whole number from 1 to {MAX_LIMIT}.")
    cursor = _single("cursor")
    if cursor is None:
        return PageRequest(after=0, limit=size)
    try:
        return PageRequest(after=decode_cursor(cursor), limit=size)
    except ValueError:
        raise BadRequest(
            "The parameter 'cursor' is not valid: use the 'next' link of a page as it is."
        ) from None


def page(rows: list[dict], wanted: PageRequest) -> dict:
    """The document for one page; `rows` holds up to `wanted.limit + 1` items, by id."""
    has_more = len(rows) > wanted.limit
    rows = rows[: wanted.limit]
    next_url = None
    if has_more:
        next_url = url_for(
            request.endpoint,
            **(request.view_args or {}),
            cursor=encode_cursor(rows[-1]["id"]),
            limit=wanted.limit,
            _external=True,
        )
    return {"data": rows, "next": next_url}
