"""The prices' writes, ModelRouterCreateBillingRule (POST billing/rules) and
ModelRouterUpdateBillingRule (PUT billing/rules/{id}): a price set at T applies from the first whole
hour at or after T (or its later effectiveTime), the amounts before never move, the usage never
changes; an effectiveTime before now is refused; QueryBillingRuleList and QueryModel show the
rules. Amounts in 0.0001 元; the new price of model 1 is 2 and 8 元 per million tokens (TIERS)."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

import pytest
from chargeback_helpers import get, ok
from writes_helpers import (
    CHAT,
    D0,
    HOUR,
    NOW,
    NOW_UTC,
    TIERS,
    amount,
    breakdown,
    fresh,
    instant,
    key_cells,
    made,
    refuse,
    rfc3339,
    started,
    write,
)

from emulator.server import Emulator

USAGE = ("total_calls", "input_tokens", "output_tokens", "total_tokens")
SET = {"total_calls": 100, "input_tokens": 12345, "output_tokens": 6789}


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[Emulator, Emulator]]:
    with Emulator(now="2026-03-10T12:20:00+08:00") as reference:
        for emu in started():
            yield emu, reference


@pytest.fixture
def emu(servers: tuple[Emulator, Emulator]) -> Iterator[Emulator]:
    yield from fresh(servers[0])


@pytest.fixture
def ref(servers: tuple[Emulator, Emulator]) -> Iterator[Emulator]:
    """An emulator no write touched, for the figures as they were."""
    yield from fresh(servers[1])


def at(hour: int, minute: int = 0) -> int:
    return D0 + hour * HOUR + minute * 60


def cost(cell: dict[str, int], input_price: int, output_price: int) -> Fraction:
    """The exact cost in 0.0001 元 of a row's tokens at prices in 元 per million tokens."""
    return Fraction(cell["input_tokens"] * input_price + cell["output_tokens"] * output_price, 100)


def rule_of(emu: Emulator, model: int) -> list[dict]:
    return ok(get(emu, "QueryBillingRuleList", modelId=model))["data"]["list"]


def test_a_price_changed_at_1220_applies_from_1300(emu: Emulator, ref: Emulator) -> None:
    client = emu.client("admin")
    changed = made(client, "UpdateBillingRule", 1, pricingConfig=TIERS)
    assert (changed["id"], changed["modelId"], changed["version"], changed["pricingConfig"]) == (1, 1, 2, TIERS)
    assert instant(changed["effectiveTime"]) == NOW and changed["gmtModified"] == NOW_UTC
    assert rule_of(emu, 1) == [changed]
    for e in (emu, ref):
        e.clock.set("2026-03-10T15:00:00+08:00")
    got, was = breakdown(emu, at(10), at(15), modelId=1), breakdown(ref, at(10), at(15), modelId=1)
    assert got.keys() == was.keys()
    for cell, new in got.items():
        old = was[cell]
        assert {k: new[k] for k in USAGE} == {k: old[k] for k in USAGE}  # the usage is the usage
        if cell[0] < at(13):
            assert new == old, cell  # before the next whole hour: the old price
        elif new["total_calls"]:
            assert abs(new["total_amount"] - cost(new, 2, 8)) < 1 and new["total_amount"] > old["total_amount"], cell
    assert amount(emu, D0, at(13)) == amount(ref, D0, at(13))
    assert amount(emu, at(13), at(15)) > amount(ref, at(13), at(15))


def test_a_second_change_applies_from_its_own_next_hour(emu: Emulator, ref: Emulator) -> None:
    client = emu.client("admin")
    write(client, "UpdateBillingRule", 1, pricingConfig=TIERS)
    emu.clock.set("2026-03-10T13:40:00+08:00")
    again = made(client, "UpdateBillingRule", 1, pricingConfig={"tiers": [
        {"min_tokens": 0, "max_tokens": 0, "input_price": 1, "output_price": 1}]})
    assert again["version"] == 3 and again["gmtModified"] == "2026-03-10T05:40:00Z"
    assert instant(again["effectiveTime"]) == NOW  # the rule's own time stays; its new price: from 14:00
    for e in (emu, ref):
        e.clock.set("2026-03-10T16:00:00+08:00")
    got, was = breakdown(emu, at(12), at(16), modelId=1, clientId=2), breakdown(ref, at(12), at(16), modelId=1,
                                                                               clientId=2)
    for (t, m, k), new in got.items():
        if not new["total_calls"]:
            continue
        if t == at(12):
            assert new == was[(t, m, k)]
        else:
            prices = (2, 8) if t == at(13) else (1, 1)
            assert abs(new["total_amount"] - cost(new, *prices)) < 1, (t, k)


def test_a_later_effective_time_applies_from_its_whole_hour(emu: Emulator, ref: Emulator) -> None:
    client = emu.client("admin")
    rule = made(client, "CreateBillingRule", modelId=3, pricingConfig=TIERS, effectiveTime=rfc3339(at(14, 30)))
    assert (rule["modelId"], rule["version"], rule["gmtCreate"], rule["expireTime"]) == (3, 2, NOW_UTC, "")
    assert instant(rule["effectiveTime"]) == at(14, 30)
    assert [r["id"] for r in rule_of(emu, 3)] == [3, rule["id"]] and rule["id"] == 13  # after the fixture's ids
    for e in (emu, ref):
        e.clock.set("2026-03-10T16:00:00+08:00")
    got, was = breakdown(emu, at(13), at(16), modelId=3, clientId=3), breakdown(ref, at(13), at(16), modelId=3,
                                                                               clientId=3)
    for (t, m, k), new in got.items():
        if t < at(15):
            assert new == was[(t, m, k)]
        elif new["total_calls"]:
            assert abs(new["total_amount"] - cost(new, 2, 8)) < 1 and new != was[(t, m, k)]


