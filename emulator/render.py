"""Bodies as bytes: one renderer per shape (success, gateway error in JSON or XML, product error).

Framework-free so the same bytes come out of the ASGI app, the tests and the benchmarks.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from typing import Any

from emulator.domain.metrics import ModelType
from emulator.domain.query import Page
from emulator.errors import ApiError

CONTENT_TYPE = "application/json;charset=utf-8"
XML_CONTENT_TYPE = "text/xml;charset=utf-8"  # exactly what the SDK checks before parsing XML
RECOMMEND = "https://api.aliyun.com/troubleshoot?q={code}&product=AiContent&requestId={rid}"


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def gateway_error_json(err: ApiError, request_id: str, host_id: str) -> bytes:
    return dumps({
        "RequestId": request_id,
        "HostId": host_id,
        "Code": err.code,
        "Message": err.message,
        "Recommend": RECOMMEND.format(code=err.code, rid=request_id),
    })


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Text as XML character data: markup escaped, characters XML 1.0 forbids shown as \\xNN."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _XML_UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def gateway_error_xml(err: ApiError, request_id: str, host_id: str) -> bytes:
    """The gateway's XML error body, byte for byte in the form the real gateway sends [gw]."""
    recommend = RECOMMEND.format(code=err.code, rid=request_id).replace("]]>", "]]]]><![CDATA[>")
    return (f"<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>{_xml_text(request_id)}</RequestId>"
            f"<HostId>{_xml_text(host_id)}</HostId><Code>{_xml_text(err.code)}</Code>"
            f"<Message>{_xml_text(err.message)}</Message><Recommend><![CDATA[{recommend}]]></Recommend>"
            f"</Error>").encode()


def product_error(err: ApiError, request_id: str, form: str, host_id: str) -> bytes:
    """The service's own error body in the chosen form of the unknown:
    `documented` [doc] only the reference's fields; `both` adds Code/Message/RequestId, which the
    SDKs raise with; `gateway` is the gateway's shape with the product code."""
    if form == "gateway":
        return gateway_error_json(err, request_id, host_id)
    body: dict[str, Any] = {"requestId": request_id, "success": False, "errCode": err.code,
                            "errMessage": err.message, "httpStatusCode": err.status, "data": None}
    if form == "both":
        body.update({"Code": err.code, "Message": err.message, "RequestId": request_id})
    return dumps(body)


def error(err: ApiError, request_id: str, host_id: str, xml: bool, product_form: str) -> tuple[bytes, str]:
    """(body, content type) of an error: gateway errors in XML unless the client accepts JSON;
    product errors always JSON, in the current form."""
    if err.shape == "product":
        return product_error(err, request_id, product_form, host_id), CONTENT_TYPE
    if xml:
        return gateway_error_xml(err, request_id, host_id), XML_CONTENT_TYPE
    return gateway_error_json(err, request_id, host_id), CONTENT_TYPE


def accepts_json(accept: str | None) -> bool:
    """Whether an Accept header asks for JSON: a media range `application/json` with q > 0.
    `*/*` (what curl sends) and no Accept at all get the gateway's XML, as from the real gateway."""
    if not accept or "json" not in accept.lower():
        return False
    for part in accept.split(","):
        media, _, params = part.partition(";")
        if media.strip().lower() != "application/json":
            continue
        q = next((p.split("=", 1)[1].strip() for p in params.split(";") if p.strip().lower().startswith("q=")), "1")
        try:
            if float(q) > 0:
                return True
        except ValueError:
            return True
    return False


def header_text(text: str, limit: int = 1024) -> str:
    """Text as a response header may carry it: printable ASCII, escapes for the rest, bounded."""
    if not (text.isascii() and text.isprintable()):
        text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= limit else text[: limit - 3] + "..."


@cache
def _row_template(model_type: ModelType, double: bool) -> bytes:
    """One row as it stands in the body, with `%` placeholders for its numbers:
    `{"timestamp":%s,"values":"{\\"total_calls\\":%d,…,\\"total_amount\\":%d.%s,\\"timestamp\\":%s}"}`
    (the timestamp, twice in a row, is converted to text once).
    The keys are fixed and the numbers need no escaping, so escaping the template once is the
    same as escaping every row's text (json.dumps applied once per encoding level). Bytes, not
    str: the rows are ASCII, and bytes formatting skips the text-width bookkeeping."""
    counts = ",".join(f'"{c.key}":%d' for c in model_type.columns[:-1])
    values = json.dumps("{" + counts + ',"total_amount":%d.%s,"timestamp":%s}')
    if double:
        values = json.dumps(values)
    return ('{"timestamp":%s,"values":' + values + "}").encode("ascii")


@cache
def _columns_json(model_type: ModelType) -> str:
    return dumps([c.as_dict() for c in model_type.columns]).decode()


def rows_json(page: Page, double: bool) -> bytes:
    """Every row of the page in one formatting call: the arguments are laid out column by
    column with slice assignments instead of row by row."""
    count = page.count
    if count == 0:
        return b""
    w = len(page.model.type.columns)
    k = w + 3  # timestamp, the counts, the amount's integer and decimal parts, timestamp in values
    flat = page.flat
    args: list[Any] = [0] * (count * k)
    stamps = [b"%d" % ts for ts in page.stamps]
    args[0::k] = stamps
    args[k - 1::k] = stamps
    for c in range(w - 1):
        args[1 + c::k] = flat[c::w]
    amounts = flat[w - 1::w]
    args[w::k] = [m // 10_000 for m in amounts]
    args[w + 1::k] = [DECIMALS[m % 10_000] for m in amounts]
    return _rows_template(page.model.type, double, count) % tuple(args)


@lru_cache(maxsize=1024)
def _rows_template(model_type: ModelType, double: bool, count: int) -> bytes:
    return b",".join([_row_template(model_type, double)] * count)


# The decimals of an amount in 0.0001 元, as a float's repr prints them: 0.396, 1.0, 0.0001.
DECIMALS = tuple((f"{f:04d}".rstrip("0") or "0").encode("ascii") for f in range(10_000))


_HEAD = ('{"requestId":"%s","success":true,"httpStatusCode":200,"data":{"modelId":%d,"modelName":%s,'
         '"granularity":"%s","total":%d,"page":%d,"pageSize":%d,"columns":%s,"rows":[')
_TAIL = ']},"maxResults":%d,"nextToken":"%s"}'


@cache
def _q(text: str) -> str:
    """A JSON string literal; cached, as the texts quoted per request are few (model names)."""
    return json.dumps(text, ensure_ascii=False)


def success(page: Page, request_id: str, legacy_page: int, legacy_size: int, size: int,
            next_token: str, double_encoded: bool) -> bytes:
    """The success body; byte for byte what `dumps` gives for the same object (tests hold it).
    Request ids, granularity and tokens are uuid-like, fixed or base64url: nothing to escape.
    The rows are ASCII, so they are encoded apart from the (UTF-8) model name."""
    head = _HEAD % (request_id, page.model.id, _q(page.model.name), page.timeline.granularity,
                    page.total, legacy_page, legacy_size, _columns_json(page.model.type))
    tail = (_TAIL % (size, next_token)).encode("ascii")
    return b"".join((head.encode("utf-8"), rows_json(page, double_encoded), tail))
