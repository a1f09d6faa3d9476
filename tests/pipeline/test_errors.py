"""Fidelity to the real gateway: gateway errors follow the request's Accept header (XML unless it
asks for application/json with q>0), byte for byte in the gateway's XML form, readable by the
SDK's own XML parser; success and product-error bodies stay JSON. Also the OpenAPI document's
account of the same."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
from darabonba.utils.xml import XML
from helpers import API, DAY, MARCH_1
from signer import acs3_headers, url

from emulator.server import Emulator

XML_CT = "text/xml;charset=utf-8"
JSON_CT = "application/json;charset=utf-8"
HOST_ID = "aicontent.aliyuncs.com"
QUERY = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY)}
OMIT = None  # stands for "send no Accept header at all"


def recommend(code: str, rid: str) -> str:
    return f"https://api.aliyun.com/troubleshoot?q={code}&product=AiContent&requestId={rid}"


def xml_error(rid: str, code: str, message: str) -> bytes:
    """The gateway's XML error body as the real gateway sends it, built independently."""
    text = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (f"<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>{rid}</RequestId><HostId>{HOST_ID}</HostId>"
            f"<Code>{code}</Code><Message>{text}</Message><Recommend><![CDATA[{recommend(code, rid)}]]></Recommend>"
            f"</Error>").encode()


def send(emu: Emulator, accept: str | None, path: str = API, params: dict[str, str] | None = None,
         headers: dict[str, str] | None = None) -> httpx.Response:
    """A raw GET over a real socket; `accept=None` sends no Accept header at all (httpx adds
    `*/*` by default, so it is deleted from the built request)."""
    with httpx.Client(base_url=emu.url, timeout=10) as client:
        request = client.build_request("GET", path, params=params, headers=headers)
        if accept is None:
            del request.headers["accept"]
            assert "accept" not in request.headers
        else:
            request.headers["accept"] = accept
        return client.send(request)


ADMIN = ("LTAIEMULATORADMIN0000001", "emulator-admin-secret-not-for-production")
DENIED = ("LTAIEMULATORDENIED000001", "emulator-denied-secret-not-for-production")


def provoke(emu: Emulator, case: str, accept: str | None) -> httpx.Response:
    if case == "MissingParameter":
        return send(emu, accept, params={k: v for k, v in QUERY.items() if k != "modelId"})
    if case == "InvalidAccessKeyId.NotFound":
        headers = acs3_headers("GET", emu.endpoint, API, QUERY, "LTAINOSUCHKEY0000001", "x")
        return send(emu, accept, path=url("", API, QUERY), headers=headers)
    if case == "InvalidAction.NotFound":
        return send(emu, accept, path="/api/v1/modelRouter/open/billing/cost/nothing", params=QUERY)
    assert case == "Throttling.User"
    return send(emu, accept, params=QUERY, headers={"x-emulator-fault": "Throttling.User"})


CASES = {  # code: (status, message)
    "MissingParameter": (400, 'The input parameter "modelId" that is mandatory for processing this request '
                              "is not supplied."),
    "InvalidAccessKeyId.NotFound": (404, "Specified access key is not found."),
    "InvalidAction.NotFound": (404, "Specified api is not found, please check your url and method."),
    "Throttling.User": (400, "Request was denied due to user flow control."),
}
XML_ACCEPTS = [OMIT, "*/*", "application/json;q=0", "application/json; q=0.0, text/xml", "text/xml",
               "application/xml", "text/html, */*;q=0.8", "application/jsonx"]
JSON_ACCEPTS = ["application/json", "application/json;q=0.9, */*", "*/*, application/json;q=0.1",
                "APPLICATION/JSON", "application/json; charset=utf-8", "text/xml, application/json"]


@pytest.mark.parametrize("accept", XML_ACCEPTS)
@pytest.mark.parametrize("code", CASES)
def test_gateway_errors_are_xml_unless_json_is_accepted(aicontent_emulator: Emulator, code: str,
                                                        accept: str | None) -> None:
    """Byte for byte the gateway's XML, content type exactly what the SDK checks before parsing XML."""
    r = provoke(aicontent_emulator, code, accept)
    status, message = CASES[code]
    rid = r.headers["x-acs-request-id"]
    assert r.status_code == status
    assert r.headers["content-type"] == XML_CT
    assert r.content == xml_error(rid, code, message)
    parsed = XML.parse_xml(r.text)  # the SDK's own XML parser (darabonba), as do_request uses it
    assert parsed["Error"]["Code"] == code and parsed["Error"]["Message"] == message
    assert parsed["Error"]["RequestId"] == rid


@pytest.mark.parametrize("accept", JSON_ACCEPTS)
@pytest.mark.parametrize("code", CASES)
def test_gateway_errors_are_json_when_json_is_accepted(aicontent_emulator: Emulator, code: str, accept: str) -> None:
    r = provoke(aicontent_emulator, code, accept)
    status, message = CASES[code]
    rid = r.headers["x-acs-request-id"]
    assert r.status_code == status and r.headers["content-type"] == JSON_CT
    body = r.json()
    assert list(body) == ["RequestId", "HostId", "Code", "Message", "Recommend"]
    assert body == {"RequestId": rid, "HostId": HOST_ID, "Code": code, "Message": message,
                    "Recommend": recommend(code, rid)}


