"""Identity and permission through a live server: the SDK in both signature modes, and raw
requests signed by the tests' own signer, then tampered with."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from alibabacloud_aicontent20240611 import models
from alibabacloud_tea_openapi.exceptions import ClientException
from helpers import API, DAY, MARCH_1, error_of, rows
from signer import acs3_headers, roa_headers, url

from emulator.server import Emulator

QUERY = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY), "pageSize": "24"}


def sdk_call(emu: Emulator, account: str, algorithm: str | None, **kw: Any) -> Any:
    request = models.ModelRouterQueryCostModelDetailRequest(
        model_id=1, start_time=MARCH_1, end_time=MARCH_1 + DAY, page_size=24, **kw)
    return emu.client(account, signature_algorithm=algorithm).model_router_query_cost_model_detail(request).body


ALGORITHMS = [None, "v2"]  # ACS3-HMAC-SHA256 (the SDK's default) and the legacy ROA signature


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("account", ["admin", "readonly", "dept-scoped", "other-org-admin"])
def test_allowed_accounts_get_data(emu: Emulator, account: str, algorithm: str | None) -> None:
    body = sdk_call(emu, account, algorithm)
    assert body.success and body.data.total == 24


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("account, code", [
    ("denied", "B.Permission.DeniedException"),
    ("explicit-deny", "B.Permission.DeniedException"),
    ("no-org", "B.Permission.OrgNoExistException"),
])
def test_refused_accounts_get_their_error(emu: Emulator, account: str, code: str, algorithm: str | None) -> None:
    with pytest.raises(ClientException) as info:
        sdk_call(emu, account, algorithm)
    assert info.value.code == code and info.value.status_code == 403


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_department_scope(emu: Emulator, algorithm: str | None) -> None:
    scoped = sdk_call(emu, "dept-scoped", algorithm)
    only_two = sdk_call(emu, "admin", algorithm, client_id=2)
    assert [r.values for r in scoped.data.rows] == [r.values for r in only_two.data.rows]
    assert sdk_call(emu, "dept-scoped", algorithm, client_id=2).data.rows[5].values == only_two.data.rows[5].values
    for kw in ({"client_id": 3}, {"client_ids": "2,3"}):
        with pytest.raises(ClientException) as info:
            sdk_call(emu, "dept-scoped", algorithm, **kw)
        assert info.value.code == "B.Permission.DeniedException"


def test_organizations_are_isolated(emu: Emulator) -> None:
    mine = sdk_call(emu, "other-org-admin", None)
    assert mine.data.rows[10].values == sdk_call(emu, "other-org-admin", None, client_id=11).data.rows[10].values
    with pytest.raises(ClientException) as info:
        sdk_call(emu, "other-org-admin", None, client_id=2)
    assert info.value.code == "InvalidParameter" and "no department has id 2" in str(info.value)
    assert mine.data.rows[10].values != sdk_call(emu, "admin", None).data.rows[10].values


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_wrong_secret_and_unknown_key(emu: Emulator, algorithm: str | None) -> None:
    from alibabacloud_aicontent20240611.client import Client
    from alibabacloud_tea_openapi.models import Config

    for ak, secret, code, status in [("LTAIEMULATORADMIN0000001", "wrong", "SignatureDoesNotMatch", 400),
                                     ("LTAINOSUCHKEY", "x", "InvalidAccessKeyId.NotFound", 404)]:
        cfg = Config(endpoint=emu.endpoint, protocol="http", access_key_id=ak, access_key_secret=secret)
        if algorithm:
            cfg.signature_algorithm = algorithm
        with pytest.raises(ClientException) as info:
            Client(cfg).model_router_query_cost_model_detail(
                models.ModelRouterQueryCostModelDetailRequest(model_id=1, start_time=MARCH_1, end_time=MARCH_1 + DAY))
        assert (info.value.code, info.value.status_code) == (code, status)


# -- raw requests, signed by tests/signer.py -------------------------------------------------
ADMIN = ("LTAIEMULATORADMIN0000001", "emulator-admin-secret-not-for-production")


def send(emu: Emulator, headers: dict[str, str], query: dict[str, str] = QUERY, content: bytes = b"") -> httpx.Response:
    return httpx.request("GET", url(emu.url, API, query), headers=headers, content=content)


def signed(emu: Emulator, query: dict[str, str] = QUERY, **kw: Any) -> dict[str, str]:
    return acs3_headers("GET", emu.endpoint, API, query, *ADMIN, **kw)


def code_of(r: httpx.Response) -> str:
    return str(error_of(r).get("Code"))


def test_own_signer_is_accepted_in_both_schemes(emu: Emulator) -> None:
    assert send(emu, signed(emu)).status_code == 200
    assert send(emu, roa_headers("GET", API, QUERY, *ADMIN)).status_code == 200


def test_tampering_after_signing_is_refused_and_changes_nothing(emu: Emulator) -> None:
    headers = signed(emu)
    before = send(emu, signed(emu)).json()
    tampered_query = {**QUERY, "modelId": "2"}
    r = send(emu, headers, tampered_query)
    assert r.status_code == 400 and code_of(r) == "SignatureDoesNotMatch"
    assert "modelId=2" in error_of(r)["Message"]  # the server's canonical request is shown
    r = send(emu, {**headers, "x-acs-date": headers["x-acs-date"][:-3] + "00Z"})
    assert code_of(r) == "SignatureDoesNotMatch"
    r = send(emu, headers, content=b"{}")
    assert code_of(r) == "SignatureDoesNotMatch" and "x-acs-content-sha256" in error_of(r)["reason"]
    # The nonce of those rejected requests was not used up: the original request still passes.
    assert send(emu, headers).json()["data"] == before["data"]


def test_tampered_roa_request(emu: Emulator) -> None:
    headers = roa_headers("GET", API, QUERY, *ADMIN)
    r = send(emu, headers, {**QUERY, "endTime": str(MARCH_1 + 2 * DAY)})
    assert code_of(r) == "SignatureDoesNotMatch" and "server StringToSign is [" in error_of(r)["Message"]
    r = send(emu, {**headers, "x-acs-signature-nonce": "other"})
    assert code_of(r) == "SignatureDoesNotMatch"


def test_replayed_nonce(emu: Emulator) -> None:
    headers = signed(emu)
    assert send(emu, headers).status_code == 200
    r = send(emu, headers)
    assert (r.status_code, code_of(r)) == (400, "SignatureNonceUsed")
    emu.reset()  # reset forgets nonces
    assert send(emu, headers).status_code == 200
    roa = roa_headers("GET", API, QUERY, *ADMIN, nonce="fixed-roa-nonce")
    assert send(emu, roa).status_code == 200 and code_of(send(emu, roa)) == "SignatureNonceUsed"


@pytest.mark.parametrize("minutes, ok", [(-14, True), (14, True), (-16, False), (16, False)])
def test_date_window(emu: Emulator, minutes: int, ok: bool) -> None:
    when = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
    r = send(emu, signed(emu, when=when))
    assert (r.status_code == 200) == ok
    if not ok:
        assert (r.status_code, code_of(r)) == (400, "InvalidTimeStamp.Expired")
    from email.utils import format_datetime
    r = send(emu, roa_headers("GET", API, QUERY, *ADMIN, date=format_datetime(when, usegmt=True)))
    assert (r.status_code == 200) == ok


def test_unknown_access_key(emu: Emulator) -> None:
    r = send(emu, acs3_headers("GET", emu.endpoint, API, QUERY, "LTAIUNKNOWN", "x"))
    assert (r.status_code, code_of(r)) == (404, "InvalidAccessKeyId.NotFound")
    assert error_of(r)["Message"] == "Specified access key is not found." and "LTAIUNKNOWN" in error_of(r)["reason"]


@pytest.mark.parametrize("authorization, fragment", [
    ("Bearer abc", "ACS3-HMAC-SHA256 or the 'acs'"),
    ("ACS3-HMAC-SHA256 Credential=AK", "Credential=<AccessKeyId>"),
    ("ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=zz", "Credential=<AccessKeyId>"),
    ("acs AK", "acs <AccessKeyId>"),
    ("acs AK:not base64!", "acs <AccessKeyId>"),
    ("ACS3-HMAC-SHA256 " + "x" * 5000, "longer than 4096"),
])
def test_malformed_authorization(emu: Emulator, authorization: str, fragment: str) -> None:
    r = send(emu, {"Authorization": authorization})
    assert (r.status_code, code_of(r)) == (400, "IncompleteSignature")
    assert fragment in error_of(r)["reason"]


def test_required_headers_must_be_signed_and_present(emu: Emulator) -> None:
    headers = signed(emu)
    del headers["x-acs-signature-nonce"]
    r = send(emu, headers)
    assert code_of(r) == "IncompleteSignature" and "x-acs-signature-nonce" in error_of(r)["reason"]
    headers = signed(emu)
    r = send(emu, {**headers, "x-acs-extra": "1"})  # an unsigned x-acs-* header
    assert code_of(r) == "IncompleteSignature" and "x-acs-extra" in error_of(r)["reason"]
    headers = signed(emu, extra={"x-acs-date": "yesterday"})
    assert code_of(send(emu, headers)) == "InvalidTimeStamp.Format"
    roa = roa_headers("GET", API, QUERY, *ADMIN)
    del roa["date"]
    assert code_of(send(emu, roa)) == "IncompleteSignature"


def test_unsigned_requests_in_each_mode(emu: Emulator) -> None:
    r = httpx.get(url(emu.url, API, QUERY))
    assert (r.status_code, code_of(r)) == (400, "IncompleteSignature") and "auth=required" in error_of(r)["reason"]
    with Emulator(auth="verify") as verify:
        assert httpx.get(url(verify.url, API, QUERY)).status_code == 200  # acts as admin
        bad = acs3_headers("GET", verify.endpoint, API, QUERY, ADMIN[0], "wrong")
        assert code_of(httpx.get(url(verify.url, API, QUERY), headers=bad)) == "SignatureDoesNotMatch"
    with Emulator(auth="off") as off:
        bad = acs3_headers("GET", off.endpoint, API, QUERY, ADMIN[0], "wrong")
        assert httpx.get(url(off.url, API, QUERY), headers=bad).status_code == 200


def test_action_and_version_checked_before_auth(emu: Emulator) -> None:
    headers = signed(emu, extra={"x-acs-version": "2019-01-01"})
    assert code_of(send(emu, headers)) == "InvalidVersion"


def test_empty_member_list_is_signed_like_the_sdk(emu: Emulator) -> None:
    q = {**QUERY, "clientId": "2", "memberUserIds": ""}
    for headers in (signed(emu, q), roa_headers("GET", API, q, *ADMIN)):
        r = send(emu, headers, q)
        assert r.status_code == 200, r.text
        assert rows(r.json())


def test_accounts_endpoint_lists_the_credentials(emu: Emulator) -> None:
    listed = httpx.get(f"{emu.url}/_emulator/accounts").json()
    names = {a["name"] for a in listed}
    assert {"admin", "readonly", "denied", "no-org", "dept-scoped", "other-org-admin"} <= names
    scoped = next(a for a in listed if a["name"] == "dept-scoped")
    assert scoped["departmentIds"] == [2] and scoped["organizationId"] == 10001
    assert set(scoped) >= {"name", "accessKeyId", "accessKeySecret", "organizationId", "departmentIds"}
    assert {a["name"]: (a["accessKeyId"], a["accessKeySecret"]) for a in listed} == {
        name: (a.access_key_id, a.access_key_secret) for name, a in emu.accounts.items()}
