"""The cost of usage events is bounded (issue 17, item 5).

The events in force may count at most 60,000 key-model-days (keys x models x days covered, at
most max_span_days + 1 days each): whole-window events are accepted until the next would pass the
budget, which is refused with a 400 naming it, and nothing is added. With one big event in force
a 366-day overview (seconds of work) is answered off the event loop: `/_emulator/health`, polled
from another thread all along, keeps answering within 100 ms.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from typing import Any

import httpx
import pytest
from helpers import start_cli, ts

from emulator.server import Emulator

WINDOW = (ts(2023, 1, 1), ts(2031, 1, 1))  # the default data window, whole
BUDGET = 60_000
DAYS_COUNTED = 367  # max_span_days + 1
OVERVIEW = "/api/v1/modelRouter/open/billing/cost/overview"


def scenario_sizes(http: httpx.Client) -> tuple[list[int], int]:
    """The API key ids and the number of models of the running scenario."""
    scenario = http.get("/_emulator/scenario").json()
    keys = [k["id"] for org in scenario["organizations"] for d in org["departments"] for k in d["apiKeys"]]
    return keys, len(scenario["models"])


def assert_over_budget(r: httpx.Response) -> None:
    assert r.status_code == 400, r.text[:300]
    error = r.json()
    assert error["Code"] == "InvalidParameter"
    assert "budget of 60,000" in error["Message"] and "key-model-days" in error["Message"], error["Message"]


def test_whole_window_events_on_every_key_are_refused_past_the_budget(http: httpx.Client) -> None:
    keys, models = scenario_sizes(http)
    each = models * DAYS_COUNTED  # one key, every model, the whole window
    fits = BUDGET // each
    assert 0 < fits < 3 * len(keys)  # the budget is reached within a few rounds of the keys
    accepted = []
    for i in range(3 * len(keys)):
        r = http.post("/_emulator/usage-events", json={"startTime": WINDOW[0], "endTime": WINDOW[1],
                                                       "apiKeyId": keys[i % len(keys)], "factor": 2})
        if r.status_code != 201:
            break
        accepted.append(r.json()["id"])
    else:
        pytest.fail(f"{len(accepted)} whole-window events accepted, never refused")
    assert len(accepted) == fits
    assert_over_budget(r)
    assert f"{each:,} key-model-days" in r.json()["Message"] and f"{fits * each:,}" in r.json()["Message"]
    listed = http.get("/_emulator/usage-events").json()
    assert [e["id"] for e in listed] == accepted  # nothing of the refused one was added
    # What is left of the budget is still usable: one key, one model, one day.
    small = {"startTime": WINDOW[0], "endTime": WINDOW[0] + 86400, "apiKeyId": keys[0], "modelId": 1, "factor": 0}
    assert http.post("/_emulator/usage-events", json=small).status_code == 201
    # Removing an event gives its share back.
    assert http.delete(f"/_emulator/usage-events/{accepted[0]}").status_code == 200
    retry = http.post("/_emulator/usage-events", json={"startTime": WINDOW[0], "endTime": WINDOW[1],
                                                       "apiKeyId": keys[0], "factor": 2})
    assert retry.status_code == 201, retry.text[:300]


def test_a_second_whole_window_event_on_every_key_and_model_is_refused(http: httpx.Client) -> None:
    keys, models = scenario_sizes(http)
    everything = {"startTime": WINDOW[0], "endTime": WINDOW[1], "factor": 3}
    first = http.post("/_emulator/usage-events", json=everything)
    assert first.status_code == 201, first.text[:300]
    before = http.get("/_emulator/usage-events").json()
    r = http.post("/_emulator/usage-events", json=everything)
    assert_over_budget(r)
    assert f"{len(keys) * models * DAYS_COUNTED:,} key-model-days" in r.json()["Message"]
    assert http.get("/_emulator/usage-events").json() == before
    assert http.post("/_emulator/reset").status_code == 200  # the started events: none, the whole budget
    assert http.post("/_emulator/usage-events", json=everything).status_code == 201


def test_a_fixture_over_the_budget_is_refused_when_it_loads(tmp_path: Any) -> None:
    from emulator.domain.scenario import default_fixture_path

    spec = json.loads(default_fixture_path().read_text())
    spec["usageEvents"] = [{"startTime": WINDOW[0], "endTime": WINDOW[1], "factor": 2}] * 2
    path = tmp_path / "heavy.json"
    path.write_text(json.dumps(spec, ensure_ascii=False))
    with pytest.raises(Exception, match="budget of 60,000"):
        Emulator(fixtures=str(path))


def test_health_answers_while_a_heavy_overview_is_computed(cli_processes: list[subprocess.Popen[str]]) -> None:
    """A separate process (the CLI), so the test's own threads do not share the server's GIL."""
    proc, url = start_cli()
    cli_processes.append(proc)
    year = (ts(2024, 1, 1), ts(2025, 1, 1))  # 366 days, the longest span
    r = httpx.post(url + "/_emulator/usage-events", json={"startTime": WINDOW[0], "endTime": WINDOW[1], "factor": 2},
                   timeout=10)
    assert r.status_code == 201, r.text[:300]
    latencies: list[float] = []
    failures: list[str] = []
    done = threading.Event()

    def poll() -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            while not done.is_set():
                started = time.perf_counter()
                try:
                    ok = client.get("/_emulator/health").status_code == 200
                except httpx.HTTPError as exc:
                    ok = False
                    failures.append(repr(exc))
                latencies.append(time.perf_counter() - started)
                if not ok:
                    failures.append("health did not answer 200")
                time.sleep(0.02)

    poller = threading.Thread(target=poll, name="health-poller")
    poller.start()
    try:
        time.sleep(0.2)  # the poller is under way before the heavy request is sent
        started = time.perf_counter()
        answer = httpx.get(url + OVERVIEW, params={"startTime": year[0], "endTime": year[1]},
                           headers={"accept": "application/json"}, timeout=300)
        took = time.perf_counter() - started
    finally:
        done.set()
        poller.join(60)
    assert not poller.is_alive()
    assert answer.status_code == 200 and answer.json()["success"] is True, answer.text[:300]
    metrics = {m["key"]: m["value"] for m in answer.json()["data"]}
    assert metrics["total_calls"] > 0
    assert took > 0.1, f"the overview took {took:.3f} s: too quick for the check to mean anything"
    assert failures == []
    assert len(latencies) >= 5, latencies
    assert max(latencies) < 0.1, f"health took up to {max(latencies):.3f} s while the overview took {took:.1f} s"
