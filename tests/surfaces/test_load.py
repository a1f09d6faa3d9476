"""Concurrency, several workers and graceful stop, against the CLI as a separate process.

Loopback only; every loop is bounded in count and time.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
from helpers import API, DAY, MARCH_1, error_of, start_cli, without_request_id

CLIENTS, PER_CLIENT = 200, 5


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (workers), in MB."""
    total = 0
    pids = [pid] + [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


QUERIES = [
    ({"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}, 200),
    ({"modelId": 2, "startTime": MARCH_1, "endTime": MARCH_1 + 90 * DAY, "pageSize": 100, "clientIds": "2,3"}, 200),
    ({"modelId": 8, "startTime": MARCH_1, "endTime": MARCH_1 + 7 * DAY, "memberUserIds": "1001,1004"}, 200),
    ({"modelId": 12, "startTime": MARCH_1 - 300 * DAY, "endTime": MARCH_1, "maxResults": 50}, 200),
    ({"modelId": "x", "startTime": MARCH_1, "endTime": MARCH_1 + DAY}, 400),
    ({"modelId": 1, "startTime": MARCH_1}, 400),
]


async def hammer(url: str, clients: int, per_client: int) -> list[str]:
    """`clients` concurrent clients, each with its own connection, `per_client` requests each."""
    problems: list[str] = []

    async def client(n: int) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30, verify=False) as c:  # plain HTTP: no TLS setup
            for i in range(per_client):
                params, status = QUERIES[(n + i) % len(QUERIES)]
                try:
                    r = await c.get(API, params=params)
                    body = error_of(r) if r.status_code != 200 else r.json()
                    if r.status_code != status:
                        problems.append(f"{params}: {r.status_code}")
                    elif status == 200:
                        data = body["data"]
                        expected_rows = min(params.get("pageSize", params.get("maxResults", 20)), data["total"])
                        assert len(data["rows"]) == expected_rows
                        for row in data["rows"]:
                            assert set(json.loads(row["values"])) == {c["key"] for c in data["columns"]} | {"timestamp"}
                    else:
                        assert body["Code"] in ("InvalidParameter", "MissingParameter")
                except Exception as exc:  # noqa: BLE001 - every failure is reported, none hidden
                    problems.append(f"{params}: {type(exc).__name__}: {exc}")

    await asyncio.wait_for(asyncio.gather(*(client(n) for n in range(clients))), timeout=120)
    return problems


def test_200_concurrent_clients(cli_processes: list) -> None:
    proc, url = start_cli()
    cli_processes.append(proc)
    assert asyncio.run(hammer(url, CLIENTS, 2)) == []  # warm-up: the caches fill
    httpx.delete(url + "/_emulator/requests")
    before = rss_mb(proc.pid)
    started = time.monotonic()
    for _ in range(3):
        assert asyncio.run(hammer(url, CLIENTS, PER_CLIENT)) == []
    elapsed = time.monotonic() - started
    after = rss_mb(proc.pid)
    journal = httpx.get(url + "/_emulator/requests").json()
    assert journal["total"] == 3 * CLIENTS * PER_CLIENT
    assert after - before < 20, f"memory grew from {before:.1f} MB to {after:.1f} MB"
    print(f"\n{3 * CLIENTS * PER_CLIENT} requests from {CLIENTS} concurrent clients in {elapsed:.1f} s; "
          f"RSS {before:.1f} MB -> {after:.1f} MB")


def _fresh_get(url: str, path: str, params: dict | None = None) -> httpx.Response:
    """A request on a new connection, so that any worker may take it."""
    return httpx.get(url + path, params=params, headers={"connection": "close"}, timeout=10)


def test_several_workers_agree(cli_processes: list) -> None:
    proc, url = start_cli("--workers", "2")
    cli_processes.append(proc)
    q = {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + 3 * DAY, "clientIds": "2,3", "maxResults": 7}
    first = _fresh_get(url, API, q)
    token, reference = first.json()["nextToken"], without_request_id(first.content)

    async def burst() -> list[httpx.Response]:
        async def one(i: int) -> httpx.Response:
            async with httpx.AsyncClient(timeout=10, verify=False) as c:  # one connection each
                params = q if i % 2 else {**q, "nextToken": token}
                return await c.get(url + API, params=params)
        return await asyncio.gather(*(one(i) for i in range(120)))

    answers = asyncio.run(burst())
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers if r.status_code != 200][:3]
    assert {without_request_id(r.content) for r in answers[1::2]} == {reference}
    assert len({without_request_id(r.content) for r in answers[0::2]}) == 1  # the token's page, the same everywhere

    journals: dict[int, dict] = {}
    for _ in range(200):  # ask until both workers have shown their journal
        j = _fresh_get(url, "/_emulator/requests").json()
        journals[j["worker"]] = j
        if len(journals) == 2:
            break
    assert len(journals) == 2, "only one worker ever answered"
    # One journal, whichever worker shows it: every request of both workers, the same entries.
    assert [j["total"] for j in journals.values()] == [1 + len(answers)] * 2
    ids = [sorted(e["requestId"] for e in j["requests"]) for j in journals.values()]
    assert ids[0] == ids[1] and len(ids[0]) == 1 + len(answers)
    token_answers = [e for e in next(iter(journals.values()))["requests"] if "nextToken" in e["query"]]
    assert len(token_answers) == len(answers) // 2 and all(e["status"] == 200 for e in token_answers)


def test_instances_with_the_same_seed_share_tokens_and_bytes(cli_processes: list) -> None:
    (a, url_a), (b, url_b) = start_cli("--seed", "9"), start_cli("--seed", "9")
    cli_processes += [a, b]
    q = {"modelId": 5, "startTime": MARCH_1, "endTime": MARCH_1 + 40 * DAY, "pageSize": 10}
    first = _fresh_get(url_a, API, q)
    assert without_request_id(first.content) == without_request_id(_fresh_get(url_b, API, q).content)
    follow = {**q, "nextToken": first.json()["nextToken"]}
    assert without_request_id(_fresh_get(url_a, API, follow).content) == \
        without_request_id(_fresh_get(url_b, API, follow).content)


def test_sigterm_finishes_in_flight_requests(cli_processes: list) -> None:
    proc, url = start_cli()
    cli_processes.append(proc)
    result: dict[str, object] = {}

    def slow_request() -> None:
        result["response"] = httpx.get(url + API, params={"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY},
                                       headers={"x-emulator-delay-ms": "800"}, timeout=10)

    thread = threading.Thread(target=slow_request)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    os.kill(proc.pid, signal.SIGTERM)
    assert proc.wait(5) == 0
    stopped_after = time.monotonic() - started
    thread.join(5)
    assert isinstance(result.get("response"), httpx.Response) and result["response"].status_code == 200
    assert stopped_after < 2.5
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/_emulator/health", timeout=1)
