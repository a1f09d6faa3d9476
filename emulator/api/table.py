"""The action table: every action of the SDK, each stated once (`Action`).

The emulated ones are written here with their rules and answers; every other one is declared
from the SDK's own declaration (`sdk_actions.py`), its parameters and body read by their types,
and answered 501 NotImplemented. Routing, parsing, the RAM check, the OpenAPI document, the
README's tables and its coverage table are all derived from `ACTIONS`.
"""

from __future__ import annotations

import dataclasses

from emulator.api import catalogue, costs, kinds, model_detail, table_chargeback, table_money, table_writes
from emulator.api.family_schemas import SCHEMAS
from emulator.api.routing import Router
from emulator.api.sdk_actions import ACTIONS as SDK_ACTIONS
from emulator.api.sdkspec import SdkAction
from emulator.api.spec import (
    FILTERS,
    GRANULARITY_AUTO,
    MAX_RESULTS,
    MODEL_TYPES,
    NEXT_TOKEN,
    TIME,
    TOKEN_PAGING,
    Action,
    Param,
)


def _schemas(*names: str) -> dict[str, object]:
    return {name: SCHEMAS[name] for name in names}


OVERVIEW = Action(
    name="ModelRouterQueryCostOverviewMetrics", path="billing/cost/overview",
    summary="Totals over the span: calls, usage metrics, model count, amount",
    sdk_method="model_router_query_cost_overview_metrics", answer=costs.overview,
    response="OverviewResponse", schemas=_schemas("MetricValueDTO", "OverviewResponse"),
    params=(*TIME, *FILTERS, MODEL_TYPES, GRANULARITY_AUTO, *TOKEN_PAGING),
)
TREND = Action(
    name="ModelRouterQueryCostTrendMetrics", path="billing/cost/trend",
    summary="The summed metrics of the model set, bucket by bucket",
    sdk_method="model_router_query_cost_trend_metrics", answer=costs.trend, check=costs.trend_rule,
    response="TrendResponse", schemas=_schemas("TrendPointDTO", "CostQueryTrendDTO", "TrendResponse"),
    params=(*TIME, *FILTERS, MODEL_TYPES,
            Param("granularity", "choice", "hourly or daily; absent: model-detail's rule (hourly up to "
                                           "hourly_max_days, daily beyond); hourly covers at most 31 days.",
                  choices=("hourly", "daily")),
            *TOKEN_PAGING),
)
COST_MODELS = Action(
    name="ModelRouterQueryCostModelList", path="billing/cost/models",
    summary="One row per model with usage in the span, most spent first",
    sdk_method="model_router_query_cost_model_list", answer=costs.model_list, default_size=20,
    response="CostModelListResponse", schemas=_schemas("ModelRowDTO", "CostQueryModelsDTO", "CostModelListResponse"),
    params=(*TIME, *FILTERS, MODEL_TYPES,
            Param("search", "text", "Case-insensitive part of the model's name or code.", high=128),
            GRANULARITY_AUTO,
            Param("maxResults", "size", "Page size, default 20.", high=100), NEXT_TOKEN),
)
TABS = Action(
    name="ModelRouterBillingCostTabs", path="billing/cost/tabs",
    summary="The console's tabs and the model types each covers",
    sdk_method="model_router_billing_cost_tabs", answer=catalogue.tabs, ram=False,
    response="TabsResponse", schemas=_schemas("CostTabDTO", "TabsResponse"),
    params=TOKEN_PAGING,
)
BILL_SUMMARY = Action(
    name="ModelRouterGetBillingBillSummary", path="billing/bills/summary",
    summary="The amount over the span, and bucket by bucket",
    sdk_method="model_router_get_billing_bill_summary", answer=costs.bill_summary,
    response="BillSummaryResponse",
    schemas=_schemas("BillingBillSummaryPointDTO", "BillingBillSummaryRespDTO", "BillSummaryResponse"),
    params=(*TIME, *FILTERS, Param("modelId", "model", "One model; absent: every model.", resolve="model"), MODEL_TYPES,
            *TOKEN_PAGING),
)
CLIENT_TREE = Action(
    name="ModelRouterQueryClientTree", path="clients/tree",
    summary="The departments the caller may see, as a tree",
    sdk_method="model_router_query_client_tree", answer=catalogue.client_tree,
    response="ClientTreeResponse", schemas=_schemas("ClientTreeDTO", "ClientTreeResponse"),
    params=TOKEN_PAGING,
)
MODEL_LIST = Action(
    name="ModelRouterQueryModelList", path="models",
    summary="The model catalogue",
    sdk_method="model_router_query_model_list", answer=catalogue.model_list, default_size=20,
    response="ModelListResponse", schemas=_schemas("ModelDTO", "ModelListPageDTO", "ModelListResponse"),
    params=(
        Param("keyword", "text", "Case-insensitive part of the model's name or code.", high=128),
        Param("modelType", "types", "Model type(s), as modelTypes elsewhere."),
        Param("status", "int", "1: enabled (every model of the catalogue); any other value: none."),
        Param("orderBy", "choice", "id (default), name or modelCode.", choices=("id", "name", "modelCode")),
        Param("orderDirection", "choice", "ASC (default) or DESC.", choices=("ASC", "DESC")),
        Param("groupBy", "text", "Accepted and ignored.", high=64),
        Param("needTotalCount", "bool", "Accepted; total is always given."),
        Param("pageIndex", "page", "Page number (legacy), default 1."),
        Param("pageSize", "size", "Page size (legacy), default 20.", high=100),
        MAX_RESULTS, NEXT_TOKEN,
    ),
)

