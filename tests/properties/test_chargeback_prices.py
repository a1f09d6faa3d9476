"""The chargeback breakdown's amounts against the prices, as a property test over random hourly
spans, filters, model sets (often the tiered model 2, qwen-max), accounts, seeds, forms, a data
clock and usage events (factors, and exact figures without an amount; tests/chargeback_situations.py):
each hourly row's payableAmount is its usage × the prices QueryBillingRuleList lists, to 0.0001 元
(a tiered model at its tiers' share-weighted mean, the fixture's shares); a tiered row's tiers
add up to the row (values and payableAmount), each tier's amount within 0.0002 元 of its usage at
its listed prices. And the hour holding the data clock, priced like the others."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from chargeback_helpers import decode, get, minor, ok, rows
from chargeback_situations import COST, HOUR, MODEL_SETS, PROPS, TIERED, Situation, situations, two_emulators
from family_helpers import WIRE_TYPE
from helpers import ts
from hypothesis import given

from emulator.server import Emulator


@pytest.fixture(scope="module")
def emus() -> Iterator[list[Emulator]]:
    yield from two_emulators()


@pytest.fixture(scope="module")
def prices(emus: list[Emulator]) -> dict[int, dict[str, Any]]:
    listed = ok(get(emus[0], "QueryBillingRuleList", pageSize=100))["data"]["list"]
    assert listed == ok(get(emus[1], "QueryBillingRuleList", pageSize=100))["data"]["list"]
    return {r["modelId"]: r["pricingConfig"] for r in listed}


def unit_prices(model: int, config: dict[str, Any]) -> dict[str, Decimal]:
    """元 per unit of each metric, from a listed pricingConfig (a tiered model: share-weighted mean)."""
    def d(x: float) -> Decimal:
        return Decimal(str(x))

    kind = {"Chat": "text", "ChatMultimodal": "text", "Embedding": "embedding"}.get(WIRE_TYPE[model], WIRE_TYPE[model])
    if kind == "text":
        shares = [Decimal(t["share"]) / 1000 for t in TIERED.get(model, [{"share": 1000}])]
        tiers = config["tiers"]
        assert len(shares) == len(tiers)
        return {f"{side}_tokens": sum(s * d(t[f"{side}_price"]) for s, t in zip(shares, tiers)) / 10**6
                for side in ("input", "output")}
    if kind == "embedding":
        return {"input_tokens": d(config["input_price"]) / 10**6}
    if kind == "ImageGeneration":
        return {"image_count": d(config["price_per_image"])}
    if kind in ("VideoGeneration", "VideoImageGeneration"):
        return {"video_duration": d(config["default_price_per_second"])}
    if kind == "ASR":
        return {"asr_duration": d(config["price_per_unit"])}
    return {"characters": d(config["price_per_unit"]) / 10_000}


@PROPS
@given(s=situations(max_hours=48, daily=False, set_amounts=False, model_sets=[{"modelId": 2}] * 6 + MODEL_SETS))
def test_amounts_are_usage_times_the_listed_prices(emus: list[Emulator], prices: dict[int, dict[str, Any]],
                                                   s: dict[str, Any]) -> None:
    cutoff = s["clock"][0] - 60 * s["clock"][1] if s["clock"] else None
    with Situation(emus, s) as sit:
        for r in sit.rows():
            if cutoff is not None and r["summaryTime"] <= cutoff < r["summaryTime"] + HOUR:
                continue  # the hour holding the data clock: test_the_hour_holding_the_clock_is_priced_like_the_others
            m, values = r["modelId"], decode(r["values"], sit.double)
            unit = unit_prices(m, prices[m])
            exact = sum(Decimal(values[k]) * p for k, p in unit.items())
            payable = Decimal(str(r["payableAmount"]))
            assert abs(exact - payable) < Decimal("0.0001"), (r["summaryTime"], m, r["apiKeyId"], exact, payable)
            if m not in TIERED:
                assert r["tiers"] == []
                continue
            tiers = [decode(t["values"], sit.double) for t in r["tiers"]]
            for side in ("input_tokens", "output_tokens"):
                assert sum(t[side] for t in tiers) == values[side]
            assert sum(minor(t["payableAmount"]) for t in r["tiers"]) == minor(r["payableAmount"])
            split = Decimal(0)
            for t, listed, got in zip(tiers, prices[m]["tiers"], r["tiers"]):
                cost = (t["input_tokens"] * Decimal(str(listed["input_price"])) + t["output_tokens"] * Decimal(
                    str(listed["output_price"]))) / 10**6
                assert abs(cost - Decimal(str(got["payableAmount"]))) < Decimal("0.0002")
                split += cost
            assert abs(split - payable) < Decimal("0.00012")


@pytest.mark.parametrize("model, elapsed", [(8, 600), (8, 3599), (12, 1800), (9, 2400)])
def test_the_hour_holding_the_clock_is_priced_like_the_others(emus: list[Emulator], model: int, elapsed: int,
                                                              prices: dict[int, dict[str, Any]]) -> None:
    """README: that hour has "the elapsed share of its final figures", and a row's amount is its
    usage × the listed prices to 0.0001 元: the share of the amount must be the price of the
    share of the usage (an image model's 0 images must not cost 0.0466 元)."""
    emu, hour = emus[0], ts(2023, 1, 1, 5)
    emu.reset()
    try:
        emu.clock.set(hour + elapsed, lag_minutes=0)
        for r in rows(emu, COST, startTime=hour, endTime=hour + HOUR, granularity="hourly", modelId=model):
            values = decode(r["values"])
            exact = sum(Decimal(values[k]) * p for k, p in unit_prices(model, prices[model]).items())
            assert abs(exact - Decimal(str(r["payableAmount"]))) < Decimal("0.0001"), (r["apiKeyId"], values)
    finally:
        emu.reset()
