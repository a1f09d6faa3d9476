"""Balances (README "Money"): a wallet starts disabled (balance 0, enableBalance false);
ConfigureClientBalance / ConfigureMemberBalance enable it once (one way; its unit fixed; the
initial balance only the first time; balanceType required then); the fixture's three wallets;
GetClientBalance / GetMemberBalance as the SDK reads them; usage is charged from the first whole
hour after a wallet is enabled, a member's keys to the department's wallet before that."""

from __future__ import annotations

import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import body, get, invalid, ok
from money_helpers import (
    HOUR,
    MARCH,
    balance,
    balance_of,
    check_debits,
    check_wallet,
    cost,
    debited,
    logs,
    member_pools,
    minor,
    orders,
    summary,
)
from writes_helpers import D0, NOW_UTC, made, refuse, write

from emulator.server import Emulator

ADMIN_AK = "LTAIEMULATORADMIN0000001"
ENABLE = {"enableBalance": True, "balanceType": "amount"}


def test_a_wallet_starts_disabled(emu: Emulator) -> None:
    client = emu.client("admin")
    for name, path in (("GetClientBalance", (4,)), ("GetMemberBalance", (2, 1002)), ("GetMemberBalance", (4, 1006))):
        data = body(client, name, *path).data
        assert isinstance(data, models.ClientBalanceDTO)
        assert (data.balance, data.enable_balance, data.balance_type, data.client_id, data.id) == (
            0.0, False, "amount", path[0], 0), data
    assert logs(emu, 4) == [] and orders(emu, 4) == [] and logs(emu, 2, 1002) == [] and orders(emu, 2, 1002) == []
    assert summary(emu, 4) == {"permanent": (0, 0, 0), "monthly": (0, 0, 0)}
    assert member_pools(emu, 2)[1002] == (0, 0) and member_pools(emu, 4)[1006] == (0, 0)
    assert ok(get(emu, "ListSubscriptions", 4))["data"]["list"] == []


def test_the_fixtures_wallets(emu: Emulator) -> None:
    client = emu.client("admin")
    dept = body(client, "GetClientBalance", 2).data
    assert (dept.enable_balance, dept.balance_type, dept.client_id, dept.id) == (True, "amount", 2, 1)
    tokens = body(client, "GetClientBalance", 3).data
    assert (tokens.enable_balance, tokens.balance_type, tokens.id) == (True, "tokens", 2)
    member = body(client, "GetMemberBalance", 2, 1001).data
    assert (member.enable_balance, member.balance_type, member.client_id, member.id) == (True, "amount", 2, 3)
    openings = {}
    for dep, m in ((2, None), (3, None), (2, 1001)):
        first = orders(emu, dep, m)
        assert len(first) == 1 and first[0]["orderType"] == "recharge" and first[0]["remark"] == "initial balance"
        assert first[0]["createTime"] == "2026-03-01T00:00:00+08:00" and first[0]["balanceType"] == "permanent"
        assert first[0]["balanceBefore"] == 0 and first[0]["direction"] == "in", first[0]
        assert first[0]["orderId"].startswith("ord_20260301_") and len(first[0]["orderId"]) == 19
        openings[(dep, m)] = minor(first[0]["amount"])
    assert openings[(2, None)] == 50_000 * 10_000 and openings[(3, None)] == 20_000_000_000 * 10_000
    drawn = openings[(2, 1001)] // 10_000
    assert 5000 <= drawn <= 50_000 and drawn % 100 == 0 and openings[(2, 1001)] % 10_000 == 0
    for dep, m in ((2, None), (3, None), (2, 1001)):
        check_wallet(emu, dep, m)


