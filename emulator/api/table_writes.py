"""The action table's entries of the directory's writes: departments, members and their
authorizations, API keys, model groups, models, flow control and prices. Each names its body
model (`emulator.api.write_bodies`) and its handler; the operations they perform are in
`emulator.domain.operations`. Assembled with the others in `emulator.api.table`."""

from __future__ import annotations

from emulator.api import write_bodies as b
from emulator.api import writes as w
from emulator.api import writes_keys as k
from emulator.api.spec import Action, Param
from emulator.api.table_chargeback import entry


def _id(noun: str, name: str = "id") -> Param:
    return Param(name, "id", f"The {noun}'s id.", required=True, location="path", noun=noun)


GROUP = Param("groupId", "text", "The model group's id (mg_…).", required=True, high=64, location="path")
CLIENT, MEMBER, KEY, MODEL = _id("department"), _id("member"), _id("API key"), _id("model")
MEMBER_OF = (_id("department", "clientId"), MEMBER)


def _write(name: str, method: str, path: str, summary: str, answer: object, body: type | None,
           params: tuple[Param, ...] = ()) -> Action:
    return entry("ModelRouter" + name, path, summary, answer, params, method=method, body=body)


ENTRIES: tuple[Action, ...] = (
    _write("CreateClient", "POST", "clients", "Create a department", w.create_client, b.CreateClientBody),
    _write("UpdateClient", "PUT", "clients/{id}", "Change a department (its discount applies to amounts from now on)",
           w.update_client, b.UpdateClientBody, (CLIENT,)),
    _write("DeleteClient", "DELETE", "clients/{id}", "Delete a department without members, keys or sub-departments",
           w.delete_client, None, (CLIENT,)),
    _write("BatchBindModelGroup", "POST", "clients/batch-bind-model-group",
           "Set the authorization of 1 to 50 departments", w.batch_bind_model_group, b.BatchBindModelGroupBody),
    _write("CreateUser", "POST", "users", "Create a member, with its roles in departments", w.create_user,
           b.CreateUserBody),
    _write("UpdateUser", "PUT", "users/{id}", "Change a member's name or phone", w.update_user, b.UpdateUserBody,
           (MEMBER,)),
    _write("DeleteUser", "DELETE", "users/{id}", "Delete a member without API keys", w.delete_user, None, (MEMBER,)),
    _write("SetUserRoles", "PUT", "users/{id}/roles", "Replace a member's departments and roles", w.set_user_roles,
           b.SetUserRolesBody, (MEMBER,)),
    _write("SetMemberAuthorization", "PUT", "clients/{clientId}/members/{id}/authorization",
           "Give a member its own authorization", w.set_member_authorization, b.SetMemberAuthorizationBody,
           MEMBER_OF),
    _write("ResetMemberAuthorization", "DELETE", "clients/{clientId}/members/{id}/authorization",
           "A member back to its department's authorization", w.reset_member_authorization, None, MEMBER_OF),
    _write("BatchSetMemberAuthorization", "POST", "clients/{id}/member-authorizations",
           "Give 1 to 50 direct members one authorization, all or nothing", w.batch_set_member_authorization,
           b.BatchSetMemberAuthorizationBody, (CLIENT,)),
    _write("BatchResetMemberAuthorization", "POST", "clients/{id}/member-authorizations/reset",
           "Members back to the department's authorization, each or its reason", w.batch_reset_member_authorization,
           b.UserIdsBody, (CLIENT,)),
    _write("CreateApiKey", "POST", "apikeys", "Create a department's API key (its secret in the answer)",
           k.create_api_key, b.CreateApiKeyBody),
    _write("CreateMemberApiKey", "POST", "clients/{clientId}/members/{id}/apikeys",
           "Create a member's API key (its secret in the answer)", k.create_member_api_key,
           b.CreateMemberApiKeyBody, MEMBER_OF),
    _write("BatchCreateMemberApiKeys", "POST", "clients/{id}/member-apikeys", "One new key for each of 1 to 50 members",
           k.batch_create_member_api_keys, b.BatchCreateMemberApiKeysBody, (CLIENT,)),
    _write("UpdateApiKeyStatus", "PUT", "apikeys/{id}/status", "Enable or disable an API key (accrues nothing while "
           "disabled)", k.update_api_key_status, b.UpdateApiKeyStatusBody, (KEY,)),
    _write("BatchDisableMemberApiKeys", "POST", "clients/{id}/member-apikeys/disable",
           "Disable every key of 1 to 50 members", k.batch_disable_member_api_keys, b.UserIdsBody, (CLIENT,)),
    _write("RenewApiKey", "PUT", "apikeys/{id}/renew", "A key's new expiry (none: never)", k.renew_api_key,
           b.RenewApiKeyBody, (KEY,)),
    _write("BatchRenewMemberApiKeys", "POST", "clients/{id}/member-apikeys/renew",
           "A new expiry for every key of 1 to 50 members", k.batch_renew_member_api_keys,
           b.BatchRenewMemberApiKeysBody, (CLIENT,)),
    _write("DeleteApiKey", "DELETE", "apikeys/{id}", "Delete an API key (its past stays in every figure)",
           k.delete_api_key, None, (KEY,)),
    _write("CreateModelGroup", "POST", "model-groups", "Create a model group", w.create_model_group,
           b.CreateModelGroupBody),
    _write("UpdateModelGroup", "PUT", "model-groups/{groupId}", "Replace a model group's name and models",
           w.update_model_group, b.UpdateModelGroupBody, (GROUP,)),
    _write("DeleteModelGroup", "DELETE", "model-groups/{groupId}", "Delete a model group bound to no one",
           w.delete_model_group, None, (GROUP,)),
    _write("CreateModel", "POST", "models", "Add a model to the catalogue (no usage before now)", k.create_model,
           b.CreateModelBody),
    _write("BatchCreateModel", "POST", "models/batch", "Add 1 to 100 models of one provider, each or its reason",
           k.batch_create_model, b.BatchCreateModelBody),
    _write("UpdateModel", "PUT", "models/{id}", "Change a model (status 0: it accrues nothing)", k.update_model,
           b.UpdateModelBody, (MODEL,)),
    _write("DeleteModel", "DELETE", "models/{id}", "Delete a model in no group or authorization (its past stays)",
           k.delete_model, None, (MODEL,)),
    _write("SaveFlowConfig", "POST", "flow-config", "A model's RPM/TPM limits", k.save_flow_config,
           b.SaveFlowConfigBody),
    _write("CreateBillingRule", "POST", "billing/rules", "A model's price from effectiveTime on (never before now)",
           k.create_billing_rule, b.CreateBillingRuleBody),
    _write("UpdateBillingRule", "PUT", "billing/rules/{id}", "Change a rule: the new price from the next whole hour",
           k.update_billing_rule, b.UpdateBillingRuleBody, (_id("billing rule"),)),
)
