"""Hostile input: each gets its documented 4xx (never a 5xx, a traceback or a hang), and the
server answers normally right after."""

from __future__ import annotations

import socket

import httpx
import pytest
from helpers import API, DAY, MARCH_1, error_of
from kit import assert_error
from signer import acs3_headers

from emulator.server import Emulator

OK = f"modelId=1&startTime={MARCH_1}&endTime={MARCH_1 + DAY}"
ADMIN = ("LTAIEMULATORADMIN0000001", "emulator-admin-secret-not-for-production")


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


def test_tokens_from_another_seed_or_query(hostile: Emulator) -> None:
    with Emulator(seed=1234) as other:
        foreign = httpx.get(f"{other.url}{API}?{OK}").json()["nextToken"]
    assert_error(httpx.get(f"{hostile.url}{API}?{OK}&nextToken={foreign}"), 400, "InvalidParameter", '"nextToken"',
                 in_message=True)
    mine = httpx.get(f"{hostile.url}{API}?{OK}").json()["nextToken"]
    assert_error(httpx.get(f"{hostile.url}{API}?{OK}&clientIds=2,3&nextToken={mine}"), 400, "InvalidParameter",
                 '"nextToken"', in_message=True)
    assert_error(httpx.get(f"{hostile.url}{API}?{OK}&nextToken={'A' * 100}"), 400, "InvalidParameter", '"nextToken"',
                 in_message=True)


@pytest.mark.parametrize("authorization", [
    "acs", "acs :", "acs a:b", "ACS3-HMAC-SHA256", "ACS3-HMAC-SHA256 Credential=,SignedHeaders=,Signature=",
    "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host;host,Signature=" + "0" * 64,
    "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=x-b;x-a,Signature=" + "0" * 64,
    "ACS3-HMAC-SHA256 " + "A" * 60_000, "acs " + "A" * 60_000 + ":" + "B" * 28, "", "Basic dXNlcjpwYXNz",
])
def test_malformed_and_oversized_authorization(hostile: Emulator, authorization: str) -> None:
    assert_error(httpx.get(f"{hostile.url}{API}?{OK}", headers={"Authorization": authorization}), 400,
                 "IncompleteSignature")


def test_huge_header_counts(hostile: Emulator) -> None:
    many = {f"x-custom-{i}": "v" * 20 for i in range(1000)}
    assert httpx.get(f"{hostile.url}{API}?{OK}", headers=many).status_code == 200  # unsigned: extra headers are fine
    query = dict(p.split("=") for p in OK.split("&"))
    signed = acs3_headers("GET", hostile.endpoint, API, query, *ADMIN)
    unsigned_acs = {f"x-acs-extra-{i}": "v" for i in range(1000)}
    r = httpx.get(f"{hostile.url}{API}?{OK}", headers={**signed, **unsigned_acs})
    assert_error(r, 400, "IncompleteSignature")
    assert "must be listed in SignedHeaders" in error_of(r)["reason"]


def test_bodies_on_a_get(hostile: Emulator) -> None:
    r = httpx.request("GET", f"{hostile.url}{API}?{OK}", content=b"x" * 2_000_000)
    assert r.status_code == 200  # an unsigned GET's body is ignored
    query = dict(p.split("=") for p in OK.split("&"))
    signed = acs3_headers("GET", hostile.endpoint, API, query, *ADMIN)
    r = httpx.request("GET", f"{hostile.url}{API}?{OK}", headers=signed, content=b"{}")
    assert_error(r, 400, "SignatureDoesNotMatch")
