"""Who may write, account by account, through the SDK: readonly and denied are refused every one of
the 30 writes (403 DeniedException, in the product's body), no-org too (OrgNoExistException),
explicit-deny only the prices (its Deny of aicontent:ModelRouter*Billing*); dept-scoped (department
2) may change the keys and members of department 2 but no department, model group, model or price,
and nothing of another department (403); other-org-admin cannot name organisation 10001's ids (400
"... in your organization"); admin may do everything. A refused write changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from chargeback_helpers import get, ok
from kit import WRITE_SAMPLES, sdk_call, write_sample
from writes_helpers import CHAT, D0, DENIED, HOUR, TIERS, amount, made, refuse, write

from emulator.server import Emulator

WRITES = [*WRITE_SAMPLES, "DeleteClient", "DeleteUser", "DeleteModel"]
NO_ORG = "B.Permission.OrgNoExistException"
TEXTS = {DENIED: "鉴权失败或权限不足", NO_ORG: "组织不存在,请主账号开通权限后再试,或联系管理员"}


def test_thirty_nine_writes() -> None:
    """The directory's 30 and the 9 of money."""
    assert len(WRITES) == len(set(WRITES)) == 39


@pytest.mark.parametrize("account, code", [("readonly", DENIED), ("denied", DENIED), ("no-org", NO_ORG),
                                           ("explicit-deny", None), ("admin", None)])
@pytest.mark.parametrize("name", WRITES)
def test_ram_account_by_account(emu: Emulator, name: str, account: str, code: str | None) -> None:
    path, fields = write_sample(emu.client("admin"), name)
    if account == "explicit-deny" and "Billing" in name:
        code = DENIED  # DenyModelRouterBilling beats AdministratorAccess
    client = emu.client(account)
    before = emu.export_state()
    if code is None:
        assert sdk_call(client, name, *path, **fields).body.success is True
        assert emu.export_state() != before
        return
    with pytest.raises(ClientException) as info:
        sdk_call(client, name, *path, **fields)
    err = info.value
    assert (err.status_code, err.code) == (403, code)
    assert (err.data["errCode"], err.data["errMessage"], err.data["success"], err.data["data"]) == (
        code, TEXTS[code], False, None)
    assert emu.export_state() == before
    assert emu.requests[-1].error_code == code and emu.requests[-1].action == "ModelRouter" + name


SCOPED_OK: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("CreateApiKey", (), {"clientId": 2}), ("CreateMemberApiKey", (2, 1002), {}),
    ("BatchCreateMemberApiKeys", (2,), {"userIds": [1001, 1003]}),
    ("UpdateApiKeyStatus", (5104,), {"status": "disabled"}),
    ("BatchDisableMemberApiKeys", (2,), {"userIds": [1001]}), ("RenewApiKey", (5102,), {}),
    ("BatchRenewMemberApiKeys", (2,), {"userIds": [1002]}), ("DeleteApiKey", (5105,), {}),
    ("CreateUser", (), {"loginName": "scoped-1", "name": "组员", "phone": "1", "departmentRoles": [{"clientId": 2}]}),
    ("UpdateUser", (1002,), {"phone": "2"}), ("SetUserRoles", (1003,), {"departmentRoles": [
        {"clientId": 2, "roleCode": "dept_admin"}]}),
    ("SetMemberAuthorization", (2, 1002), {"allowedModels": "1"}), ("ResetMemberAuthorization", (2, 1002), {}),
    ("BatchSetMemberAuthorization", (2,), {"userIdList": [1002], "allowedModelGroupConfig": '{"model_ids":[1]}'}),
    ("BatchResetMemberAuthorization", (2,), {"userIds": [1002]}),
]


@pytest.mark.parametrize("name, path, fields", SCOPED_OK, ids=[c[0] for c in SCOPED_OK])
def test_dept_scoped_may_change_its_departments_keys_and_members(emu: Emulator, name: str, path: tuple[Any, ...],
                                                                 fields: dict[str, Any]) -> None:
    before = emu.export_state()
    write(emu.client("dept-scoped"), name, *path, **fields)
    assert emu.export_state()["operations"][len(before["operations"]):][0]["args"]["scope"] == [2]


def test_dept_scoped_may_delete_a_member_it_made(emu: Emulator) -> None:
    client = emu.client("dept-scoped")
    user = made(client, "CreateUser", loginName="scoped-2", name="组员", phone="1")["userId"]
    assert write(client, "DeleteUser", user).data is True


