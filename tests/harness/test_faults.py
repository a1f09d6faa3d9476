"""The test harness: control API, faults, journal, the Emulator helper and the pytest plugin."""

from __future__ import annotations

import time

import httpx
import pytest
from helpers import API, DAY, MARCH_1, error_of, get

from emulator.server import Emulator

Q = {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}


def test_health_config_and_scenario(http: httpx.Client) -> None:
    assert http.get("/_emulator/health").json()["status"] == "ok"
    config = http.get("/_emulator/config").json()
    assert config["seed"] == 0 and config["auth"] == "verify" and config["hourly_max_days"] == 7
    scenario = http.get("/_emulator/scenario").json()
    qwen = next(m for m in scenario["models"] if m["id"] == 1)
    assert (qwen["code"], qwen["name"], qwen["type"]) == ("qwen-plus", "通义千问-Plus", "text")
    assert qwen["prices"] == {"input_tokens": {"yuan": "0.0008", "per": 1000},
                              "output_tokens": {"yuan": "0.002", "per": 1000}}
    assert len(scenario["models"]) >= 10 and len({m["type"] for m in scenario["models"]}) >= 5
    org = scenario["organizations"][0]
    dep2 = next(d for d in org["departments"] if d["id"] == 2)
    assert {m["id"] for m in dep2["members"]} == {1001, 1002, 1003}
    assert all(m["name"] for m in dep2["members"])  # Faker fills names the file leaves open
    assert {k["id"] for k in dep2["apiKeys"]} == {5101, 5102, 5103, 5104, 5105}


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


def test_journal(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    get(http, **Q)
    get(http, modelId=1)
    http.get("/_emulator/health")  # control calls are not journaled
    journal = http.get("/_emulator/requests").json()
    assert journal["total"] == 2 and journal["worker"] > 0
    ok, bad = journal["requests"]
    assert (ok["method"], ok["path"], ok["status"], ok["errorCode"]) == ("GET", API, 200, None)
    assert "modelId=1" in ok["query"] and ok["latencyMs"] >= 0 and ok["time"].endswith("Z")
    assert (bad["status"], bad["errorCode"]) == (400, "MissingParameter")
    assert aicontent_emulator.requests[0].request_id == ok["requestId"]
    http.delete("/_emulator/requests")
    assert {k: v for k, v in http.get("/_emulator/requests").json().items() if k != "worker"} == {
        "total": 0, "requests": []}


def test_reset_clears_faults_and_journal(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    aicontent_emulator.faults.add({"code": "Throttling.User"})
    get(http, **Q)
    assert http.post("/_emulator/reset").json() == {"reset": True}
    assert aicontent_emulator.requests == [] and aicontent_emulator.faults.rules() == []
    assert get(http, **Q).status_code == 200


def test_each_test_starts_clean_part_one(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    """Leaves an active rule behind for part two to find gone."""
    aicontent_emulator.faults.add({"code": "Throttling.User"})
    assert [r.spec.code for r in aicontent_emulator.faults.rules()] == ["Throttling.User"]
    r = get(http, **Q)
    assert (r.status_code, error_of(r)["Code"]) == (400, "Throttling.User")


def test_each_test_starts_clean_part_two(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    assert aicontent_emulator.faults.rules() == [] and get(http, **Q).status_code == 200


def test_emulator_helper_properties() -> None:
    with Emulator(seed=3, auth="off") as emu:
        host, port = emu.endpoint.split(":")
        assert host == "127.0.0.1" and int(port) == emu.port > 0 and emu.url == f"http://{emu.endpoint}"
        assert emu.accounts["readonly"].access_key_id == "LTAIEMULATORREADONLY0001"
        assert httpx.get(f"{emu.url}/_emulator/config").json()["seed"] == 3
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{emu.url}/_emulator/health")


NEWCOMER_TEST = '''
import json
from alibabacloud_aicontent20240611 import models
from alibabacloud_tea_openapi.exceptions import ClientException
import pytest

def test_costs(aicontent_client):
    req = models.ModelRouterQueryCostModelDetailRequest(model_id=1, start_time=1709222400, end_time=1709308800)
    body = aicontent_client.model_router_query_cost_model_detail(req).body
    assert body.data.total == 24
    assert json.loads(body.data.rows[0].values)["total_calls"] >= 0

def test_throttled(aicontent_emulator, aicontent_client):
    aicontent_emulator.faults.add({"code": "Throttling.User", "times": 1})
    req = models.ModelRouterQueryCostModelDetailRequest(model_id=1, start_time=1709222400, end_time=1709308800)
    with pytest.raises(ClientException) as info:
        aicontent_client.model_router_query_cost_model_detail(req)
    assert info.value.code == "Throttling.User"
    assert aicontent_emulator.requests[-1].status == 400

def test_clean_again(aicontent_emulator):
    assert aicontent_emulator.faults.rules() == [] and aicontent_emulator.requests == []

def test_seed(aicontent_emulator):
    assert aicontent_emulator.settings.seed == 42 and aicontent_emulator.settings.auth == "required"
'''


def test_the_plugin_works_for_a_newcomer(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_newcomer=NEWCOMER_TEST)
    result = pytester.runpytest_subprocess("--aicontent-seed", "42", "--aicontent-auth", "required",
                                           "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_a_server_bug_fails_the_test_that_caused_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_bug='''
import httpx
def test_breaks(aicontent_emulator):
    aicontent_emulator.service.usage.days_total = None  # sabotage the generator: the next daily query crashes
    r = httpx.get(aicontent_emulator.url + "/api/v1/modelRouter/open/billing/cost/model-detail",
                  params={"modelId": 1, "startTime": 1709222400, "endTime": 1709222400 + 30 * 86400})
    assert r.status_code == 500 and r.json()["Code"] == "Server.Internal.UnknownError"  # product bodies: JSON
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*a request failed inside the emulator*", "*TypeError*"])
