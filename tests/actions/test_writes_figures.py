"""History does not change, the future follows: what the key and model writes do to the figures
(the cost breakdown, model-detail, the overview). The alert case of the README: a key over budget
disabled at 12:20 keeps its share of hour 12 and accrues nothing after, while the other keys go on;
a key created at T counts from T (a partial hour keeps the share of its seconds, each figure
floored), a disabled key nothing until enabled again, an expired key nothing after its expiry (a
renewal moves it), a deleted key nothing after and its past everywhere; a model created at T has
no usage before, a disabled or deleted one accrues nothing after. Prices are test_writes_prices.py."""

from __future__ import annotations

import json
from typing import Any

from alibabacloud_aicontent20240611 import models
from chargeback_helpers import get
from writes_helpers import (
    CHAT,
    D0,
    DAY,
    HOUR,
    amount,
    assert_exact_sums,
    beijing,
    breakdown,
    detail,
    key_cells,
    made,
    refuse,
    rfc3339,
    write,
)

from emulator.server import Emulator

ZERO = {"total_calls": 0, "input_tokens": 0, "output_tokens": 0, "total_tokens": 0, "total_amount": 0, "payable": 0}
SET = {"total_calls": 100, "input_tokens": 12345, "output_tokens": 6789}  # an exact hour, for shares that floor


def at(hour: int, minute: int = 0) -> int:
    """An instant of 2026-03-10, Beijing time."""
    return D0 + hour * HOUR + minute * 60


