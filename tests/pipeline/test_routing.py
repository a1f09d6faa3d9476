"""Routing (the first stages): method and path template, literal segments before parameters,
path parameters read by their kind with the query parameters' rules and messages; unknown methods
and paths (404), actions not emulated yet (501); x-acs-action and x-acs-version naming the routed
action and this version, checked before authentication."""

from __future__ import annotations

import httpx
import pytest
from family_helpers import ACTIONS as FAMILY
from family_helpers import COST, HTTP, NEW, call
from helpers import API, DAY, MARCH_1, code_of, error_of, send, signed
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


# -- over the wire: unknown methods and paths, x-acs-action and x-acs-version -----------------
BASE = {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_not_found(http: httpx.Client, method: str) -> None:
    r = http.request(method, API, params=BASE)
    assert_error(r, 404, "InvalidAction.NotFound", method, gateway=True)


@pytest.mark.parametrize("path", ["/", "/api/v1/modelRouter/open/billing/cost/model-list", "/_emulator/nope"])
def test_unknown_paths_are_not_found(http: httpx.Client, path: str) -> None:
    assert_error(http.get(path), 404, "InvalidAction.NotFound", gateway=True)


def test_wrong_action_or_version_headers(http: httpx.Client) -> None:
    assert_error(http.get(API, params=BASE, headers={"x-acs-action": "DescribeRegions"}), 400, "InvalidAction",
                 "DescribeRegions", gateway=True)
    assert_error(http.get(API, params=BASE, headers={"x-acs-version": "2014-05-26"}), 400, "InvalidVersion",
                 "2014-05-26", gateway=True)
    assert http.get(API, params=BASE, headers={"x-acs-action": "ModelRouterQueryCostModelDetail",
                                               "x-acs-version": "20240611"}).status_code == 200


SPAN = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY}


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods_are_not_found_and_unemulated_actions_not_implemented(aicontent_emulator: Emulator,
                                                                          method: str) -> None:
    """A method no action has at a path is 404; an action of the SDK not emulated yet is 501."""
    from emulator.api.table import ROUTER
    from emulator.errors import ApiError

    paths = [FAMILY[n][1] for n in NEW] + ["/api/v1/modelRouter/open/models/"]
    for path in paths:
        r = HTTP.request(method, aicontent_emulator.url + path, params=SPAN, headers={"accept": "application/json"})
        body = r.json()
        try:
            action, _ = ROUTER.match(method, path, path)
        except ApiError:
            action = None
        if action is not None and "{" in action.path:  # clients/tree under PUT: UpdateClient with id "tree"
            assert (r.status_code, body["Code"]) == (400, "InvalidParameter") and '"id"' in body["Message"]
        elif action is not None and action.emulated:  # CreateModel: its required fields are missing
            assert (r.status_code, body["Code"]) == (400, "MissingParameter"), (method, path)
        elif action is not None:
            assert (r.status_code, body["Code"]) == (501, "NotImplemented"), (method, path)
        else:
            assert r.status_code == 404, (method, path)
            assert (body["Code"], body["Message"]) == ("InvalidAction.NotFound",
                                                       "Specified api is not found, please check your url and method.")
    for path, name in (("billing/details", "QueryBillingDetails"), ("conversations", "QueryConversationList")):
        r = HTTP.get(aicontent_emulator.url + "/api/v1/modelRouter/open/" + path, params=SPAN,
                     headers={"accept": "application/json"})  # unemulated siblings (for now)
        assert (r.status_code, r.json()["Code"]) == (501, "NotImplemented"), path
        assert r.json()["Message"] == f"ModelRouter{name} is not emulated yet"
    r = HTTP.get(aicontent_emulator.url + "/api/v1/modelRouter/open/clients", headers={"accept": "application/json"})
    assert r.status_code == 200 and isinstance(r.json()["data"]["list"], list)  # QueryClientList, emulated now
    r = HTTP.get(aicontent_emulator.url + "/api/v1/modelRouter/open/billing/cost/breakdown", params=SPAN,
                 headers={"accept": "application/json"})  # QueryBillingCostBreakdown: granularity is required
    assert (r.status_code, r.json()["Code"]) == (400, "MissingParameter") and "granularity" in r.json()["Message"]


@pytest.mark.parametrize("name", NEW)
def test_x_acs_action_must_name_the_paths_action(aicontent_emulator: Emulator, name: str) -> None:
    params = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY} if name in COST else {}
    action = FAMILY[name][0]
    assert call(aicontent_emulator.url, name, params, headers={"x-acs-action": action}).status_code == 200
    for wrong in ("ModelRouterQueryCostModelDetail", FAMILY["trend" if name != "trend" else "overview"][0],
                  action.lower()):
        r = call(aicontent_emulator.url, name, params, headers={"x-acs-action": wrong})
        assert r.status_code == 400, (wrong, r.text)
        body = error_of(r)
        assert (body["Code"], body["Message"]) == ("InvalidAction", "Specified parameter Action is not valid.")
        assert wrong in body["reason"] and r.headers["content-type"] == "application/json;charset=utf-8"
    r = httpx.get(aicontent_emulator.url + FAMILY[name][1], params=params, headers={"x-acs-action": "Nope"})
    assert r.headers["content-type"] == "text/xml;charset=utf-8" and error_of(r)["Code"] == "InvalidAction"
    r = call(aicontent_emulator.url, name, params, headers={"x-acs-action": action, "x-acs-version": "2023-01-01"})
    assert r.status_code == 400 and error_of(r)["Code"] == "InvalidVersion"


# -- x-acs-version is checked before authentication ------------------------------------------
def test_action_and_version_checked_before_auth(emu: Emulator) -> None:
    headers = signed(emu, extra={"x-acs-version": "2019-01-01"})
    assert code_of(send(emu, headers)) == "InvalidVersion"
