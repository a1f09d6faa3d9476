"""Fault injection: the x-emulator-fault and x-emulator-delay-ms headers, and fault rules (POST, GET,
DELETE /_emulator/faults, `Emulator.faults`) matched by query or access key, counted, seeded, refused
by field when malformed."""

from __future__ import annotations

import time

import httpx
import pytest
from helpers import API, DAY, MARCH_1, error_of, get

from emulator.server import Emulator

Q = {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}
REQUIRED = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY)}


def test_header_faults(http: httpx.Client) -> None:
    r = get_with(http, {"x-emulator-fault": "Throttling.User"})
    assert r.status_code == 400 and error_of(r)["Code"] == "Throttling.User"
    assert list(error_of(r)) == ["RequestId", "HostId", "Code", "Message", "Recommend", "reason"]
    started = time.perf_counter()
    r = get_with(http, {"x-emulator-delay-ms": "150"})
    assert r.status_code == 200 and time.perf_counter() - started >= 0.15
    r = get_with(http, {"x-emulator-fault": "No.Such.Code"})
    assert r.status_code == 400 and "x-emulator-fault" in error_of(r)["Message"]
    assert "No.Such.Code" in error_of(r)["Message"]


def get_with(http: httpx.Client, headers: dict[str, str]) -> httpx.Response:
    return http.get(API, params=Q, headers=headers)


def test_fault_rules_match_count_and_clear(http: httpx.Client) -> None:
    rule = http.post("/_emulator/faults", json={"code": "Server.Internal.UnknownError", "times": 2,
                                                 "match": {"query": {"modelId": "2"}}})
    assert rule.status_code == 201
    assert get(http, **Q).status_code == 200  # modelId 1 does not match
    assert [get(http, **{**Q, "modelId": 2}).status_code for _ in range(3)] == [500, 500, 200]
    listed = http.get("/_emulator/faults").json()
    assert listed[0]["hits"] == 2 and listed[0]["times"] == 0
    by_key = http.post("/_emulator/faults",
                       json={"code": "Throttling.User", "match": {"accessKeyId": "LTAIEMULATORREADONLY0001"}})
    assert by_key.status_code == 201, by_key.text
    assert get(http, **Q).status_code == 200  # unsigned: acts as admin, matches no key rule
    assert http.delete("/_emulator/faults").json() == {"cleared": True}
    assert http.get("/_emulator/faults").json() == []


def test_fault_rules_by_access_key_through_the_sdk(aicontent_emulator: Emulator) -> None:
    from alibabacloud_aicontent20240611 import models
    from alibabacloud_tea_openapi.exceptions import ClientException

    aicontent_emulator.faults.add({"code": "Throttling.User", "match": {"accessKeyId": "LTAIEMULATORREADONLY0001"}})
    request = models.ModelRouterQueryCostModelDetailRequest(model_id=1, start_time=MARCH_1, end_time=MARCH_1 + DAY)
    assert aicontent_emulator.client("admin").model_router_query_cost_model_detail(request).body.success
    with pytest.raises(ClientException) as info:
        aicontent_emulator.client("readonly").model_router_query_cost_model_detail(request)
    assert info.value.code == "Throttling.User" and info.value.status_code == 400


def test_seeded_rate_is_repeatable(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    def run() -> list[int]:
        aicontent_emulator.reset()
        aicontent_emulator.faults.add({"code": "Throttling.User", "rate": 0.5})
        return [get(http, **Q).status_code for _ in range(30)]

    first = run()
    assert first == run()
    assert 3 < first.count(400) < 27


@pytest.mark.parametrize("rule, fragment", [
    ({"code": "Nope"}, "unknown error code"),
    ({"code": "Throttling.User", "times": 0}, "times"),
    ({"code": "Throttling.User", "rate": 2}, "rate"),
    ({"delayMs": -1}, "delayMs"),
    ({}, "needs a code"),
    ({"code": "Throttling.User", "colour": "red"}, "not a known field"),
    ({"code": "Throttling.User", "match": {"path": "/"}}, "match"),
    ({"code": "Throttling.User", "match": {"accessKeyId": 5}}, "accessKeyId"),
])
def test_bad_fault_rules_are_refused_and_change_nothing(http: httpx.Client, rule: dict, fragment: str) -> None:
    r = http.post("/_emulator/faults", json=rule)
    assert r.status_code == 400 and r.json()["Code"] == "InvalidParameter" and fragment in r.json()["Message"]
    assert http.get("/_emulator/faults").json() == []


def test_delete_one_rule(http: httpx.Client) -> None:
    rid = http.post("/_emulator/faults", json={"code": "Throttling.User"}).json()["id"]
    assert http.delete(f"/_emulator/faults/{rid}").status_code == 200
    assert http.delete(f"/_emulator/faults/{rid}").status_code == 400
    assert get(http, **Q).status_code == 200


# -- x-emulator-delay-ms and x-emulator-retry-after-ms with thousands of digits ---------------
@pytest.mark.parametrize("header", ["x-emulator-delay-ms", "x-emulator-retry-after-ms"])
def test_a_huge_delay_header_is_a_named_400(aicontent_emulator: Emulator, http: httpx.Client, header: str) -> None:
    r = http.get(API, params=REQUIRED, headers={header: "9" * 5_000, "x-emulator-fault": "Throttling.User"})
    assert r.status_code == 400, r.text[:300]
    body = error_of(r)
    assert body["Code"] == "InvalidParameter" and f'"{header}"' in body["Message"]
    aicontent_emulator.check()  # no bug of ours was recorded
    assert len(aicontent_emulator.service.unexpected) == 0