def share(seconds: int) -> dict[str, int]:
    """SET's figures for `seconds` of an hour, each floored, priced at model 1's fixture price
    (0.8 元 and 2 元 per million tokens, floored to 0.0001 元)."""
    if seconds == 0:
        return ZERO
    calls, i, o = (SET[k] * seconds // HOUR for k in ("total_calls", "input_tokens", "output_tokens"))
    cost = (i * 8 + o * 20) // 1000
    return {"total_calls": calls, "input_tokens": i, "output_tokens": o, "total_tokens": i + o, "total_amount": cost,
            "payable": cost}


def spent_today(client: Any, key: int, client_id: int) -> float:
    """The alert under test: a key's spend on model 1 today, summed from model-detail's hourly rows."""
    req = models.ModelRouterQueryCostModelDetailRequest(model_id=1, start_time=D0, end_time=D0 + DAY, page_size=24,
                                                        client_id=client_id, api_key_id=key)
    rows = client.model_router_query_cost_model_detail(req).body.data.rows
    return sum(json.loads(r.values)["total_amount"] for r in rows)


def test_the_alert_case_a_key_over_budget_disabled_at_1220(emu: Emulator) -> None:
    client = emu.client("admin")
    span = (at(11), at(15))
    before = breakdown(emu, *span, clientId=2, modelId=1)
    budget = spent_today(client, 5101, 2) / 2
    assert spent_today(client, 5101, 2) > budget  # over budget: the code under test disables it
    answer = client.model_router_update_api_key_status("5101", models.ModelRouterUpdateApiKeyStatusRequest(
        status="disabled")).body
    assert (answer.code, answer.message, answer.success, answer.data.id, answer.data.status) == (
        200, "success", True, 5101, "disabled")
    assert breakdown(emu, *span, clientId=2, modelId=1) == before  # nothing moves at the instant itself
    emu.clock.set("2026-03-10T14:30:00+08:00")
    after = breakdown(emu, *span, clientId=2, modelId=1)
    mine, was = key_cells(after, 5101), key_cells(before, 5101)
    assert mine[at(11)] == was[at(11)] and mine[at(12)] == was[at(12)] and mine[at(12)]["total_calls"] > 0
    assert mine[at(13)] == ZERO and mine[at(14)] == ZERO
    for other in (5102, 5103, 5104, 5105):  # the other keys keep accruing
        theirs, had = key_cells(after, other), key_cells(before, other)
        assert theirs[at(12)]["total_calls"] >= had[at(12)]["total_calls"]
        assert theirs[at(13)]["total_calls"] > 0 and theirs[at(14)]["total_calls"] > 0, other
    rows = detail(emu, 1, *span, clientId=2, apiKeyId=5101)
    assert rows[at(12)] == {k: v for k, v in was[at(12)].items() if k != "payable"}
    assert rows[at(13)]["total_calls"] == rows[at(14)]["total_calls"] == 0
    assert amount(emu, at(13), at(15), clientId=2, apiKeyId=5101) == 0
    assert amount(emu, at(13), at(15), clientId=2) > 0
    assert spent_today(client, 5101, 2) == spent_today(client, 5101, 2)  # and stays put
    emu.clock.set("2026-03-10T18:00:00+08:00")
    assert amount(emu, at(13), at(18), clientId=2, apiKeyId=5101) == 0
    assert_exact_sums(emu, at(10), at(18), clientId=2)


def test_a_key_created_at_t_counts_from_t_only(emu: Emulator) -> None:
    client = emu.client("admin")
    key = made(client, "CreateApiKey", clientId=2)["id"]
    emu.usage_events.add({"startTime": at(10), "endTime": at(17), "apiKeyId": key, "modelId": 1, "set": SET})
    emu.clock.set("2026-03-10T15:30:00+08:00")
    cells = key_cells(breakdown(emu, at(9), at(17), clientId=2, modelId=1), key)
    assert [cells[at(h)] for h in range(9, 17)] == [ZERO, ZERO, ZERO, share(2400), share(HOUR), share(HOUR),
                                                    share(1800), ZERO]
    assert share(2400)["total_calls"] == 66 and share(HOUR)["total_amount"] == 234  # floored, not rounded
    others = breakdown(emu, D0 - DAY, at(16), "daily", clientId=2, apiKeyId=key)
    assert {m for (_, m, _), v in others.items() if v["total_calls"]} == {1}  # no generated usage of its own
    assert amount(emu, D0, at(12), clientId=2, apiKeyId=key) == 0
    assert_exact_sums(emu, at(9), at(17), clientId=2)


def test_disabled_until_enabled_again(emu: Emulator) -> None:
    client = emu.client("admin")
    key = made(client, "CreateApiKey", clientId=2)["id"]
    emu.usage_events.add({"startTime": at(10), "endTime": at(20), "apiKeyId": key, "modelId": 1, "set": SET})
    emu.clock.set("2026-03-10T12:40:00+08:00")
    assert made(client, "UpdateApiKeyStatus", key, status="disabled") == {"id": key, "status": "disabled"}
    emu.clock.set("2026-03-10T13:10:00+08:00")
    assert made(client, "UpdateApiKeyStatus", key, status="active") == {"id": key, "status": "active"}
    emu.clock.set("2026-03-10T14:00:00+08:00")
    cells = key_cells(breakdown(emu, at(12), at(15), clientId=2, modelId=1), key)
    assert [cells[at(h)] for h in (12, 13, 14)] == [share(1200), share(3000), ZERO]  # 12:20-12:40, 13:10-14:00
    emu.clock.set("2026-03-10T15:00:00+08:00")
    assert key_cells(breakdown(emu, at(14), at(15), clientId=2, modelId=1), key)[at(14)] == share(HOUR)


def test_the_same_status_twice_changes_nothing(emu: Emulator) -> None:
    client = emu.client("admin")
    write(client, "UpdateApiKeyStatus", 5102, status="disabled")
    emu.clock.advance(1800)
    listed = get(emu, "QueryApiKey", 5102).json()["data"]
    write(client, "UpdateApiKeyStatus", 5102, status="disabled")
    assert get(emu, "QueryApiKey", 5102).json()["data"] == listed and listed["gmtModified"] == "2026-03-10T04:20:00Z"
    write(client, "UpdateApiKeyStatus", 5103, status="active")  # active already
    emu.clock.set("2026-03-10T16:00:00+08:00")
    assert key_cells(breakdown(emu, at(13), at(15), clientId=2, modelId=1), 5103)[at(14)]["total_calls"] > 0
    assert amount(emu, at(13), at(16), clientId=2, apiKeyId=5102) == 0


def test_an_expired_key_accrues_nothing_until_renewed(emu: Emulator) -> None:
    client = emu.client("admin")
    key = made(client, "CreateMemberApiKey", 2, 1002, expireAt=beijing(at(13, 30)))["apiKeyId"]
    emu.usage_events.add({"startTime": at(12), "endTime": at(20), "apiKeyId": key, "modelId": 1, "set": SET})
    emu.clock.set("2026-03-10T14:30:00+08:00")
    listed = get(emu, "GetMemberApiKeys", 2, 1002).json()["data"]["list"]
    assert [(k["id"], k["expireAt"], k["status"]) for k in listed][-1] == (key, "2026-03-10T05:30:00Z", "active")
    cells = key_cells(breakdown(emu, at(12), at(15), clientId=2, modelId=1), key)
    assert [cells[at(h)] for h in (12, 13, 14)] == [share(2400), share(1800), ZERO]
    refuse(emu, client, "RenewApiKey", key, field="expireAt", says="later than the current time",
           expireAt=rfc3339(at(14, 30)))
    renewed = made(client, "RenewApiKey", key, expireAt=rfc3339(at(16)))
    assert renewed == {"expireAt": "2026-03-10T08:00:00Z", "id": key, "status": "active"}
    emu.clock.set("2026-03-10T17:00:00+08:00")
    cells = key_cells(breakdown(emu, at(12), at(17), clientId=2, modelId=1), key)
    assert [cells[at(h)] for h in range(12, 17)] == [share(2400), share(1800), share(1800), share(HOUR), ZERO]
    assert made(client, "RenewApiKey", key) == {"id": key, "status": "active"}  # no expireAt: never again
    assert get(emu, "GetMemberApiKeys", 2, 1002).json()["data"]["list"][-1]["expireAt"] == ""
    emu.clock.set("2026-03-10T18:00:00+08:00")
    assert key_cells(breakdown(emu, at(17), at(18), clientId=2, modelId=1), key)[at(17)] == share(HOUR)


def test_renewing_a_disabled_key_keeps_it_disabled(emu: Emulator) -> None:
    client = emu.client("admin")
    write(client, "UpdateApiKeyStatus", 5102, status="disabled")
    assert made(client, "RenewApiKey", 5102, expireAt=rfc3339(at(23)))["status"] == "disabled"
    emu.clock.set("2026-03-10T16:00:00+08:00")
    assert amount(emu, at(13), at(16), clientId=2, apiKeyId=5102) == 0


def test_batch_disable_stops_every_key_of_the_members(emu: Emulator) -> None:
    client = emu.client("admin")
    before = breakdown(emu, at(11), at(13), clientId=2, modelId=1)
    assert made(client, "BatchDisableMemberApiKeys", 2, userIds=[1001]) == {"failed": [], "succeeded": [1001]}
    emu.clock.set("2026-03-10T15:00:00+08:00")
    after = breakdown(emu, at(11), at(15), clientId=2, modelId=1)
    for key in (5101, 5105):
        assert key_cells(after, key)[at(12)] == key_cells(before, key)[at(12)]
        assert key_cells(after, key)[at(13)] == key_cells(after, key)[at(14)] == ZERO
    assert key_cells(after, 5102)[at(13)]["total_calls"] > 0


def test_a_deleted_key_keeps_its_past_everywhere(emu: Emulator) -> None:
    client = emu.client("admin")
    morning = amount(emu, D0, at(12))
    hour = key_cells(breakdown(emu, at(11), at(13), clientId=2, modelId=1), 5102)
    write(client, "DeleteApiKey", 5102)
    emu.clock.set("2026-03-11T09:00:00+08:00")
    assert amount(emu, D0, at(12)) == morning  # the organisation's morning is as it was
    cells = key_cells(breakdown(emu, at(11), at(16), clientId=2, modelId=1), 5102)
    assert cells[at(11)] == hour[at(11)] and cells[at(12)] == hour[at(12)] and hour[at(11)]["total_calls"] > 0
    assert all(cells[at(h)] == ZERO for h in (13, 14, 15))
    assert amount(emu, at(13), D0 + DAY, clientId=2, apiKeyId=5102) == 0
    rows = detail(emu, 1, at(11), at(13), clientId=2, apiKeyId=5102)
    assert rows[at(11)]["total_amount"] == hour[at(11)]["total_amount"] > 0
    assert_exact_sums(emu, at(10), at(16), clientId=2)


def test_a_model_created_at_t(emu: Emulator) -> None:
    client = emu.client("admin")
    model = made(client, "CreateModel", **CHAT)["id"]
    emu.usage_events.add({"startTime": at(10), "endTime": at(17), "apiKeyId": 5104, "modelId": model, "set": SET})
    emu.clock.set("2026-03-10T15:30:00+08:00")
    cells = key_cells(breakdown(emu, at(10), at(17), clientId=2, modelId=model), 5104)
    unpriced = [{**share(s), "total_amount": 0, "payable": 0} for s in (0, 0, 2400, HOUR, HOUR, 1800, 0)]
    assert [cells[at(h)] for h in range(10, 17)] == unpriced  # no price yet: nothing to pay
    assert all(v["total_calls"] == 0 for k, v in breakdown(emu, at(10), at(17), clientId=2, modelId=model).items()
               if k[2] != 5104)  # no generated usage
    assert_exact_sums(emu, at(10), at(17), clientId=2)
    assert detail(emu, model, D0 - DAY, D0)[D0 - DAY]["total_calls"] == 0


def test_a_disabled_model_accrues_nothing_until_enabled(emu: Emulator) -> None:
    client = emu.client("admin")
    before = breakdown(emu, at(11), at(13), modelId=3)
    assert made(client, "UpdateModel", 3, status=0)["deleteTag"] == 1
    emu.clock.set("2026-03-10T14:30:00+08:00")
    after = breakdown(emu, at(11), at(15), modelId=3)
    assert {k: v for k, v in after.items() if k[0] < at(13)} == before
    assert all(v == ZERO for k, v in after.items() if k[0] >= at(13))
    assert made(client, "UpdateModel", 3, status=1)["deleteTag"] == 0
    emu.clock.set("2026-03-10T16:00:00+08:00")
    later = breakdown(emu, at(14), at(16), modelId=3)
    assert sum(v["total_calls"] for k, v in later.items() if k[0] == at(14)) > 0  # 14:30-15:00
    assert sum(v["total_calls"] for k, v in later.items() if k[0] == at(15)) > 0
    assert_exact_sums(emu, at(11), at(16), clientId=3)


def test_a_deleted_model_keeps_its_past(emu: Emulator) -> None:
    client = emu.client("admin")
    model = made(client, "CreateModel", **CHAT)["id"]
    emu.usage_events.add({"startTime": at(12), "endTime": at(20), "apiKeyId": 5104, "modelId": model, "set": SET})
    emu.clock.set("2026-03-10T14:00:00+08:00")
    past = breakdown(emu, at(12), at(18), modelId=model, clientId=2)
    write(client, "DeleteModel", model)
    refuse(emu, client, "QueryModel", model, field="id", says=f"no model has id {model}")
    emu.clock.set("2026-03-10T18:00:00+08:00")
    assert breakdown(emu, at(12), at(18), modelId=model, clientId=2) == past
    assert key_cells(past, 5104, model)[at(13)]["total_calls"] == 100
    listed = get(emu, "QueryCostModelList", startTime=at(12), endTime=at(18), maxResults=50).json()["data"]["rows"]
    assert model in [r["modelId"] for r in listed]  # the cost by model still shows what it spent


def test_every_exact_sum_still_holds_after_changes(emu: Emulator) -> None:
    client = emu.client("admin")
    key = made(client, "CreateMemberApiKey", 2, 1003)["apiKeyId"]
    emu.usage_events.add({"startTime": at(8), "endTime": at(22), "apiKeyId": key, "modelId": 2, "set": SET})
    write(client, "UpdateApiKeyStatus", 5101, status="disabled")
    write(client, "UpdateBillingRule", 1, pricingConfig={"tiers": [
        {"min_tokens": 0, "max_tokens": 0, "input_price": 3, "output_price": 7}]})
    emu.clock.set("2026-03-10T17:45:00+08:00")
    write(client, "DeleteApiKey", 5103)
    write(client, "UpdateApiKeyStatus", 5101, status="active")
    emu.clock.set("2026-03-11T02:10:00+08:00")
    cells = assert_exact_sums(emu, D0 - DAY, D0 + DAY, clientId=2)
    assert {m for _, m, _ in cells} == {1, 2, 3, 4, 5}
    daily = breakdown(emu, D0 - DAY, D0 + DAY, "daily", clientId=2, modelTypes="Chat")
    by_day: dict[tuple[int, int, int], dict[str, int]] = {}
    for (t, m, k), v in cells.items():
        into = by_day.setdefault((D0 - DAY if t < D0 else D0, m, k), {})
        for name, x in v.items():
            into[name] = into.get(name, 0) + x
    assert by_day == daily  # days are the sums of their hours
    assert_exact_sums(emu, D0 - DAY, D0 + DAY, "Embedding,TTS", clientId=2)
