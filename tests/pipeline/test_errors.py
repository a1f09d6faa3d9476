"""Errors, whichever stage raises them: gateway errors follow the request's Accept header (XML
unless it asks for application/json with q>0), byte for byte in the gateway's XML form, readable
by the SDK's own XML parser, and the OpenAPI document says so; success and product-error bodies
stay JSON. The gateway's fixed messages with the emulator's explanation beside them
(x-emulator-reason and the journal); product errors in each product_errors form; and what the
official SDK raises for each, from JSON and from XML, Throttling.User with x-acs-retry-after
included."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from alibabacloud_aicontent20240611 import models
from alibabacloud_aicontent20240611.client import Client
from alibabacloud_tea_openapi.exceptions import (
    AlibabaCloudException,
    ClientException,
    ServerException,
    ThrottlingException,
)
from alibabacloud_tea_openapi.models import Config
from darabonba.runtime import ExtendsParameters, RuntimeOptions
from darabonba.utils.xml import XML
from family_helpers import COST, DENIED, MESSAGES, NO_ORG, call
from helpers import ADMIN, API, DAY, FIXED, MARCH_1, MISMATCH, QUERY, error_of, sdk_detail, send
from signer import acs3_base, acs3_headers, acs3_sign, iso, url

from emulator.server import Emulator

XML_CT = "text/xml;charset=utf-8"
JSON_CT = "application/json;charset=utf-8"
HOST_ID = "aicontent.aliyuncs.com"
REQUIRED = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY)}
OMIT = None  # stands for "send no Accept header at all"


def recommend(code: str, rid: str) -> str:
    return f"https://api.aliyun.com/troubleshoot?q={code}&product=AiContent&requestId={rid}"


def xml_error(rid: str, code: str, message: str) -> bytes:
    """The gateway's XML error body as the real gateway sends it, built independently."""
    text = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (f"<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>{rid}</RequestId><HostId>{HOST_ID}</HostId>"
            f"<Code>{code}</Code><Message>{text}</Message><Recommend><![CDATA[{recommend(code, rid)}]]></Recommend>"
            f"</Error>").encode()


