"""Permission (the caller's organisation, its RAM policy, its department scope): policy evaluation as
pure functions (Allow, Deny over Allow, wildcards, conditions, scopes), then through the SDK,
account by account, in both signature modes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_aicontent20240611 import models
from alibabacloud_tea_openapi.exceptions import ClientException
from helpers import DAY, MARCH_1

from emulator.auth.accounts import load_accounts
from emulator.auth.permission import check_scope, visible_departments
from emulator.auth.policy import RESOURCE, PolicyError, RequestContext, evaluate, parse_policy
from emulator.domain.query import Filters
from emulator.domain.scenario import ScenarioError, default_fixture_path, load_scenario
from emulator.errors import ApiError
from emulator.server import Emulator

ACTION = "aicontent:ModelRouterQueryCostModelDetail"

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
CTX = RequestContext("10.1.2.3", False, NOW)


def decide(*statements: dict, ctx: RequestContext = CTX, action: str = ACTION) -> str:
    policy = parse_policy("p", {"Version": "1", "Statement": list(statements)})
    return evaluate((policy,), action, RESOURCE, ctx)


def allow(action: object = ACTION, **extra: object) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": "*", **extra}


def deny(action: object = ACTION, **extra: object) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": "*", **extra}


def test_no_statement_is_an_implicit_deny() -> None:
    assert evaluate((), ACTION, RESOURCE, CTX) == "ImplicitDeny"
    assert decide(allow("ecs:*")) == "ImplicitDeny"


@pytest.mark.parametrize("pattern", ["*", "aicontent:*", "aicontent:ModelRouter*",
                                     "AICONTENT:modelrouterquerycostmodeldetail",
                                     "aicontent:ModelRouterQueryCostModel?etail", ["ecs:*", "aicontent:Model*"]])
def test_wildcards_allow(pattern: object) -> None:
    assert decide(allow(pattern)) == "Allow"


@pytest.mark.parametrize("pattern", ["aicontent:ModelRouterQueryCostModelList", "aicontent:Get*", "aicontent:?"])
def test_non_matching_patterns(pattern: str) -> None:
    assert decide(allow(pattern)) == "ImplicitDeny"


def test_explicit_deny_beats_allow_in_any_order() -> None:
    assert decide(allow("*"), deny("aicontent:ModelRouter*")) == "Deny"
    assert decide(deny(), allow()) == "Deny"


def test_not_action() -> None:
    assert decide({"Effect": "Allow", "NotAction": "ecs:*", "Resource": "*"}) == "Allow"
    assert decide(allow("*"), {"Effect": "Deny", "NotAction": "aicontent:*", "Resource": "*"}) == "Allow"


def test_resources() -> None:
    assert decide(allow(Resource="acs:aicontent:*:*:*")) == "Allow"
    assert decide(allow(Resource="acs:ecs:*:*:*")) == "ImplicitDeny"


def test_source_ip_condition() -> None:
    inside = allow(Condition={"IpAddress": {"acs:SourceIp": ["10.0.0.0/8", "192.168.1.1"]}})
    assert decide(inside) == "Allow"
    assert decide(inside, ctx=RequestContext("172.16.0.1", False, NOW)) == "ImplicitDeny"
    outside = deny(Condition={"NotIpAddress": {"acs:SourceIp": "10.0.0.0/8"}})
    assert decide(allow(), outside, ctx=RequestContext("8.8.8.8", False, NOW)) == "Deny"
    assert decide(allow(), outside) == "Allow"


def test_secure_transport_condition() -> None:
    https_only = allow(Condition={"Bool": {"acs:SecureTransport": "true"}})
    assert decide(https_only) == "ImplicitDeny"
    assert decide(https_only, ctx=RequestContext("10.1.2.3", True, NOW)) == "Allow"
    assert decide(allow(Condition={"Bool": {"acs:SecureTransport": [False]}})) == "Allow"


def test_current_time_condition() -> None:
    window = allow(Condition={"DateGreaterThan": {"acs:CurrentTime": "2026-01-01T00:00:00Z"},
                              "DateLessThan": {"acs:CurrentTime": "2026-12-31T00:00:00+08:00"}})
    assert decide(window) == "Allow"
    assert decide(window, ctx=RequestContext("1.1.1.1", False, NOW.replace(year=2027))) == "ImplicitDeny"


@pytest.mark.parametrize("statement, fragment", [
    (allow(Condition={"StringEquals": {"acs:MFAPresent": "true"}}), "unsupported condition key 'acs:MFAPresent'"),
    (allow(Condition={"NumericLessThan": {"acs:SourceIp": "1"}}), "unsupported condition operator"),
    (allow(Condition={"Bool": {"acs:SourceIp": "true"}}), "cannot test acs:SourceIp"),
    (allow(Condition={"IpAddress": {"acs:SourceIp": "not-an-ip"}}), "not valid"),
    ({"Effect": "Maybe", "Action": "*", "Resource": "*"}, '"Effect"'),
    ({"Effect": "Allow", "Resource": "*"}, "exactly one of"),
    ({"Effect": "Allow", "Action": [], "Resource": "*"}, "non-empty list"),
    (allow(Principal="*"), "unsupported element"),
])
def test_policies_the_evaluator_cannot_honour_are_refused(statement: dict, fragment: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy("custom", {"Version": "1", "Statement": [statement]})
    assert fragment in str(info.value) and "custom" in str(info.value)


def test_fixture_with_unsupported_condition_fails_to_load(tmp_path: Path) -> None:
    doc = json.loads(default_fixture_path().read_text())
    doc["policies"]["Bad"] = {"Version": "1", "Statement": [allow(Condition={"StringEquals": {"acs:UserAgent": "x"}})]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ScenarioError) as info:
        load_accounts(load_scenario(path, 0))
    assert "acs:UserAgent" in str(info.value) and "Bad" in str(info.value)


def test_scope_checks() -> None:
    scenario = load_scenario(None, 0)
    book = load_accounts(scenario)
    scoped = book.named("dept-scoped")
    org = scenario.organizations[10001]
    assert visible_departments(scoped, org) == (2,)
    assert visible_departments(book.named("admin"), org) == (1, 2, 3, 4)
    check_scope(scoped, Filters((2,)))
    check_scope(scoped, Filters(None))
    with pytest.raises(ApiError) as info:
        check_scope(scoped, Filters((2, 3)))
    assert info.value.code == "B.Permission.DeniedException" and info.value.status == 403


# -- through the SDK, account by account, in both signature modes ------------------------------
ALGORITHMS = [None, "v2"]  # ACS3-HMAC-SHA256 (the SDK's default) and the legacy ROA signature


def sdk_call(emu: Emulator, account: str, algorithm: str | None, **kw: Any) -> Any:
    request = models.ModelRouterQueryCostModelDetailRequest(
        model_id=1, start_time=MARCH_1, end_time=MARCH_1 + DAY, page_size=24, **kw)
    return emu.client(account, signature_algorithm=algorithm).model_router_query_cost_model_detail(request).body


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("account", ["admin", "readonly", "dept-scoped", "other-org-admin"])
def test_allowed_accounts_get_data(emu: Emulator, account: str, algorithm: str | None) -> None:
    body = sdk_call(emu, account, algorithm)
    assert body.success and body.data.total == 24


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("account, code", [
    ("denied", "B.Permission.DeniedException"),
    ("explicit-deny", "B.Permission.DeniedException"),
    ("no-org", "B.Permission.OrgNoExistException"),
])
def test_refused_accounts_get_their_error(emu: Emulator, account: str, code: str, algorithm: str | None) -> None:
    with pytest.raises(ClientException) as info:
        sdk_call(emu, account, algorithm)
    assert info.value.code == code and info.value.status_code == 403


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_department_scope(emu: Emulator, algorithm: str | None) -> None:
    scoped = sdk_call(emu, "dept-scoped", algorithm)
    only_two = sdk_call(emu, "admin", algorithm, client_id=2)
    assert [r.values for r in scoped.data.rows] == [r.values for r in only_two.data.rows]
    assert sdk_call(emu, "dept-scoped", algorithm, client_id=2).data.rows[5].values == only_two.data.rows[5].values
    for kw in ({"client_id": 3}, {"client_ids": "2,3"}):
        with pytest.raises(ClientException) as info:
            sdk_call(emu, "dept-scoped", algorithm, **kw)
        assert info.value.code == "B.Permission.DeniedException"


def test_organizations_are_isolated(emu: Emulator) -> None:
    mine = sdk_call(emu, "other-org-admin", None)
    assert mine.data.rows[10].values == sdk_call(emu, "other-org-admin", None, client_id=11).data.rows[10].values
    with pytest.raises(ClientException) as info:
        sdk_call(emu, "other-org-admin", None, client_id=2)
    assert info.value.code == "InvalidParameter" and "no department has id 2" in str(info.value)
    assert mine.data.rows[10].values != sdk_call(emu, "admin", None).data.rows[10].values
