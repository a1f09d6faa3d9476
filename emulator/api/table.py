"""The action table: every emulated action of the product, each stated once (`Action`).

Routing, parameter parsing, the RAM check, the OpenAPI document and the README's parameter
tables are all derived from it.
"""

from __future__ import annotations

from emulator.api import catalogue, costs, model_detail
from emulator.api.family_schemas import SCHEMAS
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
    params=(*TIME, *FILTERS, Param("modelId", "model", "One model; absent: every model."), MODEL_TYPES,
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

ACTIONS: tuple[Action, ...] = (
    model_detail.ACTION, OVERVIEW, TREND, COST_MODELS, TABS, BILL_SUMMARY, CLIENT_TREE, MODEL_LIST,
)
BY_PATH: dict[str, Action] = {a.full_path: a for a in ACTIONS}