def accepting(emu: Emulator, accept: str | None, path: str = API, params: dict[str, str] | None = None,
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


DENIED_KEY = ("LTAIEMULATORDENIED000001", "emulator-denied-secret-not-for-production")


def provoke(emu: Emulator, case: str, accept: str | None) -> httpx.Response:
    if case == "MissingParameter":
        return accepting(emu, accept, params={k: v for k, v in REQUIRED.items() if k != "modelId"})
    if case == "InvalidAccessKeyId.NotFound":
        headers = acs3_headers("GET", emu.endpoint, API, REQUIRED, "LTAINOSUCHKEY0000001", "x")
        return accepting(emu, accept, path=url("", API, REQUIRED), headers=headers)
    if case == "InvalidAction.NotFound":
        return accepting(emu, accept, path="/api/v1/modelRouter/open/billing/cost/nothing", params=REQUIRED)
    assert case == "Throttling.User"
    return accepting(emu, accept, params=REQUIRED, headers={"x-emulator-fault": "Throttling.User"})


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
    params = {**REQUIRED, "modelId": "a<b&c>"}
    as_json = accepting(aicontent_emulator, "application/json", params=params).json()
    message = as_json["Message"]
    assert message.startswith('The parameter "modelId" is invalid: ') and "a<b&c>" in message
    r = accepting(aicontent_emulator, "*/*", params=params)
    rid = r.headers["x-acs-request-id"]
    assert (r.status_code, r.headers["content-type"]) == (400, XML_CT)
    assert r.content == xml_error(rid, "InvalidParameter", message)
    assert b"a&lt;b&amp;c&gt;" in r.content
    assert XML.parse_xml(r.text)["Error"]["Message"] == message


def test_signature_mismatch_in_xml_keeps_its_newlines_and_ampersands(aicontent_emulator: Emulator) -> None:
    """The canonical request inside the message has `&` (query) and newlines: escaped, then read back."""
    when = dt.datetime.now(dt.UTC)
    headers = acs3_headers("GET", aicontent_emulator.endpoint, API, REQUIRED, ADMIN[0], "wrong", when=when)
    as_json = accepting(aicontent_emulator, "application/json", path=url("", API, REQUIRED), headers=headers).json()
    headers = acs3_headers("GET", aicontent_emulator.endpoint, API, REQUIRED, ADMIN[0], "wrong", when=when,
                           nonce=headers["x-acs-signature-nonce"])
    r = accepting(aicontent_emulator, OMIT, path=url("", API, REQUIRED), headers=headers)
    assert r.headers["content-type"] == XML_CT
    assert r.content == xml_error(r.headers["x-acs-request-id"], "SignatureDoesNotMatch", as_json["Message"])
    message = XML.parse_xml(r.text)["Error"]["Message"]
    assert message == as_json["Message"] and "\nendTime=" in message and "&modelId=1&" in message


@pytest.mark.parametrize("accept", [OMIT, "*/*", "text/xml", "application/xml", "application/json;q=0"])
def test_success_and_product_errors_stay_json(aicontent_emulator: Emulator, accept: str | None) -> None:
    ok = accepting(aicontent_emulator, accept, params=REQUIRED)
    assert (ok.status_code, ok.headers["content-type"]) == (200, JSON_CT)
    assert ok.json()["success"] is True and ok.json()["data"]["total"] == 24
    denied = acs3_headers("GET", aicontent_emulator.endpoint, API, REQUIRED, *DENIED_KEY)
    r = accepting(aicontent_emulator, accept, path=url("", API, REQUIRED), headers=denied)
    assert (r.status_code, r.headers["content-type"]) == (403, JSON_CT)
    assert r.json()["errCode"] == "B.Permission.DeniedException"
    r = accepting(aicontent_emulator, accept, params=REQUIRED,
                  headers={"x-emulator-fault": "Server.Internal.UnknownError"})
    assert (r.status_code, r.headers["content-type"]) == (500, JSON_CT)
    assert r.json()["errCode"] == "Server.Internal.UnknownError"
    assert r.json()["requestId"] == r.headers["x-acs-request-id"]


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


def _provoke(emu: Emulator, code: str) -> tuple[httpx.Response, str]:
    """(answer, a fragment the explanation must mention)."""
    if code == "IncompleteSignature":
        headers, _ = acs3_sign(acs3_base(emu.endpoint), QUERY, *ADMIN)
        return send(emu, {**headers, "x-acs-extra-thing": "1"}), "x-acs-extra-thing"
    if code == "SignatureDoesNotMatch":
        return send(emu, acs3_sign(acs3_base(emu.endpoint), QUERY, ADMIN[0], "wrong")[0]), "secret"
    if code == "InvalidAccessKeyId.NotFound":
        headers, _ = acs3_sign(acs3_base(emu.endpoint), QUERY, "LTAINOSUCHKEY0000042", "x")
        return send(emu, headers), "LTAINOSUCHKEY0000042"
    if code == "InvalidTimeStamp.Expired":
        old = iso(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20))
        return send(emu, acs3_sign(acs3_base(emu.endpoint, **{"x-acs-date": old}), QUERY, *ADMIN)[0]), old
    if code == "InvalidTimeStamp.Format":
        headers, _ = acs3_sign(acs3_base(emu.endpoint, **{"x-acs-date": "yesterday"}), QUERY, *ADMIN)
        return send(emu, headers), "x-acs-date"
    if code == "SignatureNonceUsed":
        headers = acs3_sign(acs3_base(emu.endpoint, **{"x-acs-signature-nonce": "nonce-4711"}), QUERY, *ADMIN)[0]
        assert send(emu, headers).status_code == 200
        return send(emu, headers), "nonce-4711"
    if code == "InvalidVersion":
        return send(emu, {"x-acs-version": "2019-01-01"}), "2019-01-01"
    if code == "InvalidAction":
        return send(emu, {"x-acs-action": "DescribeRegions"}), "DescribeRegions"
    if code == "InvalidAction.NotFound":
        return send(emu, {}, path="/api/v1/no/such/api"), "/api/v1/no/such/api"
    assert code == "Throttling.User"
    return send(emu, {"x-emulator-fault": "Throttling.User"}), "x-emulator-fault"


