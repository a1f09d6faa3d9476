"""Subscriptions and months (README "Money", "Pools", "Writes"): a monthly recharge at its
effectiveTime (today's 00:00 to the next 1st's) and at 00:00 Asia/Shanghai on every 1st, after
the monthly pool's remainder expires; debits take the monthly pool first; one active
subscription a pool; stopping ends future recharges; the lists and their filters. And the one
world: export → import, reset and a restart on the same --state file keep every wallet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import body, get, ok
from helpers import start_cli, stop_group
from kit import action
from money_helpers import (
    APRIL,
    HOUR,
    MAY,
    balance_of,
    check_debits,
    check_wallet,
    logs,
    member_pools,
    minor,
    orders,
    summary,
    utc_instant,
)
from writes_helpers import D0, NOW, NOW_ISO, made, refuse, without_request_ids, write

from emulator.server import Emulator

ENABLE = {"enableBalance": True, "balanceType": "amount"}
NOW_BJ = "2026-03-10T12:20:00+08:00"


def around(os: list[dict[str, Any]], t: int) -> list[tuple[str, str, int]]:
    """(orderType, pool, amount) of the orders at instant t, oldest first."""
    return [(o["orderType"], o["balanceType"], minor(o["amount"])) for o in reversed(os)
            if utc_instant(o["createTime"]) == t]


def test_a_monthly_subscription_recharges_now_and_on_every_1st(emu: Emulator) -> None:
    c = emu.client("admin")
    start = balance_of(emu, 2)
    sub = write(c, "CreateSubscription", 2, subscriptionAmount=100_000.0, balanceType="monthly").data
    assert isinstance(sub, models.SubscriptionDTO)
    assert sub.to_map() == {"balanceType": "monthly", "clientId": 2, "createTime": NOW_BJ, "id": 1,
                            "status": "active", "stopTime": "", "subscriptionAmount": 100_000.0,
                            "updateTime": NOW_BJ, "validFrom": NOW_BJ}
    assert balance_of(emu, 2) == start + 1_000_000_000
    first = orders(emu, 2)[0]
    assert (first["orderType"], first["source"], first["balanceType"], minor(first["amount"])) == (
        "periodic_recharge", "system", "monthly", 1_000_000_000)
    assert logs(emu, 2)[0]["changeType"] == "recharge"
    emu.clock.set("2026-03-31T23:30:00+08:00")
    _, (permanent, monthly) = check_wallet(emu, 2)
    assert permanent == start  # every debit since came from the monthly pool
    emu.clock.set("2026-04-01T00:00:00+08:00")
    rows, pools = check_wallet(emu, 2)
    assert pools == (start, 1_000_000_000) and summary(emu, 2)["monthly"] == (0, 1_000_000_000, 1_000_000_000)
    expired = around(orders(emu, 2), APRIL)
    spent = check_debits(emu, 2, None, D0 + 12 * HOUR, APRIL, rows=rows)  # since the recharge, all from monthly
    assert expired == [("monthly_expire", "monthly", 1_000_000_000 - spent),
                       ("periodic_recharge", "monthly", 1_000_000_000)]
    at = "2026-03-31T16:00:00Z"  # the hour's debit, the expiry, the recharge
    assert [(r["changeType"], r["gmtCreate"]) for r in rows[:3]] == [("recharge", at), ("deduct", at),
                                                                      ("auto_deduct", at)]
    assert minor(rows[1]["balanceAfter"]) == start and minor(rows[1]["changeAmount"]) == spent - 1_000_000_000
    emu.clock.set("2026-05-01T00:30:00+08:00")
    os = orders(emu, 2)
    assert [t for t, _, _ in around(os, MAY)] == ["monthly_expire", "periodic_recharge"]
    assert len([o for o in os if o["orderType"] == "periodic_recharge"]) == 3
    _, (permanent, _) = check_wallet(emu, 2)
    assert permanent == start


def test_a_subscription_from_the_next_1st(emu: Emulator) -> None:
    c = emu.client("admin")
    sub = made(c, "CreateMemberSubscription", 2, 1001, amount=500.0, balanceType="monthly", effectiveTime=APRIL)
    assert (sub["validFrom"], sub["status"], sub["subscriptionAmount"]) == ("2026-04-01T00:00:00+08:00", "active",
                                                                           500.0)
    start = member_pools(emu, 2)[1001]
    emu.clock.set("2026-03-31T23:59:59+08:00")
    assert around(orders(emu, 2, 1001), APRIL) == [] and member_pools(emu, 2)[1001][1] == 0
    emu.clock.set("2026-04-01T00:00:00+08:00")
    assert around(orders(emu, 2, 1001), APRIL) == [("periodic_recharge", "monthly", 5_000_000)]
    assert member_pools(emu, 2)[1001][1] == 5_000_000 and start[1] == 0
    emu.clock.set("2026-05-01T01:00:00+08:00")
    assert [t for t, _, _ in around(orders(emu, 2, 1001), MAY)][-1] == "periodic_recharge"
    check_wallet(emu, 2, 1001)
    check_debits(emu, 2, 1001, D0, MAY)


def test_effective_time_is_today_to_the_next_1st(emu: Emulator) -> None:
    c = emu.client("admin")
    for t in (D0 - 1, APRIL + 1, 0):
        refuse(emu, c, "CreateSubscription", 2, field="effectiveTime", subscriptionAmount=1.0, effectiveTime=t)
        refuse(emu, c, "CreateMemberSubscription", 2, 1001, field="effectiveTime", amount=1.0, effectiveTime=t)
    assert made(c, "CreateSubscription", 2, subscriptionAmount=1.0, effectiveTime=D0)["validFrom"] == NOW_BJ
    assert made(c, "CreateSubscription", 2, subscriptionAmount=1.0, effectiveTime=APRIL,
                balanceType="monthly")["validFrom"] == "2026-04-01T00:00:00+08:00"
    assert made(c, "CreateMemberSubscription", 2, 1001, amount=1.0, effectiveTime=NOW + 60)["validFrom"] == (
        "2026-03-10T12:21:00+08:00")
    emu.clock.set("2026-03-31T23:00:00+08:00")  # the next 1st is tomorrow
    refuse(emu, c, "CreateSubscription", 3, field="effectiveTime", subscriptionAmount=1.0, effectiveTime=APRIL + 1)
    made(c, "CreateSubscription", 3, subscriptionAmount=1.0, effectiveTime=APRIL)
    emu.clock.set("2026-04-01T00:00:00+08:00")  # the 1st itself: until May 1st
    made(c, "CreateMemberSubscription", 2, 1001, amount=1.0, effectiveTime=MAY, balanceType="monthly")
    refuse(emu, c, "CreateSubscription", 2, code="MissingParameter", field="subscriptionAmount")
    refuse(emu, c, "CreateSubscription", 4, field="id", says="not enabled", subscriptionAmount=1.0)


def test_one_active_subscription_a_pool(emu: Emulator) -> None:
    c = emu.client("admin")
    first = made(c, "CreateSubscription", 2, subscriptionAmount=10.0, balanceType="monthly", idempotencyKey="s1")
    assert made(c, "CreateSubscription", 2, subscriptionAmount=99.0, balanceType="monthly",
                idempotencyKey="s1") == first
    refuse(emu, c, "CreateSubscription", 2, field="balanceType", says="active subscription", subscriptionAmount=5.0,
           balanceType="monthly")
    made(c, "CreateSubscription", 2, subscriptionAmount=5.0)  # the permanent pool's
    refuse(emu, c, "CreateSubscription", 2, field="balanceType", subscriptionAmount=5.0, balanceType="permanent")
    made(c, "CreateMemberSubscription", 2, 1001, amount=5.0, balanceType="monthly")  # another wallet
    emu.clock.set("2026-03-10T13:00:00+08:00")
    write(c, "StopSubscription", 2, balanceType="monthly")
    again = made(c, "CreateSubscription", 2, subscriptionAmount=7.0, balanceType="monthly")
    assert again["id"] == 4 and again["status"] == "active"
    assert [o["orderType"] for o in orders(emu, 2, orderType="periodic_recharge")] == ["periodic_recharge"] * 3


def test_stopping_ends_the_recharges(emu: Emulator) -> None:
    c = emu.client("admin")
    made(c, "CreateSubscription", 2, subscriptionAmount=10.0, balanceType="monthly")
    made(c, "CreateMemberSubscription", 2, 1001, amount=20.0)
    emu.clock.set("2026-03-10T13:00:00+08:00")
    stopped = write(c, "StopSubscription", 2, balanceType="monthly").data
    assert isinstance(stopped, models.SubscriptionDTO)
    assert (stopped.status, stopped.stop_time, stopped.update_time, stopped.create_time) == (
        "stopped", "2026-03-10T13:00:00+08:00", "2026-03-10T13:00:00+08:00", NOW_BJ)
    answer = body(c, "StopMemberSubscription", 2, 1001, balanceType="permanent")
    assert answer.data is True
    assert ok(get(emu, "ListMemberSubscriptions", 2, 1001))["data"]["list"][0]["status"] == "stopped"
    refuse(emu, c, "StopSubscription", 2, field="balanceType", says="no active subscription", balanceType="monthly")
    refuse(emu, c, "StopMemberSubscription", 2, 1001, field="balanceType")
    emu.clock.set("2026-04-01T01:00:00+08:00")
    for path in ((2,), (2, 1001)):
        kinds = [o["orderType"] for o in orders(emu, *path, orderType="periodic_recharge")]
        assert kinds == ["periodic_recharge"], path  # the first stays, none on April 1st
        check_wallet(emu, *path)


def test_a_stop_at_the_instant_of_creation_keeps_the_first_recharge(emu: Emulator) -> None:
    c = emu.client("admin")
    start = balance_of(emu, 3)
    made(c, "CreateSubscription", 3, subscriptionAmount=1000.0, balanceType="monthly")
    assert balance_of(emu, 3) == start + 10_000_000
    write(c, "StopSubscription", 3, balanceType="monthly")
    assert balance_of(emu, 3) == start + 10_000_000


def test_a_subscription_is_ordered_after_the_writes_before_it(emu: Emulator) -> None:
    c = emu.client("admin")
    first = made(c, "CreateBalanceTransaction", 2, amount=5.0, type="deduct", idempotencyKey="d1")
    row = logs(emu, 2)[0]
    made(c, "CreateSubscription", 2, subscriptionAmount=100.0)
    rows = logs(emu, 2)
    assert [r["changeType"] for r in rows[:2]] == ["recharge", "deduct"]  # newest first
    assert rows[1] == row
    assert made(c, "CreateBalanceTransaction", 2, amount=5.0, type="deduct", idempotencyKey="d1") == first


def test_the_lists_and_their_filters(emu: Emulator) -> None:
    c = emu.client("admin")
    made(c, "CreateSubscription", 2, subscriptionAmount=1.0, balanceType="monthly")
    emu.clock.set("2026-03-10T13:00:00+08:00")
    write(c, "StopSubscription", 2, balanceType="monthly")
    made(c, "CreateSubscription", 2, subscriptionAmount=2.0, balanceType="monthly")
    made(c, "CreateSubscription", 2, subscriptionAmount=3.0, balanceType="permanent")
    made(c, "CreateMemberSubscription", 2, 1001, amount=4.0)

    def ids(**query: Any) -> list[int]:
        data = ok(get(emu, "ListSubscriptions", 2, **query))["data"]
        return [s["id"] for s in data["list"]]

    assert ids() == [3, 2, 1]
    assert ids(status="active") == [3, 2] and ids(status="stopped") == [1]
    assert ids(balanceType="monthly") == [2, 1] and ids(balanceType="permanent") == [3]
    assert ids(balanceType="monthly", status="active") == [2]
    data = body(c, "ListSubscriptions", 2, maxResults=2).data
    assert isinstance(data, models.ModelRouterListSubscriptionsResponseBodyData)
    assert [s.id for s in data.list] == [3, 2] and data.max_results == 2 and data.next_token
    rest = body(c, "ListSubscriptions", 2, maxResults=2, nextToken=data.next_token).data
    assert [s.id for s in rest.list] == [1] and rest.next_token == ""
    members = body(c, "ListMemberSubscriptions", 2, 1001).data
    assert [(s.id, s.balance_type, s.subscription_amount, s.status) for s in members.list] == [
        (4, "permanent", 4.0, "active")]
    assert ok(get(emu, "ListSubscriptions", 3))["data"]["list"] == []
    emu.clock.set(NOW_ISO)  # the clock back before the later ones were made
    assert ids() == [1]


# -- the one world -----------------------------------------------------------------------------
WALLETS = ((2, None), (2, 1001), (2, 1002), (3, None), (4, None), (4, 1006))


def some_money(emu: Emulator) -> None:
    c = emu.client("admin")
    made(c, "ConfigureClientBalance", 4, **ENABLE, initialBalance=300.0)
    made(c, "ConfigureMemberBalance", 4, 1006, **ENABLE)
    made(c, "ConfigureMemberBalance", 2, 1002, enableBalance=True, balanceType="amount", initialBalance=12.5)
    made(c, "TransferToMember", 4, 1006, amount=25.0, idempotencyKey="t")
    made(c, "CreateBalanceTransaction", 2, amount=1.5, type="deduct", idempotencyKey="d")
    made(c, "CreateSubscription", 3, subscriptionAmount=1e6, balanceType="monthly")
    made(c, "CreateMemberSubscription", 2, 1002, amount=50.0, balanceType="monthly")
    emu.usage_events.add(startTime=D0 + 13 * HOUR, endTime=D0 + 14 * HOUR, clientId=4, factor=5)
    emu.clock.set("2026-03-10T15:00:00+08:00")
    write(c, "StopMemberSubscription", 2, 1002, balanceType="monthly")
    write(c, "UpdateClient", 4, discount=0.9)
    emu.clock.set("2026-04-01T02:00:00+08:00")


def money_answers(get_json: Any) -> str:
    out = {}
    for dep, member in WALLETS:
        path = (dep,) if member is None else (dep, member)
        kind = "Client" if member is None else "Member"
        out[str(path)] = [get_json(f"Get{kind}Balance", *path), get_json(f"Get{kind}BalanceLogs", *path, size=100),
                          get_json("ListBalanceOrders" if member is None else "ListMemberBalanceOrders", *path),
                          get_json("ListSubscriptions" if member is None else "ListMemberSubscriptions", *path)]
    out["summary"] = [get_json("GetDeptBalanceSummary", d) for d in (2, 3, 4)]
    out["members"] = [get_json("ListDeptMembers", d, includeBalance="true") for d in (2, 4)]
    out["discounts"] = get_json("QueryClientDiscountLogs", 4)
    return without_request_ids(out)


def reads(emu: Emulator) -> str:
    return money_answers(lambda name, *path, **q: ok(get(emu, name, *path, **q)))


def test_export_then_import_keeps_every_wallet(emu: Emulator) -> None:
    some_money(emu)
    doc = emu.export_state()
    with Emulator(now=NOW_ISO) as other:
        other.import_state(doc)
        assert reads(other) == reads(emu)
        assert other.export_state() == doc
        repeat = made(other.client("admin"), "TransferToMember", 4, 1006, amount=25.0, idempotencyKey="t")
        assert repeat == made(emu.client("admin"), "TransferToMember", 4, 1006, amount=25.0, idempotencyKey="t")
        assert len(orders(other, 4)) == 2
        other.usage_events.clear()
        other.reset()
    for dep, member in WALLETS:
        check_wallet(emu, dep, member)
    first = D0 + 13 * HOUR  # the first whole hour after 12:20
    emu.set_forms(discounted_amounts="all")  # department 4's discount: the overview after it, as the debits are
    check_debits(emu, 4, None, first, APRIL + 2 * HOUR, {1006: first})
    check_debits(emu, 4, 1006, first, APRIL + 2 * HOUR, {1006: first})
    check_debits(emu, 2, 1002, D0, APRIL + 2 * HOUR, {1002: first})
    check_debits(emu, 2, None, D0, APRIL + 2 * HOUR, {1001: D0, 1002: first})


def test_reset_returns_the_fixtures_wallets(emu: Emulator) -> None:
    pristine = reads(emu)
    some_money(emu)
    assert reads(emu) != pristine
    emu.usage_events.clear()
    emu.reset()
    assert reads(emu) == pristine
    assert ok(get(emu, "GetClientBalance", 4))["data"]["enableBalance"] is False
    before = len(orders(emu, 2))
    made(emu.client("admin"), "CreateBalanceTransaction", 2, amount=1.5, type="deduct", idempotencyKey="d")
    assert len(orders(emu, 2)) == before + 1  # the key was forgotten too


def test_kept_across_a_restart_on_the_same_state_file(tmp_path: Path, cli_processes: list) -> None:
    path = str(tmp_path / "state.db")

    def cli() -> tuple[Any, str]:
        proc, url = start_cli("--now", NOW_ISO, "--state", path)
        cli_processes.append(proc)
        return proc, url

    def call(url: str, name: str, *args: Any, body: dict[str, Any] | None = None, **query: Any) -> Any:
        a = action(name)
        p = a.full_path.format(**{param.name: v for param, v in zip(a.path_params, args)})
        r = httpx.request(a.method, url + p, params={k: str(v) for k, v in query.items()}, timeout=30,
                          content=None if body is None else json.dumps(body), headers={
                              "accept": "application/json", "content-type": "application/json"})
        assert r.status_code == 200, r.text[:300]
        return r.json()

    proc, url = cli()
    call(url, "ConfigureClientBalance", 4, body={**ENABLE, "initialBalance": 300.0})
    call(url, "ConfigureMemberBalance", 4, 1006, body=ENABLE)
    call(url, "TransferToMember", 4, 1006, body={"amount": 25.0, "idempotencyKey": "t"})
    call(url, "CreateSubscription", 2, body={"subscriptionAmount": 10.0, "balanceType": "monthly"})
    call(url, "CreateMemberBalanceTransaction", 2, 1001, body={"amount": 2.0, "type": "deduct"})
    httpx.put(url + "/_emulator/clock", json={"now": "2026-03-10T18:00:00+08:00"}, timeout=10).raise_for_status()
    before = money_answers(lambda name, *p, **q: call(url, name, *p, **q))
    stop_group(proc)
    proc, url = cli()
    assert money_answers(lambda name, *p, **q: call(url, name, *p, **q)) == before
    again = call(url, "TransferToMember", 4, 1006, body={"amount": 25.0, "idempotencyKey": "t"})
    assert minor(again["data"]["balance"]) == 250_000  # the repeat is remembered
    stop_group(proc)
