"""The request journal (GET and DELETE /_emulator/requests, `Emulator.requests`): what it records,
its Python and wire names, and its texts bounded however long the request."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
from helpers import API, DAY, MARCH_1, error_of, get

from emulator.server import Emulator

Q = {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}
REQUIRED = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY)}


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


# -- the journal's names ---------------------------------------------------------------------
def test_journal_entries_are_snake_case_in_python_and_camel_case_on_the_wire(aicontent_emulator: Emulator,
                                                                           http: httpx.Client) -> None:
    http.get(API, params={"modelId": 1, "startTime": MARCH_1})
    entry = aicontent_emulator.requests[-1]
    (wire,) = http.get("/_emulator/requests").json()["requests"]
    assert (entry.status, entry.error_code, entry.access_key_id) == (400, "MissingParameter", None)
    assert entry.request_id == wire["requestId"] and entry.latency_ms == wire["latencyMs"]
    assert (wire["errorCode"], wire["accessKeyId"]) == ("MissingParameter", None)
    for camel in ("requestId", "errorCode", "accessKeyId", "latencyMs"):
        assert not hasattr(entry, camel)
    assert not {"request_id", "error_code", "access_key_id", "latency_ms"} & set(wire)


# -- the journal's texts, bounded -----------------------------------------------------------
def test_a_60_kb_query_is_journaled_cut(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    """The journal keeps at most 2048 characters of a query, marked with a trailing "…"."""
    raw = urlencode(REQUIRED) + "&padding=" + "q" * 60_000
    assert http.get(f"{API}?{raw}").status_code == 200  # an unknown parameter is ignored
    entry = aicontent_emulator.requests[-1]
    assert len(entry.query) <= 2048 and entry.query.endswith("…") and entry.query.startswith(urlencode(REQUIRED))
    public = http.get("/_emulator/requests").json()["requests"][-1]
    assert public["query"] == entry.query


def test_journaled_path_access_key_and_reason_are_bounded(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    assert http.get("/" + "p" * 30_000).status_code == 404
    path = aicontent_emulator.requests[-1].path
    assert len(path) <= 2048 and path.endswith("…")
    authorization = f"ACS3-HMAC-SHA256 Credential={'K' * 3_000},SignedHeaders=host,Signature={'0' * 64}"
    r = http.get(API, params=REQUIRED, headers={"Authorization": authorization})
    assert (r.status_code, error_of(r)["Code"]) == (404, "InvalidAccessKeyId.NotFound")
    entry = aicontent_emulator.requests[-1]
    assert entry.access_key_id is not None and len(entry.access_key_id) <= 256 and entry.access_key_id.endswith("…")
    assert entry.reason is not None and len(entry.reason) <= 2048
    for e in http.get("/_emulator/requests").json()["requests"]:
        assert all(len(e[k] or "") <= 2048 for k in ("path", "query", "accessKeyId", "reason"))


def test_a_journal_entry_cuts_a_long_reason() -> None:
    from emulator.harness.journal import JournalEntry

    entry = JournalEntry.bounded(0.0, "GET", API, "", None, 400, "InvalidParameter", "RID", 1.0, "r" * 100_000)
    assert entry.reason is not None and len(entry.reason) <= 2048 and entry.reason.endswith("…")