def test_configure_client_balance_enables_once(emu: Emulator) -> None:
    client = emu.client("admin")
    data = write(client, "ConfigureClientBalance", 4, **ENABLE, initialBalance=100.5).data
    assert isinstance(data, models.ClientBalanceDTO)
    assert (data.balance, data.enable_balance, data.balance_type, data.client_id, data.id) == (
        100.5, True, "amount", 4, 4)
    assert (data.gmt_create, data.gmt_modified) == (NOW_UTC, NOW_UTC)
    [order] = orders(emu, 4)
    assert (order["orderType"], minor(order["amount"]), order["operatorId"], order["remark"], order["source"]) == (
        "recharge", 1_005_000, ADMIN_AK, "initial balance", "api")
    [row] = logs(emu, 4)
    assert (row["changeType"], minor(row["changeAmount"]), row["gmtCreate"], row["clientId"]) == (
        "recharge", 1_005_000, NOW_UTC, 4)
    # again: enabled already, the initial balance is not given again; the same unit is fine
    again = made(client, "ConfigureClientBalance", 4, **ENABLE, initialBalance=999.0)
    assert again["balance"] == 100.5 and len(orders(emu, 4)) == 1
    assert made(client, "ConfigureClientBalance", 4, initialBalance=5.0)["balance"] == 100.5
    refuse(emu, client, "ConfigureClientBalance", 4, field="enableBalance", enableBalance=False)
    refuse(emu, client, "ConfigureClientBalance", 4, field="balanceType", enableBalance=True, balanceType="tokens")
    refuse(emu, client, "ConfigureClientBalance", 2, field="enableBalance", enableBalance=False)
    refuse(emu, client, "ConfigureClientBalance", 3, field="balanceType", balanceType="amount")
    assert balance_of(emu, 4) == 1_005_000 and check_wallet(emu, 4)[1] == (1_005_000, 0)


def test_balance_type_is_required_the_first_time(emu: Emulator) -> None:
    client = emu.client("admin")
    refuse(emu, client, "ConfigureClientBalance", 4, field="balanceType", enableBalance=True, initialBalance=10.0)
    refuse(emu, client, "ConfigureMemberBalance", 2, 1002, field="balanceType", enableBalance=True)
    refuse(emu, client, "ConfigureClientBalance", 4, field="enableBalance")
    refuse(emu, client, "ConfigureClientBalance", 4, field="balanceType", enableBalance=True, balanceType="yuan")
    # enableBalance false on a disabled wallet: nothing to enable
    off = made(client, "ConfigureClientBalance", 4, enableBalance=False, balanceType="amount", initialBalance=7.0)
    assert (off["enableBalance"], off["balance"]) == (False, 0.0)
    assert balance(emu, 4)["enableBalance"] is False and orders(emu, 4) == []


def test_no_initial_balance_enables_at_zero(emu: Emulator) -> None:
    data = made(emu.client("admin"), "ConfigureMemberBalance", 2, 1002, **ENABLE)
    assert (data["balance"], data["enableBalance"], data["clientId"]) == (0.0, True, 2)
    assert orders(emu, 2, 1002) == [] and logs(emu, 2, 1002) == []
    made(emu.client("admin"), "ConfigureMemberBalance", 2, 1003, **ENABLE, initialBalance=0.0)
    assert orders(emu, 2, 1003) == [] and balance(emu, 2, 1003)["enableBalance"] is True


@pytest.mark.parametrize("bad", [-1.0, 0.00001, 1e13])
def test_an_initial_balance_is_0_to_10_12_with_4_decimals(emu: Emulator, bad: float) -> None:
    refuse(emu, emu.client("admin"), "ConfigureClientBalance", 4, field="initialBalance", **ENABLE,
           initialBalance=bad)


def test_configure_member_balance(emu: Emulator) -> None:
    client = emu.client("admin")
    data = write(client, "ConfigureMemberBalance", 2, 1002, enableBalance=True, balanceType="tokens",
                 initialBalance=1234.0001).data
    assert isinstance(data, models.ClientBalanceDTO)
    assert (data.balance, data.balance_type, data.enable_balance, data.client_id, data.id) == (
        1234.0001, "tokens", True, 2, 4)
    assert body(client, "GetMemberBalance", 2, 1002).data.to_map() == data.to_map()
    assert member_pools(emu, 2)[1002] == (12_340_001, 0)
    refuse(emu, client, "ConfigureMemberBalance", 2, 1002, field="balanceType", balanceType="amount")
    refuse(emu, client, "ConfigureMemberBalance", 2, 1002, field="enableBalance", enableBalance=False)
    refuse(emu, client, "ConfigureMemberBalance", 3, 1001, field="id", **ENABLE)  # not a member of 3
    refuse(emu, client, "ConfigureMemberBalance", 2, 99999, field="id", **ENABLE)
    refuse(emu, client, "ConfigureMemberBalance", 99, 1002, field="clientId", **ENABLE)


