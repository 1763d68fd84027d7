"""schemathesis against the OpenAPI document FastAPI serves: generated requests, as ops and as a department, never
get a 5xx. Endless streams, the operations that move real systems (run, rollback, render) and the report documents
(each a Chromium print or a chart run) are left out; their behaviour is tested directly."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.web.conftest import Web

EXCLUDED = r"(/stream$|/render$|/run$|/rollback/|/reports/(annual|evaluation))"


def test_no_generated_request_gets_a_server_error(web: Web) -> None:
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", web.app, headers={"Authorization": f"Bearer {web.tokens['ops']}"}
    ).exclude(path_regex=EXCLUDED)
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        tested.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: schemathesis.Case) -> None:
            for user in ("ops", "rst"):
                response = case.call(headers={"Authorization": f"Bearer {web.tokens[user]}"})
                assert response.status_code < 500, (
                    f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
                )

        check()
    assert len(tested) >= 15, tested
