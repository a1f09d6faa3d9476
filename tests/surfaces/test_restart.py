"""`--state PATH` across a graceful stop (SIGTERM) and a new start, with one worker and with two:
the forms, the clock, the usage events, the fault rules with their counts, the journal and the
answers are as they were, and a page token issued before the restart opens the same page after
it; a nonce used before it is still used. Without `--state` a new start is the started state and
the temporary store is gone once the process exits."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import ADMIN, API, QUERY, code_of, start_cli
from signer import acs3_headers
from signer import url as signed_url
from state_helpers import DETAIL, HOUR, MARCH_2, WALK, add_event, open_state_files, state_of, stop

JSON = {"accept": "application/json", "connection": "close"}
WORKERS = pytest.mark.parametrize("workers", ["1", "2"], ids=["one-worker", "two-workers"])


def journal(url: str, total: int) -> dict[str, Any]:
    """GET /_emulator/requests once it counts `total` (every worker writes within 50 ms)."""
    deadline = time.monotonic() + 1
    while True:
        j = httpx.get(url + "/_emulator/requests", headers={"connection": "close"}, timeout=20).json()
        if j["total"] == total or time.monotonic() > deadline:
            return dict(j)
        time.sleep(0.02)


def faulted(url: str, model: str) -> bool:
    r = httpx.get(url + API, params={**DETAIL, "modelId": model}, headers={"connection": "close"}, timeout=20)
    return r.status_code == 400 and code_of(r) == "Throttling.User"


@WORKERS
def test_a_graceful_restart_keeps_everything(tmp_path: Path, cli_processes: list, workers: str) -> None:
    path = tmp_path / "state.db"
    flags = ("--state", str(path), "--workers", workers, "--seed", "3")
    proc, url = start_cli(*flags)
    cli_processes.append(proc)
    with httpx.Client(base_url=url, timeout=20, headers={"connection": "close"}) as c:
        assert c.put("/_emulator/clock", json={"now": MARCH_2 + 40 * 86400, "dataLagMinutes": 30}).status_code == 200
        assert c.patch("/_emulator/config", json={"product_errors": "documented",
                                                  "empty_buckets": "omit"}).status_code == 200
        add_event(c, startTime=MARCH_2 + 3 * HOUR, endTime=MARCH_2 + 6 * HOUR, factor=0, note="outage")
        dropped = add_event(c, startTime=MARCH_2, endTime=MARCH_2 + HOUR, modelId=1, apiKeyId=5101,
                            set={"total_calls": 5, "input_tokens": 50, "output_tokens": 5})
        add_event(c, startTime=MARCH_2 + 8 * HOUR, endTime=MARCH_2 + 10 * HOUR, clientId=3, factor=2.5)
        assert c.delete(f"/_emulator/usage-events/{dropped['id']}").status_code == 200
        rule = c.post("/_emulator/faults", json={"code": "Throttling.User", "match": {"query": {"modelId": "7"}},
                                                 "times": 5})
        assert rule.status_code == 201, rule.text
    assert faulted(url, "7")
    queries = [DETAIL, {**DETAIL, "modelId": "2"}, {**DETAIL, "modelId": "x"}, {**DETAIL, "clientIds": "2,3"},
               {**DETAIL, "maxResults": "5"}]
    answers = [httpx.get(url + API, params=q, headers=JSON) for q in queries]
    with httpx.Client(base_url=url, timeout=20) as c:  # a walk begun before the restart
        token = c.get(API, params=WALK).json()["nextToken"]
        second = c.get(API, params={**WALK, "nextToken": token})
        third = c.get(API, params={**WALK, "nextToken": second.json()["nextToken"]})
    before, kept = state_of(url), journal(url, 4 + len(queries))
    assert kept["total"] == 9 and len(kept["requests"]) == 9
    assert before["forms"] == {"empty_buckets": "omit", "product_errors": "documented"}
    assert stop(proc) == 0

    proc, url = start_cli(*flags)
    cli_processes.append(proc)
    assert state_of(url) == before
    again = journal(url, kept["total"])
    assert (again["total"], again["requests"]) == (kept["total"], kept["requests"])
    for q, answer in zip(queries, answers):
        assert _same(httpx.get(url + API, params=q, headers=JSON), answer), q
    with httpx.Client(base_url=url, timeout=20) as c:  # the walk goes on where it was
        again = c.get(API, params={**WALK, "nextToken": token})
        assert _same(again, second), again.text[:300]
        assert _same(c.get(API, params={**WALK, "nextToken": again.json()["nextToken"]}), third)
    assert httpx.get(url + "/_emulator/faults").json()[0]["hits"] == 1
    assert faulted(url, "7") and not faulted(url, "8")
    assert [(r["hits"], r["times"]) for r in httpx.get(url + "/_emulator/faults").json()] == [(2, 3)]


def _same(a: httpx.Response, b: httpx.Response) -> bool:
    """The same answer, each request's own id aside (an error names it in several places)."""
    return a.status_code == b.status_code and a.content.replace(a.headers["x-acs-request-id"].encode(), b"") == \
        b.content.replace(b.headers["x-acs-request-id"].encode(), b"")


@WORKERS
def test_a_nonce_used_before_a_restart_is_still_used_after_it(tmp_path: Path, cli_processes: list,
                                                              workers: str) -> None:
    """README "One world": the remembered nonces are part of the state; with --state they are kept
    in the store (only "with one worker and no --state" do they stay in the process)."""
    flags = ("--state", str(tmp_path / "state.db"), "--workers", workers)
    proc, url = start_cli(*flags)
    cli_processes.append(proc)
    nonce, target = f"restart-{time.time_ns()}", signed_url("", API, QUERY)
    first = httpx.get(url + target, headers=acs3_headers("GET", url[7:], API, QUERY, *ADMIN, nonce=nonce))
    assert first.status_code == 200, first.text
    assert stop(proc) == 0
    proc, url = start_cli(*flags)
    cli_processes.append(proc)
    replay = httpx.get(url + target, headers=acs3_headers("GET", url[7:], API, QUERY, *ADMIN, nonce=nonce))
    assert replay.status_code == 400 and code_of(replay) == "SignatureNonceUsed", \
        f"a replay after the restart was answered {replay.status_code}"


@WORKERS
def test_without_state_a_new_start_is_the_started_state(cli_processes: list, workers: str) -> None:
    proc, url = start_cli("--workers", workers)
    cli_processes.append(proc)
    assert b"AICONTENT_EMULATOR_STATE=" not in Path(f"/proc/{proc.pid}/environ").read_bytes()
    started = state_of(url)
    files = open_state_files(proc.pid)
    assert files, "the emulator holds no state file open"
    folder = next(iter(files)).parent
    assert folder.name.startswith("aicontent-emulator-") and (folder / "state.db").exists(), files
    with httpx.Client(base_url=url, timeout=20) as c:
        add_event(c, startTime=MARCH_2, endTime=MARCH_2 + HOUR, factor=0)
        assert c.put("/_emulator/clock", json={"now": MARCH_2}).status_code == 200
    assert state_of(url) != started
    assert stop(proc) == 0
    assert not folder.exists(), f"the temporary store {folder} is left behind: {list(folder.iterdir())}"

    proc, url = start_cli("--workers", workers)
    cli_processes.append(proc)
    assert state_of(url) == started
    assert open_state_files(proc.pid) and folder not in {f.parent for f in open_state_files(proc.pid)}
