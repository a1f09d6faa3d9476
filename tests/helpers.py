"""Shared helpers for the tests: raw requests, row decoding, well-known times, the CLI as a process,
the gateway's fixed messages, timing for the complexity regressions, and the default fixture file
(and variants of it written to a file), model-detail through the SDK, and raw requests to it signed
by tests/signer.py."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
from alibabacloud_aicontent20240611 import models
from signer import API, acs3_headers, url

from emulator.domain.scenario import default_fixture_path
from emulator.errors import CATALOGUE
from emulator.server import Emulator

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def ts(year: int, month: int, day: int, hour: int = 0) -> int:
    """Unix seconds of a Beijing-time wall clock."""
    return int(dt.datetime(year, month, day, hour, tzinfo=SHANGHAI).timestamp())


DAY = 86400
MARCH_1 = ts(2024, 3, 1)  # a Friday, Shanghai midnight


# Invalid values of the parameters every cost action shares with model-detail (the time span, the
# filters, token paging): (change, parameter, part of the reason), answered the same by every action.
SHARED_INVALID = [
    ({"startTime": "abc"}, "startTime", "base-10 integer"),
    ({"startTime": "1.5"}, "startTime", "base-10 integer"),
    ({"startTime": ""}, "startTime", "base-10 integer"),
    ({"startTime": "+1"}, "startTime", "base-10 integer"),
    ({"startTime": "-1"}, "startTime", "not negative"),
    ({"startTime": "99999999999999999999"}, "startTime", "64-bit"),
    ({"startTime": str(MARCH_1 * 1000)}, "startTime", "milliseconds"),
    ({"endTime": str((MARCH_1 + DAY) * 1000)}, "endTime", "milliseconds"),
    ({"endTime": str(MARCH_1)}, "endTime", "later than startTime"),
    ({"endTime": str(MARCH_1 - 5)}, "endTime", "later than startTime"),
    ({"endTime": str(MARCH_1 + 367 * DAY)}, "endTime", "maximum of 366 days"),
    ({"clientId": "x"}, "clientId", "base-10 integer"),
    ({"clientId": "0"}, "clientId", "positive department id"),
    ({"clientId": "999"}, "clientId", "no department has id 999"),
    ({"clientId": "11"}, "clientId", "no department has id 11"),
    ({"clientId": "2", "clientIds": "2,3"}, "clientIds", "cannot be combined with clientId"),
    ({"clientIds": ""}, "clientIds", "at least one id"),
    ({"clientIds": "2,2"}, "clientIds", "more than once"),
    ({"clientIds": "2,x"}, "clientIds", "base-10 integer"),
    ({"clientIds": "2, 3"}, "clientIds", "base-10 integer"),
    ({"clientIds": "2,999"}, "clientIds", "no department has id 999"),
    ({"clientIds": "0"}, "clientIds", "positive"),
    ({"apiKeyId": "5101"}, "apiKeyId", "requires clientId"),
    ({"apiKeyId": "5101", "clientIds": "2"}, "apiKeyId", "requires clientId"),
    ({"apiKeyId": "5201", "clientId": "2"}, "apiKeyId", "no API key has id 5201 in department 2"),
    ({"apiKeyId": "99", "clientId": "2"}, "apiKeyId", "no API key has id 99"),
    ({"apiKeyId": "0", "clientId": "2"}, "apiKeyId", "positive API key id"),
    ({"memberUserIds": "424242"}, "memberUserIds", "no member has id 424242"),
    ({"memberUserIds": "1004", "clientId": "2"}, "memberUserIds", "does not belong to the selected department"),
    ({"memberUserIds": "2001"}, "memberUserIds", "no member has id 2001"),
    ({"memberUserIds": "1001,,1002"}, "memberUserIds", "base-10 integer"),
    ({"memberUserIds": "1001,1001"}, "memberUserIds", "more than once"),
    ({"maxResults": "0"}, "maxResults", "between 1 and 100"),
    ({"maxResults": "101"}, "maxResults", "between 1 and 100"),
    ({"maxResults": "x"}, "maxResults", "base-10 integer"),
    ({"nextToken": "not-a-token"}, "nextToken", "malformed"),
    ({"nextToken": "x" * 600}, "nextToken", "longer than 512"),
]


def error_of(r: httpx.Response) -> dict[str, Any]:
    """An error answer's fields, whichever form it came in (gateway XML, gateway JSON, product
    JSON), plus `reason`: the emulator's explanation from the x-emulator-reason header."""
    if r.headers["content-type"] == "text/xml;charset=utf-8":
        root = ElementTree.fromstring(r.content)
        assert root.tag == "Error", r.text
        out: dict[str, Any] = {child.tag: child.text for child in root}
    else:
        assert r.headers["content-type"] == "application/json;charset=utf-8", r.headers
        out = dict(r.json())
    out["reason"] = r.headers.get("x-emulator-reason", "")
    return out


