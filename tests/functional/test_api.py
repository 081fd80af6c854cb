"""The open-data API: what it publishes, what it never does, and its OpenAPI description.

One data set holds every case a reader must not see (unpublished, merged, hidden, received,
evaluation and duplicate input, receipt codes, contact details, who keyed input in) next to
what they should see; every response is searched for what must stay inside.
"""

import base64
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import session
from flask.sessions import NullSession
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from sqlalchemy import event, func, insert, select

from portal import create_app
from portal.db import engine_for
from portal.extensions import limiter
from portal.models import (
    ContactDetails,
    LifeDomain,
    Submission,
    Theme,
    ThemeAction,
    ThemeFeedback,
    theme_submission,
)
from tests.conftest import START, TEST_SETTINGS, add_staff, add_submission

API = "/api/v1"
STAFF_EMAIL = "invoerder@rijnwaarde.example"
RESIDENT_EMAIL = "bewoner.geheim@example.org"
POSTAL_ADDRESS = "Geheimstraat 12, 1234 AB Rijnwaarde"


@dataclass
class DataSet:
    themes: dict[str, int] = field(default_factory=dict)
    submissions: dict[str, int] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)

    @property
    def secrets(self) -> list[str]:
        """What no response may contain: codes, contact details, staff addresses."""
        return [*self.codes, RESIDENT_EMAIL, POSTAL_ADDRESS, STAFF_EMAIL, "verborgen-tekst"]


def make_data_set(app, db, wijken, first_theme_id: int | None = None) -> DataSet:
    """Themes public and not, and input of every kind and status, with known ids.

    `first_theme_id` gives the themes fixed ids from that number on (for generated requests
    that should find them); otherwise the database numbers them.
    """
    data = DataSet()
    staff = add_staff(app, STAFF_EMAIL, "wijkteam")
    housing = db.scalar(select(LifeDomain.id).where(LifeDomain.slug == "housing"))

    def theme(name, number, **fields):
        values = {"title": f"Thema {name}", "summary": f"Samenvatting {name}.", **fields}
        values.setdefault("stage", "collecting")
        if first_theme_id is not None:
            values["id"] = first_theme_id + number
        row = Theme(**values)
        db.add(row)
        db.commit()
        data.themes[name] = row.id
        return row

    public = theme(
        "public",
        0,
        published=True,
        stage="reported",
        feedback_published_at=START + timedelta(days=30),
    )
    waiting = theme("waiting", 1, published=True, stage="acting")
    hidden = theme("unpublished", 2, published=False)
    merged = theme("merged", 3, published=True, merged_into_id=public.id)
    db.add_all(
        [
            ThemeFeedback(theme_id=public.id, language="nl", body="Wij hebben de stoep verbreed."),
            ThemeFeedback(theme_id=public.id, language="en", body="We widened the pavement."),
            # Written, but not published yet: nobody may read it.
            ThemeFeedback(theme_id=waiting.id, language="nl", body="verborgen-tekst concept"),
            ThemeAction(
                theme_id=public.id,
                description="De stoep aan de Dorpsstraat verbreden.",
                owner="Team openbare ruimte",
                decided_on=date(2024, 6, 1),
                status="done",
            ),
            ThemeAction(
                theme_id=public.id,
                description="Een extra bankje plaatsen.",
                owner="Team openbare ruimte",
                decided_on=date(2024, 5, 20),
                status="not_done",
                reason="Er is geen ruimte voor.",
            ),
        ]
    )
    db.commit()

    def submission(name, text, minutes, themes=(), **fields):
        row = add_submission(db, text, minutes, **fields)
        data.submissions[name] = row.id
        data.codes.append(row.receipt_code)
        for member in themes:
            db.execute(insert(theme_submission).values(theme_id=member.id, submission_id=row.id))
        db.commit()
        return row

    # 23:30 in UTC is already the next day in the gemeente (Europe/Amsterdam, summer time).
    late = submission(
        "late_obstacle",
        "De stoep is te smal voor mijn rolstoel.",
        14 * 60 + 30,
        (public, hidden),
        status="published",
        height=4,
        neighbourhood_id=wijken["Noord"],
        life_domain_id=housing,
    )
    db.add(
        ContactDetails(
            submission_id=late.id,
            email=RESIDENT_EMAIL,
            postal_address=POSTAL_ADDRESS,
            retain_until=date(2025, 5, 1),
        )
    )
    db.commit()
    submission(
        "paper_idea",
        "Zet een bankje bij de bushalte.",
        60,
        (public, waiting),
        kind="idea",
        status="published",
        channel="paper",
        entered_by=staff.id,
        language="en",
    )
    submission("received", "verborgen-tekst nog niet bekeken", 70, (public,))
    submission(
        "hidden",
        "verborgen-tekst met een naam",
        80,
        (public,),
        status="hidden",
        hidden_reason="personal_data",
    )
    submission(
        "evaluation",
        "verborgen-tekst over wat er gedaan is",
        90,
        (public,),
        kind="evaluation",
        status="published",
    )
    submission(
        "duplicate",
        "verborgen-tekst: de stoep is echt te smal.",
        100,
        (public,),
        status="published",
        duplicate_of_id=late.id,
    )
    submission("loose_obstacle", "Het buurthuis heeft geen lift.", 110, status="published")
    submission("in_merged", "De bus rijdt te weinig.", 120, (merged,), status="published")
    return data


