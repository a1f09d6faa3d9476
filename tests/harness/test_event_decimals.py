"""The decimals of usage events follow one strict grammar (issue 17, item 6).

`set.total_amount` and `factor`: ASCII digits, an optional point, at most 4 decimals, no sign,
exponent, space, underscore or other digits, whatever JSON type they come as. Anything else is a
400 naming the field (never a 500: `1e999999999` overflowed the decimal context), and nothing is
added; the event's amount, when accepted, is exactly the one given.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from helpers import API, rows, ts

from emulator.server import Emulator

HOUR = ts(2024, 3, 1, 12)
KEY, MODEL = 5101, 1  # an API key of department 2 (member 1001), and qwen-plus


def set_event(amount: Any) -> dict[str, Any]:
    return {"startTime": HOUR, "endTime": HOUR + 3600, "apiKeyId": KEY, "modelId": MODEL,
            "set": {"total_calls": 5, "input_tokens": 4000, "output_tokens": 1000, "total_amount": amount}}


def post(http: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    """The body as JSON text exactly as given (json.dumps keeps 1e-05 as `1e-05`)."""
    return http.post("/_emulator/usage-events", content=json.dumps(body, ensure_ascii=False).encode(),
                     headers={"content-type": "application/json"})


def assert_refused(http: httpx.Client, r: httpx.Response, field: str) -> None:
    assert r.status_code == 400, (r.status_code, r.text[:300])
    error = r.json()
    assert error["Code"] == "InvalidParameter"
    assert error["Message"].startswith(f'The parameter "{field}" is invalid'), error["Message"]
    assert http.get("/_emulator/usage-events").json() == []


REFUSED_AMOUNTS = ["1e999999999", "1E+999999999", "1e-999999999", "١٢", "1_000", "  1.5 ", "1.23456", "-1",
                   "1e3", "+1", "1.", ".5", "NaN", "Infinity", "", "1,5", "１２", "0x10", "12.50000",
                   "1" * 16, -1, 1e-05, 1e16]


@pytest.mark.parametrize("amount", REFUSED_AMOUNTS, ids=[repr(a) for a in REFUSED_AMOUNTS])
def test_a_malformed_total_amount_is_a_400_naming_it(http: httpx.Client, amount: Any) -> None:
    assert_refused(http, post(http, set_event(amount)), "set.total_amount")


@pytest.mark.parametrize(("amount", "minor"), [("12.5", 125_000), (12, 120_000), ("0.0001", 1), (12.5, 125_000),
                                               ("0", 0), ("0012", 120_000), ("123456789.1234", 1_234_567_891_234)])
def test_a_well_formed_total_amount_is_accepted_exactly(aicontent_emulator: Emulator, http: httpx.Client,
                                                       amount: Any, minor: int) -> None:
    r = post(http, set_event(amount))
    assert r.status_code == 201, r.text[:300]
    assert r.json()["set"]["total_amount"] == amount  # as given
    assert len(http.get("/_emulator/usage-events").json()) == 1
    page = http.get(API, params={"modelId": MODEL, "clientId": 2, "apiKeyId": KEY, "startTime": HOUR,
                                 "endTime": HOUR + 3600}, headers={"accept": "application/json"})
    assert page.status_code == 200, page.text[:300]
    (row,) = rows(page.json())
    assert (row["total_calls"], row["input_tokens"], row["output_tokens"]) == (5, 4000, 1000)
    assert row["total_amount"] == minor
    # as printed: at most 4 decimals, the same figure
    printed = json.loads(page.json()["data"]["rows"][0]["values"], parse_float=Decimal)["total_amount"]
    assert printed == Decimal(minor) / 10_000


REFUSED_FACTORS: list[Any] = [1e-05, 1.5e-7, 0.00005, -1, "0.5", "1e2", True, 1e20]


@pytest.mark.parametrize("factor", REFUSED_FACTORS, ids=[repr(f) for f in REFUSED_FACTORS])
def test_a_malformed_factor_is_a_400_naming_it(http: httpx.Client, factor: Any) -> None:
    body = {"startTime": HOUR, "endTime": HOUR + 3600, "factor": factor}
    assert_refused(http, post(http, body), "factor")


@pytest.mark.parametrize("factor", [0.5, 0, 2, 0.0001, 10.25])
def test_a_well_formed_factor_is_accepted(http: httpx.Client, factor: Any) -> None:
    r = post(http, {"startTime": HOUR, "endTime": HOUR + 3600, "modelId": MODEL, "factor": factor})
    assert r.status_code == 201, r.text[:300]
    assert r.json()["factor"] == factor
    assert [e["factor"] for e in http.get("/_emulator/usage-events").json()] == [factor]


def test_the_python_api_refuses_them_too(aicontent_emulator: Emulator) -> None:
    from emulator.validation import FieldError

    for amount in ("1e999999999", "١٢", "1_000", " 1.5 "):
        with pytest.raises(FieldError, match="set.total_amount"):
            aicontent_emulator.usage_events.add(**set_event(amount))
    with pytest.raises(FieldError, match="factor"):
        aicontent_emulator.usage_events.add(startTime=HOUR, endTime=HOUR + 3600, factor=1e-05)
    assert aicontent_emulator.usage_events.events == ()
    assert aicontent_emulator.usage_events.add(startTime=HOUR, endTime=HOUR + 3600, factor=0.5).id >= 1
