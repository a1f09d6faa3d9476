"""The answers of the billing family's actions, with the field names and JSON types the official
SDK 7.10.0 declares (fields it types as strings are strings on the wire)."""

from __future__ import annotations

from typing import Any

from emulator.api.schemas import INT64, NUMBER, STRING, VALUES, array, envelope, obj, ref

INT = {"type": "integer"}
BOOL = {"type": "boolean"}

SCHEMAS: dict[str, Any] = {
    "MetricValueDTO": obj({"key": STRING, "label": STRING, "unit": STRING, "value": NUMBER}),
    "OverviewResponse": envelope(array(ref("MetricValueDTO"))),
    "TrendPointDTO": obj({"timestamp": INT64, "values": VALUES}),
    "CostQueryTrendDTO": obj({"defaultMetric": STRING, "granularity": {"type": "string", "enum": ["hourly", "daily"]},
                              "metrics": array(ref("MetricDefRespDTO")), "points": array(ref("TrendPointDTO"))}),
    "TrendResponse": envelope(ref("CostQueryTrendDTO")),
    "ModelRowDTO": obj({"modelCode": STRING, "modelId": INT64, "modelName": STRING, "values": VALUES}),
    "CostQueryModelsDTO": obj({"columns": array(ref("MetricDefRespDTO")), "idField": STRING, "nameField": STRING,
                               "rows": array(ref("ModelRowDTO"))}),
    "CostModelListResponse": envelope(ref("CostQueryModelsDTO")),
    "CostTabDTO": obj({"key": STRING, "label": STRING, "modelTypes": array(STRING)}),
    "TabsResponse": envelope(array(ref("CostTabDTO"))),
    "BillingBillSummaryPointDTO": obj({"timestamp": INT64, "totalAmount": NUMBER}),
    "BillingBillSummaryRespDTO": obj({"points": array(ref("BillingBillSummaryPointDTO")), "totalAmount": NUMBER}),
    "BillSummaryResponse": envelope(ref("BillingBillSummaryRespDTO")),
    "ClientTreeDTO": obj({
        "address": STRING, "allowedModels": STRING, "children": array(ref("ClientTreeDTO")), "clientUuid": STRING,
        "contact": STRING, "deleteTag": INT, "discount": NUMBER, "gmtCreate": STRING, "gmtModified": STRING,
        "id": INT64, "level": INT, "main": INT, "name": STRING, "nodeType": STRING, "parentId": INT64,
        "remark": STRING, "userId": INT64}),
    "ClientTreeResponse": envelope(array(ref("ClientTreeDTO"))),
    "ModelDTO": obj({
        "apiKeyPreview": STRING, "baseUrl": STRING, "deleteTag": INT, "description": STRING, "extensions": STRING,
        "gmtCreate": STRING, "gmtModified": STRING, "hasBillingRule": BOOL, "id": INT64, "inOut": STRING,
        "isCustom": BOOL, "maxInputLength": STRING, "maxOutputLength": STRING, "modelCode": STRING,
        "modelType": STRING, "name": STRING, "symbol": STRING, "tagNames": STRING, "tags": STRING, "version": INT}),
    "ModelListPageDTO": obj({"list": array(ref("ModelDTO")), "maxResults": STRING, "nextToken": STRING,
                             "page": INT, "pageSize": INT, "total": STRING}),
    "ModelListResponse": envelope(ref("ModelListPageDTO"), next_token=False),
}
