"""Shared helpers for the tests of the directory's 30 writes (tests/actions/test_writes_*.py,
tests/properties/test_writes_properties.py, tests/harness/test_writes_state.py): an emulator whose
data clock is fixed at 2026-03-10 12:20 Beijing time, writes through the SDK (their body, or the
refusal, asserting that a refusal changed nothing: the state document and the directory's reads
are as before), and the figures a write must leave alone or change: breakdown rows by
(bucket, model, key), model-detail rows, the overview's amount, in integers (0.0001 元)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException
from chargeback_helpers import decode, get, minor, ok, rows
from family_helpers import detail_rows
from helpers import SHANGHAI, ts
from kit import sdk_call

from emulator.server import Emulator

HOUR, DAY = 3600, 86400
NOW_ISO = "2026-03-10T12:20:00+08:00"  # the data clock of these tests
D0 = ts(2026, 3, 10)  # its day, Beijing midnight
NOW = D0 + 12 * HOUR + 20 * 60
NOW_UTC = "2026-03-10T04:20:00Z"  # how gmtCreate/gmtModified write it
TIERS = {"tiers": [{"min_tokens": 0, "max_tokens": 0, "input_price": 2, "output_price": 8}]}  # CNY per 1M tokens
DENIED = "B.Permission.DeniedException"
CHAT = {"modelId": "my-model", "name": "Mine", "modelType": "Chat"}  # CreateModel's body


def started(**settings: Any) -> Iterator[Emulator]:
    """An emulator at NOW for a module (its tests reset it through `fresh`)."""
    with Emulator(now=NOW_ISO, **settings) as emu:
        yield emu


def fresh(emu: Emulator) -> Iterator[Emulator]:
    """The module's emulator for one test: reset before, checked for our bugs and reset after."""
    emu.reset()
    yield emu
    try:
        emu.check()
    finally:
        clean(emu)


def clean(emu: Emulator) -> None:
    """Back to the started state. The usage events go first: a reset while an event names a key
    or model a write created fails, and leaves the emulator failing every request (BUG, see
    tests/harness/test_writes_state.py::test_reset_after_an_event_on_a_created_key)."""
    emu.usage_events.clear()
    emu.reset()


def rfc3339(t: int) -> str:
    """An instant as the SDK's RFC 3339 fields take it (Beijing offset)."""
    return dt.datetime.fromtimestamp(t, SHANGHAI).isoformat()