@pytest.fixture
def data(app, db, wijken):
    return make_data_set(app, db, wijken)


def get(client, path, **query):
    response = client.get(API + path, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def ids(document) -> list[int]:
    return [item["id"] for item in document["data"]]


def assert_problem(response, status: int):
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body) == {"type", "title", "status", "detail"}
    assert body["status"] == status and body["type"] == "about:blank" and body["detail"]
    return body


def validator(client, schema_name: str) -> Draft202012Validator:
    """Checks a document against a schema of the served OpenAPI description."""
    described = client.get(f"{API}/openapi.json").get_json()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": described["components"]}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


# --- themes ----------------------------------------------------------------------------------


def test_the_theme_list_holds_only_published_themes_that_were_not_merged(client, data):
    document = get(client, "/themes")
    assert ids(document) == [data.themes["public"], data.themes["waiting"]]
    assert document["next"] is None


def test_a_theme_shows_its_published_feedback_per_language_and_its_actions(client, data):
    theme = get(client, f"/themes/{data.themes['public']}")
    assert set(theme) == {"id", "title", "summary", "stage", "updated_at", "feedback", "actions"}
    assert theme["title"] == "Thema public" and theme["stage"] == "reported"
    assert theme["summary"] == "Samenvatting public."
    assert datetime.fromisoformat(theme["updated_at"]).tzinfo is not None
    assert theme["feedback"] == {
        "published_at": "2024-05-31T09:00:00Z",
        "texts": {"nl": "Wij hebben de stoep verbreed.", "en": "We widened the pavement."},
    }
    assert theme["actions"] == [  # in the order they were decided
        {
            "description": "Een extra bankje plaatsen.",
            "owner": "Team openbare ruimte",
            "decided_on": "2024-05-20",
            "status": "not_done",
            "reason": "Er is geen ruimte voor.",
        },
        {
            "description": "De stoep aan de Dorpsstraat verbreden.",
            "owner": "Team openbare ruimte",
            "decided_on": "2024-06-01",
            "status": "done",
            "reason": None,
        },
    ]
    assert get(client, "/themes")["data"][0] == theme


def test_feedback_is_not_shown_before_it_is_published(client, data):
    theme = get(client, f"/themes/{data.themes['waiting']}")
    assert theme["feedback"] is None and theme["actions"] == []


@pytest.mark.parametrize("name", ["unpublished", "merged"])
def test_unpublished_and_merged_themes_are_not_found(client, data, name):
    theme_id = data.themes[name]
    for path in (f"/themes/{theme_id}", f"/themes/{theme_id}/submissions"):
        assert_problem(client.get(API + path), 404)


@pytest.mark.parametrize("theme_id", ["0", "999999", "2147483648", "99999999999999999999"])
def test_a_theme_that_does_not_exist_is_not_found(client, data, theme_id):
    assert_problem(client.get(f"{API}/themes/{theme_id}"), 404)
    assert_problem(client.get(f"{API}/themes/{theme_id}/submissions"), 404)


# --- submissions -----------------------------------------------------------------------------


def test_only_published_obstacles_and_ideas_that_are_no_duplicates_are_listed(client, data):
    listed = ids(get(client, "/submissions"))
    names = ("late_obstacle", "paper_idea", "loose_obstacle", "in_merged")
    assert listed == sorted(data.submissions[name] for name in names)


