"""The money writes (README "Money", "Writes"): every one of the 20 actions through its SDK
method; CreateBalanceTransaction / CreateMemberBalanceTransaction move exactly the amount;
TransferToMember moves it from the department's pool to the member's same pool (an order in
each); idempotency by idempotencyKey (per organisation, at most 32 characters); an amount more
than 0 with at most 4 decimals; refusals change nothing; who may write what."""

from __future__ import annotations

import pytest
from alibabacloud_aicontent20240611 import models
from chargeback_helpers import body, get
from kit import raw
from money_helpers import balance_of, check_wallet, logs, member_pools, minor, orders, summary
from writes_helpers import DENIED, NOW_ISO, NOW_UTC, made, refuse, write

from emulator.server import Emulator

ENABLE = {"enableBalance": True, "balanceType": "amount"}
ADMIN_AK = "LTAIEMULATORADMIN0000001"
SCOPED_AK = "LTAIEMULATORDEPTSCOPED01"


def test_every_money_action_through_the_sdk(emu: Emulator) -> None:
    c = emu.client("admin")
    dto, sub = models.ClientBalanceDTO, models.SubscriptionDTO
    calls = [
        ("ConfigureClientBalance", (4,), {**ENABLE, "initialBalance": 100.0}, dto),
        ("ConfigureMemberBalance", (4, 1006), {**ENABLE, "initialBalance": 10.0}, dto),
        ("CreateBalanceTransaction", (4,), {"amount": 50.0, "type": "recharge"}, dto),
        ("CreateMemberBalanceTransaction", (4, 1006), {"amount": 5.0, "type": "deduct"}, dto),
        ("TransferToMember", (4, 1006), {"amount": 20.0}, dto),
        ("CreateSubscription", (4,), {"subscriptionAmount": 30.0, "balanceType": "monthly"}, sub),
        ("CreateMemberSubscription", (4, 1006), {"amount": 3.0, "balanceType": "monthly"}, sub),
        ("GetClientBalance", (4,), {}, dto),
        ("StopSubscription", (4,), {"balanceType": "monthly"}, sub),
        ("StopMemberSubscription", (4, 1006), {"balanceType": "monthly"}, bool),
        ("GetClientBalance", (4,), {}, dto),
        ("GetMemberBalance", (4, 1006), {}, dto),
        ("GetDeptBalanceSummary", (4,), {}, models.DeptBalanceSummaryDTO),
        ("GetClientBalanceLogs", (4,), {}, models.ModelRouterGetClientBalanceLogsResponseBodyData),
        ("GetMemberBalanceLogs", (4, 1006), {}, models.ModelRouterGetMemberBalanceLogsResponseBodyData),
        ("ListBalanceOrders", (4,), {}, models.ModelRouterListBalanceOrdersResponseBodyData),
        ("ListMemberBalanceOrders", (4, 1006), {}, models.ModelRouterListMemberBalanceOrdersResponseBodyData),
        ("ExportMemberBalanceOrders", (4, 1006), {}, models.ExportTaskDTO),
        ("ListSubscriptions", (4,), {}, models.ModelRouterListSubscriptionsResponseBodyData),
        ("ListMemberSubscriptions", (4, 1006), {}, models.ModelRouterListMemberSubscriptionsResponseBodyData),
        ("QueryClientDiscountLogs", (4,), {}, list),
    ]
    assert len({name for name, *_ in calls}) == 20
    got = {}
    for name, path, fields, kind in calls:
        if name == "StopSubscription":
            emu.clock.set("2026-03-10T12:30:00+08:00")  # later than the subscriptions' recharges
        data = body(c, name, *path, **fields).data
        assert isinstance(data, kind), (name, type(data))
        got[name] = data
    # 100 + 30 (monthly) + 50 − 20 (to the member); the member: 10 − 5 + 20 + 3 (monthly)
    assert got["GetClientBalance"].balance == 160.0 and got["GetMemberBalance"].balance == 28.0
    assert got["StopMemberSubscription"] is True
    s = got["GetDeptBalanceSummary"]
    assert (s.permanent.allocated, s.permanent.available, s.permanent.total) == (20.0, 130.0, 150.0)
    assert (s.monthly.allocated, s.monthly.available, s.monthly.total) == (0.0, 30.0, 30.0)
    assert got["GetClientBalanceLogs"].total == 4 and got["GetMemberBalanceLogs"].total == 4
    assert sorted(o.order_type for o in got["ListBalanceOrders"].list) == [  # all at 12:20
        "periodic_recharge", "recharge", "recharge", "transfer_out"]
    assert got["ExportMemberBalanceOrders"].total == got["ListMemberBalanceOrders"].total == 4
    assert [x.status for x in got["ListSubscriptions"].list] == ["stopped"]
    assert [x.status for x in got["ListMemberSubscriptions"].list] == ["stopped"]
    check_wallet(emu, 4)
    check_wallet(emu, 4, 1006)


