"""Schema-driven fuzzing (schemathesis) of the billing family's seven new paths against the
emulator's own OpenAPI document, as tests/surfaces/test_fuzz.py does for model-detail: no 5xx, every
response matches the documented status, content type and schema, every 4xx carries a code of
the contract's catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from helpers import contract_codes
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from emulator.server import Emulator

NEW_PATHS = (r"^/api/v1/modelRouter/open/"
             r"(billing/cost/(overview|trend|models|tabs)|billing/bills/summary|clients/tree|models)$")


@pytest.fixture(scope="module")
def family_target() -> Iterator[Emulator]:
    with Emulator(seed=0) as emu:
        yield emu


@pytest.fixture(scope="module")
def family_schema(family_target: Emulator) -> Any:
    return schemathesis.openapi.from_url(family_target.url + "/_emulator/openapi.json")


schema = schemathesis.pytest.from_fixture("family_schema")


def test_the_regex_selects_the_seven_new_paths(family_schema: Any) -> None:
    selected = family_schema.include(method="GET", path_regex=NEW_PATHS)
    paths = sorted({op.ok().path for op in selected.get_all_operations()})
    assert len(paths) == 7 and not any(p.endswith("model-detail") for p in paths), paths


@schema.include(method="GET", path_regex=NEW_PATHS).parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzz_the_family(case: Any, family_target: Emulator) -> None:
    case.call_and_validate(
        base_url=family_target.url,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
                contract_codes],
    )
    family_target.check()


VALID = [{"startTime": 1709222400, "endTime": 1709222400 + 86400},  # 2024-03-01, a day: hourly
         {"startTime": 1709222400, "endTime": 1709222400 + 40 * 86400, "maxResults": 3, "modelTypes": "Chat,TTS"},
         {"startTime": 1709222400, "endTime": 1709222400 + 366 * 86400, "clientIds": "2,3", "memberUserIds": ""},
         {"startTime": 1893456000, "endTime": 1893456000 + 86400}]  # 2030: after the data clock, all zeros


@pytest.mark.parametrize("forms", [{"empty_buckets": "zero", "values_encoding": "single"},
                                   {"empty_buckets": "omit", "values_encoding": "double"}])
def test_successes_conform_to_the_schema(family_schema: Any, family_target: Emulator, forms: dict) -> None:
    """Random queries rarely make a valid span; these successes are held to the document too."""
    family_target.set_forms(**forms)
    try:
        operations = [op.ok() for op in family_schema.include(method="GET", path_regex=NEW_PATHS).get_all_operations()]
        for op in operations:
            names = {p.name for p in op.iter_parameters()}
            for query in VALID:
                case = op.Case(query={k: v for k, v in query.items() if k in names})
                response = case.call_and_validate(
                    base_url=family_target.url,
                    checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                            response_schema_conformance])
                assert response.status_code == 200, (op.path, query, response.text)
    finally:
        family_target.reset()
    family_target.check()
