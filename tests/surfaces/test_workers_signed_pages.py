"""`--workers 2`: a signed request's nonce is accepted once whichever worker gets it (in turn and at
the same moment), and a walk of model-detail pages by nextToken over new connections never
mixes data: the same rows as on one connection while nothing changes, and after a usage event
is added mid-walk every later page shows it, from every worker."""

from __future__ import annotations

import threading
import uuid

import httpx
from helpers import ADMIN, API, QUERY, code_of
from signer import acs3_headers
from signer import url as signed_url
from state_helpers import WALK, add_event, calls, fresh, pinned, walk

from emulator.domain.timeline import DAY


def signed_get(url: str, nonce: str) -> dict[str, str]:
    return acs3_headers("GET", url.removeprefix("http://"), API, QUERY, *ADMIN, nonce=nonce)


def test_a_nonce_is_accepted_once_whichever_worker_gets_it(url: str) -> None:
    target = signed_url("", API, QUERY)
    crossed = 0
    for _ in range(20):
        headers = signed_get(url, f"nonce-{uuid.uuid4().hex}")  # the same request, sent twice
        first_pid, first = fresh(url, "GET", target, headers=headers)
        second_pid, second = fresh(url, "GET", target, headers=headers)
        assert first.status_code == 200, first.text
        assert second.status_code == 400 and code_of(second) == "SignatureNonceUsed", (second_pid, second.text)
        crossed += first_pid != second_pid
    assert crossed, "no nonce was ever replayed to the other worker"


def test_a_nonce_sent_to_both_workers_at_once_is_accepted_once(url: str) -> None:
    conns = pinned(url)
    target = signed_url("", API, QUERY)
    try:
        for _ in range(15):
            headers = signed_get(url, f"race-{uuid.uuid4().hex}")
            gate = threading.Barrier(len(conns))
            answers: list[httpx.Response] = []

            def send(c: httpx.Client, headers: dict[str, str] = headers, gate: threading.Barrier = gate,
                     answers: list[httpx.Response] = answers) -> None:
                gate.wait(5)
                answers.append(c.get(target, headers=headers))
            threads = [threading.Thread(target=send, args=(c,)) for c in conns.values()]
            for t in threads:
                t.start()
            for t in threads:
                t.join(20)
            assert sorted(a.status_code for a in answers) == [200, 400], [a.text[:200] for a in answers]
            assert code_of(next(a for a in answers if a.status_code == 400)) == "SignatureNonceUsed"
    finally:
        for c in conns.values():
            c.close()


def _rows(pages: list[dict]) -> list[dict]:
    return [row for page in pages for row in page["data"]["rows"]]


def test_a_walk_over_new_connections_is_the_walk_on_one_connection(url: str) -> None:
    with httpx.Client(base_url=url, timeout=20) as one:
        reference = list(walk(lambda p: one.get(API, params=p)))
    pids: set[int] = set()

    def page(params: dict[str, str]) -> httpx.Response:
        pid, r = fresh(url, "GET", API, params=params)
        pids.add(pid)
        return r
    for _ in range(3):
        pages = list(walk(page))
        assert [p.get("nextToken") for p in pages] == [p.get("nextToken") for p in reference]
        assert _rows(pages) == _rows(reference)
    assert len(_rows(reference)) == 72 and len(reference) == 8
    assert len(pids) == 2, "every page went to the same worker"


def test_an_event_added_mid_walk_is_on_every_later_page_from_every_worker(url: str) -> None:
    with httpx.Client(base_url=url, timeout=20) as one:
        before = list(walk(lambda p: one.get(API, params=p)))
    assert all(min(calls(p)) > 0 for p in before)
    start, end = int(WALK["startTime"]), int(WALK["endTime"])
    assert end - start == 3 * DAY
    pages: list[dict] = []
    later_pids: set[int] = set()

    def outage(n: int) -> None:
        if n == 2:  # after the second page: every model and key at zero over the whole span
            with httpx.Client(base_url=url, timeout=20) as c:
                add_event(c, startTime=start, endTime=end, factor=0)

    def page(params: dict[str, str]) -> httpx.Response:
        copies = [fresh(url, "GET", API, params=params) for _ in range(1 if len(pages) < 2 else 6)]
        if len(pages) >= 2:
            later_pids.update(pid for pid, _ in copies)
            bodies = {r.content.replace(r.headers["x-acs-request-id"].encode(), b"") for _, r in copies}
            assert len(bodies) == 1, f"page {len(pages) + 1} differs between workers {sorted(later_pids)}"
        pages.append(copies[0][1].json())
        return copies[0][1]
    got = list(walk(page, between=outage))
    assert len(got) == len(before)
    assert calls(got[0]) == calls(before[0]) and calls(got[1]) == calls(before[1])
    for n, p in enumerate(got[2:], start=3):
        assert set(calls(p)) == {0}, f"page {n} does not show the outage"
    timestamps = [[r["timestamp"] for r in p["data"]["rows"]] for p in got]
    assert timestamps == [[r["timestamp"] for r in p["data"]["rows"]] for p in before]  # offsets kept
    assert len(later_pids) == 2, "the later pages all came from one worker"