def test_markup_in_a_message_is_escaped_in_xml(aicontent_emulator: Emulator) -> None:
    """A message quoting the client's `a<b&c>` is XML-escaped; the SDK's parser reads it back intact."""
    params = {**QUERY, "modelId": "a<b&c>"}
    as_json = send(aicontent_emulator, "application/json", params=params).json()
    message = as_json["Message"]
    assert message.startswith('The parameter "modelId" is invalid: ') and "a<b&c>" in message
    r = send(aicontent_emulator, "*/*", params=params)
    rid = r.headers["x-acs-request-id"]
    assert (r.status_code, r.headers["content-type"]) == (400, XML_CT)
    assert r.content == xml_error(rid, "InvalidParameter", message)
    assert b"a&lt;b&amp;c&gt;" in r.content
    assert XML.parse_xml(r.text)["Error"]["Message"] == message


def test_signature_mismatch_in_xml_keeps_its_newlines_and_ampersands(aicontent_emulator: Emulator) -> None:
    """The canonical request inside the message has `&` (query) and newlines: escaped, then read back."""
    when = dt.datetime.now(dt.UTC)
    headers = acs3_headers("GET", aicontent_emulator.endpoint, API, QUERY, ADMIN[0], "wrong", when=when)
    as_json = send(aicontent_emulator, "application/json", path=url("", API, QUERY), headers=headers).json()
    headers = acs3_headers("GET", aicontent_emulator.endpoint, API, QUERY, ADMIN[0], "wrong", when=when,
                           nonce=headers["x-acs-signature-nonce"])
    r = send(aicontent_emulator, OMIT, path=url("", API, QUERY), headers=headers)
    assert r.headers["content-type"] == XML_CT
    assert r.content == xml_error(r.headers["x-acs-request-id"], "SignatureDoesNotMatch", as_json["Message"])
    message = XML.parse_xml(r.text)["Error"]["Message"]
    assert message == as_json["Message"] and "\nendTime=" in message and "&modelId=1&" in message


@pytest.mark.parametrize("accept", [OMIT, "*/*", "text/xml", "application/xml", "application/json;q=0"])
def test_success_and_product_errors_stay_json(aicontent_emulator: Emulator, accept: str | None) -> None:
    ok = send(aicontent_emulator, accept, params=QUERY)
    assert (ok.status_code, ok.headers["content-type"]) == (200, JSON_CT)
    assert ok.json()["success"] is True and ok.json()["data"]["total"] == 24
    denied = acs3_headers("GET", aicontent_emulator.endpoint, API, QUERY, *DENIED)
    r = send(aicontent_emulator, accept, path=url("", API, QUERY), headers=denied)
    assert (r.status_code, r.headers["content-type"]) == (403, JSON_CT)
    assert r.json()["errCode"] == "B.Permission.DeniedException"
    r = send(aicontent_emulator, accept, params=QUERY, headers={"x-emulator-fault": "Server.Internal.UnknownError"})
    assert (r.status_code, r.headers["content-type"]) == (500, JSON_CT)
    assert r.json()["errCode"] == "Server.Internal.UnknownError"
    assert r.json()["requestId"] == r.headers["x-acs-request-id"]


def test_the_control_api_answers_errors_in_json_whatever_accept(aicontent_emulator: Emulator) -> None:
    with httpx.Client(base_url=aicontent_emulator.url) as client:
        r = client.patch("/_emulator/config", json={"seed": 1}, headers={"accept": "*/*"})
    assert (r.status_code, r.headers["content-type"]) == (400, JSON_CT)
    assert r.json()["Code"] == "InvalidParameter"


# -- the OpenAPI document ----------------------------------------------------------------
@pytest.fixture
def openapi(aicontent_emulator: Emulator) -> dict[str, Any]:
    r = httpx.get(aicontent_emulator.url + "/_emulator/openapi.json")
    assert r.status_code == 200
    return dict(r.json())


def test_openapi_lists_xml_error_bodies_and_no_429(openapi: dict[str, Any]) -> None:
    responses = openapi["paths"][API]["get"]["responses"]
    for status in ("400", "404"):
        content = responses[status]["content"]
        assert XML_CT in content and "application/json" in content
        assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/GatewayError"}
    assert "429" not in responses
    assert "Throttling.User" in responses["400"]["description"]
    for status in ("200", "403", "500"):  # never XML
        assert list(responses[status]["content"]) == ["application/json"]


@pytest.mark.parametrize("method, path, schema", [
    ("post", "/_emulator/faults", "FaultRuleSpec"),
    ("patch", "/_emulator/config", "FormsPatch"),
    ("put", "/_emulator/clock", "ClockSpec"),
    ("post", "/_emulator/clock/advance", "Advance"),
    ("post", "/_emulator/usage-events", "UsageEventSpec"),
])
def test_openapi_control_bodies_are_declared_and_referenced(openapi: dict[str, Any], method: str, path: str,
                                                            schema: str) -> None:
    body = openapi["paths"][path][method]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{schema}"}
    declared = openapi["components"]["schemas"][schema]
    assert declared["type"] == "object" and declared["properties"]
    json.dumps(declared)


def test_openapi_schemas_carry_the_new_fields(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    assert "retryAfterMs" in schemas["FaultRuleSpec"]["properties"]
    forms = schemas["FormsPatch"]["properties"]
    assert set(forms) == {"product_errors", "values_encoding", "empty_buckets"}
    assert json.dumps(forms["product_errors"]).count("documented") >= 1
    assert set(schemas["ClockSpec"]["properties"]) >= {"now", "dataLagMinutes"}
    assert "seconds" in schemas["Advance"]["properties"]
    assert {"startTime", "endTime", "factor", "set"} <= set(schemas["UsageEventSpec"]["properties"])
