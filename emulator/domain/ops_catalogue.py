"""The directory's operations on the catalogue: models, their flow control, and their prices
(billing rules).

A model created at T has no usage before T (its `life` starts at T) and none generated after
(popularity 0): what it spends comes from usage events. A deleted or disabled one accrues
nothing from then on, and keeps its past in every figure.

Prices: every model of the fixture has one rule (its id the model's, in force from before the
data window). A rule set through the API is in force from its `effectiveTime` (no earlier than
now) until its `expireTime`; the price of an hour is that of the latest rule in force when the
hour starts. A change rewrites the model's price `epochs` from the first whole hour at or after
now on, never before it: amounts already figured do not move.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from emulator.domain.directory import Draft, Refused
from emulator.domain.life import ALWAYS, NEVER, Life, Prices, hour_ceil
from emulator.domain.metrics import DEFAULT_LENGTHS, KIND_OF_WIRE, MODEL_TYPES
from emulator.domain.pricing import ALLOWED, BILLING_TYPES, minor_prices, parse
from emulator.domain.scenario import BillingRule, FlowConfig, Model
from emulator.validation import FieldError

Args = dict[str, Any]
MAX_MODELS = 100  # models in one BatchCreateModel [choice]


# -- models -----------------------------------------------------------------------------------------
def _code_taken(d: Draft, code: str, org: int, but: int | None = None) -> str | None:
    """Whether a model the organisation sees has the code (another organisation's do not count)."""
    for m in d.models.values():
        if m.deleted_at is None and m.id != but and m.code == code and m.organization_id in (None, org):
            return f"{code!r} is the code of model {m.id} already"
    return None


def _length(a: Args, name: str, default: int) -> int:
    raw = a.get(name)
    if raw is None or raw == "":
        return default
    if not (isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 10):
        raise Refused(name, f"must be a whole number of tokens written as digits, got {str(raw)[:32]!r}")
    return int(raw)


def _model_of(d: Draft, a: Args, at: int) -> Model:
    """The model `a` describes, checked (its id 0: given when it is stored)."""
    wire = a["modelType"]
    if wire not in KIND_OF_WIRE:
        raise Refused("modelType", f"must be one of {', '.join(KIND_OF_WIRE)}, got {str(wire)[:32]!r}")
    kind = KIND_OF_WIRE[wire]
    taken = _code_taken(d, a["modelId"], a["org"])
    if taken:
        raise Refused("modelId", taken)
    default_in, default_out = DEFAULT_LENGTHS[kind]
    return Model(0, a["modelId"], a["name"], MODEL_TYPES[kind], (), 0, (), wire, a.get("symbol") or "",
                 max_input_length=_length(a, "maxInputLength", default_in),
                 max_output_length=_length(a, "maxOutputLength", default_out),
                 description=a.get("description") or "", tags=a.get("tags") or "", life=Life.from_(at),
                 created_at=at, modified_at=at, in_out=a.get("inOut") or "", extensions=a.get("extensions") or "",
                 base_url=a.get("baseUrl") or "", api_key_preview=a.get("apiKeyPreview") or "", custom=True,
                 organization_id=a["org"])


def create_model(d: Draft, a: Args, at: int) -> int:
    for name in ("modelId", "name", "modelType"):
        if not a.get(name):
            raise Refused(name, "is required to create a model")
    model = _model_of(d, a, at)
    model = dataclasses.replace(model, id=d.next_id("model", lambda: d.models))
    d.models[model.id] = model
    return model.id


def batch_create_model(d: Draft, a: Args, at: int) -> dict[str, Any]:
    """Each item created or listed as a failure with its reason; the shared provider fields
    (symbol, baseUrl, the provider key's preview) go to every one."""
    items = a["models"]
    if not 1 <= len(items) <= MAX_MODELS:
        raise Refused("models", f"must list 1 to {MAX_MODELS} models, got {len(items)}")
    created, failures = [], []
    shared = {k: a.get(k) for k in ("symbol", "baseUrl", "apiKeyPreview")}
    for item in items:
        try:
            model = _model_of(d, {**item, **shared, "org": a["org"]}, at)
        except Refused as exc:
            failures.append({"errorMsg": f"{exc.field}: {exc.reason}", "modelId": item["modelId"],
                             "name": item["name"]})
            continue
        model = dataclasses.replace(model, id=d.next_id("model", lambda: d.models))
        d.models[model.id] = model
        created.append(model.id)
    return {"created": created, "failures": failures}


def _in_use(d: Draft, model_id: int, org: int) -> str | None:
    """Why the model cannot go: a group or an authorization names it (another organisation's
    only as such: its ids are not the caller's to see)."""
    for g in d.model_groups.values():
        if model_id in g.model_ids:
            return f"model {model_id} is in model group {g.id}; take it out of the group first" \
                if g.organization_id == org else f"a model group of another organization names model {model_id}"
    for dep in d.departments.values():
        if dep.deleted_at is None and dep.authorization is not None and model_id in dep.authorization.model_ids:
            return f"department {dep.id} is authorized for model {model_id}; change its authorization first" \
                if dep.organization_id == org else "a department of another organization is authorized for it"
    for m in d.members.values():
        if m.deleted_at is None and m.authorization is not None and model_id in m.authorization.model_ids:
            mine = d.departments[m.department_id].organization_id == org
            return f"member {m.id} is authorized for model {model_id}; change its authorization first" \
                if mine else "a member of another organization is authorized for it"
    return None


def update_model(d: Draft, a: Args, at: int) -> int:
    """Names, lengths, the provider fields and the status (1 enabled, 0 disabled: it accrues
    nothing while disabled); the model type only within its kind of usage (its history is
    figured by it)."""
    m = d.model(a["id"], "id", a["org"], changing=True)
    changes: dict[str, Any] = {}
    if a.get("modelId") is not None and a["modelId"] != m.code:
        taken = _code_taken(d, a["modelId"], a["org"], m.id)
        if taken:
            raise Refused("modelId", taken)
        changes["code"] = a["modelId"]
    if a.get("modelType") is not None and a["modelType"] != m.wire_type:
        if KIND_OF_WIRE.get(a["modelType"]) != m.type.name:
            raise Refused("modelType", f"model {m.id} is figured as {m.type.name}; it can become "
                                       f"{', '.join(w for w, k in KIND_OF_WIRE.items() if k == m.type.name)}")
        changes["wire_type"] = a["modelType"]
    for wire, attr in (("name", "name"), ("description", "description"), ("tags", "tags"), ("symbol", "symbol"),
                       ("baseUrl", "base_url"), ("apiKeyPreview", "api_key_preview")):
        if a.get(wire) is not None:
            changes[attr] = a[wire]
    if a.get("maxInputLength") is not None:
        changes["max_input_length"] = _length(a, "maxInputLength", m.max_input_length)
    if a.get("maxOutputLength") is not None:
        changes["max_output_length"] = _length(a, "maxOutputLength", m.max_output_length)
    status = a.get("status")
    if status is not None and status not in (0, 1):
        raise Refused("status", f"must be 1 (enabled) or 0 (disabled), got {status}")
    if status is not None and bool(status) != m.enabled:
        life = m.life if m.life is not None else Life(((ALWAYS, NEVER),))
        changes["life"] = life.resumed(at) if status else life.ended(at)
        changes["enabled"] = bool(status)
    d.models[m.id] = dataclasses.replace(m, **changes, modified_at=at)
    return m.id


def delete_model(d: Draft, a: Args, at: int) -> bool:
    m = d.model(a["id"], "id", a["org"], changing=True)
    reason = _in_use(d, m.id, a["org"])
    if reason:
        raise Refused("id", reason)
    life = m.life if m.life is not None else Life(((ALWAYS, NEVER),))
    d.models[m.id] = dataclasses.replace(m, life=life.ended(at), deleted_at=at, modified_at=at)
    return True


def save_flow_config(d: Draft, a: Args, at: int) -> int:
    """The model's RPM/TPM limits, one configuration per model (saved again: changed)."""
    m = d.model(a["modelId"], "modelId", a["org"], changing=True)
    old = d.flows.get(m.id)
    flow = FlowConfig(old.id if old else d.serial("flow_config"), m.id,
                      a["rpm"] if a.get("rpm") is not None else (old.rpm if old else 0),
                      a["tpm"] if a.get("tpm") is not None else (old.tpm if old else 0),
                      a["smoothFlowEnabled"] if a.get("smoothFlowEnabled") is not None else
                      (old.smooth if old else False), old.created_at if old else at, at)
    d.flows[m.id] = flow
    return m.id


# -- prices -----------------------------------------------------------------------------------------
def _checked(m: Model, billing_type: str, config: Any) -> Prices:
    try:
        price_list, tiers = parse(m, billing_type, config)
    except FieldError as exc:
        raise Refused(exc.field, exc.reason) from None
    return minor_prices(price_list, tiers)


def _rules_of(d: Draft, model_id: int) -> list[BillingRule]:
    return [r for r in d.rules.values() if r.model_id == model_id]


def _price_at(d: Draft, m: Model, rules: list[BillingRule], t: int) -> Prices:
    """The price of the hour starting at t: the latest rule in force then, else the fixture's."""
    best: BillingRule | None = None
    for r in rules:
        if r.status == 1 and hour_ceil(r.effective_at) <= t < hour_ceil(r.expire_at) and (
                best is None or (r.effective_at, r.id) > (best.effective_at, best.id)):
            best = r
    if best is None:  # no rule of the API in force: the fixture's price, unless its rule became one
        return m.prices if not m.custom and m.id not in d.rules else ()
    return _checked(m, best.billing_type, json.loads(best.config))


def _reprice(d: Draft, m: Model, at: int) -> None:
    """The model's epochs: those before the next whole hour kept, the rest from the rules."""
    rules = _rules_of(d, m.id)
    h0 = hour_ceil(at)
    kept = [(s, p) for s, p in m.epochs if s < h0]
    stops = sorted({h0, *(t for r in rules for t in (hour_ceil(r.effective_at), hour_ceil(r.expire_at))
                          if h0 <= t < NEVER)})
    current = kept[-1][1] if kept else m.prices
    for t in stops:
        price = _price_at(d, m, rules, t)
        if price != current:
            kept.append((t, price))
            current = price
    d.models[m.id] = dataclasses.replace(m, epochs=tuple(kept))


def _times(a: Args, at: int, rule: BillingRule | None = None) -> tuple[int, int]:
    effective = a.get("effectiveTime")
    if effective is None:
        effective = rule.effective_at if rule is not None else at
    elif effective < at:
        raise Refused("effectiveTime", "must not be before the current time (the data clock's now): "
                                       "a price applies from when it is set, never to what was spent before")
    expire = a.get("expireTime")
    if expire is None:
        expire = rule.expire_at if rule is not None else NEVER
    if expire <= effective:
        raise Refused("expireTime", "must be later than effectiveTime")
    return effective, expire


def create_billing_rule(d: Draft, a: Args, at: int) -> int:
    m = d.model(a["modelId"], "modelId", a["org"], changing=True)
    billing_type = a.get("billingType") or BILLING_TYPES[m.type.name]
    if a.get("pricingConfig") is None:
        raise Refused("pricingConfig", "is required to create a billing rule")
    _checked(m, billing_type, a["pricingConfig"])
    effective, expire = _times(a, at)
    rule_id = d.next_id("billing_rule", lambda: (*d.rules, *(i for i, m in d.models.items() if not m.custom)))
    versions = [r.version for r in _rules_of(d, m.id)] + ([1] if not m.custom else [])
    d.rules[rule_id] = BillingRule(rule_id, m.id, billing_type, json.dumps(a["pricingConfig"], sort_keys=True),
                                   effective, expire, a.get("version") or max(versions, default=0) + 1, 1, at, at)
    _reprice(d, m, at)
    return rule_id


def update_billing_rule(d: Draft, a: Args, at: int) -> int:
    """A rule's price, times, status or version; a fixture model's rule (its id the model's)
    becomes a rule of the API from now on, the fixture's price staying in force before."""
    rule = d.rules.get(a["id"]) if isinstance(a["id"], int) else None
    if rule is None:  # the fixture's rule of a fixture model (its id the model's)
        m = d.models.get(a["id"]) if isinstance(a["id"], int) else None
        if m is None or m.custom or m.deleted_at is not None:
            raise Refused("id", f"no billing rule has id {a['id']}")
        rule = BillingRule(m.id, m.id, BILLING_TYPES[m.type.name], "", ALWAYS, NEVER, 1, 1, at, at)
    if not d.base.sees_model(d.models[rule.model_id], a["org"]):
        raise Refused("id", f"no billing rule has id {a['id']} in your organization")
    m = d.model(rule.model_id, "id", a["org"], changing=True)
    billing_type = a.get("billingType")
    if billing_type in (None, "configurable"):
        billing_type = rule.billing_type
    elif billing_type not in ALLOWED[m.type.name]:
        raise Refused("billingType", f"a {m.wire_type} model is priced by {' or '.join(ALLOWED[m.type.name])}")
    config = a.get("pricingConfig")
    if config is None and not rule.config:
        from emulator.domain.pricing import config_of
        config = config_of(m)
    text = json.dumps(config, sort_keys=True) if config is not None else rule.config
    _checked(m, billing_type, json.loads(text))
    effective, expire = _times(a, at, rule)
    status = a.get("status")
    if status is not None and status not in (0, 1):
        raise Refused("status", f"must be 1 (enabled) or 0 (disabled), got {status}")
    if rule.effective_at == ALWAYS:  # the fixture's rule: its price stands before now
        effective = max(effective, at)
    d.rules[rule.id] = dataclasses.replace(
        rule, billing_type=billing_type, config=text, effective_at=effective, expire_at=expire,
        status=rule.status if status is None else status, version=a.get("version") or rule.version + 1,
        modified_at=at)
    _reprice(d, m, at)
    return rule.id

