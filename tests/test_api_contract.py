"""Schemathesis against /api/openapi.json: generated requests find no server error and no answer off the contract."""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers import EDITOR_TOKEN

#: What the document promises: no 5xx, only documented statuses, content types, headers and bodies.
#: (Schemathesis' "valid data must be accepted" is left out: the two sides must differ, a contact
#: cannot postdate today — rules about the record that a JSON schema cannot state.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.mark.slow
def test_the_api_keeps_its_contract(seeded: Flask) -> None:
    seeded.config["PROPAGATE_EXCEPTIONS"] = False  # a server error is an answer to check, not a crash
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", seeded)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    checked: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def check(case: schemathesis.Case) -> None:
            headers = {"Authorization": f"Bearer {EDITOR_TOKEN}", "Accept-Encoding": "identity"}
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
        checked.append(operation.label)
    assert len(checked) == len(operations)
