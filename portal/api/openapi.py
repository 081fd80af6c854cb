"""The OpenAPI 3.1 description of the API, served at /api/v1/openapi.json.

Written out by hand and kept exact: tests/functional/test_api.py validates it and checks
every answer against it, and schemathesis (test_api_schemathesis.py) probes every
operation with generated requests. Change an operation and this document together.
"""

from portal.api.pagination import CURSOR_PATTERN, DEFAULT_LIMIT, MAX_ID, MAX_LIMIT
from portal.languages import LANGUAGES
from portal.models import (
    ACTION_STATUSES,
    ACTION_TEXT_MAX_LENGTH,
    CHANNELS,
    FEEDBACK_MAX_LENGTH,
    HEIGHTS,
    RESIDENT_KINDS,
    STAGES,
    SUMMARY_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)

# Open data of a Dutch government body: the public domain dedication the government's own
# open-data policy prefers, so anyone may reuse it without conditions.
DATA_LICENSE = {"name": "CC0 1.0 Universal", "identifier": "CC0-1.0"}

SCHEMAS = "#/components/schemas/"
JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
LANGUAGE = {
    "type": "string",
    "pattern": "^[a-z]{2,3}$",
    "description": "ISO 639 code of a language the portal offers: " + ", ".join(LANGUAGES) + ".",
}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}

DESCRIPTION = """\
Open data from the participation portal Meedoen: the themes the gemeente has published,
what it did about them (actions) and its feedback to residents, and the obstacles and
ideas residents sent that moderators published.

Nothing here identifies a resident: no receipt codes, no contact details, no exact times
(only the day input came in), no one who typed input in for someone.

* Lists are paginated by cursor. Follow `next` until it is `null`; treat the cursor as
  opaque. Lists are ordered by `id`.
* Read-only: every operation is a `GET`. Any website may read the API (CORS `*`); it uses
  no cookies and no credentials.
* Rate limited per client address over all operations together: a `429` says how many
  seconds to wait in `Retry-After`.
* Errors are problem documents (RFC 9457, `application/problem+json`).
* Responses may be cached for 60 seconds.

The data is dedicated to the public domain (CC0 1.0).
"""


def _ref(name: str) -> dict:
    return {"$ref": SCHEMAS + name}


def _page(item: str) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["data", "next"],
        "properties": {
            "data": {"type": "array", "maxItems": MAX_LIMIT, "items": _ref(item)},
            "next": {
                "type": ["string", "null"],
                "format": "uri",
                "description": "The next page, or null on the last page.",
            },
        },
    }


COMPONENT_SCHEMAS = {
    "Problem": {
        "type": "object",
        "description": "A problem document (RFC 9457).",
        "additionalProperties": False,
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "format": "uri-reference", "const": "about:blank"},
            "title": {"type": "string", "description": "The HTTP status phrase."},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string", "description": "What went wrong, in English."},
        },
    },
    "Action": {
        "type": "object",
        "description": "What the gemeente decided or changed for a theme.",
        "additionalProperties": False,
        "required": ["description", "owner", "decided_on", "status", "reason"],
        "properties": {
            "description": {
                "type": "string",
                "minLength": 1,
                "maxLength": ACTION_TEXT_MAX_LENGTH,
            },
            "owner": {
                "type": "string",
                "maxLength": 120,
                "description": "Who in the gemeente carries it out.",
            },
            "decided_on": {"type": "string", "format": "date"},
            "status": {"type": "string", "enum": list(ACTION_STATUSES)},
            "reason": {
                "type": ["string", "null"],
                "description": "Why it was not done; always given when status is not_done.",
            },
        },
    },
    "Feedback": {
        "type": "object",
        "description": "The gemeente's report back to residents (terugkoppeling).",
        "additionalProperties": False,
        "required": ["published_at", "texts"],
        "properties": {
            "published_at": {"type": "string", "format": "date-time"},
            "texts": {
                "type": "object",
                "description": "The text per language; Dutch (nl) is always there.",
                "required": ["nl"],
                "propertyNames": LANGUAGE,
                "additionalProperties": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": FEEDBACK_MAX_LENGTH,
                },
            },
        },
    },
    "Theme": {
        "type": "object",
        "description": "A published theme (thema): what several residents experience.",
        "additionalProperties": False,
        "required": ["id", "title", "summary", "stage", "updated_at", "feedback", "actions"],
        "properties": {
            "id": ID,
            "title": {"type": "string", "minLength": 1, "maxLength": TITLE_MAX_LENGTH},
            "summary": {
                "type": "string",
                "maxLength": SUMMARY_MAX_LENGTH,
                "description": "The experiences in plain words.",
            },
            "stage": {
                "type": "string",
                "enum": list(STAGES),
                "description": "Where the theme is in the cycle.",
            },
            "updated_at": {"type": "string", "format": "date-time"},
            "feedback": {
                "description": "Null until the gemeente has published its feedback.",
                "oneOf": [_ref("Feedback"), {"type": "null"}],
            },
            "actions": {"type": "array", "items": _ref("Action")},
        },
    },
    "Submission": {
        "type": "object",
        "description": "A published obstacle or idea (inbreng), in the resident's own words.",
        "additionalProperties": False,
        "required": [
            "id",
            "kind",
            "text",
            "language",
            "life_domain",
            "neighbourhood",
            "height",
            "channel",
            "created_on",
            "theme_ids",
        ],
        "properties": {
            "id": ID,
            "kind": {"type": "string", "enum": list(RESIDENT_KINDS)},
            "text": {"type": "string", "minLength": 1, "maxLength": TEXT_MAX_LENGTH},
            "language": LANGUAGE,
            "life_domain": {
                "type": ["string", "null"],
                "maxLength": 40,
                "description": "The slug of the life domain (leefgebied), if one was chosen.",
            },
            "neighbourhood": {
                "type": ["string", "null"],
                "maxLength": 120,
                "description": "The name of the neighbourhood (wijk), if one was chosen.",
            },
            "height": {
                "type": ["integer", "null"],
                "minimum": min(HEIGHTS),
                "maximum": max(HEIGHTS),
                "description": "How high an obstacle is, 1 (a small nuisance) to 5 (cannot "
                "take part at all); null for ideas and when not given.",
            },
            "channel": {"type": "string", "enum": list(CHANNELS)},
            "created_on": {
                "type": "string",
                "format": "date",
                "description": "The day it came in, in the gemeente's time zone.",
            },
            "theme_ids": {
                "type": "array",
                "uniqueItems": True,
                "items": ID,
                "description": "The published themes it belongs to.",
            },
        },
    },
    "ThemePage": _page("Theme"),
    "SubmissionPage": _page("Submission"),
}