SCOPED_WHOLE_ORG = ["CreateClient", "UpdateClient", "BatchBindModelGroup", "CreateModelGroup", "UpdateModelGroup",
                    "DeleteModelGroup", "CreateModel", "BatchCreateModel", "UpdateModel", "SaveFlowConfig",
                    "CreateBillingRule", "UpdateBillingRule", "DeleteClient", "DeleteModel"]


@pytest.mark.parametrize("name", SCOPED_WHOLE_ORG)
def test_dept_scoped_may_not_change_the_organisation(emu: Emulator, name: str) -> None:
    path, fields = write_sample(emu.client("admin"), name)
    if name == "UpdateClient":
        path = ["2"]  # not even its own department
    refuse(emu, emu.client("dept-scoped"), name, *path, http=403, code=DENIED,
           says="may change only its departments' members and API keys", **fields)


SCOPED_OUTSIDE: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("CreateApiKey", (), {"clientId": 3}), ("CreateMemberApiKey", (3, 1004), {}),
    ("BatchCreateMemberApiKeys", (3,), {"userIds": [1004]}), ("UpdateApiKeyStatus", (5201,), {"status": "disabled"}),
    ("UpdateApiKeyStatus", (5301,), {"status": "disabled"}), ("BatchDisableMemberApiKeys", (3,), {"userIds": [1004]}),
    ("RenewApiKey", (5202,), {}), ("BatchRenewMemberApiKeys", (4,), {"userIds": [1006]}), ("DeleteApiKey", (5203,), {}),
    ("CreateUser", (), {"loginName": "x1", "name": "外人", "phone": "1", "departmentRoles": [{"clientId": 3}]}),
    ("UpdateUser", (1004,), {"phone": "2"}), ("DeleteUser", (1005,), {}),
    ("SetUserRoles", (1004,), {"departmentRoles": [{"clientId": 2}]}),
    ("SetUserRoles", (1002,), {"departmentRoles": [{"clientId": 2}, {"clientId": 3}]}),
    ("SetMemberAuthorization", (3, 1004), {"allowedModels": "1"}), ("ResetMemberAuthorization", (3, 1005), {}),
    ("BatchSetMemberAuthorization", (3,), {"userIdList": [1004], "allowedModelGroupConfig": '{"model_ids":[1]}'}),
    ("BatchResetMemberAuthorization", (3,), {"userIds": [1005]}),
]


@pytest.mark.parametrize("name, path, fields", SCOPED_OUTSIDE,
                         ids=[f"{c[0]}-{'-'.join(map(str, c[1]))}" for c in SCOPED_OUTSIDE])
def test_dept_scoped_may_not_touch_another_department(emu: Emulator, name: str, path: tuple[Any, ...],
                                                      fields: dict[str, Any]) -> None:
    refuse(emu, emu.client("dept-scoped"), name, *path, http=403, code=DENIED, says="scope", **fields)


FOREIGN: list[tuple[str, tuple[Any, ...], dict[str, Any], str, str]] = [
    ("UpdateClient", (2,), {"remark": "x"}, "id", "no department has id 2 in your organization"),
    ("DeleteClient", (3,), {}, "id", "no department has id 3 in your organization"),
    ("CreateClient", (), {"name": "x", "parentId": 2}, "parentId", "no department has id 2 in your organization"),
    ("BatchBindModelGroup", (), {"clientIdList": [11, 2], "allowedModelGroupConfig": "{}"}, "clientIdList",
     "no department has id 2 in your organization"),
    ("CreateUser", (), {"loginName": "o", "name": "外人", "phone": "1", "departmentRoles": [{"clientId": 2}]},
     "departmentRoles.0.clientId", "no department has id 2 in your organization"),
    ("UpdateUser", (1001,), {"phone": "1"}, "id", "no member has id 1001 in your organization"),
    ("DeleteUser", (1006,), {}, "id", "no member has id 1006 in your organization"),
    ("SetUserRoles", (1002,), {"departmentRoles": [{"clientId": 11}]}, "id", "no member has id 1002"),
    ("SetMemberAuthorization", (2, 1002), {"allowedModels": "1"}, "clientId", "no department has id 2"),
    ("BatchSetMemberAuthorization", (11,), {"userIdList": [2001, 1001], "allowedModelGroupConfig": "{}"},
     "userIdList", "no member has id 1001 in your organization"),
    ("CreateApiKey", (), {"clientId": 2}, "clientId", "no department has id 2 in your organization"),
    ("CreateMemberApiKey", (11, 1001), {}, "id", "no member has id 1001 in your organization"),
    ("UpdateApiKeyStatus", (5101,), {"status": "disabled"}, "id", "no API key has id 5101 in your organization"),
    ("RenewApiKey", (5202,), {}, "id", "no API key has id 5202 in your organization"),
    ("DeleteApiKey", (5001,), {}, "id", "no API key has id 5001 in your organization"),
    ("BatchDisableMemberApiKeys", (2,), {"userIds": [1001]}, "id", "no department has id 2 in your organization"),
    ("UpdateModelGroup", ("mg_speech",), {"name": "x", "modelList": [1]}, "groupId",
     "no model group has id mg_speech in your organization"),
    ("DeleteModelGroup", ("mg_vision",), {}, "groupId", "no model group has id mg_vision in your organization"),
    ("BatchBindModelGroup", (), {"clientIdList": [11], "allowedModelGroupConfig": '{"group_ids":["mg_speech"]}'},
     "allowedModelGroupConfig", "no model group has id mg_speech in your organization"),
]