def test_a_submission_shows_its_words_and_where_but_only_the_day(client, data):
    items = {item["id"]: item for item in get(client, "/submissions")["data"]}
    late = items[data.submissions["late_obstacle"]]
    assert late == {
        "id": data.submissions["late_obstacle"],
        "kind": "obstacle",
        "text": "De stoep is te smal voor mijn rolstoel.",
        "language": "nl",
        "life_domain": "housing",
        "neighbourhood": "Noord",
        "height": 4,
        "channel": "web",
        "created_on": "2024-05-02",  # received 2024-05-01 23:30 UTC, 01:30 in Rijnwaarde
        "theme_ids": [data.themes["public"]],  # not the unpublished theme it is also in
    }
    idea = items[data.submissions["paper_idea"]]
    assert idea["kind"] == "idea" and idea["height"] is None and idea["channel"] == "paper"
    assert idea["life_domain"] is None and idea["neighbourhood"] is None
    assert idea["theme_ids"] == sorted([data.themes["public"], data.themes["waiting"]])
    assert items[data.submissions["in_merged"]]["theme_ids"] == []  # the merged theme is gone
    assert items[data.submissions["loose_obstacle"]]["theme_ids"] == []


def test_a_theme_lists_its_own_published_submissions(client, data):
    public = ids(get(client, f"/themes/{data.themes['public']}/submissions"))
    assert public == sorted([data.submissions["late_obstacle"], data.submissions["paper_idea"]])
    waiting = ids(get(client, f"/themes/{data.themes['waiting']}/submissions"))
    assert waiting == [data.submissions["paper_idea"]]
    all_items = {item["id"]: item for item in get(client, "/submissions")["data"]}
    for item in get(client, f"/themes/{data.themes['public']}/submissions")["data"]:
        assert item == all_items[item["id"]]


def every_document_path(data, names=None) -> list[str]:
    paths = ["/themes", "/submissions", "/openapi.json"]
    for name, theme_id in data.themes.items():
        if names is None or name in names:
            paths += [f"/themes/{theme_id}", f"/themes/{theme_id}/submissions"]
    return paths


PUBLIC_THEMES = ("public", "waiting")


def test_no_response_holds_a_receipt_code_contact_details_or_hidden_text(client, data):
    assert len(data.codes) == 8
    for path in every_document_path(data):
        raw = client.get(API + path, query_string={"limit": 100}).get_data(as_text=True)
        for secret in data.secrets:
            assert secret not in raw, (path, secret)
    for path in ("/submissions", f"/themes/{data.themes['public']}/submissions"):
        raw = client.get(API + path).get_data(as_text=True)
        assert not re.search(r"[0-9]{2}:[0-9]{2}", raw), "a time of day in submissions"


# --- pagination ------------------------------------------------------------------------------


def walk(client, path: str, limit: int) -> tuple[list[int], int]:
    """Follow `next` from the first page to the last; returns the ids and the page count."""
    return follow(client, f"{API}{path}?limit={limit}", limit)


def follow(client, url: str, limit: int) -> tuple[list[int], int]:
    seen, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        document = response.get_json()
        assert 0 < len(document["data"]) <= limit
        seen += ids(document)
        pages += 1
        url = document["next"]
        if url:
            assert url.startswith("http://localhost/api/v1/")
    return seen, pages


def test_walking_the_pages_gives_every_item_once_in_order(client, data, db):
    for minutes in range(21):  # 25 published submissions in all: five pages of five
        add_submission(db, f"Obstakel nummer {minutes}.", 200 + minutes, status="published")
    expected = list(
        db.scalars(
            select(Submission.id)
            .where(Submission.status == "published", Submission.kind != "evaluation")
            .where(Submission.duplicate_of_id.is_(None))
            .order_by(Submission.id)
        )
    )
    assert len(expected) == 25
    seen, pages = walk(client, "/submissions", 5)
    assert seen == expected and pages == 5  # the last full page says there is no next
    seen, pages = walk(client, "/submissions", 7)
    assert seen == expected and pages == 4
    assert walk(client, "/themes", 1) == ([data.themes["public"], data.themes["waiting"]], 2)
    theme_path = f"/themes/{data.themes['public']}/submissions"
    assert walk(client, theme_path, 1)[0] == ids(get(client, theme_path))


def test_input_published_during_a_walk_is_neither_skipped_nor_repeated(client, data, db):
    first = get(client, "/submissions", limit=2)
    add_submission(db, "Later gepubliceerd.", 500, status="published")
    rest, _ = follow(client, first["next"], 2)
    everything = ids(first) + rest
    assert len(everything) == len(set(everything)) == 5


