"""The official SDK raises the same exception whichever form a gateway error comes in.

The SDK sends `accept: application/json`, so it normally gets JSON; a runtime whose
`extends_parameters` carries `accept: */*` (merged over the SDK's own headers in `do_request`)
makes the emulator answer XML, which the SDK parses with darabonba's XML parser. Throttling with
`x-acs-retry-after` raises ThrottlingException (not a ClientException) with `retry_after`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from alibabacloud_aicontent20240611 import models
from alibabacloud_aicontent20240611.client import Client
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException, ClientException, ThrottlingException
from alibabacloud_tea_openapi.models import Config
from darabonba.runtime import ExtendsParameters, RuntimeOptions
from darabonba.utils.xml import XML
from helpers import API, DAY, MARCH_1, MISMATCH

from emulator.server import Emulator

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


def call(client: Any, rt: RuntimeOptions, **kw: Any) -> Any:
    request = models.ModelRouterQueryCostModelDetailRequest(
        **{"model_id": 1, "start_time": MARCH_1, "end_time": MARCH_1 + DAY, **kw})
    return client.model_router_query_cost_model_detail_with_options(request, {}, rt)


def raised(client: Any, rt: RuntimeOptions, **kw: Any) -> AlibabaCloudException:
    with pytest.raises(AlibabaCloudException) as info:
        call(client, rt, **kw)
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


CASES: dict[str, tuple[Callable[[Emulator], tuple[Any, dict[str, Any]]], int, str | None]] = {
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


@pytest.mark.parametrize("code", CASES)
def test_same_client_exception_from_json_and_from_xml(aicontent_emulator: Emulator, xml_reads: list[str],
                                                      code: str) -> None:
    setup, status, fixed = CASES[code]
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
    assert call(aicontent_emulator.client("admin"), runtime(form)).status_code == 200  # fired once


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