@pytest.mark.parametrize("code", FIXED)
def test_fixed_message_and_the_emulators_reason(aicontent_emulator: Emulator, code: str) -> None:
    """The client sees the real text; why the emulator refused is in x-emulator-reason and the journal."""
    r, fragment = _provoke(aicontent_emulator, code)
    err = error_of(r)
    status = 404 if code.endswith("NotFound") else 400
    assert (r.status_code, err["Code"]) == (status, code), err
    if code == "SignatureDoesNotMatch":
        assert err["Message"].startswith(MISMATCH + " server StringToSign is [")
    else:
        assert err["Message"] == FIXED[code]
    reason = r.headers["x-emulator-reason"]
    assert reason and reason != err["Message"] and fragment in reason
    entry = aicontent_emulator.requests[-1]
    assert (entry.error_code, entry.request_id, entry.status) == (code, r.headers["x-acs-request-id"], status)
    assert entry.reason == reason


def test_a_fault_rule_is_named_in_the_reason(aicontent_emulator: Emulator) -> None:
    rule = aicontent_emulator.faults.add({"code": "Throttling.User", "times": 1})
    r = send(aicontent_emulator, {})
    assert error_of(r)["Message"] == FIXED["Throttling.User"]
    assert f"fault rule {rule.id}" in r.headers["x-emulator-reason"] == aicontent_emulator.requests[-1].reason


def test_missing_parameter_names_it(aicontent_emulator: Emulator) -> None:
    r = send(aicontent_emulator, {}, {k: v for k, v in QUERY.items() if k != "startTime"})
    assert error_of(r)["Message"] == ('The input parameter "startTime" that is mandatory for processing this '
                                      "request is not supplied.")


# -- product errors: their shape and forms, and what the SDK raises for them -----------------
BASE = {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}
PRODUCT_KEYS = ["requestId", "success", "errCode", "errMessage", "httpStatusCode", "data",
                "Code", "Message", "RequestId"]
SPAN_RAW = {"startTime": MARCH_1, "endTime": MARCH_1 + DAY}


def test_product_error_shape(http: httpx.Client) -> None:
    r = http.get(API, params=BASE, headers={"x-emulator-fault": "B.Permission.DeniedException"})
    assert r.status_code == 403
    body = r.json()
    assert list(body) == PRODUCT_KEYS
    assert body["errCode"] == body["Code"] == "B.Permission.DeniedException"
    assert body["errMessage"] == body["Message"] == "鉴权失败或权限不足"
    assert body["requestId"] == body["RequestId"] == r.headers["x-acs-request-id"]
    assert body["success"] is False and body["httpStatusCode"] == 403 and body["data"] is None


@pytest.mark.parametrize("form, keys", [
    ("both", ["requestId", "success", "errCode", "errMessage", "httpStatusCode", "data", "Code", "Message",
              "RequestId"]),
    ("documented", ["requestId", "success", "errCode", "errMessage", "httpStatusCode", "data"]),
    ("gateway", ["RequestId", "HostId", "Code", "Message", "Recommend"]),
])
def test_product_error_forms(aicontent_emulator: Emulator, form: str, keys: list[str]) -> None:
    """A RAM refusal of a family action comes in the product_errors form in force, always JSON."""
    aicontent_emulator.set_forms(product_errors=form)
    for account, name, code in (("denied", "overview", DENIED), ("explicit-deny", "summary", DENIED),
                                ("no-org", "tabs", NO_ORG)):
        r = call(aicontent_emulator.url, name, SPAN_RAW if name in COST else {},
                 aicontent_emulator.accounts[account], headers={"accept": "*/*"})
        assert r.status_code == 403 and r.headers["content-type"] == "application/json;charset=utf-8"
        body = r.json()
        assert list(body) == keys
        assert body.get("errCode", body.get("Code")) == code
        assert body.get("errMessage", body.get("Message")) == MESSAGES[code]


def test_product_errors_carry_their_code(aicontent_emulator: Emulator, aicontent_client: Any) -> None:
    aicontent_emulator.faults.add({"code": "B.Permission.OrgNoExistException", "times": 1})
    with pytest.raises(ClientException) as info:
        sdk_detail(aicontent_client)
    assert info.value.code == "B.Permission.OrgNoExistException" and info.value.status_code == 403
    assert info.value.data["errMessage"] == "组织不存在,请主账号开通权限后再试,或联系管理员"


