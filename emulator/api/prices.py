"""The prices the amounts are computed with, as the SDK's billing rules show them
(QueryBillingRuleList, `pricingConfig` by billing type [sdk]), and the context tiers of a
tiered (Chat) price as the breakdown's rows show them.

A model's amount per key and hour is floor(Σ usage × unit price) in 0.0001 元, from exactly the
prices listed here: a tiered model's unit price is its tiers' share-weighted mean, so a client
that prices a row's tier split with the listed tiers gets the same amount to 0.0001 元.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from emulator.api import dto, reply
from emulator.api.call import Call
from emulator.api.directory import page_of
from emulator.api.text import amount, quoted, values
from emulator.domain.scenario import Model, Tier
from emulator.domain.usage import allocate

EFFECTIVE = "2023-01-01T00:00:00+08:00"  # the fixture's prices hold from the data window's start [choice]
BILLING_TYPES = {"text": "token_tiered", "embedding": "token_flat", "image": "per_image", "video": "video_matrix",
                 "speech_recognition": "per_duration", "speech_synthesis": "per_character"}


def _per(price_list: tuple[tuple[str, str, int], ...], metric: str, units: int) -> float | None:
    """The listed price of `metric` per `units` of it, as a JSON number (None: not priced)."""
    for name, yuan, per in price_list:
        if name == metric:
            return float(Decimal(yuan) * units / per)
    return None


def _tiers(model: Model) -> tuple[Tier, ...]:
    return model.tiers or (Tier(0, 1000, model.price_list),)


def pricing_config(model: Model) -> dict[str, Any]:
    """The model's prices in the SDK's pricingConfig form for its billing type (CNY per million
    tokens, per image, per second, per 10,000 characters); a price per call, which the SDK's
    forms lack, as `price_per_call` [choice]."""
    kind, prices = model.type.name, model.price_list
    config: dict[str, Any]
    if kind == "text":
        config, low = {"tiers": []}, 0
        for t in _tiers(model):
            tier = {"min_tokens": low, "max_tokens": t.max_tokens,
                    "input_price": _per(t.price_list, "input_tokens", 10**6) or 0.0,
                    "output_price": _per(t.price_list, "output_tokens", 10**6) or 0.0}
            config["tiers"].append(tier)
            low = t.max_tokens
        prices = _tiers(model)[0].price_list
    elif kind == "embedding":
        config = {"input_price": _per(prices, "input_tokens", 10**6) or 0.0}
    elif kind == "image":
        config = {"price_per_image": _per(prices, "image_count", 1) or 0.0}
    elif kind == "video":
        second = _per(prices, "video_duration", 1) or 0.0
        config = {"tiers": [{"resolution": 720, "has_audio": 0, "price_per_second": second}],
                  "default_price_per_second": second}
    elif kind == "speech_recognition":
        config = {"price_per_unit": _per(prices, "asr_duration", 1) or 0.0}
    else:
        config = {"price_per_unit": _per(prices, "characters", 10_000) or 0.0}
    per_call = _per(prices, "total_calls", 1)
    if per_call is not None:
        config["price_per_call"] = per_call
    return config


def rule_dto(model: Model) -> dict[str, Any]:
    """The model's billing rule; its id is the model's ([choice]: one rule per model)."""
    return {"billingType": BILLING_TYPES[model.type.name], "deleteTag": 0, "effectiveTime": EFFECTIVE,
            "expireTime": "", "gmtCreate": dto.GMT, "gmtModified": dto.GMT, "id": model.id, "modelCode": model.code,
            "modelId": model.id, "modelName": model.name, "modelType": model.wire_type,
            "pricingConfig": pricing_config(model), "symbol": model.symbol, "version": 1}


def rule_list(call: Call) -> bytes:
    """Every model's rule: modelId, modelCode, modelType (case-insensitive), activeOnly (every
    rule is in force); both paging styles."""
    args = call.args
    models = list(call.world.scenario.models.values())
    if "modelId" in args:
        models = [m for m in models if m.id == args["modelId"]]
    if args.get("modelCode"):
        models = [m for m in models if m.code == args["modelCode"]]
    if args.get("modelType"):
        models = [m for m in models if m.wire_type.lower() == args["modelType"].lower()]
    items = [rule_dto(m) for m in models]
    chosen, size = page_of(call, items)
    return reply.of(call.request_id, {"list": chosen, "page": call.legacy_page, "pageSize": size,
                                      "total": len(items)}, max_results=size, next_token=call.next_token(len(items)))


def _label(low: int, high: int) -> str:
    def k(n: int) -> str:
        return f"{n // 1000}k" if n and n % 1000 == 0 else str(n)
    return f"{k(low)}-{k(high)}" if high else f"{k(low)}+"


def tier_rows(model: Model, usage: dict[str, int], minor: int, double: bool) -> str:
    """The `tiers` of a breakdown row of a tiered model: its usage split by the tiers' shares
    (largest remainder) and its amount in proportion to each tier's exact cost, so the tiers add
    up to the row exactly; `[]` for a model with one price."""
    if not model.tiers:
        return "[]"
    shares = [t.share for t in model.tiers]
    split = {name: allocate(value, shares) for name, value in usage.items()}
    costs = []
    for i, t in enumerate(model.tiers):
        prices = {name: Decimal(yuan) / per for name, yuan, per in t.price_list}
        costs.append(sum(Decimal(split[n][i]) * prices.get(n, Decimal(0)) for n in usage))
    scale = 10**8
    amounts = allocate(minor, [int(c * scale) for c in costs]) if any(costs) else [0] * len(shares)
    out, low = [], 0
    names = tuple(usage)
    for i, t in enumerate(model.tiers):
        dims = quoted('{"context_tier":' + quoted(_label(low, t.max_tokens)) + "}")
        out.append(f'{{"dimValues":{dims},"payableAmount":{amount(amounts[i])},'
                   f'"values":{values(names, [str(split[n][i]) for n in names], double)}}}')
        low = t.max_tokens
    return "[" + ",".join(out) + "]"