EMULATED: tuple[Action, ...] = (
    model_detail.ACTION, OVERVIEW, TREND, COST_MODELS, TABS, BILL_SUMMARY, CLIENT_TREE, MODEL_LIST,
    *table_chargeback.ENTRIES, *table_writes.ENTRIES, *table_money.ENTRIES,
)


# -- every other action of the SDK: declared from the SDK, answered 501 NotImplemented ------------
QUERY_KINDS = {"int": "int64", "str": "text", "bool": "bool"}
QUERY_TEXT = 1024  # characters of a string parameter of an action not emulated yet


# What the id after each literal segment names, for messages ("must be a positive member id").
NOUNS = {"clients": "department", "members": "member", "apikeys": "API key", "models": "model", "users": "user",
         "conversations": "conversation", "rules": "billing rule", "model-groups": "model group"}


def _path_param(path: str, name: str) -> Param:
    if name == "groupId":  # model group ids are strings ("mg_xxx") [sdk]
        return Param(name, "text", "The model group's id.", required=True, high=128, location="path")
    before = path.split("{" + name + "}")[0].rstrip("/").rsplit("/", 1)[-1]
    noun = NOUNS.get(before, kinds.noun(name) or "object")
    return Param(name, "id", f"The {noun}'s id.", required=True, location="path", noun=noun)


def declared(sdk: SdkAction) -> Action:
    """An action as the SDK declares it: its parameters read by type, its body by the SDK's fields."""
    params = tuple(_path_param(sdk.path, n) for n in sdk.path_params) + tuple(
        Param(f.name, QUERY_KINDS[f.type], f.doc, required=f.required, high=QUERY_TEXT) for f in sdk.query)
    return Action(name=sdk.name, path=sdk.path, method=sdk.method,  # type: ignore[arg-type]
                  summary="Not emulated yet", params=params, sdk_method=sdk.sdk_method, body_fields=sdk.body,
                  any_body=sdk.any_body)


def _table() -> tuple[Action, ...]:
    emulated = {a.name: a for a in EMULATED}
    out = []
    for sdk in SDK_ACTIONS:
        action = emulated.pop(sdk.name, None)
        if action is None:
            out.append(declared(sdk))
            continue
        if (action.method, action.path, action.sdk_method) != (sdk.method, sdk.path, sdk.sdk_method):
            raise ValueError(f"{action.name}: the table says {action.method} {action.path} "
                             f"({action.sdk_method}), the SDK {sdk.method} {sdk.path} ({sdk.sdk_method})")
        out.append(action if action.body_fields or not sdk.body else dataclasses.replace(action, body_fields=sdk.body))
    if emulated:
        raise ValueError(f"actions the SDK does not have: {', '.join(emulated)}")
    return tuple(out)


ACTIONS: tuple[Action, ...] = _table()  # every action of the SDK, by name
BY_NAME: dict[str, Action] = {a.name: a for a in ACTIONS}
ROUTER = Router(ACTIONS)
