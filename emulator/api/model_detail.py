"""ModelRouterQueryCostModelDetail: one model's cost, bucket by bucket (the API reference's action)."""

from __future__ import annotations

from emulator import render
from emulator.api.call import Call
from emulator.api.schemas import INT64, STRING, VALUES, array, envelope, obj, ref
from emulator.api.spec import FILTERS, NEXT_TOKEN, TIME, Action, Param
from emulator.domain import query

SCHEMAS = {
    "CostModelDetailRowDTO": obj({"timestamp": INT64, "values": VALUES}),
    "CostModelDetailRespDTO": obj({
        "modelId": INT64, "modelName": STRING, "granularity": {"type": "string", "enum": ["hourly", "daily"]},
        "total": {"type": "integer", "minimum": 0}, "page": {"type": "integer", "minimum": 1},
        "pageSize": {"type": "integer", "minimum": 1}, "columns": array(ref("MetricDefRespDTO")),
        "rows": array(ref("CostModelDetailRowDTO"))}),
    "ModelDetailResponse": envelope(ref("CostModelDetailRespDTO")),
}


def answer(call: Call) -> bytes:
    model = call.resolved["modelId"]
    size = call.paging.size or call.action.legacy_default_size
    page = query.page(call.world.figures, call.state, model, call.keys, call.timeline(), call.offset, size)
    return render.success(page, call.request_id, call.legacy_page, size, size, call.next_token(page.total),
                          call.double_encoded)


ACTION = Action(
    name="ModelRouterQueryCostModelDetail",
    path="billing/cost/model-detail",
    summary="One model's cost, hour by hour or day by day",
    sdk_method="model_router_query_cost_model_detail",
    response="ModelDetailResponse",
    schemas=SCHEMAS,
    answer=answer,
    default_size=20,
    params=(
        Param("modelId", "model", "The model; must be one of the catalogue.", required=True, source="doc",
              resolve="model"),
        *TIME,
        *FILTERS,
        Param("page", "page", "Page number (legacy), default 1.", source="doc"),
        Param("pageIndex", "page", "Page number (legacy); takes priority over page.", source="doc"),
        Param("pageSize", "size", "Page size (legacy), default 20.", high=100, source="doc"),
        Param("maxResults", "size", "Page size for token pagination (recommended); default: pageSize, else 20.",
              high=100, source="doc"),
        NEXT_TOKEN,
    ),
)
