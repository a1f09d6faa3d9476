"""Routing (the first stage): method and path template, literal segments before parameters,
path parameters read by their kind with the query parameters' rules and messages."""

from __future__ import annotations

import httpx
import pytest
from kit import assert_error, raw

from emulator.api.spec import Param
from emulator.api.table import ACTIONS, ROUTER, Router, declared
from emulator.errors import ApiError
from emulator.server import Emulator

OPEN = "/api/v1/modelRouter/open/"


def route(method: str, path: str) -> str:
    action, args = ROUTER.match(method, OPEN + path, OPEN + path)
    return f"{action.name.removeprefix('ModelRouter')}{list(args) if args else ''}"


def test_literal_segments_win_over_parameters() -> None:
    assert route("GET", "clients/tree") == "QueryClientTree"
    assert route("GET", "clients/tree/search") == "SearchClientTree"
    assert route("GET", "clients/7/members") == "ListDeptMembers['7']"
    assert route("GET", "clients/7/members/9/balance") == "GetMemberBalance['7', '9']"
    assert route("GET", "clients/7/members/9/balance/orders/export") == "ExportMemberBalanceOrders['7', '9']"
    assert route("POST", "clients/batch-bind-model-group") == "BatchBindModelGroup"
    assert route("PUT", "clients/tree") == "UpdateClient['tree']"  # no PUT has a literal there


def test_one_path_many_methods() -> None:
    assert route("GET", "clients") == "QueryClientList"
    assert route("POST", "clients") == "CreateClient"
    assert route("PUT", "clients/3") == "UpdateClient['3']"
    assert route("DELETE", "clients/3") == "DeleteClient['3']"
    assert route("GET", "clients/3/balance") == "GetClientBalance['3']"
    assert route("PUT", "clients/3/balance") == "ConfigureClientBalance['3']"


@pytest.mark.parametrize("method, path, reason", [
    ("PATCH", "clients/1", "answers DELETE, PUT, not PATCH"),
    ("GET", "clients/1", "answers DELETE, PUT, not GET"),
    ("DELETE", "billing/cost/model-detail", "answers GET, not DELETE"),
    ("GET", "clients/1/nothing", "no API answers"),
    ("GET", "clients//members", "no API answers"),
    ("GET", "billing/cost/model-detail/", "no API answers"),
])
def test_an_unknown_path_or_method_is_not_found(method: str, path: str, reason: str) -> None:
    with pytest.raises(ApiError) as caught:
        ROUTER.match(method, OPEN + path, OPEN + path)
    assert caught.value.code == "InvalidAction.NotFound" and reason in (caught.value.reason or "")


def test_over_the_wire_not_found_names_the_methods(aicontent_emulator: Emulator) -> None:
    r = httpx.request("PATCH", aicontent_emulator.url + OPEN + "clients/1", headers={"accept": "application/json"})
    err = assert_error(r, 404, "InvalidAction.NotFound")
    assert err["Message"] == "Specified api is not found, please check your url and method."
    assert "answers DELETE, PUT" in r.headers["x-emulator-reason"]


def test_a_segment_is_split_before_it_is_decoded() -> None:
    assert route("GET", "clients/7%2F8/members") == "ListDeptMembers['7%2F8']"


@pytest.mark.parametrize("segment, reason", [
    ("abc", 'must be a base-10 integer, got "abc"'),
    ("0", "must be a positive department id"),
    ("-1", "must be a positive department id"),
    ("1.5", "base-10 integer"),
    ("%2B1", "base-10 integer"),
    ("99999999999999999999", "does not fit in a 64-bit integer"),
    ("%FF", "not valid percent-encoded UTF-8"),
    ("%EF%BC%91", "base-10 integer"),  # a full-width digit
])
def test_a_path_parameter_is_read_by_its_kind(aicontent_emulator: Emulator, segment: str, reason: str) -> None:
    r = httpx.get(f"{aicontent_emulator.url}{OPEN}clients/{segment}/balance", headers={"accept": "application/json"})
    assert_error(r, 400, "InvalidParameter", 'The parameter "id" is invalid', reason)


def test_path_parameters_are_checked_before_the_query(aicontent_emulator: Emulator) -> None:
    r = raw(aicontent_emulator, "GetClientBalanceLogs", "x", query={"page": "x"})
    assert_error(r, 400, "InvalidParameter", '"id"')
    r = raw(aicontent_emulator, "GetClientBalanceLogs", "2", query={"page": "x"})
    assert_error(r, 400, "InvalidParameter", '"page"')


def test_two_actions_at_one_place_are_refused() -> None:
    a = declared(next(s for s in __import__("emulator.api.sdk_actions", fromlist=["x"]).ACTIONS
                      if s.name == "ModelRouterDeleteClient"))
    with pytest.raises(ValueError, match="two actions answer DELETE clients"):
        Router([a, a])


def test_a_template_and_its_declared_path_parameters_agree() -> None:
    with pytest.raises(ValueError, match="has parameters"):
        from emulator.api.spec import Action
        Action("X", "clients/{id}", "", (Param("clientId", "id", "", location="path"),), "x")
    assert all(a.path.count("{") == len(a.path_params) for a in ACTIONS)
