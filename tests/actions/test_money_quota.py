"""TransferToMember's `monthlyQuota` (README "Money", "Writes"): a monthly transfer with a quota
refreshes the member's monthly pool at 00:00 Asia/Shanghai on every 1st after it, once the
month's remainder has expired, moving the quota from the department's monthly pool (a
transfer_out there, a transfer_in here, both `source` system); a later monthly transfer's quota
replaces it, 0 ends it; a repeated idempotency key sets nothing again; a quota on a permanent
transfer is refused and changes nothing."""

from __future__ import annotations

from typing import Any

from money_helpers import APRIL, DAY, MAY, check_wallet, minor, orders, summary, utc_instant
from writes_helpers import made, refuse, write

from emulator.server import Emulator

JUNE = MAY + 31 * DAY


def refreshes(emu: Emulator, dep: int, member: int | None = None) -> list[tuple[str, int, int, str]]:
    """(orderType, amount, when, remark) of the wallet's quota orders, oldest first."""
    return [(o["orderType"], minor(o["amount"]), utc_instant(o["createTime"]), o["remark"])
            for o in reversed(orders(emu, dep, member)) if "monthly quota" in o["remark"]]


def by_type(emu: Emulator, dep: int, member: int, kind: str) -> list[dict[str, Any]]:
    return [o for o in orders(emu, dep, member) if o["orderType"] == kind]


def test_a_quota_refreshes_the_members_monthly_pool_from_the_departments_every_1st(emu: Emulator) -> None:
    c = emu.client("admin")
    write(c, "TransferToMember", 2, 1001, amount=100.0, balanceType="monthly", monthlyQuota=300.0)
    emu.clock.set(APRIL - 1)
    assert refreshes(emu, 2, 1001) == refreshes(emu, 2) == []  # none before the 1st
    emu.clock.set(APRIL + 2 * DAY)
    assert refreshes(emu, 2, 1001) == [("transfer_in", 3_000_000, APRIL, "monthly quota")]
    assert refreshes(emu, 2) == [("transfer_out", 3_000_000, APRIL, "monthly quota of member 1001")]
    into = next(o for o in by_type(emu, 2, 1001, "transfer_in") if o["remark"] == "monthly quota")
    # the month's remainder expired first: the pool is the quota, exactly
    assert (minor(into["balanceBefore"]), minor(into["balanceAfter"]), into["source"]) == (0, 3_000_000, "system")
    # department 2 has no monthly funding: like a transfer, each refresh takes its monthly pool further below 0
    assert summary(emu, 2)["monthly"][1] == -(1_000_000 + 3_000_000)
    emu.clock.set(MAY + DAY)
    assert [t for _, _, t, _ in refreshes(emu, 2, 1001)] == [t for _, _, t, _ in refreshes(emu, 2)] == [APRIL, MAY]
    assert summary(emu, 2)["monthly"][:2] == (1_000_000 + 2 * 3_000_000, -(1_000_000 + 2 * 3_000_000))  # allocated
    check_wallet(emu, 2)
    check_wallet(emu, 2, 1001)


def test_a_later_quota_replaces_the_one_before_and_0_ends_it(emu: Emulator) -> None:
    c = emu.client("admin")
    write(c, "TransferToMember", 2, 1001, amount=1.0, balanceType="monthly", monthlyQuota=300.0)
    emu.clock.set(APRIL + 9 * DAY)
    write(c, "TransferToMember", 2, 1001, amount=1.0, balanceType="monthly", monthlyQuota=50.5)
    write(c, "TransferToMember", 2, 1001, amount=1.0, balanceType="monthly")  # no quota given: it stays
    emu.clock.set(MAY + 9 * DAY)
    write(c, "TransferToMember", 2, 1001, amount=1.0, balanceType="monthly", monthlyQuota=0)
    emu.clock.set(JUNE + DAY)
    assert [(a, t) for _, a, t, _ in refreshes(emu, 2, 1001)] == [(3_000_000, APRIL), (505_000, MAY)]
    check_wallet(emu, 2)
    check_wallet(emu, 2, 1001)


