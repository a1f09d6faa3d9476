"""`--state PATH` when the emulator is killed (SIGKILL to its whole process group, one worker or
two) in the middle of a burst of control writes: after a new start on the same PATH every usage
event answered 201 is there with its spec, nothing else but possibly the one in flight, the
document loads, ids are not handed out again, the journal written before the kill is kept, the
file passes SQLite's integrity check, and the emulator answers normally."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import API, MARCH_1, start_cli
from state_helpers import DETAIL, HOUR, client, kill, state_of, stop

BURST = 200


def spec(i: int) -> dict[str, Any]:
    """The i-th event of the burst: its own hour of one key and one model."""
    return {"startTime": MARCH_1 + i * HOUR, "endTime": MARCH_1 + (i + 1) * HOUR, "modelId": 1 + i % 12,
            "apiKeyId": 5101, "factor": 0, "note": f"burst {i}"}


class Burst(threading.Thread):
    """POST the burst, each on a new connection; what was answered 201, and what was in flight."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.acked: dict[int, dict[str, Any]] = {}  # id -> the event as answered
        self.in_flight: int | None = None  # index of the request that got no answer
        self.refused: list[str] = []

    def run(self) -> None:
        for i in range(BURST):
            self.in_flight = i
            try:
                with client(self.url) as c:
                    r = c.post("/_emulator/usage-events", json=spec(i), headers={"connection": "close"})
            except httpx.HTTPError:
                return  # killed: this one may or may not have been committed
            if r.status_code != 201:
                self.refused.append(r.text[:200])
                return
            self.acked[r.json()["id"]] = r.json()
        self.in_flight = None


@pytest.mark.parametrize("workers", ["1", "2"], ids=["one-worker", "two-workers"])
def test_sigkill_mid_burst_loses_nothing_answered(tmp_path: Path, cli_processes: list, workers: str) -> None:
    path = tmp_path / "state.db"
    flags = ("--state", str(path), "--workers", workers)
    proc, url = start_cli(*flags)
    cli_processes.append(proc)
    journaled = [httpx.get(url + API, params=DETAIL, headers={"connection": "close"}).headers["x-acs-request-id"]
                 for _ in range(5)]
    time.sleep(0.3)  # every worker writes its journal entries within 50 ms
    assert httpx.put(url + "/_emulator/clock", json={"now": MARCH_1 + 400 * HOUR}).status_code == 200

    burst = Burst(url)
    burst.start()
    deadline = time.monotonic() + 60
    while len(burst.acked) < 40 and burst.is_alive() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert burst.is_alive() and len(burst.acked) >= 40, (len(burst.acked), burst.refused)
    kill(proc)
    burst.join(20)
    assert not burst.is_alive() and burst.refused == []
    assert len(burst.acked) < BURST, "the kill came after the burst"

    proc, url = start_cli(*flags)
    cli_processes.append(proc)
    events = httpx.get(url + "/_emulator/usage-events").json()
    by_id = {e["id"]: e for e in events}
    assert by_id.keys() >= burst.acked.keys(), f"answered 201 but lost: {sorted(burst.acked.keys() - by_id.keys())}"
    for event_id, answered in burst.acked.items():
        assert by_id[event_id] == answered
    extra = [e for i, e in by_id.items() if i not in burst.acked]
    assert len(extra) <= 1, f"events nobody was answered for: {extra}"
    if extra:
        assert burst.in_flight is not None and extra[0] == {"id": extra[0]["id"], **spec(burst.in_flight)}
    assert sorted(by_id) == list(range(1, len(by_id) + 1))

    doc = state_of(url)
    assert [e["id"] for e in doc["usageEvents"]] == sorted(by_id) and doc["nextEventId"] == len(by_id) + 1
    assert doc["clock"] == {"now": MARCH_1 + 400 * HOUR, "dataLagMinutes": 0}
    journal = httpx.get(url + "/_emulator/requests").json()
    assert [e["requestId"] for e in journal["requests"]][:5] == journaled
    # answers normally: a new event takes the next id, the API answers, the events are in force
    r = httpx.post(url + "/_emulator/usage-events", json=spec(BURST + 1))
    assert r.status_code == 201 and r.json()["id"] == len(by_id) + 1, r.text
    first = httpx.get(url + API, params={"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + HOUR),
                                         "apiKeyId": "5101", "clientId": "2"})
    assert first.status_code == 200, first.text
    assert stop(proc) == 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
