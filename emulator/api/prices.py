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
from emulator.domain.pricing import BILLING_TYPES, config_of
from emulator.domain.scenario import Model
from emulator.domain.usage import allocate

EFFECTIVE = "2023-01-01T00:00:00+08:00"  # the fixture's prices hold from the data window's start [choice]


def rule_dto(model: Model) -> dict[str, Any]:
    """The model's billing rule; its id is the model's ([choice]: one rule per model)."""
    return {"billingType": BILLING_TYPES[model.type.name], "deleteTag": 0, "effectiveTime": EFFECTIVE,
            "expireTime": "", "gmtCreate": dto.GMT, "gmtModified": dto.GMT, "id": model.id, "modelCode": model.code,
            "modelId": model.id, "modelName": model.name, "modelType": model.wire_type,
            "pricingConfig": config_of(model), "symbol": model.symbol, "version": 1}


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