@pytest.mark.parametrize("amount", [12.3456, 0.0001, 1e12, 7.0])
def test_recharge_and_deduct_move_the_balance_by_exactly_the_amount(emu: Emulator, amount: float) -> None:
    c, step = emu.client("admin"), round(amount * 10_000)
    for path, name in (((2,), "CreateBalanceTransaction"), ((2, 1001), "CreateMemberBalanceTransaction")):
        start = balance_of(emu, *path)
        up = made(c, name, *path, amount=amount, type="recharge", remark="top up")
        assert minor(up["balance"]) == start + step == balance_of(emu, *path)
        assert up["gmtModified"] == NOW_UTC
        down = made(c, name, *path, amount=amount, type="deduct", balanceType="monthly")
        assert minor(down["balance"]) == start == balance_of(emu, *path)
        newest = orders(emu, *path)[:2]
        assert [(o["orderType"], o["balanceType"], minor(o["amount"]), o["direction"]) for o in newest] == [
            ("manual_deduct", "monthly", step, "out"), ("recharge", "permanent", step, "in")]
        assert newest[1]["remark"] == "top up" and {o["operatorId"] for o in newest} == {ADMIN_AK}
        assert [minor(r["changeAmount"]) for r in logs(emu, *path)[:2]] == [-step, step]
        _, pools = check_wallet(emu, *path)
        assert pools[1] == -step  # the monthly pool went below zero


def test_a_write_may_take_a_wallet_below_zero(emu: Emulator) -> None:
    c = emu.client("admin")
    made(c, "ConfigureClientBalance", 4, **ENABLE, initialBalance=1.0)
    assert made(c, "CreateBalanceTransaction", 4, amount=5.0, type="deduct")["balance"] == -4.0
    made(c, "ConfigureMemberBalance", 4, 1006, **ENABLE)
    assert made(c, "TransferToMember", 4, 1006, amount=2.5)["balance"] == 2.5
    assert balance_of(emu, 4) == -65_000 and summary(emu, 4)["permanent"] == (25_000, -65_000, -40_000)
    check_wallet(emu, 4)


def test_a_transfer_moves_the_amount_from_the_department_to_the_member(emu: Emulator) -> None:
    c = emu.client("admin")
    dept, member = balance_of(emu, 2), balance_of(emu, 2, 1001)
    pools = member_pools(emu, 2)[1001]
    answer = write(c, "TransferToMember", 2, 1001, amount=123.4567, remark="budget").data
    assert isinstance(answer, models.ClientBalanceDTO) and minor(answer.balance) == member + 1_234_567
    assert balance_of(emu, 2) == dept - 1_234_567 and balance_of(emu, 2, 1001) == member + 1_234_567
    assert member_pools(emu, 2)[1001] == (pools[0] + 1_234_567, pools[1])
    out, into = orders(emu, 2)[0], orders(emu, 2, 1001)[0]
    assert (out["orderType"], out["direction"], out["balanceType"], minor(out["amount"]), out["remark"]) == (
        "transfer_out", "out", "permanent", 1_234_567, "budget")
    assert (into["orderType"], into["direction"], into["balanceType"], minor(into["amount"])) == (
        "transfer_in", "in", "permanent", 1_234_567)
    assert out["createTime"] == into["createTime"] == "2026-03-10T12:20:00+08:00"
    assert minor(logs(emu, 2)[0]["changeAmount"]) == -1_234_567 and logs(emu, 2)[0]["changeType"] == "deduct"
    assert minor(logs(emu, 2, 1001)[0]["changeAmount"]) == 1_234_567
    # monthly, and through CreateMemberBalanceTransaction's transfer: the same movement
    write(c, "TransferToMember", 2, 1001, amount=10.0, balanceType="monthly", monthlyQuota=10.0)
    write(c, "CreateMemberBalanceTransaction", 2, 1001, amount=1.0, type="transfer", balanceType="monthly")
    assert [o["orderType"] for o in orders(emu, 2, 1001)[:2]] == ["transfer_in", "transfer_in"]
    assert orders(emu, 2, 1001)[0]["remark"] == "from department 2" and orders(emu, 2)[0]["remark"] == "to member 1001"
    got = summary(emu, 2)
    assert got["permanent"][0] == 1_234_567 and got["monthly"] == (110_000, -110_000, 0)
    for pool in ("permanent", "monthly"):
        allocated, available, total = got[pool]
        assert total == allocated + available
    assert member_pools(emu, 2)[1001] == (pools[0] + 1_234_567, pools[1] + 110_000)
    check_wallet(emu, 2)
    check_wallet(emu, 2, 1001)


