"""Shared helpers for the tests of the chargeback reads (the breakdowns, the billing rules and the
directory's departments, members, keys and model groups): SDK calls and refusals by action name,
raw calls signed as any account, the SDK's declared shape of an answer (every field sent is one
the SDK declares, with its JSON type, and the SDK's own model reads all of it back), every row of
a breakdown, the default fixture's directory (independent of the emulator's code), and the RAM
outcomes account by account."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from alibabacloud_aicontent20240611 import models as sdk_models
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException
from helpers import DAY, DEFAULT_FIXTURE, MARCH_1
from kit import action, assert_error, sdk_call
from signer import acs3_headers, url

from emulator.api.sdk_shapes import SHAPES
from emulator.server import Emulator

HOUR = 3600
SPAN = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY}
DENIED, NO_ORG = "B.Permission.DeniedException", "B.Permission.OrgNoExistException"
HTTP = httpx.Client(timeout=30)  # one pool for the module's requests


# -- calls ---------------------------------------------------------------------------------------
def body(client: Any, name: str, *path: Any, **fields: Any) -> Any:
    """The SDK's response body of a successful call (path arguments positionally, query fields by
    their wire names)."""
    resp = sdk_call(client, name, *path, **fields)
    assert resp.status_code == 200 and resp.body.success is True and resp.body.http_status_code == 200
    assert resp.body.request_id
    return resp.body


def refused(client: Any, name: str, *path: Any, **fields: Any) -> ClientException | ServerException:
    """The SDK's exception for a refused call."""
    with pytest.raises((ClientException, ServerException)) as info:
        sdk_call(client, name, *path, **fields)
    assert info.value.request_id and info.value.request_id != "None"
    return info.value


