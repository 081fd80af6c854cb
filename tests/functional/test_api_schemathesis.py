"""Generated requests against every operation of the served OpenAPI description.

Schemathesis reads /api/v1/openapi.json from the app itself and sends requests made from
it, valid and invalid, to each operation: the API must never fail with a server error and
must answer only with the statuses, content types and documents the description promises.
The data set (tests/functional/test_api.py) gives the themes the ids 1 to 4, which generated
ids hit often, so answers with content are checked too and not only 404s.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from portal import create_app
from portal.extensions import limiter
from tests.conftest import TEST_SETTINGS
from tests.functional.test_api import make_data_set

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,  # Retry-After on a 429, as described
    negative_data_rejection,  # a limit or id outside the description is refused
    unsupported_method,  # POST, PUT, ... get a 405 with Allow
]
# Not positive_data_acceptance: a cursor that fits the pattern is not therefore one the API
# gave out, and the API rightly refuses it with a 400.


# The description as the factory's app serves it. It is read once, at collection, from an
# app without a database (serving it needs none): schemathesis' fixture-based loader
# (schemathesis.pytest.from_fixture) does not work with pytest 9, so the generated requests
# go to the test's own app instead (`app=` below).
DESCRIPTION = "/api/v1/openapi.json"
schema = schemathesis.openapi.from_wsgi(
    DESCRIPTION, create_app({**TEST_SETTINGS, "DATABASE_URL": "sqlite://"})
)


@pytest.fixture
def api_app(app, database_url, db, wijken):
    """The portal on the test database with the data set, under a rate limit the generated
    requests stay within. (It asks for `app`, so the tables are emptied after each test.)"""
    api_app = create_app(
        {**TEST_SETTINGS, "DATABASE_URL": database_url, "RATELIMIT_API": "10000/minute"}
    )
    make_data_set(api_app, db, wijken, first_theme_id=1)
    assert api_app.test_client().get(DESCRIPTION).get_json() == schema.raw_schema
    yield api_app
    limiter.reset()


@schema.parametrize()
@settings(
    max_examples=30,
    database=None,  # no example database left behind in the working tree
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_keeps_to_its_description(case, api_app):
    case.call_and_validate(app=api_app, checks=CHECKS)