def test_the_default_page_holds_fifty_and_the_largest_a_hundred(client, db):
    for number in range(120):
        add_submission(db, f"Obstakel {number}.", number, status="published")
    assert len(get(client, "/submissions")["data"]) == 50
    assert len(get(client, "/submissions", limit=100)["data"]) == 100


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "-1"},
        {"limit": "abc"},
        {"limit": "2.5"},
        {"limit": ""},
        {"limit": "１０"},  # full-width digits
        {"limit": ["5", "6"]},
        {"cursor": ""},
        {"cursor": "!!!!"},
        {"cursor": "abc"},
        {"cursor": _cursor("after:0")},
        {"cursor": _cursor("after:-5")},
        {"cursor": _cursor("after:007")},
        {"cursor": _cursor("after:99999999999")},
        {"cursor": _cursor("after:12") + "=="},
        {"cursor": _cursor("12")},
        {"cursor": "x" * 500},
        {"cursor": "%00"},
        {"cursor": [_cursor("after:1"), _cursor("after:2")]},
    ],
)
def test_a_bad_limit_or_cursor_is_a_400_problem(client, data, query):
    for path in ("/themes", "/submissions", f"/themes/{data.themes['public']}/submissions"):
        assert_problem(client.get(API + path, query_string=query), 400)


def test_a_cursor_from_a_next_link_is_accepted_by_itself(client, data):
    cursor = _cursor(f"after:{data.submissions['late_obstacle']}")
    document = get(client, "/submissions", cursor=cursor)
    assert all(item["id"] > data.submissions["late_obstacle"] for item in document["data"])


def test_a_page_costs_the_same_number_of_queries_however_long_it_is(app, client, db):
    statements = []

    def count(*_args):
        statements.append(1)

    for number in range(60):
        row = add_submission(db, f"Obstakel {number}.", number, status="published")
        theme = Theme(title=f"Thema {number}", summary="Samenvatting.", published=True)
        db.add(theme)
        db.flush()
        db.execute(insert(theme_submission).values(theme_id=theme.id, submission_id=row.id))
        db.add(
            ThemeAction(
                theme_id=theme.id, description="Iets.", owner="Team", decided_on=START.date()
            )
        )
        db.commit()
    engine = engine_for(app)
    event.listen(engine, "before_cursor_execute", count)
    try:
        costs = {}
        for path in ("/submissions", "/themes"):
            for limit in (1, 50):
                statements.clear()
                get(client, path, limit=limit)
                costs[path, limit] = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert costs["/submissions", 1] == costs["/submissions", 50] <= 3
    assert costs["/themes", 1] == costs["/themes", 50] <= 3


# --- HTTP: errors, CORS, cookies, caching, limits ---------------------------------------------


@pytest.mark.parametrize("path", ["/api/", "/api/v2/themes", f"{API}/themes/abc", f"{API}/nope"])
def test_unknown_paths_under_the_api_are_404_problems(client, path):
    assert_problem(client.get(path), 404)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_the_api_only_reads(client, data, db, method):
    before = db.scalar(select(func.count()).select_from(Theme))
    for path in ("/themes", f"/themes/{data.themes['public']}", "/submissions"):
        response = client.open(API + path, method=method, data={"title": "x"})
        assert_problem(response, 405)
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert db.scalar(select(func.count()).select_from(Theme)) == before


