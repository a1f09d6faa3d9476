"""Parsing (the syntax stage): query parameters read by their kind, and hostile input, each getting
its documented 4xx (never a 5xx, a traceback or a hang) with the server answering normally right
after; parameters given twice or not valid UTF-8; id lists checked in linear time."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from helpers import API, DAY, LINEAR, MARCH_1, best_time, error_of, growth
from kit import assert_error

from emulator.api.model_detail import ACTION as MODEL_DETAIL
from emulator.api.parsing import parse
from emulator.api.spec import Limits
from emulator.errors import ApiError
from emulator.server import Emulator

OK = f"modelId=1&startTime={MARCH_1}&endTime={MARCH_1 + DAY}"
REQUIRED = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY)}


BAD_INTEGERS = [
    "9223372036854775808", "-9223372036854775809", "99999999999999999999999999999999", "0", "-1", "1.5", "1e3",
    "1E3", "0x10", "+1", " 1", "1 ", "", "١", "１", "१", "Ⅻ", "1_000", "NaN", "Infinity", "true", "[1]",
]


@pytest.mark.parametrize("value", BAD_INTEGERS)
@pytest.mark.parametrize("name", ["modelId", "clientId", "apiKeyId", "pageSize", "maxResults", "page", "pageIndex"])
def test_bad_integers(hostile: Emulator, name: str, value: str) -> None:
    extra = {"clientId": "2"} if name == "apiKeyId" else {}
    params = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY), **extra, name: value}
    assert_error(httpx.get(hostile.url + API, params=params), 400, "InvalidParameter", f'"{name}"', in_message=True)


@pytest.mark.parametrize("value", ["-1", "1.0", "1e9", "+1700000000", "", "１７００"])
@pytest.mark.parametrize("name", ["startTime", "endTime"])
def test_bad_times(hostile: Emulator, name: str, value: str) -> None:
    params = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY), name: value}
    assert_error(httpx.get(hostile.url + API, params=params), 400, "InvalidParameter", f'"{name}"', in_message=True)


def test_leading_zeros_are_the_integer_they_spell(hostile: Emulator) -> None:
    r = httpx.get(f"{hostile.url}{API}?modelId=0001&startTime=0{MARCH_1}&endTime={MARCH_1 + DAY}&pageSize=024")
    assert r.status_code == 200 and r.json()["data"]["modelId"] == 1 and r.json()["data"]["pageSize"] == 24


def test_a_parameter_repeated_hundreds_of_times(hostile: Emulator) -> None:
    assert_error(httpx.get(f"{hostile.url}{API}?{OK}" + "&clientId=2" * 500), 400, "InvalidParameter", '"clientId"',
                 in_message=True)
    assert httpx.get(f"{hostile.url}{API}?{OK}" + "&unknown=1" * 500).status_code == 200  # ignored, as gateways do


@pytest.mark.parametrize("encoded", ["%00", "1%00", "%FF", "%C3%28", "%ED%A0%80", "%F0%28%8C%BC", "%E2%82"])
@pytest.mark.parametrize("name", ["modelId", "memberUserIds", "nextToken", "clientIds"])
def test_percent_encoded_nul_and_invalid_utf8(hostile: Emulator, name: str, encoded: str) -> None:
    r = httpx.get(f"{hostile.url}{API}?{OK}&{name}={encoded}" if name != "modelId" else
                  f"{hostile.url}{API}?modelId={encoded}&startTime={MARCH_1}&endTime={MARCH_1 + DAY}")
    assert_error(r, 400, "InvalidParameter", f'"{name}"', in_message=True)


def test_undecodable_parameter_names(hostile: Emulator) -> None:
    r = httpx.get(f"{hostile.url}{API}?{OK}&%FF%FE=1")
    assert_error(r, 400, "InvalidParameter")


@pytest.mark.parametrize("size", [1_000, 40_000])  # 100 KB: test_requests_the_http_parser_refuses
@pytest.mark.parametrize("name", ["clientIds", "memberUserIds", "nextToken", "modelId"])
def test_large_values(hostile: Emulator, name: str, size: int) -> None:
    value = "1" * size if name != "clientIds" else ",".join(["1"] * (size // 6))  # commas grow 3x encoded
    params = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY), name: value}
    r = httpx.get(hostile.url + API, params=params)
    assert_error(r, 400, "InvalidParameter", f'"{name}"', in_message=True)
    assert len(error_of(r)["Message"]) < 400  # the message quotes a bounded part of the value


def _raw(hostile: Emulator, data: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", hostile.port), timeout=10) as s:
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
            head, sep, body = out.partition(b"\r\n\r\n")
            if sep:
                headers = dict(line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:])
                if len(body) >= int(headers.get("content-length", "0")):
                    return int(head.split(b" ")[1]), headers, body
    raise AssertionError(f"connection closed without a full answer: {out[:200]!r}")


@pytest.mark.parametrize("request_line", [
    f"GET {API}?{OK}&nextToken={'a' * 100_000} HTTP/1.1",  # 100 KB: beyond the HTTP parser's 64 KiB
    f"GET {API}?{OK}&clientIds={'1,' * 50_000}2 HTTP/1.1",
    f"GET {API}?{OK}&clientId=1\x00 HTTP/1.1",  # a raw NUL
    f"GET {API}?{OK}&memberUserIds=\xff\xfe HTTP/1.1",  # raw bytes that are not ASCII
])
def test_requests_the_http_parser_refuses_get_the_gateway_body(hostile: Emulator, request_line: str) -> None:
    status, headers, body = _raw(hostile, (request_line + "\r\nHost: x\r\n\r\n").encode("latin-1"))
    assert status == 400 and headers["content-type"] == "text/xml;charset=utf-8"  # its Accept was never read
    r = httpx.Response(status, content=body, headers={"content-type": headers["content-type"]})
    assert error_of(r)["Code"] == "InvalidParameter" and error_of(r)["RequestId"] == headers["x-acs-request-id"]


# -- a parameter given twice, a value that is not UTF-8 -------------------------------------
def test_parameter_given_twice(http: httpx.Client) -> None:
    r = http.get(f"{API}?modelId=1&modelId=1&startTime={MARCH_1}&endTime={MARCH_1 + DAY}")
    assert_error(r, 400, "InvalidParameter", '"modelId"', "more than once", gateway=True)


def test_invalid_utf8_is_a_named_error(http: httpx.Client) -> None:
    r = http.get(f"{API}?modelId=1&startTime={MARCH_1}&endTime={MARCH_1 + DAY}&memberUserIds=%FF")
    assert_error(r, 400, "InvalidParameter", '"memberUserIds"', "UTF-8", gateway=True)


# -- repeated ids ----------------------------------------------------------------------------
def id_list_check(name: str) -> Callable[[int], Callable[[], Any]]:
    def make(n: int) -> Callable[[], Any]:
        ids = ",".join(str(i) for i in [*range(1, n + 1), n])  # the repeat is the very last id

        def work() -> None:
            with pytest.raises(ApiError):
                parse(MODEL_DETAIL, [*REQUIRED.items(), (name, ids)], Limits(366))
        return work
    return make


@pytest.mark.parametrize("name", ["clientIds", "memberUserIds"])
def test_a_repeated_id_is_found_in_linear_time_and_named(name: str) -> None:
    """The repeated-id check of an id list is linear, and its message names the repeated id."""
    ratio = growth(id_list_check(name), 3_000)
    assert ratio < LINEAR, f"4x the ids took {ratio:.1f}x the time"
    with pytest.raises(ApiError) as info:
        parse(MODEL_DETAIL, [*REQUIRED.items(), (name, ",".join(str(i) for i in [*range(1, 12_001), 12_000]))],
              Limits(366))
    message = info.value.message
    assert info.value.code == "InvalidParameter"
    assert f'"{name}"' in message and "lists id 12000 more than once" in message


def test_model_type_lists_cost_linear_time() -> None:
    """The repeat check of modelTypes is a set, not a scan of the list (it was quadratic)."""
    from emulator.api.table import OVERVIEW

    def names(n: int) -> str:
        letters = "abcdefghijklmnopqrstuvwxyz"
        return ",".join(letters[i // 676 % 26] + letters[i // 26 % 26] + letters[i % 26] for i in range(n))

    def cost(n: int) -> float:
        pairs = [("startTime", "1709222400"), ("endTime", "1709308800"), ("modelTypes", names(n))]
        return best_time(lambda: parse(OVERVIEW, pairs, Limits(366)))

    assert cost(16_000) / cost(4_000) < 8