def test_a_member_wallet_takes_its_keys_from_the_first_whole_hour(emu: Emulator) -> None:
    """1002 enabled at 12:20: its keys are charged to it from 13:00, to department 2 before."""
    made(emu.client("admin"), "ConfigureMemberBalance", 2, 1002, **ENABLE, initialBalance=100.0)
    first = D0 + 13 * HOUR
    emu.clock.set("2026-03-10T13:00:00+08:00")
    assert [r["changeType"] for r in logs(emu, 2, 1002)] == ["recharge"]  # hour 12-13 was the department's
    emu.clock.set("2026-03-10T16:30:00+08:00")
    rows, _ = check_wallet(emu, 2, 1002)
    assert [r["gmtCreate"] for r in rows if r["changeType"] == "auto_deduct"] == [
        "2026-03-10T08:00:00Z", "2026-03-10T07:00:00Z", "2026-03-10T06:00:00Z"]
    spent = check_debits(emu, 2, 1002, D0, D0 + 16 * HOUR, {1002: first}, rows=rows)
    assert spent > 0 and balance_of(emu, 2, 1002) == 1_000_000 - spent
    wallets = {1001: MARCH, 1002: first}
    check_debits(emu, 2, None, MARCH, D0 + 16 * HOUR, wallets)
    check_debits(emu, 2, None, D0 + 12 * HOUR, D0 + 13 * HOUR, wallets)  # 1002's hour 12 in the department's
    check_wallet(emu, 2)


def test_an_enabled_department_is_charged_from_the_next_hour(emu: Emulator) -> None:
    made(emu.client("admin"), "ConfigureClientBalance", 4, **ENABLE, initialBalance=1000.0)
    emu.clock.set("2026-03-11T00:00:00+08:00")
    rows, _ = check_wallet(emu, 4)
    debits = [r for r in rows if r["changeType"] == "auto_deduct"]
    assert debits[-1]["gmtCreate"] == "2026-03-10T06:00:00Z" and len(debits) == 11  # hours 13..23, each with cost
    spent = check_debits(emu, 4, None, D0 + 13 * HOUR, D0 + 24 * HOUR, {}, rows=rows)
    assert debited(rows, MARCH, D0 + 13 * HOUR) == 0 and cost(emu, 4, None, D0 + 12 * HOUR, D0 + 13 * HOUR, {}) > 0
    assert balance_of(emu, 4) == 10_000_000 - spent


def test_the_tokens_wallet_debits_total_tokens(emu: Emulator) -> None:
    rows, _ = check_wallet(emu, 3)
    end = D0 + 12 * HOUR
    spent = check_debits(emu, 3, None, MARCH, end, {}, "total_tokens", rows=rows)
    assert spent > 0 and spent % 10_000 == 0  # whole tokens
    assert balance_of(emu, 3) == 20_000_000_000 * 10_000 - spent
    amount = cost(emu, 3, None, MARCH, end, {})
    assert amount != spent


def test_a_read_of_an_unknown_wallet(emu: Emulator) -> None:
    for name, path, field in (("GetClientBalance", (99,), "id"), ("GetMemberBalance", (2, 99999), "id"),
                              ("GetMemberBalance", (99, 1001), "clientId"), ("GetClientBalanceLogs", (11,), "id")):
        invalid(get(emu, name, *path), field)


def test_a_member_of_two_departments_has_a_wallet_in_each(emu: Emulator) -> None:
    c = emu.client("admin")
    write(c, "SetUserRoles", 1001, departmentRoles=[{"clientId": 2, "roleCode": "dept_admin"}, {"clientId": 3}])
    made(c, "ConfigureMemberBalance", 3, 1001, enableBalance=True, balanceType="tokens", initialBalance=5.0)
    assert member_pools(emu, 3)[1001] == (50_000, 0) and member_pools(emu, 2)[1001] == check_wallet(emu, 2, 1001)[1]
    emu.clock.set("2026-03-10T15:00:00+08:00")
    assert [r["changeType"] for r in logs(emu, 3, 1001)] == ["recharge"]  # its keys are all in department 2
    check_debits(emu, 2, 1001, MARCH, D0 + 15 * HOUR)
    check_debits(emu, 3, None, MARCH, D0 + 15 * HOUR, {}, "total_tokens")