def get(client: httpx.Client, **params: Any) -> httpx.Response:
    return client.get(API, params={k: v for k, v in params.items() if v is not None})


def rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows with `values` decoded, amounts in integer 0.0001 元 for exact sums."""
    out = []
    for row in body["data"]["rows"]:
        values = json.loads(row["values"])
        assert values.pop("timestamp") == row["timestamp"]
        values["total_amount"] = round(values["total_amount"] * 10_000)
        out.append({"timestamp": row["timestamp"], **values})
    return out


def all_rows(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    """Every row of a query, by legacy pages of 100."""
    out, page = [], 1
    while True:
        r = get(client, pageSize=100, page=page, **params)
        assert r.status_code == 200, r.text
        got = rows(r.json())
        out += got
        if len(out) >= r.json()["data"]["total"]:
            return out
        page += 1


def add_rows(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert [x["timestamp"] for x in a] == [y["timestamp"] for y in b]
    return [{k: (x[k] if k == "timestamp" else x[k] + y[k]) for k in x} for x, y in zip(a, b)]


def without_request_id(body: bytes) -> bytes:
    data = json.loads(body)
    data.pop("requestId", None)
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode()


BANNER = re.compile(
    r"aicontent-emulator listening on http://127\.0\.0\.1:(\d+) \(seed (\d+), auth (\w+), workers (\d+)\)")


def start_cli(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """The CLI as a separate process on a free port; returns once its start line is printed and
    `/_emulator/health` answers. The caller stops it (the `cli_processes` fixture does)."""
    proc = subprocess.Popen([sys.executable, "-m", "emulator", "--port", "0", "--log-level", "warning", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, start_new_session=True)
    assert proc.stdout is not None and proc.stderr is not None
    line = proc.stdout.readline()
    match = BANNER.search(line)
    if match is None:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError(f"no start line in {line!r}; stderr: {proc.stderr.read()}")
    url = f"http://127.0.0.1:{match.group(1)}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/_emulator/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError("the emulator did not become healthy")


def contract_codes(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schemathesis check: every 4xx names one of the catalogue's error codes, in either body shape."""
    if 400 <= response.status_code < 500:
        content_type = response.headers.get("content-type", [""])
        if (content_type[0] if isinstance(content_type, list) else content_type) == "text/xml;charset=utf-8":
            body = {child.tag: child.text for child in ElementTree.fromstring(response.content)}
        else:
            body = json.loads(response.content)
        code = body.get("Code")
        assert code in CATALOGUE, f"{response.status_code} with code {code!r}, not one of the contract's"
        assert body.get("Message"), "an error without a message"
        if "errCode" in body:
            assert body["errCode"] == code and body["httpStatusCode"] == response.status_code
    return None


# -- timing, for the complexity regressions: an input against one four times larger ------------
LINEAR = 8  # time(4n) / time(n) stays below this: linear is ~4, quadratic ~16


