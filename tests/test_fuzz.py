"""Schema-driven fuzzing with schemathesis against the emulator's own OpenAPI document.

No 5xx (no fault is injected here), every response matches the documented schema for its
status and content type, and every 4xx carries one of the contract's error codes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

import pytest
import schemathesis
from helpers import API
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from emulator.errors import CATALOGUE
from emulator.server import Emulator

FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def fuzz_target() -> Iterator[Emulator]:
    with Emulator(seed=0) as emu:
        yield emu


@pytest.fixture(scope="module")
def api_schema(fuzz_target: Emulator) -> Any:
    return schemathesis.openapi.from_url(fuzz_target.url + "/_emulator/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


def contract_codes(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx names one of the contract's error codes, in either body shape."""
    if 400 <= response.status_code < 500:
        content_type = response.headers.get("content-type", [""])
        if (content_type[0] if isinstance(content_type, list) else content_type) == "text/xml;charset=utf-8":
            body = {child.tag: child.text for child in ElementTree.fromstring(response.content)}
        else:
            body = json.loads(response.content)
        code = body.get("Code")
        assert code in CATALOGUE, f"{response.status_code} with code {code!r}, not one of the contract's"
        assert body.get("Message"), "an error without a message"
        if "errCode" in body:
            assert body["errCode"] == code and body["httpStatusCode"] == response.status_code
    return None


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
