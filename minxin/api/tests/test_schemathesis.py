"""Property-based check of the whole API against its own OpenAPI document (schemathesis).

Every operation — DELETE included — is called with generated valid and invalid input by a
throw-away staff member holding every role in the city bureau; no answer may be a server
error, and every answer must be documented (status code, content type, body schema)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from minxin.org import services as org
from minxin.org.models import Role

EXAMPLES = 4  # per operation and mode; about 70 operations keep the run near a minute
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(city):
    from minxin.api.urls import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = get_wsgi_application()
    # Like Django's test client: the WSGI handler must not close the connection that holds the
    # test's transaction at the end of each request (it would on PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield loaded
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def throwaway_token(city):
    from minxin.api.tokens import issue_token

    org.create_staff(username="fuzz_all_roles", password="fuzz-only-password-2026", unit=city.units["city_bureau"],
                     roles=list(Role), full_name="模糊测试")
    return issue_token(username="fuzz_all_roles", name="schemathesis")[1]


def _exercise(operation, mode, headers, failures, statuses):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def run(case):
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as failure:
            failures.append(f"{operation.label} [{mode.value}]: {str(failure)[:1500]}")

    try:
        run()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE, operation.label  # nothing to make invalid, e.g. no parameters


@pytest.mark.django_db
def test_api_answers_generated_requests_without_server_errors_and_as_documented(api_schema, throwaway_token):
    headers = {"Authorization": f"Bearer {throwaway_token}"}
    failures: list[str] = []
    statuses: list[int] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _exercise(operation, mode, headers, failures, statuses)
    assert not failures, "\n\n".join(failures)
    # The run really reached the handlers: successes as well as refusals of the invalid input.
    assert len(statuses) > 4 * len(operations)
    # Most operations take the id of an object generated input rarely names (a meeting, a decision, a
    # report …), so they answer 404 more often than 2xx; half as many successes as operations still
    # shows that the handlers, not only the validators, were reached.
    assert sum(200 <= s < 300 for s in statuses) > len(operations) // 2
    assert 422 in statuses
