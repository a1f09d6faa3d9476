"""Logs and orders (README "Money"): one auto_deduct row per wallet per closed hour with cost,
exactly minus the overview's cost of the wallet's keys; rows chain to the balance; an hour more
adds one row; a usage event moves exactly the debits of its hours; paging (page/size,
maxResults/nextToken, skipTotal, pageSize vs size), the orders' export and the discount logs."""

from __future__ import annotations

import random

from alibabacloud_aicontent20240611 import models
from chargeback_helpers import body, get, invalid, ok
from kit import WRITE_SAMPLES
from money_helpers import (
    HOUR,
    MARCH,
    balance_of,
    check_debits,
    check_wallet,
    cost,
    hour_ceil,
    logs,
    minor,
    orders,
    overview,
    utc_instant,
)
from writes_helpers import CHAT, D0, made, utc, write

from emulator.server import Emulator

WALLETS = ((2, None, "total_amount"), (2, 1001, "total_amount"), (3, None, "total_tokens"))
NOON = D0 + 12 * HOUR


def usage(rows: list[dict]) -> dict[int, int]:
    """The usage debits by hour end."""
    return {utc_instant(r["gmtCreate"]): minor(r["changeAmount"]) for r in rows if r["changeType"] == "auto_deduct"}


def test_debits_equal_cost_over_random_spans(emu: Emulator) -> None:
    rng = random.Random(2111)
    hours = (NOON - MARCH) // HOUR
    for dep, member, metric in WALLETS:
        rows, _ = check_wallet(emu, dep, member)
        assert len(usage(rows)) == hours  # every hour since March 1 had cost
        check_debits(emu, dep, member, MARCH, NOON, metric=metric, wallets=None if dep == 2 else {}, rows=rows)
        for _ in range(6):
            a = MARCH + rng.randrange(hours) * HOUR
            b = a + rng.randint(1, (NOON - a) // HOUR) * HOUR
            spent = check_debits(emu, dep, member, a, b, metric=metric, wallets=None if dep == 2 else {}, rows=rows)
            assert spent > 0


def test_an_hour_more_adds_one_debit_to_each_wallet(emu: Emulator) -> None:
    before = {(d, m): logs(emu, d, m) for d, m, _ in WALLETS}
    emu.clock.set("2026-03-10T13:20:00+08:00")
    for dep, member, metric in WALLETS:
        rows, _ = check_wallet(emu, dep, member)
        assert rows[1:] == before[(dep, member)], (dep, member)
        new = rows[0]
        assert (new["changeType"], new["gmtCreate"], new["remark"]) == ("auto_deduct", "2026-03-10T05:00:00Z", "usage")
        spent = cost(emu, dep, member, NOON, NOON + HOUR, None if dep == 2 else {}, metric)
        assert minor(new["changeAmount"]) == -spent and spent > 0
        assert balance_of(emu, dep, member) == minor(before[(dep, member)][0]["balanceAfter"]) - spent
    for dep, member, _ in WALLETS:  # the clock back: the hour's debit is gone again
        emu.clock.set("2026-03-10T12:59:59+08:00")
        assert logs(emu, dep, member) == before[(dep, member)]
    emu.clock.set("2026-03-10T13:00:00+08:00")  # the hour closes on the hour
    assert logs(emu, 2)[0]["gmtCreate"] == "2026-03-10T05:00:00Z"


def test_a_data_lag_delays_the_debits(emu: Emulator) -> None:
    emu.clock.set("2026-03-10T13:20:00+08:00", lag_minutes=30)  # usage exists until 12:50
    assert logs(emu, 2)[0]["gmtCreate"] == "2026-03-10T04:00:00Z"
    emu.clock.set("2026-03-10T13:30:00+08:00")
    assert logs(emu, 2)[0]["gmtCreate"] == "2026-03-10T05:00:00Z"
    check_debits(emu, 2, None, MARCH, NOON + HOUR)


def test_an_outage_removes_exactly_the_debits_of_its_hours(emu: Emulator) -> None:
    before = {(d, m): logs(emu, d, m) for d, m, _ in WALLETS}
    start, end = D0 + 8 * HOUR, D0 + 11 * HOUR
    emu.usage_events.add(startTime=start, endTime=end, clientId=2, factor=0)
    for dep, member, _ in WALLETS:
        old, rows = usage(before[(dep, member)]), usage(check_wallet(emu, dep, member)[0])
        gone = {t: v for t, v in old.items() if start < t <= end} if dep == 2 else {}
        assert rows == {t: v for t, v in old.items() if t not in gone}, (dep, member)
        assert len(gone) == (3 if dep == 2 else 0)
        assert balance_of(emu, dep, member) == minor(before[(dep, member)][0]["balanceAfter"]) - sum(gone.values())
        check_debits(emu, dep, member, MARCH, NOON, wallets=None if dep == 2 else {},
                     metric="total_tokens" if dep == 3 else "total_amount")


def test_a_spike_moves_the_members_debit_of_its_hour(emu: Emulator) -> None:
    """The README's alert case: the member's balance falls by exactly the spike's cost."""
    hour = D0 + 11 * HOUR
    before = usage(logs(emu, 2, 1001))
    dept = logs(emu, 2)
    normal = cost(emu, 2, 1001, hour, hour + HOUR)
    emu.usage_events.add(startTime=hour, endTime=hour + HOUR, memberUserId=1001, factor=10)
    after = usage(check_wallet(emu, 2, 1001)[0])
    spiked = cost(emu, 2, 1001, hour, hour + HOUR)
    assert spiked > 9 * normal and after[hour + HOUR] == -spiked
    assert after == {**before, hour + HOUR: -spiked}
    assert logs(emu, 2) == dept  # 1001's keys are charged to 1001, not to the department
    emu.usage_events.add(startTime=NOON, endTime=NOON + HOUR, memberUserId=1001, factor=400)
    start = balance_of(emu, 2, 1001)
    emu.clock.set("2026-03-10T13:00:00+08:00")
    assert start - balance_of(emu, 2, 1001) == cost(emu, 2, 1001, NOON, NOON + HOUR)
    check_wallet(emu, 2, 1001)


def test_an_exact_event_moves_the_debit_by_exactly_its_difference(emu: Emulator) -> None:
    hour = D0 + 9 * HOUR
    before = usage(logs(emu, 2))[hour + HOUR]
    was = overview(emu, hour, hour + HOUR, clientId=2, apiKeyId=5104)
    emu.usage_events.add(startTime=hour, endTime=hour + HOUR, apiKeyId=5104, modelId=1,
                         set={"total_calls": 3, "input_tokens": 1000, "output_tokens": 10, "total_amount": 12.3456})
    now = overview(emu, hour, hour + HOUR, clientId=2, apiKeyId=5104)
    rows, _ = check_wallet(emu, 2)
    assert now != was and usage(rows)[hour + HOUR] == before + was - now
    check_debits(emu, 2, None, MARCH, NOON, rows=rows)


def test_writes_to_the_figures_keep_debits_equal_to_cost(emu: Emulator) -> None:
    admin = emu.client("admin")
    made(emu.client("other-org-admin"), "CreateModel", **CHAT)
    path, fields = WRITE_SAMPLES["UpdateBillingRule"]
    write(admin, "UpdateBillingRule", *path, **fields)
    write(admin, "DeleteApiKey", 5104)
    made(admin, "CreateMemberApiKey", 2, 1001)
    made(admin, "CreateModel", **{**CHAT, "modelId": "ours"})
    write(admin, "UpdateModel", 3, status=0)
    emu.clock.set("2026-03-10T18:00:00+08:00")
    for dep, member, metric in WALLETS:
        rows, _ = check_wallet(emu, dep, member)
        check_debits(emu, dep, member, D0, D0 + 18 * HOUR, None if dep == 2 else {}, metric, rows=rows)
        check_debits(emu, dep, member, NOON, D0 + 18 * HOUR, None if dep == 2 else {}, metric, rows=rows)


# -- paging ------------------------------------------------------------------------------------
def test_client_logs_by_page_and_by_token(emu: Emulator) -> None:
    every = logs(emu, 2)
    assert len(every) == 229 and len({r["id"] for r in every}) == 229
    paged, page = [], 1
    while True:
        data = ok(get(emu, "GetClientBalanceLogs", 2, page=page, size=7))["data"]
        assert (data["page"], data["pageSize"], data["total"]) == (page, 7, 229)
        paged += data["list"]
        if len(data["list"]) < 7:
            break
        page += 1
    assert paged == every and page == 33
    walked, token, client = [], None, emu.client("admin")
    for _ in range(40):
        answer = body(client, "GetClientBalanceLogs", 2, maxResults=50, **({"nextToken": token} if token else {}))
        assert isinstance(answer.data, models.ModelRouterGetClientBalanceLogsResponseBodyData)
        assert answer.max_results == 50 and answer.data.total == 229
        walked += [r.to_map() for r in answer.data.list]
        token = answer.next_token
        if not token:
            break
    assert walked == every
    first = ok(get(emu, "GetClientBalanceLogs", 2))["data"]
    assert first["list"] == every[:20] and first["pageSize"] == 20
    invalid(get(emu, "GetClientBalanceLogs", 2, size=101), "size")


def test_logs_by_change_type(emu: Emulator) -> None:
    write(emu.client("admin"), "CreateBalanceTransaction", 2, amount=3.5, type="deduct")
    every = logs(emu, 2)
    for kind in ("auto_deduct", "deduct", "recharge"):
        assert logs(emu, 2, changeType=kind) == [r for r in every if r["changeType"] == kind]
        assert logs(emu, 2, 1001, changeType=kind) == [r for r in logs(emu, 2, 1001) if r["changeType"] == kind]
    assert [minor(r["changeAmount"]) for r in logs(emu, 2, changeType="deduct")] == [-35_000]
    invalid(get(emu, "GetClientBalanceLogs", 2, changeType="usage"), "changeType")


def test_member_logs_pages_and_skip_total(emu: Emulator) -> None:
    every = logs(emu, 2, 1001)
    data = body(emu.client("admin"), "GetMemberBalanceLogs", 2, 1001, page=2, size=10).data
    assert isinstance(data, models.ModelRouterGetMemberBalanceLogsResponseBodyData)
    assert (data.page, data.size, data.total) == (2, 10, 229)
    assert [r.to_map() for r in data.list] == every[10:20]
    skipped = ok(get(emu, "GetMemberBalanceLogs", 2, 1001, page=3, size=10, skipTotal="true"))["data"]
    assert (skipped["total"], skipped["list"]) == (0, every[20:30])
    last = ok(get(emu, "GetMemberBalanceLogs", 2, 1001, page=23, size=10))["data"]
    assert last["list"] == every[220:] and len(last["list"]) == 9
    assert ok(get(emu, "GetMemberBalanceLogs", 2, 1001, page=24, size=10))["data"]["list"] == []


def test_orders_pages_and_filters(emu: Emulator) -> None:
    admin = emu.client("admin")
    for i in range(5):
        write(admin, "TransferToMember", 2, 1001, amount=1.0 + i, balanceType="monthly" if i % 2 else "permanent")
    write(admin, "CreateBalanceTransaction", 2, amount=2.0, type="deduct")
    dept, member = orders(emu, 2), orders(emu, 2, 1001)
    assert [o["orderType"] for o in dept] == ["manual_deduct", *["transfer_out"] * 5, "recharge"]
    assert [o["orderType"] for o in member] == [*["transfer_in"] * 5, "recharge"]
    d = body(admin, "ListBalanceOrders", 2, page=2, pageSize=3).data
    assert isinstance(d, models.ModelRouterListBalanceOrdersResponseBodyData)
    assert (d.page, d.page_size, d.total, [o.to_map() for o in d.list]) == (2, 3, 7, dept[3:6])
    m = body(admin, "ListMemberBalanceOrders", 2, 1001, page=2, pageSize=4).data
    assert isinstance(m, models.ModelRouterListMemberBalanceOrdersResponseBodyData)
    assert (m.page, m.size, m.total, [o.to_map() for o in m.list]) == (2, 4, 6, member[4:])
    raw = ok(get(emu, "ListBalanceOrders", 2, pageSize=3))
    assert "size" not in raw["data"] and raw["data"]["pageSize"] == 3
    assert "pageSize" not in ok(get(emu, "ListMemberBalanceOrders", 2, 1001, pageSize=3))["data"]
    walked, token = [], None
    for _ in range(10):
        answer = ok(get(emu, "ListBalanceOrders", 2, maxResults=2, nextToken=token))
        walked += answer["data"]["list"]
        token = answer["nextToken"]
        if not token:
            break
    assert walked == dept
    assert orders(emu, 2, direction="out") == dept[:6] and orders(emu, 2, direction="in") == dept[6:]
    assert orders(emu, 2, balanceType="monthly") == [o for o in dept if o["balanceType"] == "monthly"]
    assert len(orders(emu, 2, 1001, balanceType="monthly")) == 2
    assert orders(emu, 2, 1001, orderType="transfer_in", direction="in") == member[:5]
    assert orders(emu, 2, 1001, orderType="transfer_in", direction="out") == []
    assert len({o["orderId"] for o in dept + member}) == 13


def test_export_member_orders_counts_them(emu: Emulator) -> None:
    admin = emu.client("admin")
    for i in range(3):
        write(admin, "CreateMemberBalanceTransaction", 2, 1001, amount=1.0, type="deduct" if i else "recharge",
              balanceType="monthly" if i == 2 else "permanent")
    task = body(admin, "ExportMemberBalanceOrders", 2, 1001).data
    assert isinstance(task, models.ExportTaskDTO)
    assert (task.status, task.progress, task.total, task.type) == ("finished", 100, 4, "member_balance_orders")
    assert task.filename.startswith("member-1001-orders-") and task.filename.endswith(".csv")
    for query in ({"direction": "out"}, {"direction": "in"}, {"balanceType": "monthly"}, {"balanceType": "permanent"},
                  {"direction": "out", "balanceType": "permanent"}):
        got = ok(get(emu, "ExportMemberBalanceOrders", 2, 1001, **query))["data"]["total"]
        assert got == len(orders(emu, 2, 1001, **query)), query
    assert ok(get(emu, "ExportMemberBalanceOrders", 2, 1002))["data"]["total"] == 0


def test_discount_logs_list_each_change(emu: Emulator) -> None:
    admin = emu.client("admin")
    assert body(admin, "QueryClientDiscountLogs", 2).data == []
    write(admin, "UpdateClient", 2, discount=0.8, remark="first")
    first = emu.clock.now()
    emu.clock.set("2026-03-10T15:00:00+08:00")
    write(admin, "UpdateClient", 2, discount=0.8)  # no change: no entry
    write(admin, "UpdateClient", 2, discount=0.75)
    second = emu.clock.now()
    emu.clock.set("2026-03-10T16:00:00+08:00")
    answer = body(admin, "QueryClientDiscountLogs", 2)
    assert all(isinstance(x, models.ModelRouterQueryClientDiscountLogsResponseBodyData) for x in answer.data)
    raw = ok(get(emu, "QueryClientDiscountLogs", 2))
    assert isinstance(raw["data"], list)
    got = [(x["discount"], x["effectiveTime"], x["expireTime"], x["clientId"]) for x in raw["data"]]
    # in force from the first whole hour at or after each change
    assert got == [(0.75, utc(hour_ceil(second)), "", 2), (0.8, utc(hour_ceil(first)), utc(hour_ceil(second)), 2)]
    assert raw["data"][1]["gmtCreate"] == utc(first) and hour_ceil(first) > first
    assert raw["data"][1]["remark"] == "first"
    assert [x.to_map() for x in answer.data] == raw["data"]
    page = ok(get(emu, "QueryClientDiscountLogs", 2, maxResults=1))
    assert page["data"] == raw["data"][:1] and page["nextToken"]
    rest = ok(get(emu, "QueryClientDiscountLogs", 2, maxResults=1, nextToken=page["nextToken"]))
    assert rest["data"] == raw["data"][1:] and rest["nextToken"] == ""
    assert ok(get(emu, "QueryClientDiscountLogs", 3))["data"] == []
    emu.clock.set("2026-03-10T14:00:00+08:00")  # before the second change
    assert [x["discount"] for x in ok(get(emu, "QueryClientDiscountLogs", 2))["data"]] == [0.8]
