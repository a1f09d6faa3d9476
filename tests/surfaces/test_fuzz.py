"""Schema-driven fuzzing with schemathesis against the emulator's own OpenAPI document.

No 5xx (no fault is injected here), every response matches the documented schema for its
status and content type, and every 4xx carries one of the contract's error codes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from helpers import API, contract_codes
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from emulator.server import Emulator

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def fuzz_target() -> Iterator[Emulator]:
    with Emulator(seed=0) as emu:
        yield emu


@pytest.fixture(scope="module")
def api_schema(fuzz_target: Emulator) -> Any:
    return schemathesis.openapi.from_url(fuzz_target.url + "/_emulator/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.include(path=API).parametrize()
@FUZZ
def test_fuzz_the_endpoint(case: Any, fuzz_target: Emulator) -> None:
    case.call_and_validate(
        base_url=fuzz_target.url,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
                contract_codes],
    )
    fuzz_target.check()


@schema.include(path_regex="^/_emulator/").parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_the_control_api(case: Any, fuzz_target: Emulator) -> None:
    try:
        case.call_and_validate(base_url=fuzz_target.url, checks=[not_a_server_error])
    finally:
        fuzz_target.reset()
