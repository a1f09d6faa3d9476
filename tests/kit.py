"""The shared kit of the tests: call any action of the table through its own SDK method or as raw
HTTP, with values that pass its syntax checks, and assert on an error in any of its forms.

Paths, methods and parameters come from the action table (`emulator.api.table`), never written
again here.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

import httpx
from alibabacloud_aicontent20240611 import models as sdk_models
from helpers import DAY, MARCH_1, error_of

from emulator.api.spec import Action
from emulator.api.table import ACTIONS, BY_NAME
from emulator.server import Emulator

# A value of each SDK type that every syntax check accepts, and what an id is.
SAMPLE_BY_TYPE: dict[str, Any] = {"int": 1, "str": "x", "bool": True, "float": 1.0, "any": {}, "dict": {}}
SAMPLE_BY_NAME: dict[str, Any] = {
    "startTime": MARCH_1, "endTime": MARCH_1 + DAY, "granularity": "daily", "modelId": 1, "clientId": 2,
    "apiKeyId": 5101,
}


def action(name: str) -> Action:
    """An action by its full or short name (ModelRouterQueryClientList or QueryClientList)."""
    return BY_NAME[name if name.startswith("ModelRouter") else "ModelRouter" + name]


def sample_value(field_name: str, kind: str) -> Any:
    from emulator.api.sdk_actions import REQUEST_MODELS

    if field_name in SAMPLE_BY_NAME and type(SAMPLE_BY_NAME[field_name]).__name__ == kind:
        return SAMPLE_BY_NAME[field_name]
    if kind.startswith("list["):
        return [sample_value("", kind[5:-1])]
    if kind in REQUEST_MODELS:
        return {f.name: sample_value(f.name, f.type) for f in REQUEST_MODELS[kind] if f.required}
    return SAMPLE_BY_TYPE[kind]


def sample_fields(a: Action) -> dict[str, Any]:
    """Query and body fields (wire names) that pass the action's syntax checks: its required ones."""
    from emulator.api.sdk_actions import ACTIONS as SDK

    sdk = next(s for s in SDK if s.name == a.name)
    return {f.name: sample_value(f.name, f.type) for f in (*sdk.query, *sdk.body) if f.required}


def sdk_call(client: Any, name: str, /, *path: Any, **fields: Any) -> Any:
    """Call an action through its own SDK method: path arguments positionally, query and body
    fields by their wire names."""
    a = action(name)
    method = getattr(client, a.sdk_method)
    takes_request = "request" in inspect.signature(method).parameters
    args = [str(p) for p in path]
    if takes_request:
        request = getattr(sdk_models, f"{a.name}Request")().from_map(fields)
        args.append(request)
    elif fields:
        raise TypeError(f"{a.name} takes no request fields")
    return method(*args)


def raw(emu: Emulator, name: str, /, *path: Any, query: dict[str, Any] | None = None, body: Any = None,
        headers: dict[str, str] | None = None) -> httpx.Response:
    """The action as raw HTTP over a real socket (unsigned: the default account), accepting JSON."""
    a = action(name)
    url = emu.url + a.full_path.format(**{p.name: v for p, v in zip(a.path_params, path)})
    content = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    sent = {"accept": "application/json", **({"content-type": "application/json"} if content else {}),
            **(headers or {})}
    return httpx.request(a.method, url, params=query, content=content, headers=sent, timeout=10)


GATEWAY_KEYS = ["RequestId", "HostId", "Code", "Message", "Recommend"]  # a gateway error's fields, in order


def assert_error(r: httpx.Response, status: int, code: str, *fragments: str, gateway: bool = False,
                 in_message: bool = False) -> dict[str, Any]:
    """The response is the error `code` with `status` (never a traceback), its message or the
    emulator's reason holding every fragment (the message itself with `in_message`); with
    `gateway`, in exactly the gateway's fields, its RequestId the header's and its Recommend
    naming the code. Returns the error's fields."""
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert "Traceback" not in r.text
    err = error_of(r)
    got = err.get("Code") or err.get("errCode")
    assert got == code, err
    if gateway:
        assert list(err) == GATEWAY_KEYS + ["reason"], err
        assert err["RequestId"] == r.headers["x-acs-request-id"]
        assert code in err["Recommend"] and err["HostId"] == "aicontent.aliyuncs.com", err
    message = f"{err.get('Message') or err.get('errMessage')}"
    text = message if in_message else f"{message} {err['reason']}"
    for fragment in fragments:
        assert fragment in text, (fragment, text)
    return err


def assert_invalid(r: httpx.Response, name: str, reason: str) -> dict[str, Any]:
    """The gateway's InvalidParameter naming `name`, its message in the gateway's form and holding `reason`."""
    err = assert_error(r, 400, "InvalidParameter", gateway=True)
    assert err["Message"].startswith(f'The parameter "{name}" is invalid: ') and err["Message"].endswith(".")
    assert reason in err["Message"], err["Message"]
    return err


EMULATED = tuple(a for a in ACTIONS if a.emulated)
NOT_EMULATED = tuple(a for a in ACTIONS if not a.emulated)


