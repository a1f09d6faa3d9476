"""`--workers 2` as one world (README "One world"): every control change made through one
connection is in force for the next request of every worker, checked over many new connections
at once, never eventually; a fault rule with `times` fires that often across the workers, a rule
with a `rate` fires on the same requests as in one process; the journal holds every worker's
requests and reads the same from each; a reset empties it for every worker."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
from helpers import API, without_request_id
from signer import ACTION
from state_helpers import (
    DETAIL,
    HOUR,
    MARCH_2,
    Output,
    calls,
    fresh,
    on_fresh_connections,
    pinned,
    settled_reset,
    state_of,
)

from emulator.server import Emulator

N = 40  # new connections per check


def both(pids: set[int]) -> None:
    assert len(pids) == 2, f"only worker(s) {pids} answered {N} new connections"


def test_every_control_change_is_seen_by_every_workers_next_request(url: str) -> None:
    started = state_of(url)
    baseline = httpx.get(url + API, params=DETAIL)
    assert baseline.status_code == 200 and min(calls(baseline.json())) > 0
    with httpx.Client(base_url=url, timeout=20) as one:  # every change through this one connection
        # the data clock
        clock = one.put("/_emulator/clock", json={"now": MARCH_2 + 30 * 86400 + 1234, "dataLagMinutes": 7})
        assert clock.status_code == 200, clock.text
        both(on_fresh_connections(url, N, "GET", "/_emulator/clock",
                                  lambda r: _equal(r.json(), clock.json())))

        # a form: values_encoding=double changes the API's bodies
        assert one.patch("/_emulator/config", json={"values_encoding": "double"}).status_code == 200

        def double(r: httpx.Response) -> None:
            assert r.status_code == 200, r.text
            assert isinstance(json.loads(r.json()["data"]["rows"][0]["values"]), str), "values encoded once"
        both(on_fresh_connections(url, N, "GET", API, double, params=DETAIL))
        assert one.patch("/_emulator/config", json={"values_encoding": "single"}).status_code == 200
        both(on_fresh_connections(url, N, "GET", "/_emulator/config",
                                  lambda r: _equal(r.json()["values_encoding"], "single")))

        # a usage event (an outage of three hours), then its removal
        span = {"startTime": MARCH_2 + 9 * HOUR, "endTime": MARCH_2 + 12 * HOUR}
        event = one.post("/_emulator/usage-events", json={**span, "factor": 0, "note": "outage"})
        assert event.status_code == 201, event.text
        both(on_fresh_connections(url, N, "GET", API, lambda r: _equal(calls(r.json())[9:12], [0, 0, 0]),
                                  params=DETAIL))
        both(on_fresh_connections(url, N, "GET", "/_emulator/usage-events",
                                  lambda r: _equal(r.json(), [event.json()])))
        assert one.delete(f"/_emulator/usage-events/{event.json()['id']}").status_code == 200
        both(on_fresh_connections(url, N, "GET", API, lambda r: _equal(without_request_id(r.content),
                                                                       without_request_id(baseline.content)),
                                  params=DETAIL))

        # several changes, then a reset: every worker is back at the started state
        one.put("/_emulator/clock", json={"now": MARCH_2})
        one.patch("/_emulator/config", json={"empty_buckets": "omit"})
        one.post("/_emulator/usage-events", json={**span, "factor": 3})
        one.post("/_emulator/faults", json={"code": "Throttling.User", "match": {"query": {"modelId": "9"}}})
        assert state_of(url) != started
        assert one.post("/_emulator/reset").status_code == 200
        both(on_fresh_connections(url, N, "GET", "/_emulator/state", lambda r: _equal(r.json(), started)))
        both(on_fresh_connections(url, N, "GET", "/_emulator/faults", lambda r: _equal(r.json(), [])))
        both(on_fresh_connections(url, N, "GET", API, lambda r: _equal(without_request_id(r.content),
                                                                       without_request_id(baseline.content)),
                                  params=DETAIL))


def _equal(got: Any, expected: Any) -> None:
    assert got == expected, (got, expected)


def _faulted(r: httpx.Response) -> bool:
    if r.status_code == 200:
        return False
    assert r.status_code == 400 and r.headers.get("x-emulator-reason", "").startswith("injected by fault rule"), \
        (r.status_code, r.text[:300])
    return True


def test_a_rule_with_times_fires_exactly_that_often_across_workers(url: str) -> None:
    r = httpx.post(url + "/_emulator/faults", json={"code": "Throttling.User", "match": {"action": ACTION},
                                                    "times": 3})
    assert r.status_code == 201, r.text
    answers = [fresh(url, "GET", API, params=DETAIL) for _ in range(N)]
    assert len({pid for pid, _ in answers}) == 2
    assert [i for i, (_, a) in enumerate(answers) if _faulted(a)] == [0, 1, 2]
    expected = {**r.json(), "times": 0, "hits": 3}
    both(on_fresh_connections(url, N, "GET", "/_emulator/faults", lambda a: _equal(a.json(), [expected])))


def test_a_rule_with_times_fires_that_often_under_concurrent_requests(url: str) -> None:
    assert httpx.post(url + "/_emulator/faults", json={"code": "Throttling.User", "times": 3}).status_code == 201
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def one() -> None:
        _, a = fresh(url, "GET", API, params=DETAIL)
        with lock:
            answers.append(a)
    threads = [threading.Thread(target=one) for _ in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(answers) == 60
    assert sum(_faulted(a) for a in answers) == 3


def test_a_rule_with_a_rate_fires_on_the_same_requests_as_in_one_process(url: str) -> None:
    rule = {"code": "Throttling.User", "match": {"action": ACTION}, "rate": 0.5}
    created = httpx.post(url + "/_emulator/faults", json=rule)
    assert created.status_code == 201, created.text
    answers = [fresh(url, "GET", API, params=DETAIL) for _ in range(N)]
    assert len({pid for pid, _ in answers}) == 2
    split = [_faulted(a) for _, a in answers]
    with Emulator() as emu:  # the same seed, one process
        assert emu.faults.add(rule).id == created.json()["id"]
        with httpx.Client(base_url=emu.url, timeout=20) as c:
            alone = [_faulted(c.get(API, params=DETAIL)) for _ in range(N)]
    assert 0 < sum(alone) < N
    assert split == alone


def test_the_journal_holds_every_workers_requests_and_reads_the_same_from_each(url: str) -> None:
    sent = []
    for i in range(N):
        _, r = fresh(url, "GET", API, params={**DETAIL, "maxResults": str(1 + i % 20)})
        assert r.status_code == 200
        sent.append(r.headers["x-acs-request-id"])
    journals = _journals(url, lambda j: j["total"] == N and len(j["requests"]) == N)
    for pid, j in journals.items():
        assert j["total"] == N, (pid, j["total"])
        assert sorted(e["requestId"] for e in j["requests"]) == sorted(sent), f"worker {pid}: another journal"
    a, b = journals.values()
    assert a["requests"] == b["requests"]


def test_the_journal_of_several_workers_is_oldest_first(url: str) -> None:
    """README: the journal lists its entries oldest first, and `?limit=N` is the newest N, whichever
    worker answered each request."""
    sent = []
    for _ in range(N):
        _, r = fresh(url, "GET", API, params=DETAIL)
        sent.append(r.headers["x-acs-request-id"])
    journals = _journals(url, lambda j: j["total"] == N)
    for pid, j in journals.items():
        assert [e["requestId"] for e in j["requests"]] == sent, f"worker {pid}: not in the order they came"
    _, newest = fresh(url, "GET", "/_emulator/requests", params={"limit": 5})
    assert [e["requestId"] for e in newest.json()["requests"]] == sent[-5:]


def _journals(url: str, done: Any, seconds: float = 1.0) -> dict[int, dict[str, Any]]:
    """Each worker's last answer of GET /_emulator/requests, asked over new connections until
    both satisfy `done` or `seconds` passed (the README: every worker's entries within 50 ms)."""
    import time

    journals: dict[int, dict[str, Any]] = {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pid, r = fresh(url, "GET", "/_emulator/requests")
        journals[pid] = r.json()
        if len(journals) == 2 and all(done(j) for j in journals.values()):
            break
    assert len(journals) == 2, "only one worker answered"
    return journals


def test_a_reset_empties_the_journal_of_every_worker(url: str) -> None:
    """Requests answered by worker B just before worker A resets: no worker's journal holds them
    afterwards (each worker keeps its entries for up to 50 ms before writing them to the store)."""
    conns = pinned(url)
    try:
        (_, a), (_, b) = conns.items()
        leftovers = []
        for round_ in range(5):
            for _ in range(3):
                assert b.get(API, params=DETAIL).status_code == 200
            assert a.post("/_emulator/reset").status_code == 200
            journals = _journals(url, lambda j: False, seconds=0.3)  # ask for 0.3 s: late entries show
            totals = {pid: j["total"] for pid, j in journals.items()}
            if any(totals.values()):
                leftovers.append((round_, totals))
            settled_reset(url)
        assert leftovers == [], f"(round, journal total by worker) after a reset: {leftovers}"
    finally:
        for c in conns.values():
            c.close()


def test_events_added_on_one_worker_while_another_removes_them(url: str, workers: tuple[str, Output]) -> None:
    """Adds and removals at once, each on a new connection (so on either worker): every add is
    answered 201 with its event, every removal 200, and the list is what they leave."""
    added: list[int] = []
    answers: list[tuple[str, int, str]] = []
    done = threading.Event()

    def adder() -> None:
        for i in range(120):
            _, r = fresh(url, "POST", "/_emulator/usage-events",
                         json={"startTime": MARCH_2 + i * HOUR, "endTime": MARCH_2 + (i + 1) * HOUR, "factor": 0,
                               "modelId": 1, "apiKeyId": 5101})
            answers.append(("add", r.status_code, r.text[:120]))
            if r.status_code == 201:
                added.append(r.json()["id"])
        done.set()

    removed: list[int] = []

    def remover() -> None:
        while not done.is_set() or len(removed) < len(added) - 60:
            if len(added) > len(removed) + 60 or (done.is_set() and len(added) > len(removed)):
                event_id = added[len(removed)]
                _, r = fresh(url, "DELETE", f"/_emulator/usage-events/{event_id}")
                answers.append(("remove", r.status_code, r.text[:120]))
                removed.append(event_id)
            else:
                done.wait(0.002)
    threads = [threading.Thread(target=adder), threading.Thread(target=remover)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    wrong = [a for a in answers if a[1] not in (200, 201)]
    errors = [line for line in workers[1].lines if line.startswith(("KeyError", "sqlite3"))]
    assert wrong == [], f"{len(wrong)} of {len(answers)} answers: {wrong[:2]}; in stderr: {errors[:2]}"
    left = [e["id"] for e in httpx.get(url + "/_emulator/usage-events").json()]
    assert left == [i for i in added if i not in removed]
