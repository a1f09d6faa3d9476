"""The action table's entries of money: balances, their logs and orders, transactions, transfers,
subscriptions and discount logs, for a department's wallet (`clients/{id}`) and a member's
within a department (`clients/{clientId}/members/{id}`). Paged as the SDK declares each one.
Assembled with the others in `emulator.api.table`."""

from __future__ import annotations

from emulator.api import money
from emulator.api import money_bodies as b
from emulator.api import money_writes as w
from emulator.api.spec import NEXT_TOKEN, Action, Param
from emulator.api.table_chargeback import entry

CLIENT = Param("id", "id", "The department's id.", required=True, location="path", noun="department",
               resolve="department", scoped=True)
MEMBER_OF = (Param("clientId", "id", "The member's department.", required=True, location="path", noun="department",
                   resolve="department", scoped=True),
             Param("id", "id", "The member's id.", required=True, location="path", noun="member", resolve="member"))
CHANGE_TYPE = Param("changeType", "choice", "auto_deduct, deduct or recharge.",
                    choices=("auto_deduct", "deduct", "recharge"))
PAGE = Param("page", "page", "Page number, default 1.")
SIZE = Param("size", "size", "Entries per page, default 20.", high=100)
PAGE_SIZE = Param("pageSize", "size", "Entries per page, default 20.", high=100)
MAX_RESULTS = Param("maxResults", "size", "Page size for token pagination.", high=100)
POOL = Param("balanceType", "choice", "permanent or monthly; absent: both.", choices=("permanent", "monthly"))
DIRECTION = Param("direction", "choice", "in or out; absent: both.", choices=("in", "out"))
ORDER_TYPE = Param("orderType", "choice", "One order type; absent: every one.",
                   choices=("recharge", "periodic_recharge", "manual_deduct", "transfer_out", "transfer_in",
                            "return_out", "return_in", "write_off", "monthly_expire", "deficit_writeoff"))


def _read(name: str, path: str, summary: str, answer: object, params: tuple[Param, ...], **more: object) -> Action:
    return entry("ModelRouter" + name, path, summary, answer, params, **more)


def _write(name: str, method: str, path: str, summary: str, answer: object, body: type,
           params: tuple[Param, ...]) -> Action:
    return entry("ModelRouter" + name, path, summary, answer, params, method=method, body=body)


ENTRIES: tuple[Action, ...] = (
    _read("GetClientBalance", "clients/{id}/balance", "A department's balance: both pools' sum", money.balance,
          (CLIENT,)),
    _read("GetDeptBalanceSummary", "clients/{id}/balance-summary",
          "Per pool: total = allocated (to members) + available", money.summary, (CLIENT,)),
    _read("GetClientBalanceLogs", "clients/{id}/balance/logs",
          "Every entry of a department's wallet, newest first: hourly usage debits, recharges, deductions",
          money.client_logs, (CLIENT, CHANGE_TYPE, MAX_RESULTS, NEXT_TOKEN, PAGE, SIZE), default_size=20),
    _read("ListBalanceOrders", "clients/{id}/balance/orders", "What writes moved in a department's wallet",
          money.client_orders, (CLIENT, POOL, DIRECTION, MAX_RESULTS, NEXT_TOKEN, ORDER_TYPE, PAGE, PAGE_SIZE),
          default_size=20),
    _read("QueryClientDiscountLogs", "clients/{id}/discount-logs", "Each discount a department was given",
          money.discount_logs, (CLIENT, MAX_RESULTS, NEXT_TOKEN), default_size=20),
    _read("ListSubscriptions", "clients/{id}/balance/subscription", "A department's monthly recharges",
          money.subscriptions, (CLIENT, POOL, MAX_RESULTS, NEXT_TOKEN,
                                Param("status", "choice", "active or stopped.", choices=("active", "stopped"))),
          default_size=20),
    _read("GetMemberBalance", "clients/{clientId}/members/{id}/balance", "A member's balance in a department",
          money.balance, MEMBER_OF),
    _read("GetMemberBalanceLogs", "clients/{clientId}/members/{id}/balance/logs",
          "Every entry of a member's wallet, newest first", money.member_logs,
          (*MEMBER_OF, CHANGE_TYPE, PAGE, SIZE, Param("skipTotal", "bool", "Answer total 0 (not counted).")),
          default_size=20),
    _read("ListMemberBalanceOrders", "clients/{clientId}/members/{id}/balance/orders",
          "What writes moved in a member's wallet", money.member_orders,
          (*MEMBER_OF, POOL, DIRECTION, ORDER_TYPE, PAGE, PAGE_SIZE), default_size=20),
    _read("ExportMemberBalanceOrders", "clients/{clientId}/members/{id}/balance/orders/export",
          "An export of a member's orders, finished at once", money.export_member_orders,
          (*MEMBER_OF, POOL, DIRECTION)),
    _read("ListMemberSubscriptions", "clients/{clientId}/members/{id}/balance/subscription",
          "A member's monthly recharges", money.member_subscriptions, MEMBER_OF),
    _write("ConfigureClientBalance", "PUT", "clients/{id}/balance",
           "Enable a department's balance (one way), its unit and initial balance", w.configure_client_balance,
           b.ConfigureBalanceBody, (CLIENT,)),
    _write("ConfigureMemberBalance", "PUT", "clients/{clientId}/members/{id}/balance",
           "Enable a member's balance (one way), its unit and initial balance", w.configure_member_balance,
           b.ConfigureBalanceBody, MEMBER_OF),
    _write("CreateBalanceTransaction", "POST", "clients/{id}/balance/transactions",
           "Recharge or deduct a department's pool (idempotent by idempotencyKey)", w.balance_transaction,
           b.TransactionBody, (CLIENT,)),
    _write("CreateMemberBalanceTransaction", "POST", "clients/{clientId}/members/{id}/balance/transactions",
           "Recharge, deduct or transfer into a member's pool (idempotent)", w.member_balance_transaction,
           b.TransactionBody, MEMBER_OF),
    _write("TransferToMember", "POST", "clients/{clientId}/members/{id}/transfer",
           "Move an amount from the department's pool to the member's (idempotent)", w.transfer_to_member,
           b.TransferBody, MEMBER_OF),
    _write("CreateSubscription", "POST", "clients/{id}/balance/subscription",
           "A monthly recharge of a department's pool", w.create_subscription, b.SubscriptionBody, (CLIENT,)),
    _write("StopSubscription", "PUT", "clients/{id}/balance/subscription/stop",
           "Stop a department's pool's monthly recharge", w.stop_subscription, b.StopSubscriptionBody, (CLIENT,)),
    _write("CreateMemberSubscription", "POST", "clients/{clientId}/members/{id}/balance/subscription",
           "A monthly recharge of a member's pool", w.create_member_subscription, b.MemberSubscriptionBody,
           MEMBER_OF),
    _write("StopMemberSubscription", "POST", "clients/{clientId}/members/{id}/balance/subscription/stop",
           "Stop a member's pool's monthly recharge", w.stop_member_subscription, b.StopSubscriptionBody,
           MEMBER_OF),
)
