"""JSON bodies of the writes (the syntax stage): read within a bound, parsed with limits,
validated field by field, covered by the signature; every refusal one 400 naming the field."""

from __future__ import annotations

import base64
import hashlib
import json

import httpx
import pytest
from kit import assert_error, raw
from signer import acs3_headers, roa_headers

from emulator.api.bodies import MAX_BODY
from emulator.server import Emulator

CLIENTS = "/api/v1/modelRouter/open/clients"
ADMIN = ("LTAIEMULATORADMIN0000001", "emulator-admin-secret-not-for-production")


@pytest.mark.parametrize("body, code, field, reason", [
    ({"name": "x", "parentId": "1"}, "InvalidParameter", "parentId", "valid integer"),
    ({"name": "x", "parentId": 1.0}, "InvalidParameter", "parentId", "valid integer"),
    ({"name": "x", "parentId": True}, "InvalidParameter", "parentId", "valid integer"),
    ({"name": "x", "parentId": 2**63}, "InvalidParameter", "parentId", "less than or equal"),
    ({"name": "x", "discount": "0.5"}, "InvalidParameter", "discount", "valid number"),
    ({"name": 7}, "InvalidParameter", "name", "valid string"),
    ({"name": "a\u0000b"}, "InvalidParameter", "name", "NUL"),
])
def test_a_field_of_the_wrong_type_is_named(aicontent_emulator: Emulator, body: dict, code: str, field: str,
                                           reason: str) -> None:
    assert_error(raw(aicontent_emulator, "CreateClient", body=body), 400, code, f'"{field}"', reason)


def test_a_required_field_is_missing_parameter_even_nested(aicontent_emulator: Emulator) -> None:
    assert_error(raw(aicontent_emulator, "CreateModelGroup", body={"name": "g"}), 400, "MissingParameter",
                 '"modelList"')
    body = {"apiKey": "k", "symbol": "qwen", "models": [{"modelId": "m", "modelType": "Chat"}]}
    assert_error(raw(aicontent_emulator, "BatchCreateModel", body=body), 400, "MissingParameter", '"models.0.name"')


@pytest.mark.parametrize("content, reason", [
    (b"[1]", "must be a JSON object"),
    (b"{", "not valid JSON"),
    (b'{"name": 1e999}', "beyond the range"),
    (b'{"name": NaN}', "not valid JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "nests too deeply"),
    (b"\xff\xfe", "not valid JSON"),
])
def test_a_body_that_is_not_a_json_object_is_refused(aicontent_emulator: Emulator, content: bytes,
                                                     reason: str) -> None:
    assert_error(raw(aicontent_emulator, "CreateClient", body=content), 400, "InvalidParameter", '"body"', reason)


def test_a_huge_integer_is_named_by_its_field(aicontent_emulator: Emulator) -> None:
    r = raw(aicontent_emulator, "CreateClient", body=b'{"name": "x", "parentId": 1' + b"1" * 5000 + b"}")
    assert_error(r, 400, "InvalidParameter", '"parentId"', "too many digits")


def test_a_body_must_be_sent_as_json(aicontent_emulator: Emulator) -> None:
    r = raw(aicontent_emulator, "CreateClient", body=b'{"name":"x"}', headers={"content-type": "text/plain"})
    assert_error(r, 400, "InvalidParameter", '"body"', "application/json")


def test_unknown_fields_are_ignored_and_an_empty_body_is_no_fields(aicontent_emulator: Emulator) -> None:
    r = raw(aicontent_emulator, "CreateClient", body={"name": "x", "colour": "blue"})
    assert r.status_code == 200 and r.json()["data"]["name"] == "x" and "colour" not in r.text
    r = raw(aicontent_emulator, "UpdateClient", "2", body=b"", headers={"content-type": ""})
    assert r.status_code == 200 and r.json()["data"]["name"] == "研发中心"  # no fields: nothing changed
    assert_error(raw(aicontent_emulator, "CreateClient", body=b"", headers={"content-type": ""}), 400,
                 "MissingParameter", '"name"')


def test_a_body_over_the_bound_is_refused_by_size(aicontent_emulator: Emulator) -> None:
    big = json.dumps({"name": "x" * (MAX_BODY + 10)}).encode()
    assert_error(raw(aicontent_emulator, "CreateClient", body=big), 400, "InvalidParameter", '"body"',
                 f"more than the {MAX_BODY}")


def test_the_signature_covers_the_whole_body_even_beyond_the_bound(aicontent_emulator: Emulator) -> None:
    host = aicontent_emulator.endpoint
    for body in (b'{"name":"x"}', json.dumps({"name": "x" * (MAX_BODY + 10)}).encode()):
        headers = acs3_headers("POST", host, CLIENTS, {}, *ADMIN, body=body, action="ModelRouterCreateClient",
                               extra={"content-type": "application/json; charset=utf-8"})
        ok = httpx.post(aicontent_emulator.url + CLIENTS, content=body,
                        headers={**headers, "accept": "application/json"})
        assert ok.status_code == 200 or ok.json()["Code"] == "InvalidParameter", ok.text  # the signature passed
        tampered = httpx.post(aicontent_emulator.url + CLIENTS, content=body.replace(b"x", b"y", 1),
                              headers={**headers, "accept": "application/json"})
        assert_error(tampered, 400, "SignatureDoesNotMatch", "x-acs-content-sha256")


def test_acs3_needs_the_content_type_signed(aicontent_emulator: Emulator) -> None:
    body = b'{"name":"x"}'
    headers = acs3_headers("POST", aicontent_emulator.endpoint, CLIENTS, {}, *ADMIN, body=body,
                           action="ModelRouterCreateClient")
    r = httpx.post(aicontent_emulator.url + CLIENTS, content=body,
                   headers={**headers, "accept": "application/json", "content-type": "application/json"})
    assert_error(r, 400, "IncompleteSignature", "content-type")


def test_roa_signs_the_content_type_and_checks_a_content_md5(aicontent_emulator: Emulator) -> None:
    body = b'{"name":"x"}'
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    url = aicontent_emulator.url + CLIENTS
    for sent_md5 in ("", md5):
        headers = roa_headers("POST", CLIENTS, {}, *ADMIN, action="ModelRouterCreateClient",
                              content_type="application/json; charset=utf-8", content_md5=sent_md5)
        assert httpx.post(url, content=body, headers=headers).json()["data"]["name"] == "x"
    headers = roa_headers("POST", CLIENTS, {}, *ADMIN, action="ModelRouterCreateClient",
                          content_type="application/json; charset=utf-8", content_md5=md5)
    assert_error(httpx.post(url, content=b'{"name":"y"}', headers=headers), 400, "SignatureDoesNotMatch",
                 "Content-MD5")
    swapped = {**headers, "content-type": "application/json"}
    assert_error(httpx.post(url, content=body, headers=swapped), 400, "SignatureDoesNotMatch")


def test_the_sdk_signs_bodies_both_ways(aicontent_emulator: Emulator) -> None:
    """The official SDK's ACS3 and ROA v2 writes pass the signature checks."""
    from alibabacloud_aicontent20240611 import models

    for algorithm in (None, "v2"):
        client = aicontent_emulator.client("admin", algorithm)
        r = client.model_router_create_client(models.ModelRouterCreateClientRequest(name="研发二部", discount=0.9))
        assert (r.body.success, r.body.data.name, r.body.data.discount) == (True, "研发二部", 0.9)