# -- a call of each write that succeeds on the default fixture -----------------------------------
AUTH = '{"model_ids":[1],"group_ids":[]}'
TIERS = {"tiers": [{"min_tokens": 0, "max_tokens": 0, "input_price": 2, "output_price": 8}]}
WRITE_SAMPLES: dict[str, tuple[list[str], dict[str, Any]]] = {
    "CreateClient": ([], {"name": "新部门"}),
    "UpdateClient": (["2"], {"remark": "a remark"}),
    "BatchBindModelGroup": ([], {"allowedModelGroupConfig": AUTH, "clientIdList": [2]}),
    "CreateUser": ([], {"loginName": "new-user", "name": "新用户", "phone": "13800000000"}),
    "UpdateUser": (["1001"], {"phone": "13900000000"}),
    "SetUserRoles": (["1002"], {"departmentRoles": [{"clientId": 2, "roleCode": "member"}]}),
    "SetMemberAuthorization": (["2", "1002"], {"allowedModelGroupConfig": AUTH}),
    "ResetMemberAuthorization": (["3", "1005"], {}),
    "BatchSetMemberAuthorization": (["2"], {"allowedModelGroupConfig": AUTH, "userIdList": [1002]}),
    "BatchResetMemberAuthorization": (["3"], {"userIds": [1005]}),
    "CreateApiKey": ([], {"clientId": 2}),
    "CreateMemberApiKey": (["2", "1002"], {}),
    "BatchCreateMemberApiKeys": (["2"], {"userIds": [1002]}),
    "UpdateApiKeyStatus": (["5101"], {"status": "disabled"}),
    "BatchDisableMemberApiKeys": (["2"], {"userIds": [1001]}),
    "RenewApiKey": (["5101"], {}),
    "BatchRenewMemberApiKeys": (["2"], {"userIds": [1001]}),
    "DeleteApiKey": (["5101"], {}),
    "CreateModelGroup": ([], {"name": "新组", "modelList": [1]}),
    "UpdateModelGroup": (["mg_speech"], {"name": "语音", "modelList": [11]}),
    "DeleteModelGroup": (["mg_speech"], {}),
    "CreateModel": ([], {"modelId": "my-model", "name": "Mine", "modelType": "Chat"}),
    "BatchCreateModel": ([], {"apiKey": "sk-provider-secret-0001", "symbol": "acme",
                              "models": [{"modelId": "acme-1", "modelType": "Chat", "name": "Acme 1"}]}),
    "UpdateModel": (["1"], {"description": "a description"}),
    "SaveFlowConfig": ([], {"modelId": 1, "rpm": 60}),
    "CreateBillingRule": ([], {"modelId": 1, "pricingConfig": TIERS}),
    "UpdateBillingRule": (["1"], {"pricingConfig": TIERS}),
    "ConfigureClientBalance": (["4"], {"enableBalance": True, "balanceType": "amount", "initialBalance": 100.0}),
    "ConfigureMemberBalance": (["2", "1002"], {"enableBalance": True, "balanceType": "amount", "initialBalance": 10.0}),
    "CreateBalanceTransaction": (["2"], {"amount": 100.0, "type": "recharge"}),
    "CreateMemberBalanceTransaction": (["2", "1001"], {"amount": 5.0, "type": "recharge"}),
    "TransferToMember": (["2", "1001"], {"amount": 10.0}),
    "CreateSubscription": (["2"], {"subscriptionAmount": 1000.0, "balanceType": "monthly"}),
    "StopSubscription": (["2"], {"balanceType": "monthly"}),
    "CreateMemberSubscription": (["2", "1001"], {"amount": 100.0, "balanceType": "monthly"}),
    "StopMemberSubscription": (["2", "1001"], {"balanceType": "monthly"}),
}
# Writes that need another one first (a subscription to stop).
PREPARED: dict[str, str] = {"StopSubscription": "CreateSubscription",
                             "StopMemberSubscription": "CreateMemberSubscription"}
# Deletes of what a write makes first: (the write, the field of its answer that is the new id).
MADE_FIRST: dict[str, tuple[str, str]] = {
    "DeleteClient": ("CreateClient", "id"), "DeleteUser": ("CreateUser", "userId"),
    "DeleteModel": ("CreateModel", "id"),
}


def write_sample(client: Any, name: str) -> tuple[list[str], dict[str, Any]]:
    """Path arguments and fields of a call of the write `name` that succeeds (making what it
    deletes first, through the SDK)."""
    short = name.removeprefix("ModelRouter")
    if short in MADE_FIRST:
        maker, field = MADE_FIRST[short]
        data = sdk_call(client, maker, *WRITE_SAMPLES[maker][0], **WRITE_SAMPLES[maker][1]).body.data.to_map()
        return [str(data[field])], {}
    if short in PREPARED:
        sdk_call(client, PREPARED[short], *WRITE_SAMPLES[PREPARED[short]][0], **WRITE_SAMPLES[PREPARED[short]][1])
    return WRITE_SAMPLES[short]
