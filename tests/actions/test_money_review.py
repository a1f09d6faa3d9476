"""What a review of money found, each kept fixed: an idempotency key names one wallet, a recharge
at a stop's instant stays, a created model stays its organisation's, a hand-written state
document's operation that cannot apply is one 400, a wallet enabled later is not yet written to."""

from __future__ import annotations

import httpx
from money_helpers import balance_of, logs, orders
from writes_helpers import CHAT, made, refuse, write

from emulator.server import Emulator

API = "/api/v1/modelRouter/open/"


def test_an_idempotency_key_names_one_wallet(emu: Emulator) -> None:
    admin = emu.client("admin")
    write(admin, "ConfigureMemberBalance", 3, 1004, enableBalance=True, balanceType="tokens", initialBalance=777.0)
    made(admin, "CreateMemberBalanceTransaction", 3, 1004, amount=1.0, idempotencyKey="k1")
    refuse(emu, emu.client("dept-scoped"), "CreateMemberBalanceTransaction", 2, 1001, field="idempotencyKey",
           says="another wallet", amount=5.0, idempotencyKey="k1")
    made(admin, "CreateSubscription", 2, subscriptionAmount=3.0, idempotencyKey="s1")
    refuse(emu, admin, "CreateMemberSubscription", 2, 1001, field="idempotencyKey", says="another wallet",
           amount=9.0, idempotencyKey="s1")


def test_a_recharge_at_the_stops_instant_stays(emu: Emulator) -> None:
    admin = emu.client("admin")
    made(admin, "CreateSubscription", 2, subscriptionAmount=1000.0)
    emu.clock.set("2026-04-01T00:00:00+08:00")
    before = balance_of(emu, 2)
    assert [o["createTime"] for o in orders(emu, 2, orderType="periodic_recharge")][0] == "2026-04-01T00:00:00+08:00"
    write(admin, "StopSubscription", 2, balanceType="permanent")
    assert balance_of(emu, 2) == before and len(orders(emu, 2, orderType="periodic_recharge")) == 2


def test_a_created_model_stays_its_organisations(emu: Emulator) -> None:
    other, admin = emu.client("other-org-admin"), emu.client("admin")
    model = made(other, "CreateModel", **{**CHAT, "modelId": "secret-model-x"})["id"]
    mine = made(admin, "CreateModel", **{**CHAT, "modelId": "secret-model-x"})["id"]  # the code is free here
    write(admin, "SetMemberAuthorization", 2, 1001, allowedModels="")  # every model 10001 sees
    http = httpx.get(emu.url + API + "clients/2/members", params={"includeAuthorization": "true"},
                     headers={"accept": "application/json"}).json()["data"]["list"]
    allowed = next(r for r in http if r["id"] == 1001)["allowedModels"].split(",")
    assert str(model) not in allowed and str(mine) in allowed
    write(other, "DeleteModel", model)  # not held by 10001's authorizations


def test_a_hand_written_operation_that_cannot_apply_is_refused(emu: Emulator) -> None:
    doc = emu.export_state()
    for args in ({"scope": None, "id": 2, "amount": 1}, {"org": 10001, "scope": None, "id": 2, "amount": 1,
                                                         "idempotencyKey": 5},
                 {"org": 10001, "scope": None, "id": 2, "amount": 1, "answer": "zz"}):
        bad = {**doc, "operations": [{"name": "balance_transaction", "args": args, "at": 1773116400}]}
        r = httpx.put(emu.url + "/_emulator/state", json=bad, timeout=10)
        assert r.status_code == 400 and "operations.0.args" in r.text, r.text[:300]
    assert emu.export_state() == doc


def test_a_wallet_enabled_later_is_not_written_to_yet(emu: Emulator) -> None:
    emu.clock.set("2026-02-20T12:00:00+08:00")  # before the fixture's wallets are enabled (March 1st)
    refuse(emu, emu.client("admin"), "CreateBalanceTransaction", 2, field="id", says="not yet", amount=1.0)
    emu.clock.set("2026-03-10T12:20:00+08:00")
    assert made(emu.client("admin"), "CreateBalanceTransaction", 2, amount=1.0)["balance"] > 0


def test_ids_stay_when_an_earlier_hour_changes(emu: Emulator) -> None:
    """Log row ids and the orders' ids name their entry (its kind, its hour or its write), not
    its place: an event over an early hour, which removes debits, renumbers nothing."""
    admin = emu.client("admin")
    made(admin, "CreateSubscription", 2, subscriptionAmount=10.0, balanceType="monthly")
    emu.clock.set("2026-04-01T03:00:00+08:00")
    rows = {(r["gmtCreate"], r["changeType"], r["changeAmount"]): r["id"] for r in logs(emu, 2)}
    ids = {(o["createTime"], o["orderType"]): o["orderId"] for o in orders(emu, 2)}
    emu.usage_events.add(startTime=1772294400, endTime=1772294400 + 6 * 3600, clientId=2, factor=0)  # 03-01 00-06
    after = {(r["gmtCreate"], r["changeType"], r["changeAmount"]): r["id"] for r in logs(emu, 2)}
    assert len(after) < len(rows) and all(rows[k] == v for k, v in after.items() if k in rows)
    assert len({v for v in after.values()}) == len(after)
    assert {(o["createTime"], o["orderType"]): o["orderId"] for o in orders(emu, 2)} == ids
