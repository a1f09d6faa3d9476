"""Authentication (the fourth stage): the auth mode (off, verify, required), access keys that
exist or not, wrong secrets through the SDK, and the accounts and their credentials."""

from __future__ import annotations

import httpx
import pytest
from alibabacloud_aicontent20240611 import models
from alibabacloud_tea_openapi.exceptions import ClientException
from helpers import ADMIN, API, DAY, MARCH_1, QUERY, code_of, error_of, send
from signer import acs3_headers, url

from emulator.auth.accounts import Account
from emulator.server import Emulator

ALGORITHMS = [None, "v2"]  # ACS3-HMAC-SHA256 (the SDK's default) and the legacy ROA signature


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


def test_unknown_access_key(emu: Emulator) -> None:
    r = send(emu, acs3_headers("GET", emu.endpoint, API, QUERY, "LTAIUNKNOWN", "x"))
    assert (r.status_code, code_of(r)) == (404, "InvalidAccessKeyId.NotFound")
    assert error_of(r)["Message"] == "Specified access key is not found." and "LTAIUNKNOWN" in error_of(r)["reason"]


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


def test_accounts_endpoint_lists_the_credentials(emu: Emulator) -> None:
    listed = httpx.get(f"{emu.url}/_emulator/accounts").json()
    names = {a["name"] for a in listed}
    assert {"admin", "readonly", "denied", "no-org", "dept-scoped", "other-org-admin"} <= names
    scoped = next(a for a in listed if a["name"] == "dept-scoped")
    assert scoped["departmentIds"] == [2] and scoped["organizationId"] == 10001
    assert set(scoped) >= {"name", "accessKeyId", "accessKeySecret", "organizationId", "departmentIds"}
    assert {a["name"]: (a["accessKeyId"], a["accessKeySecret"]) for a in listed} == {
        name: (a.access_key_id, a.access_key_secret) for name, a in emu.accounts.items()}


def test_account_repr_hides_the_secret() -> None:
    account = Account("a", "", "AK", "very-secret")
    assert "very-secret" not in repr(account) and account.secret_matches("very-secret")
    assert not account.secret_matches("very-secreT")