def beijing(t: int) -> str:
    """An instant as CreateMemberApiKey's expireAt takes it: yyyy-MM-dd HH:mm:ss, Beijing time."""
    return dt.datetime.fromtimestamp(t, SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def utc(t: int) -> str:
    """An instant as the API writes gmtCreate/gmtModified/expireAt."""
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def instant(text: str) -> int:
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


# -- writes through the SDK -------------------------------------------------------------------
def write(client: Any, name: str, /, *path: Any, **fields: Any) -> Any:
    """A write that succeeds: the SDK's response body."""
    resp = sdk_call(client, name, *path, **fields)
    assert resp.status_code == 200 and resp.body.success is True, resp.body
    assert resp.body.request_id
    return resp.body


def made(client: Any, name: str, /, *path: Any, **fields: Any) -> Any:
    """A write's `data` as plain JSON values (a DTO's map)."""
    data = write(client, name, *path, **fields).data
    return data.to_map() if hasattr(data, "to_map") else data


def directory(emu: Emulator, account: str | None = None) -> dict[str, Any]:
    """What the directory's reads answer (request ids left out): departments, members, keys, model
    groups, models, billing rules, and the organisation's amount for the day."""
    out = {}
    for name, query in (("QueryClientTree", {}), ("QueryUserList", {"pageSize": 100}),
                        ("QueryApiKeyList", {"pageSize": 100}), ("QueryModelGroupList", {"pageSize": 100}),
                        ("QueryModelList", {"pageSize": 100}), ("QueryBillingRuleList", {"pageSize": 100})):
        answer = ok(get(emu, name, account=account, **query))
        out[name] = answer["data"]
    out["amount"] = amount(emu, D0, D0 + DAY)
    return out


def refuse(emu: Emulator, client: Any, name: str, /, *path: Any, http: int = 400, code: str = "InvalidParameter",
           field: str | None = None, says: str = "", **fields: Any) -> ClientException | ServerException:
    """A write the emulator refuses with status `http` and `code` (naming `field`, its message or the
    journal's reason holding `says`), having changed nothing: the state document and every
    directory read are as before."""
    before, reads = emu.export_state(), directory(emu)
    with pytest.raises((ClientException, ServerException)) as info:
        sdk_call(client, name, *path, **fields)
    err = info.value
    assert (err.status_code, err.code) == (http, code), (name, err.status_code, err.code, err.message)
    if field is not None:
        assert f'The parameter "{field}" is invalid' in err.message or f'"{field}" that is mandatory' in err.message, \
            err.message
    entry = emu.requests[-1]
    assert entry.status == http and entry.error_code == code
    assert says in f"{err.message} {entry.reason}", (says, err.message, entry.reason)
    assert emu.export_state() == before, f"{name} refused, yet the state changed"
    assert directory(emu) == reads, f"{name} refused, yet a read changed"
    return err


# -- figures ----------------------------------------------------------------------------------
def figures(values: str) -> dict[str, int]:
    """A row's `values` with the amount in 0.0001 元."""
    out = decode(values)
    return {k: minor(v) if k == "total_amount" else v for k, v in out.items()}


Cells = dict[tuple[int, int, int], dict[str, int]]


def breakdown(emu: Emulator, start: int, end: int, granularity: str = "hourly", account: str | None = None,
              **filters: Any) -> Cells:
    """The cost breakdown's rows by (bucket, model, key): values with the amount in 0.0001 元, the
    payable amount beside them (`payable`)."""
    out: Cells = {}
    for r in rows(emu, "QueryBillingCostBreakdown", account=account, startTime=start, endTime=end,
                  granularity=granularity, **filters):
        cell = figures(r["values"])
        cell["payable"] = minor(r["payableAmount"])
        assert cell["payable"] == cell["total_amount"], r
        out[(r["summaryTime"], r["modelId"], r["apiKeyId"])] = cell
    return out


def detail(emu: Emulator, model: int, start: int, end: int, **filters: Any) -> dict[int, dict[str, int]]:
    """Model-detail's rows of one model by timestamp (every page)."""
    got = detail_rows(emu.url, model, {"startTime": start, "endTime": end, **filters})
    return {r.pop("timestamp"): r for r in got}


def amount(emu: Emulator, start: int, end: int, account: str | None = None, **filters: Any) -> int:
    """The overview's total_amount in 0.0001 元."""
    items = ok(get(emu, "QueryCostOverviewMetrics", account=account, startTime=start, endTime=end, **filters))["data"]
    return minor(next(i["value"] for i in items if i["key"] == "total_amount"))


def key_cells(cells: Cells, key: int, model: int | None = None) -> dict[int, dict[str, int]]:
    """One key's rows by bucket (of one model, when given)."""
    return {t: v for (t, m, k), v in cells.items() if k == key and (model is None or m == model)}


def summed_by_model(cells: Cells) -> dict[tuple[int, int], dict[str, int]]:
    """The rows of each (bucket, model) summed over keys, without `payable`."""
    out: dict[tuple[int, int], dict[str, int]] = {}
    for (t, m, _), values in cells.items():
        into = out.setdefault((t, m), {})
        for name, v in values.items():
            if name != "payable":
                into[name] = into.get(name, 0) + v
    return out


def assert_exact_sums(emu: Emulator, start: int, end: int, types: str = "Chat", **filters: Any) -> Cells:
    """Over the models of `types` (modelTypes), for the span and filters: the breakdown's rows of
    each bucket add up to model-detail's row for the model, and their payable amounts to the
    overview's total_amount. Returns the rows."""
    cells = breakdown(emu, start, end, modelTypes=types, **filters)
    sums = summed_by_model(cells)
    for m in sorted({m for _, m, _ in cells}):
        for t, row in detail(emu, m, start, end, **filters).items():
            assert sums.get((t, m), dict.fromkeys(row, 0)) == row, (m, t)
    assert sum(v["payable"] for v in cells.values()) == amount(emu, start, end, modelTypes=types, **filters)
    return cells


def without_request_ids(answer: Any) -> str:
    """An answer's JSON without its request ids, for comparing two emulators' answers."""
    def strip(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k not in ("requestId", "RequestId")}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x
    return json.dumps(strip(answer), ensure_ascii=False, sort_keys=True)
