"""ModelRouterQueryCostModelList (GET billing/cost/models): cost by model, through the SDK
and on the wire, its search, and its validation rows."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from family_helpers import (
    CODES,
    COST,
    USAGE_KEYS,
    call,
    cost_row_ids,
    minor,
    own_invalid,
    refused,
    sdk,
    sdk_invalid,
)
from helpers import DAY, MARCH_1
from kit import assert_invalid

from emulator.server import Emulator

SPAN = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY}


def test_cost_model_list_fields(aicontent_client: Any) -> None:
    body = sdk(aicontent_client, "models")
    data = body.data
    assert isinstance(data, models.CostQueryModelsDTO)
    assert (data.id_field, data.name_field) == ("model_id", "model_name")
    assert [c.key for c in data.columns] == USAGE_KEYS + ["total_amount"]
    assert len(data.rows) == 12 and body.max_results == 20 and body.next_token == ""
    row = data.rows[0]
    assert isinstance(row, models.ModelRowDTO) and isinstance(row.model_id, int)
    assert row.model_code == CODES[row.model_id] and row.model_name
    amounts = [minor(json.loads(r.values)["total_amount"]) for r in data.rows]
    assert amounts == sorted(amounts, reverse=True)
    for r in data.rows:
        assert list(json.loads(r.values)) == [c.key for c in data.columns]


@pytest.mark.parametrize("search, ids", [
    ("QWEN", [1, 2, 3, 4, 6]), ("万相", [8, 9, 10]), ("T2", [8, 9]), ("通义千问-", [1, 2, 3, 4]),
    ("cosyvoice-V2", [12]), ("no-such-model", [])])
def test_search(aicontent_client: Any, search: str, ids: list[int]) -> None:
    assert sorted(cost_row_ids(aicontent_client, search=search)) == ids


# -- validation rows: its own (raw), and through the SDK ----------------------------------------
OWN_CASES = own_invalid("models")


@pytest.mark.parametrize("action, change, name, reason", OWN_CASES,
                         ids=[f"{a}-{n}:{r[:24]}:{str(list(c.values())[0])[:12]}" for a, c, n, r in OWN_CASES])
def test_own_cases(aicontent_emulator: Emulator, action: str, change: dict, name: str, reason: str) -> None:
    base = SPAN if action in COST else {}
    assert_invalid(call(aicontent_emulator.url, action, {**base, **change}), name, reason)


SDK_CASES = sdk_invalid("models")


@pytest.mark.parametrize("name, kw, wire, reason", SDK_CASES, ids=[f"{c[0]}-{c[2]}-{c[3][:20]}" for c in SDK_CASES])
def test_invalid_parameter(aicontent_client: Any, name: str, kw: dict, wire: str, reason: str) -> None:
    err = refused(aicontent_client, name, **kw)
    assert (err.code, err.status_code) == ("InvalidParameter", 400)
    message = err.data["Message"]
    assert message.startswith(f'The parameter "{wire}" is invalid: ') and reason in message, message
