"""The action table's entries of departmental chargeback: the breakdowns, the prices, and the
directory's reads (departments, members, API keys, model groups, a model). Assembled with the
others in `emulator.api.table`."""

from __future__ import annotations

from emulator.api import catalogue, chargeback, directory, groups, keys, prices
from emulator.api.schemas import from_sdk
from emulator.api.spec import FILTERS, MODEL_TYPES, NEXT_TOKEN, TIME, Action, Param

ORDER = Param("orderDirection", "choice", "ASC (default) or DESC.", choices=("ASC", "DESC"))
KEYWORD = Param("keyword", "text", "Case-insensitive part of the name.", high=128)
PAGE_INDEX = Param("pageIndex", "page", "Page number, default 1.")
PAGE_SIZE = Param("pageSize", "size", "Page size, default 20.", high=100)
MAX_RESULTS = Param("maxResults", "size", "Page size for token pagination.", high=100)
UNUSED_TOKEN = Param("nextToken", "token", "The nextToken of the previous page (the SDK: not used).")
GROUP_ID = Param("groupId", "text", "The model group's id (mg_…).", required=True, high=64, location="path",
                 resolve="model_group")


def _path_id(noun: str, resolve: str, scoped: bool = False) -> Param:
    return Param("id", "id", f"The {noun}'s id.", required=True, location="path", noun=noun, resolve=resolve,
                 scoped=scoped)


def entry(name: str, path: str, summary: str, answer: object, params: tuple[Param, ...], **more: object) -> Action:
    short = name.removeprefix("ModelRouter")
    sdk_method = "model_router_" + "".join("_" + c.lower() if c.isupper() else c for c in short).lstrip("_")
    response = name + "ResponseBody"
    return Action(name=name, path=path, summary=summary, answer=answer,  # type: ignore[arg-type]
                  sdk_method=sdk_method, params=params, response="Sdk" + response, schemas=from_sdk(response),
                  **more)  # type: ignore[arg-type]


def _breakdown_params(with_models: bool) -> tuple[Param, ...]:
    models = (Param("modelId", "model", "One model; absent: every model.", resolve="model"), MODEL_TYPES) \
        if with_models else ()
    return (*TIME, *FILTERS, *models,
            Param("granularity", "choice", "hourly or daily: the buckets of the rows.", required=True,
                  choices=("hourly", "daily"), source="doc"),
            Param("page", "page", "Page number (legacy), default 1."),
            Param("pageSize", "size", "Page size (legacy), default 20, at most 500 [sdk].", high=500),
            Param("maxResults", "size", "Page size for token pagination, at most 500.", high=500), NEXT_TOKEN)