@pytest.mark.parametrize("name, path, fields, field, says", FOREIGN,
                         ids=[f"{c[0]}-{c[3]}" for c in FOREIGN])
def test_other_org_admin_cannot_name_organisation_10001s_ids(emu: Emulator, name: str, path: tuple[Any, ...],
                                                             fields: dict[str, Any], field: str, says: str) -> None:
    refuse(emu, emu.client("other-org-admin"), name, *path, field=field, says=says, **fields)


def test_other_org_admin_writes_its_own_organisation(emu: Emulator) -> None:
    client = emu.client("other-org-admin")
    assert made(client, "CreateApiKey")["clientId"] == 11
    dep = made(client, "CreateClient", name="新部门")
    assert (dep["userId"], dep["id"]) == (20002, 12)
    user = made(client, "CreateUser", loginName="o1", name="外人", phone="1")["userId"]
    assert made(client, "CreateMemberApiKey", 11, user)["apiKeyId"] == 6104
    gid = made(client, "CreateModelGroup", name="对话模型", modelList=[1])["groupId"]  # 10001's name: not taken here
    refuse(emu, emu.client("admin"), "DeleteModelGroup", gid, field="groupId", says="in your organization")
    refuse(emu, emu.client("admin"), "UpdateApiKeyStatus", 6104, field="id", says="no API key has id 6104 in your",
           status="disabled")


def test_other_org_admin_cannot_touch_a_model_10001_created(emu: Emulator) -> None:
    model = made(emu.client("admin"), "CreateModel", **CHAT)["id"]
    other = emu.client("other-org-admin")
    for name, fields in (("UpdateModel", {"name": "hijacked"}), ("DeleteModel", {})):
        refuse(emu, other, name, model, field="id", says="in your organization", **fields)
    refuse(emu, other, "CreateBillingRule", field="modelId", says="in your organization", modelId=model,
           pricingConfig=TIERS)


def test_a_model_10001_created_is_not_seen_by_another_organisation(emu: Emulator) -> None:
    model = made(emu.client("admin"), "CreateModel", **CHAT)["id"]
    assert get(emu, "QueryModel", model).status_code == 200
    r = get(emu, "QueryModel", model, account="other-org-admin")
    assert r.status_code == 400 and r.json()["Code"] == "InvalidParameter", r.text
    listed = ok(get(emu, "QueryModelList", account="other-org-admin", pageSize=100))["data"]["list"]
    mine = ok(get(emu, "QueryModelList", pageSize=100))["data"]["list"]
    assert model in [m["id"] for m in mine] and model not in [m["id"] for m in listed]
    assert len(listed) == len(mine) - 1


def test_another_organisations_price_change_leaves_10001s_amounts(emu: Emulator) -> None:
    """The fixture's catalogue is shared; only its owner (the fixture's first organisation)
    changes it, so another organisation's change is refused and 10001's amounts stay."""
    emu.clock.set("2026-03-10T16:00:00+08:00")
    mine = amount(emu, D0 + 12 * HOUR, D0 + 16 * HOUR)
    emu.clock.set("2026-03-10T12:20:00+08:00")
    other = emu.client("other-org-admin")
    for name, path, fields in (("UpdateBillingRule", (1,), {"pricingConfig": TIERS}),
                               ("CreateBillingRule", (), {"modelId": 1, "pricingConfig": TIERS}),
                               ("UpdateModel", (1,), {"name": "hijacked"}), ("DeleteModel", (1,), {}),
                               ("SaveFlowConfig", (), {"modelId": 1, "rpm": 1})):
        refuse(emu, other, name, *path, http=403, code=DENIED, says="only organization 10001 changes", **fields)
    emu.clock.set("2026-03-10T16:00:00+08:00")
    assert amount(emu, D0 + 12 * HOUR, D0 + 16 * HOUR) == mine