def test_an_effective_time_before_now_is_refused(emu: Emulator) -> None:
    client = emu.client("admin")
    says = "must not be before the current time"
    refuse(emu, client, "CreateBillingRule", field="effectiveTime", says=says, modelId=1, pricingConfig=TIERS,
           effectiveTime=rfc3339(NOW - 1))
    refuse(emu, client, "UpdateBillingRule", 1, field="effectiveTime", says=says, pricingConfig=TIERS,
           effectiveTime=rfc3339(NOW - 3600))
    refuse(emu, client, "CreateBillingRule", field="expireTime", says="later than effectiveTime", modelId=1,
           pricingConfig=TIERS, effectiveTime=rfc3339(NOW + 60), expireTime=rfc3339(NOW + 60))
    assert instant(made(client, "CreateBillingRule", modelId=1, pricingConfig=TIERS,
                        effectiveTime=rfc3339(NOW))["effectiveTime"]) == NOW  # now itself is allowed


@pytest.mark.parametrize("fields, field, says", [
    ({"modelId": 99, "pricingConfig": TIERS}, "modelId", "no model has id 99"),
    ({"modelId": 1, "pricingConfig": {"tiers": "x"}}, "pricingConfig.tiers", "1 to 16 tiers"),
    ({"modelId": 8, "pricingConfig": TIERS}, "pricingConfig.price_per_image", "must be a number"),
    ({"modelId": 1, "pricingConfig": TIERS, "billingType": "hourly"}, "billingType", "match pattern"),
    ({"modelId": 1}, "pricingConfig", "mandatory"),
    ({"modelId": 1, "pricingConfig": TIERS, "version": 0}, "version", "greater than or equal to 1"),
], ids=["unknown-model", "tiers-shape", "image-priced-by-tokens", "billing-type", "no-config", "version"])
def test_create_refusals_change_nothing(emu: Emulator, fields: dict, field: str, says: str) -> None:
    code = "MissingParameter" if says == "mandatory" else "InvalidParameter"
    refuse(emu, emu.client("admin"), "CreateBillingRule", code=code, field=field, says="" if code != "InvalidParameter"
           else says, **fields)


def test_update_refusals_change_nothing(emu: Emulator) -> None:
    client = emu.client("admin")
    refuse(emu, client, "UpdateBillingRule", 99, field="id", says="no billing rule has id 99", pricingConfig=TIERS)
    refuse(emu, client, "UpdateBillingRule", 1, field="billingType", says="priced by", billingType="per_image")
    refuse(emu, client, "UpdateBillingRule", 1, field="status", says="less than or equal to 1", status=2)


def test_a_created_model_is_priced_from_its_rule(emu: Emulator) -> None:
    client = emu.client("admin")
    model = made(client, "CreateModel", **CHAT)
    assert model["hasBillingRule"] is False and rule_of(emu, model["id"]) == []
    emu.usage_events.add({"startTime": at(10), "endTime": at(18), "apiKeyId": 5104, "modelId": model["id"],
                          "set": SET})
    rule = made(client, "CreateBillingRule", modelId=model["id"], pricingConfig=TIERS)
    assert (rule["modelCode"], rule["modelName"], rule["version"], rule["billingType"]) == (
        "my-model", "Mine", 1, "token_tiered")
    assert ok(get(emu, "QueryModel", model["id"]))["data"]["hasBillingRule"] is True
    assert rule_of(emu, model["id"]) == [rule]
    emu.clock.set("2026-03-10T15:00:00+08:00")
    cells = key_cells(breakdown(emu, at(12), at(15), modelId=model["id"], clientId=2), 5104)
    assert cells[at(12)]["total_calls"] == 66 and cells[at(12)]["total_amount"] == 0  # priced from 13:00 only
    assert cells[at(13)]["total_amount"] == cells[at(14)]["total_amount"] == 790  # floor(790.02)


def test_a_department_discount_leaves_the_past_alone(emu: Emulator, ref: Emulator) -> None:
    client = emu.client("admin")
    assert made(client, "UpdateClient", 2, discount=0.8)["discount"] == 0.8
    for e in (emu, ref):
        e.clock.set("2026-03-10T15:00:00+08:00")
    assert breakdown(emu, at(10), at(13), clientId=2, modelId=1) == breakdown(ref, at(10), at(13), clientId=2,
                                                                                modelId=1)


def test_a_rule_created_after_a_model_keeps_its_id_in_a_saved_state(emu: Emulator, ref: Emulator) -> None:
    client = emu.client("admin")
    write(client, "CreateModel", **CHAT)
    rule = made(client, "CreateBillingRule", modelId=1, pricingConfig=TIERS)
    ref.import_state(emu.export_state())
    assert [r["id"] for r in rule_of(ref, 1)] == [r["id"] for r in rule_of(emu, 1)] == [1, rule["id"]]


def test_a_created_models_id_is_not_a_rule_id(emu: Emulator, ref: Emulator) -> None:
    """A fixture model's rule has the model's id; a created model has no rule until one is
    created, so UpdateBillingRule on its id is refused, and the state stays loadable."""
    client = emu.client("admin")
    model = made(client, "CreateModel", **CHAT)["id"]
    refuse(emu, client, "UpdateBillingRule", model, field="id", says=f"no billing rule has id {model}",
           pricingConfig=TIERS)
    rule = made(client, "CreateBillingRule", modelId=model, pricingConfig=TIERS)
    write(client, "UpdateBillingRule", rule["id"], pricingConfig=TIERS, status=0)
    ref.import_state(emu.export_state())
    assert rule_of(ref, model) == rule_of(emu, model) and len(rule_of(emu, model)) == 1