def best_time(work: Callable[[], Any], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def growth(make: Callable[[int], Callable[[], Any]], n: int) -> float:
    """How much longer the work takes for 4n than for n (inputs built before timing): the best
    of 9 runs each, the two sizes taken in turn, so that a moment of load on a busy machine (the
    suite runs in two processes) slows both alike, not one."""
    small, large = make(n), make(4 * n)
    small()  # warm up
    large()
    fast_small = fast_large = float("inf")
    for _ in range(9):
        fast_small = min(fast_small, best_time(small, 1))
        fast_large = min(fast_large, best_time(large, 1))
    return fast_large / fast_small


# The gateway's fixed messages (SignatureDoesNotMatch's is followed by the server's strings to sign).
MISMATCH = "Specified signature does not match our calculation."
FIXED = {
    "IncompleteSignature": "The request signature does not conform to Aliyun standards.",
    "SignatureDoesNotMatch": MISMATCH,
    "InvalidAccessKeyId.NotFound": "Specified access key is not found.",
    "InvalidTimeStamp.Expired": "Specified time stamp or date value is expired.",
    "InvalidTimeStamp.Format": "Specified time stamp or date value is not well formatted.",
    "SignatureNonceUsed": "Specified signature nonce was used already.",
    "InvalidVersion": "Specified parameter Version is not valid.",
    "InvalidAction": "Specified parameter Action is not valid.",
    "InvalidAction.NotFound": "Specified api is not found, please check your url and method.",
    "Throttling.User": "Request was denied due to user flow control.",
}


# -- the default fixture file, and variants of it written to a file --------------------------
DEFAULT_FIXTURE = json.loads(default_fixture_path().read_text())


def fixture_file(doc: Any, directory: Path, name: str = "fixture.json") -> Path:
    path = directory / name
    path.write_text(json.dumps(doc, ensure_ascii=False))
    return path


def with_calls_per_day(calls: int, key_id: int = 5001) -> dict[str, Any]:
    """The default fixture with `callsPerDay` of API key `key_id` set to `calls`."""
    doc = copy.deepcopy(DEFAULT_FIXTURE)
    for org in doc["organizations"]:
        for department in org["departments"]:
            for key in department["apiKeys"]:
                if key["id"] == key_id:
                    key["callsPerDay"] = calls
    return doc


# -- model-detail through the SDK, and signed raw requests to it ------------------------------
Request = models.ModelRouterQueryCostModelDetailRequest


def sdk_detail(client: Any, **kw: Any) -> models.ModelRouterQueryCostModelDetailResponseBody:
    """Model-detail through the SDK (model 1, March 1 unless `kw` says otherwise); its body."""
    kw.setdefault("model_id", 1)
    kw.setdefault("start_time", MARCH_1)
    kw.setdefault("end_time", MARCH_1 + DAY)
    resp = client.model_router_query_cost_model_detail(Request(**kw))
    assert resp.status_code == 200
    return resp.body


QUERY = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY), "pageSize": "24"}
ADMIN = ("LTAIEMULATORADMIN0000001", "emulator-admin-secret-not-for-production")


def send(emu: Emulator, headers: dict[str, str], query: dict[str, str] = QUERY, content: bytes = b"",
         path: str = API) -> httpx.Response:
    """A raw GET (of model-detail, by default) with exactly `headers`: signed, tampered with, or none."""
    return httpx.request("GET", url(emu.url, path, query), headers=headers, content=content, timeout=10)


def signed(emu: Emulator, query: dict[str, str] = QUERY, **kw: Any) -> dict[str, str]:
    """ACS3 headers of model-detail with `query`, signed as admin by tests/signer.py."""
    return acs3_headers("GET", emu.endpoint, API, query, *ADMIN, **kw)


def code_of(r: httpx.Response) -> str:
    return str(error_of(r).get("Code"))


def stop_group(p: subprocess.Popen[str]) -> None:
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and _group_alive(p.pid):
            p.poll()
            time.sleep(0.05)
        if not _group_alive(p.pid):
            break
    p.wait(5)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