def test_server_errors_raise_server_exception(aicontent_emulator: Emulator, aicontent_client: Any) -> None:
    aicontent_emulator.faults.add({"code": "Server.Internal.UnknownError", "times": 1})
    with pytest.raises(ServerException) as info:
        sdk_detail(aicontent_client)
    assert info.value.code == "Server.Internal.UnknownError" and info.value.status_code == 500
    assert sdk_detail(aicontent_client).success  # the rule fired once only


# -- the SDK raises the same exception whichever form a gateway error comes in --------------
# The SDK sends `accept: application/json`, so it normally gets JSON; a runtime whose
# `extends_parameters` carries `accept: */*` (merged over the SDK's own headers in `do_request`)
# makes the emulator answer XML, which the SDK parses with darabonba's XML parser. Throttling with
# `x-acs-retry-after` raises ThrottlingException (not a ClientException) with `retry_after`.
RID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")


def runtime(form: str, **headers: str) -> RuntimeOptions:
    """`json`: the SDK's own accept header; `xml`: accept */*, as curl and most HTTP clients send."""
    extra = {**headers, **({"accept": "*/*"} if form == "xml" else {})}
    return RuntimeOptions(extends_parameters=ExtendsParameters(headers=extra)) if extra else RuntimeOptions()


@pytest.fixture
def xml_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Bodies the SDK parsed as XML (it does only when content-type is exactly text/xml;charset=utf-8)."""
    seen: list[str] = []
    original = XML.parse_xml

    def spy(body: str, response: Any = None) -> Any:
        seen.append(body)
        return original(body, response)

    monkeypatch.setattr(XML, "parse_xml", staticmethod(spy))
    return seen


def detail_with_runtime(client: Any, rt: RuntimeOptions, **kw: Any) -> Any:
    request = models.ModelRouterQueryCostModelDetailRequest(
        **{"model_id": 1, "start_time": MARCH_1, "end_time": MARCH_1 + DAY, **kw})
    return client.model_router_query_cost_model_detail_with_options(request, {}, rt)


def raised(client: Any, rt: RuntimeOptions, **kw: Any) -> AlibabaCloudException:
    with pytest.raises(AlibabaCloudException) as info:
        detail_with_runtime(client, rt, **kw)
    return info.value


def client_with(emu: Emulator, ak: str, secret: str) -> Any:
    return Client(Config(endpoint=emu.endpoint, protocol="http", access_key_id=ak, access_key_secret=secret,
                         region_id="cn-shanghai"))


def _invalid_parameter(emu: Emulator) -> tuple[Any, dict[str, Any]]:
    return emu.client("admin"), {"model_id": 404}


def _wrong_secret(emu: Emulator) -> tuple[Any, dict[str, Any]]:
    return client_with(emu, "LTAIEMULATORADMIN0000001", "not-the-secret"), {}


def _unknown_key(emu: Emulator) -> tuple[Any, dict[str, Any]]:
    return client_with(emu, "LTAINOSUCHKEY0000777", "whatever"), {}


def _throttled(emu: Emulator) -> tuple[Any, dict[str, Any]]:
    emu.faults.add({"code": "Throttling.User", "times": 1})
    return emu.client("admin"), {}


SDK_ERROR_CASES: dict[str, tuple[Callable[[Emulator], tuple[Any, dict[str, Any]]], int, str | None]] = {
    # code: (set-up, status, fixed message or None when it varies)
    "InvalidParameter": (_invalid_parameter, 400, None),
    "SignatureDoesNotMatch": (_wrong_secret, 400, None),
    "InvalidAccessKeyId.NotFound": (_unknown_key, 404, "Specified access key is not found."),
    "Throttling.User": (_throttled, 400, "Request was denied due to user flow control."),
}


def _message_text(exc: AlibabaCloudException, status: int) -> str:
    """The gateway's Message out of the SDK's `code: <status>, <Message> request id: <rid>`."""
    prefix, suffix = f"code: {status}, ", f" request id: {exc.request_id}"
    assert exc.message.startswith(prefix) and exc.message.endswith(suffix), exc.message
    return exc.message[len(prefix):-len(suffix)]


@pytest.mark.parametrize("code", SDK_ERROR_CASES)
def test_same_client_exception_from_json_and_from_xml(aicontent_emulator: Emulator, xml_reads: list[str],
                                                      code: str) -> None:
    setup, status, fixed = SDK_ERROR_CASES[code]
    texts = {}
    for form in ("json", "xml"):
        client, kw = setup(aicontent_emulator)
        before = len(xml_reads)
        exc = raised(client, runtime(form), **kw)
        assert type(exc) is ClientException, (form, type(exc))
        assert (exc.code, exc.status_code) == (code, status)
        assert RID.fullmatch(exc.request_id), exc.request_id
        entry = aicontent_emulator.requests[-1]
        assert (entry.request_id, entry.error_code, entry.status) == (exc.request_id, code, status)
        assert len(xml_reads) - before == (1 if form == "xml" else 0)  # the XML path really ran
        assert exc.data["Code"] == code and exc.data["RequestId"] == exc.request_id
        texts[form] = _message_text(exc, status)
        if fixed is not None:
            assert texts[form] == fixed
    if code == "InvalidParameter":
        assert texts["json"] == texts["xml"] and texts["json"].startswith('The parameter "modelId" is invalid: ')
    if code == "SignatureDoesNotMatch":
        for text in texts.values():
            m = re.fullmatch(re.escape(MISMATCH) + r" server StringToSign is \[ACS3-HMAC-SHA256\n([0-9a-f]{64})\] "
                             r"server CanonicalRequest is \[(GET\n" + re.escape(API) + r"\n.*)\]", text, re.S)
            assert m is not None, text
            assert m.group(1) == hashlib.sha256(m.group(2).encode()).hexdigest()
            assert "&modelId=1&" in m.group(2)  # the query, unescaped again after the XML


# -- Throttling.User and x-acs-retry-after -------------------------------------------------------
@pytest.mark.parametrize("form", ["json", "xml"])
def test_retry_after_from_a_fault_rule_raises_throttling_exception(aicontent_emulator: Emulator, form: str) -> None:
    aicontent_emulator.faults.add({"code": "Throttling.User", "retryAfterMs": 1500, "times": 1})
    exc = raised(aicontent_emulator.client("admin"), runtime(form))
    assert type(exc) is ThrottlingException and not isinstance(exc, ClientException)
    assert (exc.code, exc.status_code, exc.retry_after) == ("Throttling.User", 400, 1500)
    assert exc.message == f"code: 400, Request was denied due to user flow control. request id: {exc.request_id}"
    assert detail_with_runtime(aicontent_emulator.client("admin"), runtime(form)).status_code == 200  # fired once


@pytest.mark.parametrize("form", ["json", "xml"])
def test_retry_after_from_headers_raises_throttling_exception(aicontent_emulator: Emulator, form: str) -> None:
    rt = runtime(form, **{"x-emulator-fault": "Throttling.User", "x-emulator-retry-after-ms": "1500"})
    exc = raised(aicontent_emulator.client("admin"), rt)
    assert type(exc) is ThrottlingException
    assert (exc.code, exc.status_code, exc.retry_after) == ("Throttling.User", 400, 1500)


@pytest.mark.parametrize("form", ["json", "xml"])
def test_throttling_without_retry_after_is_a_client_exception(aicontent_emulator: Emulator, form: str) -> None:
    exc = raised(aicontent_emulator.client("admin"), runtime(form, **{"x-emulator-fault": "Throttling.User"}))
    assert type(exc) is ClientException
    assert (exc.code, exc.status_code, exc.retry_after) == ("Throttling.User", 400, None)


def test_retry_after_on_the_wire(aicontent_emulator: Emulator) -> None:
    query = {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}
    aicontent_emulator.faults.add({"code": "Throttling.User", "retryAfterMs": 1500, "times": 1})
    r = httpx.get(aicontent_emulator.url + API, params=query)
    assert r.status_code == 400 and r.headers["x-acs-retry-after"] == "1500"
    assert XML.parse_xml(r.text)["Error"]["Code"] == "Throttling.User"
    r = httpx.get(aicontent_emulator.url + API, params=query,
                  headers={"x-emulator-fault": "Throttling.User", "x-emulator-retry-after-ms": "1500"})
    assert r.status_code == 400 and r.headers["x-acs-retry-after"] == "1500"
    r = httpx.get(aicontent_emulator.url + API, params=query, headers={"x-emulator-fault": "Throttling.User"})
    assert r.status_code == 400 and "x-acs-retry-after" not in r.headers
    assert httpx.get(aicontent_emulator.url + API, params=query).status_code == 200
