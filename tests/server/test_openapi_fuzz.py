"""Schemathesis over every operation of the published OpenAPI: no input makes a 5xx."""

import base64

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.server.live import ADMIN

EXAMPLES = 40


def _operations(server):
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def test_the_openapi_lists_every_endpoint_of_the_protocol(server):
    paths = {(op.method.upper(), op.path) for op in _operations(server)}
    assert paths == {
        ("GET", "/v1/health"),
        ("POST", "/v1/terminals/register"),
        ("POST", "/v1/terminals/confirm"),
        ("POST", "/v1/push"),
        ("GET", "/v1/pull"),
        ("POST", "/v1/number-blocks"),
        ("POST", "/v1/number-series/start"),
        ("POST", "/v1/webhooks/stripe"),
        ("POST", "/v1/webhooks/nmi"),
    }


def _fuzz(server, operation, auth: str, failures: list[str]):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def call(case):
        response = case.call(base_url=server.url, headers={"Authorization": auth}, timeout=30)
        if response.status_code >= 500:
            failures.append(
                f"{operation.method} {operation.path}: {response.status_code} "
                f"{response.text[:200]} for {case.body!r}"[:600]
            )

    return call


@pytest.mark.slow
def test_no_generated_request_makes_a_server_error(server, sample):
    counter = server.register("T01")
    basic = "Basic " + base64.b64encode(":".join(ADMIN).encode()).decode()
    failures: list[str] = []
    for operation in _operations(server):
        auth = basic if operation.path.endswith("/register") else f"Bearer {counter.token}"
        _fuzz(server, operation, auth, failures)()
    assert failures == []