ENTRIES: tuple[Action, ...] = (
    entry("ModelRouterQueryBillingCostBreakdown", "billing/cost/breakdown",
           "One row per bucket × model × API key: department, member, key, payableAmount, values, tiers",
           chargeback.cost_breakdown, _breakdown_params(True), default_size=20),
    entry("ModelRouterQueryUsageBreakdown", "usage/breakdown",
           "One row per bucket × model × API key, usage as metrics (non-zero only)",
           chargeback.usage_breakdown, _breakdown_params(False), default_size=20),
    entry("ModelRouterQueryBillingRuleList", "billing/rules", "The prices the amounts are computed with",
           prices.rule_list, (
               Param("activeOnly", "bool", "Only the rules in force now (enabled, effective, not expired)."),
               MAX_RESULTS, Param("modelCode", "text", "One model, by its code.", high=128),
               Param("modelId", "model", "One model.", resolve="model"),
               Param("modelType", "text", "One model type (Chat, ...), case-insensitive.", high=64),
               NEXT_TOKEN, Param("page", "page", "Page number, default 1."),
               Param("pageIndex", "page", "Page number; takes priority over page."), PAGE_SIZE), default_size=20),
    entry("ModelRouterQueryClientList", "clients",
           "The departments the caller may see, flat (form client_list: leaves or all)",
           directory.client_list, (
               Param("groupBy", "text", "Accepted and ignored.", high=64), KEYWORD, MAX_RESULTS,
               Param("needTotalCount", "bool", "Accepted; total is always given."), NEXT_TOKEN,
               Param("orderBy", "choice", "id (default) or name.", choices=("id", "name")), ORDER,
               PAGE_INDEX, Param("pageSize", "size", "Page size, default 20, at most 100 [client].", high=100),
               Param("parentId", "id", "Only the departments directly under this one.", noun="department",
                     resolve="department", scoped=True),
               Param("status", "int", "1: enabled (every department); any other value: none."),
               Param("page", "page", "Page number as a public client sends it (pageIndex wins).", source="client"),
           ), default_size=20),
    entry("ModelRouterSearchClientTree", "clients/tree/search",
           "The visible departments whose name, or a member's name, login name or phone, holds the keyword",
           directory.search_client_tree, (KEYWORD,)),
    entry("ModelRouterListDeptMembers", "clients/{id}/members", "The direct members of a department",
           directory.dept_members, (
               _path_id("department", "department", scoped=True),
               Param("authConfig", "choice", "inherit, custom or empty (every member).",
                     choices=("inherit", "custom", "")),
               Param("includeAuthorization", "bool", "Add the models each may use and their key count."),
               Param("includeBalance", "bool", "Add each member's permanentBalance and monthlyBalance."),
               Param("keyword", "text", "Part of the name, login name or phone.", high=128),
               Param("model", "model", "Only the members authorized for this model.", resolve="model"),
               PAGE_INDEX, PAGE_SIZE), default_size=20),
    entry("ModelRouterQueryUserList", "users", "The members of the departments the caller may see",
           directory.user_list, (
               Param("keyword", "text", "Part of the name or login name.", high=128), PAGE_INDEX, PAGE_SIZE,
               Param("phone", "text", "Exactly this phone number.", high=32)), default_size=20),
    entry("ModelRouterGetUserRoles", "users/{id}/roles", "A member's role in each of its departments",
           directory.user_roles, (_path_id("member", "member"),)),
    entry("ModelRouterQueryApiKeyList", "apikeys", "The API keys the caller may see, masked",
           keys.api_key_list, (
               Param("clientId", "id", "A department: its own keys (with includeMemberKeys, its members' too).",
                     resolve="department", scoped=True),
               Param("groupBy", "text", "Accepted and ignored.", high=64),
               Param("includeMemberKeys", "bool", "With clientId: the department's members' keys too."),
               Param("keyword", "text", "Part of the key's name.", high=128), MAX_RESULTS,
               Param("memberUserIds", "ids", "Only these members' keys, comma-separated; empty: the departments' "
                                             "own keys.", empty_ok=True, resolve="members"),
               Param("needTotalCount", "bool", "Accepted; total is always given."), NEXT_TOKEN,
               Param("orderBy", "choice", "id (default) or name.", choices=("id", "name")), ORDER,
               PAGE_INDEX, PAGE_SIZE, Param("status", "int", "1: enabled keys; 0: disabled ones.")),
           default_size=20),
    entry("ModelRouterQueryApiKey", "apikeys/{id}", "One API key, masked", keys.api_key,
           (_path_id("API key", "api_key"),)),
    entry("ModelRouterCopyApiKey", "apikeys/{id}/copy", "One API key in clear", keys.copy_api_key,
           (_path_id("API key", "api_key"),)),
    entry("ModelRouterGetMemberApiKeys", "clients/{clientId}/members/{id}/apikeys", "A member's API keys, masked",
           keys.member_api_keys, (
               Param("clientId", "id", "The member's department.", required=True, location="path",
                     noun="department", resolve="department", scoped=True),
               _path_id("member", "member"), Param("keyword", "text", "Part of the key's name.", high=128),
               PAGE_INDEX, PAGE_SIZE), default_size=20),
    entry("ModelRouterQueryModelGroupsByApiKey", "apikeys/{id}/model-groups",
           "The model groups and models an API key may use", keys.model_groups_by_api_key,
           (_path_id("API key", "api_key"),)),
    entry("ModelRouterQueryModelGroupList", "model-groups", "The organisation's model groups", groups.group_list, (
        Param("keyword", "text", "Part of the group's name.", high=128), MAX_RESULTS, UNUSED_TOKEN,
        PAGE_INDEX, PAGE_SIZE, Param("type", "choice", "system, manual or all (default).",
                                     choices=("system", "manual", "all"))), default_size=20),
    entry("ModelRouterQueryModelGroup", "model-groups/{groupId}", "One model group", groups.group, (GROUP_ID,)),
    entry("ModelRouterQueryModelGroupModels", "model-groups/{groupId}/models", "A model group's models",
           groups.group_models, (GROUP_ID, Param("keyword", "text", "Part of the name or code.", high=128),
                                 MAX_RESULTS, UNUSED_TOKEN, PAGE_INDEX, PAGE_SIZE), default_size=20),
    entry("ModelRouterQueryModelGroupClients", "model-groups/{groupId}/clients",
           "The departments a model group is bound to, with their keys", groups.group_clients,
           (GROUP_ID, MAX_RESULTS, UNUSED_TOKEN, PAGE_INDEX, PAGE_SIZE), default_size=20),
    entry("ModelRouterQueryModelGroupUsers", "model-groups/{groupId}/users",
           "The members a model group is bound to, with their keys", groups.group_users,
           (GROUP_ID, MAX_RESULTS, UNUSED_TOKEN, PAGE_INDEX, PAGE_SIZE), default_size=20),
    entry("ModelRouterQueryModel", "models/{id}", "One model of the catalogue", catalogue.model,
           (_path_id("model", "live_model"),)),
)
