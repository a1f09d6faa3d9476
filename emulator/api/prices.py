"""The prices the amounts are computed with, as the SDK's billing rules show them
(QueryBillingRuleList, `pricingConfig` by billing type [sdk]), and the context tiers of a
tiered (Chat) price as the breakdown's rows show them.

A model's amount per key and hour is floor(Σ usage × unit price) in 0.0001 元, from exactly the
prices listed here: a tiered model's unit price is its tiers' share-weighted mean, so a client
that prices a row's tier split with the listed tiers gets the same amount to 0.0001 元.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from emulator.api import dto, reply
from emulator.api.call import Call
from emulator.api.directory import page_of
from emulator.api.kinds import TYPE_ALIASES
from emulator.api.text import amount, quoted, values
from emulator.api.write_bodies import BEIJING
from emulator.domain.life import ALWAYS, NEVER
from emulator.domain.pricing import BILLING_TYPES, config_of
from emulator.domain.scenario import BillingRule, Model, Scenario
from emulator.domain.usage import allocate

EFFECTIVE = "2023-01-01T00:00:00+08:00"  # the fixture's prices hold from the data window's start [choice]


def _time(at: int) -> str:
    """A rule's time as the API writes it (RFC 3339, Beijing); "" for no end."""
    if at >= NEVER:
        return ""
    if at <= ALWAYS:
        return EFFECTIVE
    return dt.datetime.fromtimestamp(at, BEIJING).isoformat()


def rule_dto(model: Model, rule: BillingRule | None = None) -> dict[str, Any]:
    """A billing rule: the fixture's for the model (its id the model's, [choice]: one rule per
    model of the fixture), or one set through the API (its own times, config and version)."""
    if rule is None or not rule.config:
        base = {"billingType": BILLING_TYPES[model.type.name], "config": config_of(model), "effective": EFFECTIVE,
                "expire": "", "created": dto.GMT, "modified": dto.GMT, "id": model.id, "version": 1, "status": 1}
    else:
        base = {"billingType": rule.billing_type, "config": json.loads(rule.config),
                "effective": _time(rule.effective_at), "expire": _time(rule.expire_at),
                "created": dto.gmt(rule.created_at), "modified": dto.gmt(rule.modified_at), "id": rule.id,
                "version": rule.version, "status": rule.status}
    return {"billingType": base["billingType"], "deleteTag": 0 if base["status"] == 1 else 1,
            "effectiveTime": base["effective"], "expireTime": base["expire"], "gmtCreate": base["created"],
            "gmtModified": base["modified"], "id": base["id"], "modelCode": model.code, "modelId": model.id,
            "modelName": model.name, "modelType": model.wire_type, "pricingConfig": base["config"],
            "symbol": model.symbol, "version": base["version"]}


def rules_of(scenario: Scenario) -> list[tuple[Model, BillingRule | None]]:
    """Every rule, by id: the fixture's models' own (unless set through the API since) and the
    API's; none of a deleted model."""
    listed: dict[int, tuple[Model, BillingRule | None]] = {}
    for m in scenario.models.values():
        if not m.custom and m.deleted_at is None:
            listed[m.id] = (m, scenario.rules.get(m.id))
    for r in scenario.rules.values():
        m = scenario.models[r.model_id]
        if m.deleted_at is None:
            listed[r.id] = (m, r)
    return [listed[i] for i in sorted(listed)]


def rule_list(call: Call) -> bytes:
    """Every rule: modelId, modelCode, modelType (case-insensitive), activeOnly (the rules in
    force now: enabled, effective, not expired); both paging styles."""
    args = call.args
    scenario = call.world.scenario
    rules = [(m, r) for m, r in rules_of(scenario) if scenario.sees_model(m, call.org.id)]
    if "modelId" in args:
        rules = [(m, r) for m, r in rules if m.id == args["modelId"]]
    if args.get("modelCode"):
        rules = [(m, r) for m, r in rules if m.code == args["modelCode"]]
    if args.get("modelType"):
        wanted = TYPE_ALIASES.get(args["modelType"].lower(), args["modelType"].lower())
        rules = [(m, r) for m, r in rules if m.wire_type.lower() == wanted]
    if args.get("activeOnly"):
        now = call.state.now
        rules = [(m, r) for m, r in rules if r is None or not r.config or
                 (r.status == 1 and r.effective_at <= now < r.expire_at)]
    items = [rule_dto(m, r) for m, r in rules]
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
