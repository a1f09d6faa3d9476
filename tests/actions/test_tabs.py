"""ModelRouterBillingCostTabs (GET billing/cost/tabs): the model-type tabs, and its validation rows."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from family_helpers import COST, call, own_invalid, refused, sdk, sdk_invalid
from helpers import DAY, MARCH_1
from kit import assert_invalid

from emulator.server import Emulator

SPAN = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY}


def test_tabs(aicontent_client: Any) -> None:
    body = sdk(aicontent_client, "tabs")
    assert all(isinstance(t, models.CostTabDTO) for t in body.data)
    assert [(t.key, t.label, t.model_types) for t in body.data] == [
        ("all", "全部", []), ("chat", "对话", ["Chat"]), ("omni", "全模态", ["ChatMultimodal", "ChatFullmodal"]),
        ("vision", "视觉", ["ImageGeneration", "ImageEdit", "VideoGeneration", "VideoImageGeneration"]),
        ("embedding", "向量", ["Embedding", "Rerank", "MultimodalEmbedding", "MultimodalRerank"]),
        ("speech", "语音", ["ASR", "TTS"])]
    assert body.max_results == 6 and body.next_token == ""


# -- validation rows: its own (raw), and through the SDK ----------------------------------------
OWN_CASES = own_invalid("tabs")


@pytest.mark.parametrize("action, change, name, reason", OWN_CASES,
                         ids=[f"{a}-{n}:{r[:24]}:{str(list(c.values())[0])[:12]}" for a, c, n, r in OWN_CASES])
def test_own_cases(aicontent_emulator: Emulator, action: str, change: dict, name: str, reason: str) -> None:
    base = SPAN if action in COST else {}
    assert_invalid(call(aicontent_emulator.url, action, {**base, **change}), name, reason)


SDK_CASES = sdk_invalid("tabs")


@pytest.mark.parametrize("name, kw, wire, reason", SDK_CASES, ids=[f"{c[0]}-{c[2]}-{c[3][:20]}" for c in SDK_CASES])
def test_invalid_parameter(aicontent_client: Any, name: str, kw: dict, wire: str, reason: str) -> None:
    err = refused(aicontent_client, name, **kw)
    assert (err.code, err.status_code) == ("InvalidParameter", 400)
    message = err.data["Message"]
    assert message.startswith(f'The parameter "{wire}" is invalid: ') and reason in message, message