def test_a_transfer_needs_both_wallets_enabled_in_one_unit(emu: Emulator) -> None:
    c = emu.client("admin")
    refuse(emu, c, "TransferToMember", 2, 1002, field="id", says="not enabled", amount=1.0)
    refuse(emu, c, "CreateMemberBalanceTransaction", 2, 1002, field="id", amount=1.0, type="transfer")
    made(c, "ConfigureMemberBalance", 4, 1006, **ENABLE, initialBalance=1.0)
    refuse(emu, c, "TransferToMember", 4, 1006, field="clientId", says="not enabled", amount=1.0)
    made(c, "ConfigureMemberBalance", 3, 1004, enableBalance=True, balanceType="amount")
    refuse(emu, c, "TransferToMember", 3, 1004, field="id", says="tokens", amount=1.0)
    refuse(emu, c, "TransferToMember", 3, 1001, field="id", amount=1.0)  # 1001 is not of department 3
    refuse(emu, c, "CreateBalanceTransaction", 4, field="id", says="not enabled", amount=1.0)
    refuse(emu, c, "CreateMemberBalanceTransaction", 2, 1002, field="id", says="not enabled", amount=1.0)
    refuse(emu, c, "CreateBalanceTransaction", 2, field="type", amount=1.0, type="transfer")
    refuse(emu, c, "CreateMemberBalanceTransaction", 2, 1001, field="type", amount=1.0, type="refund")


@pytest.mark.parametrize("amount", [0.00001, 1.23456, 0.0, -1.0, 1e12 + 1])
def test_an_amount_is_positive_with_at_most_4_decimals(emu: Emulator, amount: float) -> None:
    c = emu.client("admin")
    for name, path in (("CreateBalanceTransaction", (2,)), ("CreateMemberBalanceTransaction", (2, 1001)),
                       ("TransferToMember", (2, 1001))):
        refuse(emu, c, name, *path, field="amount", amount=amount)
    refuse(emu, c, "CreateSubscription", 2, field="subscriptionAmount", subscriptionAmount=amount)
    refuse(emu, c, "CreateMemberSubscription", 2, 1001, field="amount", amount=amount)


def test_an_amount_is_required(emu: Emulator) -> None:
    refuse(emu, emu.client("admin"), "CreateBalanceTransaction", 2, code="MissingParameter", field="amount")
    refuse(emu, emu.client("admin"), "TransferToMember", 2, 1001, code="MissingParameter", field="amount")
    r = raw(emu, "CreateBalanceTransaction", 2, body={"amount": "ten"})
    assert r.status_code == 400 and "amount" in r.json()["Message"]


def test_a_repeated_idempotency_key_changes_nothing(emu: Emulator) -> None:
    c = emu.client("admin")
    first = made(c, "CreateBalanceTransaction", 2, amount=10.0, idempotencyKey="k" * 32)
    again = made(c, "CreateBalanceTransaction", 2, amount=99.0, idempotencyKey="k" * 32, type="deduct")
    assert again == first and len(orders(emu, 2)) == 2
    assert balance_of(emu, 2) == minor(first["balance"])
    emu.clock.set("2026-03-10T15:20:00+08:00")  # three hours of debits later
    later = made(c, "CreateBalanceTransaction", 2, amount=10.0, idempotencyKey="k" * 32)
    assert later["balance"] == first["balance"] and minor(later["balance"]) > balance_of(emu, 2)
    assert len(orders(emu, 2)) == 2
    moved = made(c, "TransferToMember", 2, 1001, amount=5.0, idempotencyKey="t1")
    assert made(c, "TransferToMember", 2, 1001, amount=5.0, idempotencyKey="t1") == moved
    assert made(c, "CreateMemberBalanceTransaction", 2, 1001, amount=5.0, type="transfer",
                idempotencyKey="t1") == moved
    assert len(orders(emu, 2)) == 3 and len(orders(emu, 2, 1001)) == 2
    check_wallet(emu, 2)
    check_wallet(emu, 2, 1001)


def test_an_idempotency_key_is_the_organisations(emu: Emulator) -> None:
    other = emu.client("other-org-admin")
    made(emu.client("admin"), "CreateBalanceTransaction", 2, amount=10.0, idempotencyKey="shared")
    made(other, "ConfigureClientBalance", 11, **ENABLE)
    assert made(other, "CreateBalanceTransaction", 11, amount=7.0, idempotencyKey="shared")["balance"] == 7.0
    assert made(other, "CreateBalanceTransaction", 11, amount=7.0, idempotencyKey="shared")["balance"] == 7.0
    assert len(orders(emu, 2)) == 2