def _problem(description: str, headers: dict | None = None) -> dict:
    response = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": _ref("Problem")}},
    }
    if headers:
        response["headers"] = headers
    return response


COMPONENT_RESPONSES = {
    "BadRequest": _problem("A parameter is not valid."),
    "NotFound": _problem("There is no published theme with this id."),
    "TooManyRequests": _problem(
        "Too many requests from this client address.",
        {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}},
    ),
}
PAGE_PARAMETERS = [
    {"$ref": "#/components/parameters/Limit"},
    {"$ref": "#/components/parameters/Cursor"},
]


def _ok(description: str, schema: dict) -> dict:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _responses(ok: dict, *errors: str) -> dict:
    codes = {"400": "BadRequest", "404": "NotFound", "429": "TooManyRequests"}
    responses = {"200": ok}
    for code in errors:
        responses[code] = {"$ref": "#/components/responses/" + codes[code]}
    return responses


PATHS = {
    "/themes": {
        "get": {
            "operationId": "listThemes",
            "tags": ["themes"],
            "summary": "Published themes, by id",
            "parameters": PAGE_PARAMETERS,
            "responses": _responses(_ok("A page of themes.", _ref("ThemePage")), "400", "429"),
        }
    },
    "/themes/{theme_id}": {
        "parameters": [{"$ref": "#/components/parameters/ThemeId"}],
        "get": {
            "operationId": "getTheme",
            "tags": ["themes"],
            "summary": "One published theme with its feedback and actions",
            "responses": _responses(_ok("The theme.", _ref("Theme")), "404", "429"),
        },
    },
    "/themes/{theme_id}/submissions": {
        "parameters": [{"$ref": "#/components/parameters/ThemeId"}],
        "get": {
            "operationId": "listThemeSubmissions",
            "tags": ["submissions"],
            "summary": "The published obstacles and ideas of one theme, by id",
            "parameters": PAGE_PARAMETERS,
            "responses": _responses(
                _ok("A page of submissions.", _ref("SubmissionPage")), "400", "404", "429"
            ),
        },
    },
    "/submissions": {
        "get": {
            "operationId": "listSubmissions",
            "tags": ["submissions"],
            "summary": "All published obstacles and ideas, by id",
            "parameters": PAGE_PARAMETERS,
            "responses": _responses(
                _ok("A page of submissions.", _ref("SubmissionPage")), "400", "429"
            ),
        }
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApiDocument",
            "tags": ["meta"],
            "summary": "This description of the API (OpenAPI 3.1)",
            "responses": _responses(_ok("This document.", {"type": "object"}), "429"),
        }
    },
}

COMPONENTS = {
    "schemas": COMPONENT_SCHEMAS,
    "responses": COMPONENT_RESPONSES,
    "parameters": {
        "Limit": {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": "How many items a page holds.",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT,
            },
        },
        "Cursor": {
            "name": "cursor",
            "in": "query",
            "required": False,
            "description": "Where the page starts: take it from the `next` link of the page "
            "before, as it is. Without it, the list starts at the beginning.",
            "schema": {"type": "string", "pattern": CURSOR_PATTERN},
        },
        "ThemeId": {
            "name": "theme_id",
            "in": "path",
            "required": True,
            "schema": ID,
        },
    },
    "headers": {
        "RetryAfter": {
            "description": "How many seconds to wait before the next request.",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}


def document(config) -> dict:
    """The description, with this gemeente's name and contact address."""
    gemeente = config["MUNICIPALITY_NAME"]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Meedoen {gemeente}: open data",
            "version": "1.0.0",
            "summary": "Published themes, feedback, actions and published resident input.",
            "description": DESCRIPTION,
            "contact": {"name": f"Gemeente {gemeente}", "email": config["CONTACT_EMAIL"]},
            "license": DATA_LICENSE,
        },
        "servers": [{"url": "/api/v1", "description": "This portal"}],
        "tags": [
            {"name": "themes", "description": "Published themes, feedback and actions."},
            {"name": "submissions", "description": "Published obstacles and ideas."},
            {"name": "meta", "description": "About the API itself."},
        ],
        "paths": PATHS,
        "components": COMPONENTS,
    }
