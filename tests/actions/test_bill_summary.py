"""ModelRouterGetBillingBillSummary (GET billing/bills/summary): the amount of a span
and its points, by model, and its validation rows."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from family_helpers import COST, call, decode, minor, own_invalid, refused, sdk, sdk_invalid
from helpers import DAY, MARCH_1
from kit import assert_invalid

from emulator.server import Emulator

SPAN = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY}


def test_bill_summary_fields(aicontent_client: Any) -> None:
    body = sdk(aicontent_client, "summary")
    assert isinstance(body.data, models.BillingBillSummaryRespDTO)
    assert [p.timestamp for p in body.data.points] == [MARCH_1 + h * 3600 for h in range(48)]
    assert all(isinstance(p, models.BillingBillSummaryPointDTO) for p in body.data.points)
    assert sum(minor(p.total_amount) for p in body.data.points) == minor(body.data.total_amount) > 0
    overview = {m.key: m.value for m in sdk(aicontent_client, "overview").data}
    assert minor(body.data.total_amount) == minor(overview["total_amount"])
    assert body.max_results == 48 and body.next_token == ""


def test_bill_summary_model_id(aicontent_client: Any) -> None:
    rows = {r.model_id: decode(r.values) for r in sdk(aicontent_client, "models").data.rows}
    for model in (1, 6, 10, 12):
        one = sdk(aicontent_client, "summary", model_id=model).data
        assert minor(one.total_amount) == rows[model]["total_amount"] > 0
        assert sum(minor(p.total_amount) for p in one.points) == minor(one.total_amount)


# -- validation rows: its own (raw), and through the SDK ----------------------------------------
OWN_CASES = own_invalid("summary")


@pytest.mark.parametrize("action, change, name, reason", OWN_CASES,
                         ids=[f"{a}-{n}:{r[:24]}:{str(list(c.values())[0])[:12]}" for a, c, n, r in OWN_CASES])
def test_own_cases(aicontent_emulator: Emulator, action: str, change: dict, name: str, reason: str) -> None:
    base = SPAN if action in COST else {}
    assert_invalid(call(aicontent_emulator.url, action, {**base, **change}), name, reason)


SDK_CASES = sdk_invalid("summary")


@pytest.mark.parametrize("name, kw, wire, reason", SDK_CASES, ids=[f"{c[0]}-{c[2]}-{c[3][:20]}" for c in SDK_CASES])
def test_invalid_parameter(aicontent_client: Any, name: str, kw: dict, wire: str, reason: str) -> None:
    err = refused(aicontent_client, name, **kw)
    assert (err.code, err.status_code) == ("InvalidParameter", 400)
    message = err.data["Message"]
    assert message.startswith(f'The parameter "{wire}" is invalid: ') and reason in message, message