def test_an_idempotency_key_has_at_most_32_characters(emu: Emulator) -> None:
    c = emu.client("admin")
    refuse(emu, c, "CreateBalanceTransaction", 2, field="idempotencyKey", amount=1.0, idempotencyKey="x" * 33)
    refuse(emu, c, "TransferToMember", 2, 1001, field="idempotencyKey", amount=1.0, idempotencyKey="x" * 33)
    refuse(emu, c, "CreateSubscription", 2, field="idempotencyKey", subscriptionAmount=1.0, idempotencyKey="x" * 33)


def test_a_repeat_answers_the_first_balance_under_a_data_lag(emu: Emulator) -> None:
    c = emu.client("admin")
    emu.clock.set(NOW_ISO, lag_minutes=30)
    first = made(c, "CreateBalanceTransaction", 2, amount=1.0, idempotencyKey="lag")
    emu.clock.set("2026-03-10T14:20:00+08:00")
    assert made(c, "CreateBalanceTransaction", 2, amount=1.0, idempotencyKey="lag") == first


def test_a_key_of_a_transaction_given_to_a_subscription() -> None:
    with Emulator(now=NOW_ISO) as emu:
        c = emu.client("admin")
        made(c, "CreateBalanceTransaction", 2, amount=10.0, idempotencyKey="k1")
        before = emu.export_state()
        r = raw(emu, "CreateSubscription", 2, body={"subscriptionAmount": 5.0, "idempotencyKey": "k1"})
        assert r.status_code in (200, 400), r.text[:200]
        assert emu.export_state() == before and not emu.service.unexpected


# -- who may write ------------------------------------------------------------------------------
WRITES = [("ConfigureClientBalance", (4,), ENABLE), ("ConfigureMemberBalance", (2, 1002), ENABLE),
          ("CreateBalanceTransaction", (2,), {"amount": 1.0}), ("CreateMemberBalanceTransaction", (2, 1001),
                                                               {"amount": 1.0}),
          ("TransferToMember", (2, 1001), {"amount": 1.0}), ("CreateSubscription", (2,), {"subscriptionAmount": 1.0}),
          ("CreateMemberSubscription", (2, 1001), {"amount": 1.0}), ("StopSubscription", (2,), {}),
          ("StopMemberSubscription", (2, 1001), {})]


def test_readonly_may_not_write(emu: Emulator) -> None:
    for name, path, fields in WRITES:
        refuse(emu, emu.client("readonly"), name, *path, http=403, code=DENIED, **fields)
        refuse(emu, emu.client("denied"), name, *path, http=403, code=DENIED, **fields)
    assert body(emu.client("readonly"), "GetClientBalance", 2).data.enable_balance is True


def test_another_organisation_does_not_find_department_2(emu: Emulator) -> None:
    other = emu.client("other-org-admin")
    for name, path, fields in WRITES:
        refuse(emu, other, name, *path, field="id" if len(path) == 1 else "clientId", **fields)
    assert get(emu, "GetMemberBalance", 2, 1001, account="other-org-admin").status_code == 400


def test_a_department_scoped_account(emu: Emulator) -> None:
    scoped = emu.client("dept-scoped")
    for name, path, fields in (WRITES[0], WRITES[2], WRITES[5], WRITES[7],
                               ("ConfigureClientBalance", (2,), {"initialBalance": 1.0})):
        refuse(emu, scoped, name, *path, http=403, code=DENIED, **fields)  # the organisation's to fund
    for name, path, fields in (("ConfigureMemberBalance", (3, 1004), ENABLE), ("TransferToMember", (3, 1004),
                                                                                 {"amount": 1.0})):
        refuse(emu, scoped, name, *path, http=403, code=DENIED, **fields)  # outside its scope
    for name, path in (("GetClientBalance", (3,)), ("GetMemberBalanceLogs", (3, 1004)), ("ListBalanceOrders", (3,))):
        assert get(emu, name, *path, account="dept-scoped").status_code == 403
    dept = balance_of(emu, 2)
    moved = made(scoped, "TransferToMember", 2, 1001, amount=8.0)
    assert minor(moved["balance"]) == balance_of(emu, 2, 1001) and balance_of(emu, 2) == dept - 80_000
    assert orders(emu, 2, 1001)[0]["operatorId"] == SCOPED_AK
    made(scoped, "ConfigureMemberBalance", 2, 1002, **ENABLE, initialBalance=2.0)
    made(scoped, "CreateMemberBalanceTransaction", 2, 1002, amount=1.0, type="deduct")
    made(scoped, "CreateMemberSubscription", 2, 1002, amount=1.0)
    assert balance_of(emu, 2, 1002) == 20_000
    assert minor(body(scoped, "GetClientBalance", 2).data.balance) == dept - 80_000