def test_a_repeated_key_sets_no_quota_again(emu: Emulator) -> None:
    c = emu.client("admin")
    first = made(c, "TransferToMember", 2, 1001, amount=2.0, balanceType="monthly", monthlyQuota=20.0,
                 idempotencyKey="quota-1")
    again = made(c, "TransferToMember", 2, 1001, amount=2.0, balanceType="monthly", monthlyQuota=20.0,
                 idempotencyKey="quota-1")
    assert again == first
    emu.clock.set(APRIL + DAY)
    assert refreshes(emu, 2, 1001) == [("transfer_in", 200_000, APRIL, "monthly quota")]


def test_two_members_refreshed_at_one_instant_are_two_orders(emu: Emulator) -> None:
    c = emu.client("admin")
    write(c, "ConfigureMemberBalance", 2, 1002, enableBalance=True, balanceType="amount", initialBalance=1.0)
    for member in (1001, 1002):
        write(c, "TransferToMember", 2, member, amount=1.0, balanceType="monthly", monthlyQuota=7.0)
    emu.clock.set(APRIL + DAY)
    outs = [o for o in orders(emu, 2) if "monthly quota" in o["remark"]]
    assert sorted(o["remark"] for o in outs) == ["monthly quota of member 1001", "monthly quota of member 1002"]
    assert len({o["orderId"] for o in orders(emu, 2)}) == len(orders(emu, 2))
    for member in (1001, 1002):
        assert refreshes(emu, 2, member) == [("transfer_in", 70_000, APRIL, "monthly quota")]
        check_wallet(emu, 2, member)
    check_wallet(emu, 2)


def test_a_quota_on_a_permanent_transfer_is_refused(emu: Emulator) -> None:
    c = emu.client("admin")
    refuse(emu, c, "TransferToMember", 2, 1001, field="monthlyQuota", says="monthly transfers only", amount=1.0,
           monthlyQuota=5.0)
    refuse(emu, c, "TransferToMember", 2, 1001, field="monthlyQuota", says="at most 4 decimals", amount=1.0,
           balanceType="monthly", monthlyQuota=0.00001)


def test_a_departments_monthly_subscription_recharges_before_the_refreshes(emu: Emulator) -> None:
    c = emu.client("admin")
    write(c, "CreateSubscription", 2, subscriptionAmount=1000.0, balanceType="monthly")
    write(c, "TransferToMember", 2, 1001, amount=1.0, balanceType="monthly", monthlyQuota=300.0)
    emu.clock.set(APRIL + DAY)
    out = next(o for o in orders(emu, 2) if o["remark"] == "monthly quota of member 1001")
    # at 00:00 on the 1st: the remainder expired, the subscription recharged 1,000, then the quota went out
    assert (minor(out["balanceBefore"]), minor(out["balanceAfter"])) == (10_000_000, 7_000_000)
    check_wallet(emu, 2)


def test_a_deleted_members_quota_is_not_refreshed(emu: Emulator) -> None:
    c = emu.client("admin")
    user = made(c, "CreateUser", loginName="quota-user", name="配额", phone="13800000001",
                departmentRoles=[{"clientId": 2}])["userId"]
    write(c, "ConfigureMemberBalance", 2, user, enableBalance=True, balanceType="amount")
    write(c, "TransferToMember", 2, user, amount=1.0, balanceType="monthly", monthlyQuota=9.0)
    emu.clock.set(APRIL + 9 * DAY)
    write(c, "DeleteUser", user)
    emu.clock.set(MAY + DAY)
    assert [(a, t) for _, a, t, _ in refreshes(emu, 2)] == [(90_000, APRIL)]  # none after the deletion
    check_wallet(emu, 2)