def wire(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def get(emu: Emulator, name: str, *path: Any, account: str | None = None, **query: Any) -> httpx.Response:
    """A raw GET of an action accepting JSON: unsigned (the default admin) or signed (ACS3) as
    `account`; None values are left out."""
    a = action(name)
    p = a.full_path.format(**{param.name: v for param, v in zip(a.path_params, path)})
    q = {k: wire(v) for k, v in query.items() if v is not None}
    headers = {"accept": "application/json"}
    if account is not None:
        acct = emu.accounts[account]
        headers.update(acs3_headers("GET", emu.endpoint, p, q, acct.access_key_id, acct.access_key_secret,
                                    action=a.name))
    return HTTP.get(url(emu.url, p, q), headers=headers)


def ok(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 200, r.text[:400]
    assert r.headers["content-type"] == "application/json;charset=utf-8"
    data: dict[str, Any] = r.json()
    assert data["success"] is True and data["httpStatusCode"] == 200 and data["requestId"] == r.headers[
        "x-acs-request-id"]
    return data


def invalid(r: httpx.Response, name: str, *fragments: str) -> None:
    """400 InvalidParameter in the gateway's form, naming `name`, its message holding the fragments."""
    err = assert_error(r, 400, "InvalidParameter", *fragments, gateway=True, in_message=True)
    assert err["Message"].startswith(f'The parameter "{name}" is invalid: '), err["Message"]


# -- the SDK's declared shapes -------------------------------------------------------------------
JSON_TYPES = {"int": lambda v: isinstance(v, int) and not isinstance(v, bool), "str": lambda v: isinstance(v, str),
              "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
              "bool": lambda v: isinstance(v, bool), "dict": lambda v: isinstance(v, dict), "any": lambda v: True}


def shape_problems(value: Any, shape: str, where: str = "") -> list[str]:
    """Where `value` is not what the SDK declares `shape` to be: an undeclared field or a JSON type
    other than the declared one (an int is a float's JSON number too)."""
    if shape.startswith("list["):
        if not isinstance(value, list):
            return [f"{where}: {shape}, got {value!r:.60}"]
        return [p for i, v in enumerate(value) for p in shape_problems(v, shape[5:-1], f"{where}[{i}]")]
    if shape in SHAPES:
        if not isinstance(value, dict):
            return [f"{where}: {shape}, got {value!r:.60}"]
        declared = {f.name: f.type for f in SHAPES[shape]}
        out = [f"{where}.{k}: not a field of {shape}" for k in value if k not in declared]
        for k, v in value.items():
            out += shape_problems(v, declared[k], f"{where}.{k}") if k in declared else []
        return out
    return [] if JSON_TYPES[shape](value) else [f"{where}: {shape}, got {value!r:.60}"]


def assert_sdk_answer(r: httpx.Response, name: str) -> dict[str, Any]:
    """The raw answer has only fields the SDK's response body declares, with their JSON types,
    and the SDK's response model reads every one of them back."""
    raw = ok(r)
    a = action(name)
    problems = shape_problems(raw, a.name + "ResponseBody")
    assert not problems, problems[:5]
    model = getattr(sdk_models, a.name + "ResponseBody")().from_map(raw)
    assert model.to_map() == raw
    return raw


# -- breakdowns ----------------------------------------------------------------------------------
def rows(emu: Emulator, name: str, account: str | None = None, **query: Any) -> list[dict[str, Any]]:
    """Every row of a breakdown, by legacy pages of 500."""
    out: list[dict[str, Any]] = []
    for page in range(1, 100_000):
        data = ok(get(emu, name, account=account, pageSize=500, page=page, **query))["data"]
        out += data["rows"]
        if len(data["rows"]) < 500:
            assert len(out) == data["total"], (len(out), data["total"])
            return out
    raise AssertionError("the pages never ended")


def decode(values: str, double: bool = False) -> dict[str, Any]:
    """A `values` string (encoded once, or twice under values_encoding=double) → its numbers."""
    out = json.loads(values)
    if double:
        assert isinstance(out, str), values
        out = json.loads(out)
    assert isinstance(out, dict), values
    return out


def minor(amount: float) -> int:
    """元 → integer 0.0001 元."""
    return round(amount * 10_000)


# -- the default fixture's directory, read from the file ------------------------------------------
DEPARTMENTS: dict[int, dict[str, Any]] = {d["id"]: {**d, "org": o["id"]} for o in DEFAULT_FIXTURE["organizations"]
                                          for d in o["departments"]}
MEMBERS: dict[int, int] = {m["id"]: d["id"] for d in DEPARTMENTS.values() for m in d.get("members", [])}
KEYS: dict[int, tuple[int, int | None]] = {k["id"]: (d["id"], k.get("memberId")) for d in DEPARTMENTS.values()
                                           for k in d.get("apiKeys", [])}
VISIBLE = {"admin": [1, 2, 3, 4], "readonly": [1, 2, 3, 4], "explicit-deny": [1, 2, 3, 4], "dept-scoped": [2],
           "other-org-admin": [11]}
ACCOUNTS = ["admin", "readonly", "denied", "explicit-deny", "no-org", "dept-scoped", "other-org-admin"]


def selected_keys(account: str, filters: dict[str, Any]) -> list[int]:
    """The API keys the department/member/key filters select, by the SDK's documented rules."""
    if "clientId" in filters:
        deps = {int(filters["clientId"])}
    elif "clientIds" in filters:
        deps = {int(d) for d in str(filters["clientIds"]).split(",")}
    else:
        deps = set(VISIBLE[account])
    keys = [k for k, (dep, _) in KEYS.items() if dep in deps]
    if "memberUserIds" in filters:
        wanted = {int(m) for m in str(filters["memberUserIds"]).split(",") if m}
        keys = [k for k in keys if (KEYS[k][1] in wanted if wanted else KEYS[k][1] is None)]
    if "apiKeyId" in filters:
        keys = [k for k in keys if k == int(filters["apiKeyId"])]
    return sorted(keys)


# -- RAM ---------------------------------------------------------------------------------------
BILLING = {"QueryBillingCostBreakdown", "QueryBillingRuleList"}  # aicontent:ModelRouter*Billing*


def ram_outcome(account: str, name: str) -> str:
    """What the policies say for an account of the default fixture (department scope aside)."""
    short = name.removeprefix("ModelRouter")
    if account == "no-org":
        return NO_ORG
    if account == "denied" or (account == "readonly" and short == "CopyApiKey") or (
            account == "explicit-deny" and short in BILLING):
        return DENIED
    return "ok"


def check_ram(emu: Emulator, name: str, *path: Any, **fields: Any) -> None:
    """Account by account through the SDK, with a call admin may make: allowed, or refused with the
    product's error (403, its code and the reference's text in the product body)."""
    texts = {DENIED: "鉴权失败或权限不足", NO_ORG: "组织不存在,请主账号开通权限后再试,或联系管理员"}
    for account in ("admin", "readonly", "denied", "explicit-deny", "no-org"):
        client = emu.client(account)
        outcome = ram_outcome(account, name)
        if outcome == "ok":
            body(client, name, *path, **fields)
            continue
        err = refused(client, name, *path, **fields)
        assert (err.code, err.status_code) == (outcome, 403), (account, name, err.code)
        assert err.data["errCode"] == outcome and err.data["errMessage"] == texts[outcome], err.data
        assert err.data["success"] is False and err.data["data"] is None


# -- the catalogue's metrics (values keys, in order) by model -------------------------------------
TEXT = ("total_calls", "input_tokens", "output_tokens", "total_tokens", "total_amount")
METRICS: dict[int, tuple[str, ...]] = {
    **dict.fromkeys(range(1, 7), TEXT), 7: ("total_calls", "input_tokens", "total_tokens", "total_amount"),
    8: ("total_calls", "image_count", "total_amount"), 9: ("total_calls", "video_duration", "total_amount"),
    10: ("total_calls", "video_duration", "total_amount"), 11: ("total_calls", "asr_duration", "total_amount"),
    12: ("total_calls", "characters", "total_amount")}