def test_any_website_may_read_the_api_without_credentials(client, data):
    for path in every_document_path(data) + ["/themes/999999"]:
        response = client.get(API + path, headers={"Origin": "https://journalist.example"})
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response.headers
        assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]
        assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_a_preflight_for_get_is_answered(client):
    response = client.options(
        f"{API}/themes",
        headers={
            "Origin": "https://journalist.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "accept-language",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"].split(", ")
    allowed = response.headers["Access-Control-Allow-Headers"].lower().split(", ")
    assert "accept-language" in allowed
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_an_api_request_has_no_session_to_read_or_write(app):
    with app.test_request_context(f"{API}/themes", headers={"Cookie": "meedoen=anything"}):
        assert isinstance(session._get_current_object(), NullSession)
        with pytest.raises(RuntimeError):
            session["lang"] = "en"
    with app.test_request_context("/"):
        assert not isinstance(session._get_current_object(), NullSession)


def test_the_api_neither_reads_nor_sets_the_session_cookie(client, data):
    client.get("/taal/en")  # a resident's permanent session: pages renew its cookie each time
    assert client.get_cookie("meedoen") is not None
    assert "Set-Cookie" in client.get("/").headers
    for path in every_document_path(data) + ["/themes/999999", "/nope"]:
        response = client.get(API + path)
        assert "Set-Cookie" not in response.headers, path
        assert "Cookie" not in response.headers.get("Vary", ""), path
    assert "Set-Cookie" not in client.options(f"{API}/themes").headers
    assert "Set-Cookie" not in client.post(f"{API}/themes").headers


def test_responses_are_json_and_cacheable_for_a_minute(client, data):
    for path in every_document_path(data, PUBLIC_THEMES):
        response = client.get(API + path)
        assert response.headers["Content-Type"] == "application/json"
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    missing = client.get(f"{API}/themes/999999")
    assert missing.headers["Content-Type"] == "application/problem+json"
    assert missing.headers["Cache-Control"] == "no-store"


def test_head_answers_like_get_without_a_body(client, data):
    response = client.head(f"{API}/themes")
    assert response.status_code == 200 and response.get_data() == b""


@pytest.fixture
def limited_app(database_url):
    yield create_app({**TEST_SETTINGS, "DATABASE_URL": database_url, "RATELIMIT_API": "3/minute"})
    limiter.reset()


def test_too_many_requests_get_a_429_problem_with_retry_after(limited_app):
    client = limited_app.test_client()
    # The budget is shared by every operation, also paths that do not exist.
    for path in ("/themes", "/submissions", "/bestaat-niet"):
        answered = client.get(API + path)
        assert answered.status_code in (200, 404)
        # Within the budget a client reads how much is left, and is not told to wait.
        assert int(answered.headers["X-RateLimit-Remaining"]) >= 0
        assert "Retry-After" not in answered.headers
    response = client.get(f"{API}/themes")
    body = assert_problem(response, 429)
    assert body["title"] == "Too Many Requests"
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    other = limited_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    assert other.get(f"{API}/themes").status_code == 200


# --- the OpenAPI description -----------------------------------------------------------------


def test_the_description_is_valid_openapi_3_1(app, client):
    response = client.get(f"{API}/openapi.json")
    described = response.get_json()
    validate_openapi(described)  # raises on anything that is not valid OpenAPI 3.1
    assert described["openapi"].startswith("3.1.")
    assert described["info"]["license"] == {"name": "CC0 1.0 Universal", "identifier": "CC0-1.0"}
    assert described["info"]["contact"]["email"] == app.config["CONTACT_EMAIL"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_description_names_every_operation_the_app_serves(app, client):
    described = client.get(f"{API}/openapi.json").get_json()
    base = described["servers"][0]["url"]
    documented = {
        (base + path).replace("{theme_id}", "<int:theme_id>"): set(item) - {"parameters"}
        for path, item in described["paths"].items()
    }
    served = {
        rule.rule: {method.lower() for method in rule.methods - {"HEAD", "OPTIONS"}}
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.elsewhere"
    }
    assert documented == served
    for path, item in described["paths"].items():
        responses = item["get"]["responses"]
        assert {"200", "429"} <= set(responses)
        paginated = "parameters" in item["get"]
        assert ("400" in responses) == paginated, path
        assert ("404" in responses) == ("{theme_id}" in path), path


def test_every_answer_matches_the_description(client, data):
    checks = [
        ("/themes", "ThemePage"),
        ("/submissions", "SubmissionPage"),
        ("/submissions?limit=1", "SubmissionPage"),
        ("/themes/999999", "Problem"),
        ("/themes?limit=0", "Problem"),
    ]
    for theme_id in data.themes.values():
        checks += [(f"/themes/{theme_id}", "Theme"), (f"/themes/{theme_id}/submissions", "")]
    for path, schema_name in checks:
        response = client.get(API + path)
        if response.status_code != 200:
            schema_name = "Problem"
        elif not schema_name:
            schema_name = "SubmissionPage"
        errors = list(validator(client, schema_name).iter_errors(response.get_json()))
        assert not errors, (path, [error.message for error in errors])


def test_dates_are_days_in_the_gemeente_and_times_are_utc(client, data):
    for item in get(client, "/submissions")["data"]:
        assert date.fromisoformat(item["created_on"])
    theme = get(client, f"/themes/{data.themes['public']}")
    moment = datetime.fromisoformat(theme["updated_at"].replace("Z", "+00:00"))
    assert moment.utcoffset() == timedelta(0) and moment <= datetime.now(UTC)
