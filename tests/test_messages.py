"""The gateway's real fixed messages, the emulator's own explanation beside them (x-emulator-reason
and the journal), and the signature rules of the real gateway: optional nonce, signed content-type,
malformed dates. Raw requests are signed by tests/signer.py's `acs3_sign` and `roa_sign`, which sign
exactly the headers they are given (its `acs3_headers` always adds a nonce and signs everything it
builds)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import httpx
import pytest
from helpers import API, DAY, FIXED, MARCH_1, MISMATCH, error_of
from signer import acs3_base, acs3_headers, acs3_sign, iso, roa_base, roa_sign, url

from emulator.server import Emulator

QUERY = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY), "pageSize": "24"}
ADMIN = ("LTAIEMULATORADMIN0000001", "emulator-admin-secret-not-for-production")


def send(emu: Emulator, headers: dict[str, str], query: dict[str, str] = QUERY, path: str = API) -> httpx.Response:
    return httpx.get(url(emu.url, path, query), headers=headers, timeout=10)


# -- every fixed message, with the emulator's explanation beside it ------------------------------
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


# -- SignatureDoesNotMatch shows the server's strings ---------------------------------------------
ACS3_MESSAGE = re.compile(re.escape(MISMATCH) + r" server StringToSign is \[ACS3-HMAC-SHA256\n([0-9a-f]{64})\] "
                          r"server CanonicalRequest is \[(GET\n/api/.*)\]", re.S)


def test_acs3_mismatch_shows_string_to_sign_and_canonical_request(aicontent_emulator: Emulator) -> None:
    headers, canonical = acs3_sign(acs3_base(aicontent_emulator.endpoint, **{"x-acs-signature-nonce": "n-1"}),
                                   QUERY, ADMIN[0], "wrong")
    r = send(aicontent_emulator, headers)
    m = ACS3_MESSAGE.fullmatch(error_of(r)["Message"])
    assert m is not None, error_of(r)["Message"]
    assert m.group(1) == hashlib.sha256(m.group(2).encode()).hexdigest()  # the STS hashes the canonical shown
    assert m.group(2) == canonical  # and that is exactly what the client signed


def test_roa_mismatch_shows_only_the_string_to_sign(aicontent_emulator: Emulator) -> None:
    headers, to_sign = roa_sign(roa_base(**{"x-acs-signature-nonce": "roa-n-1"}), QUERY, ADMIN[0], "wrong")
    r = send(aicontent_emulator, headers)
    err = error_of(r)
    assert (r.status_code, err["Code"]) == (400, "SignatureDoesNotMatch")
    assert err["Message"] == f"{MISMATCH} server StringToSign is [{to_sign}]"
    assert "CanonicalRequest" not in err["Message"]
    assert err["reason"] == aicontent_emulator.requests[-1].reason != ""


# -- the nonce is optional; when sent, it cannot be replayed ------------------------------------------
def test_acs3_without_nonce_is_accepted_and_may_be_sent_twice(aicontent_emulator: Emulator) -> None:
    headers, canonical = acs3_sign(acs3_base(aicontent_emulator.endpoint), QUERY, *ADMIN)
    assert "x-acs-signature-nonce" not in canonical
    first, second = send(aicontent_emulator, headers), send(aicontent_emulator, headers)
    assert (first.status_code, second.status_code) == (200, 200), second.text
    assert first.json()["data"] == second.json()["data"]


def test_roa_without_nonce_is_accepted_and_may_be_sent_twice(aicontent_emulator: Emulator) -> None:
    headers, to_sign = roa_sign(roa_base(), QUERY, *ADMIN)
    assert "nonce" not in to_sign
    assert [send(aicontent_emulator, headers).status_code for _ in range(2)] == [200, 200]


def test_with_a_nonce_a_replay_is_refused(aicontent_emulator: Emulator) -> None:
    acs3 = acs3_base(aicontent_emulator.endpoint, **{"x-acs-signature-nonce": "once-a"})
    for headers in (acs3_sign(acs3, QUERY, *ADMIN)[0],
                    roa_sign(roa_base(**{"x-acs-signature-nonce": "once-b"}), QUERY, *ADMIN)[0]):
        assert send(aicontent_emulator, headers).status_code == 200
        r = send(aicontent_emulator, headers)
        assert (r.status_code, error_of(r)["Code"]) == (400, "SignatureNonceUsed")


# -- content-type must be signed when sent ---------------------------------------------------------
def test_content_type_sent_but_not_signed_is_incomplete(aicontent_emulator: Emulator) -> None:
    base = acs3_base(aicontent_emulator.endpoint, **{"content-type": "application/json"})
    headers, _ = acs3_sign(base, QUERY, *ADMIN, unsigned=("content-type",))
    r = send(aicontent_emulator, headers)
    err = error_of(r)
    assert (r.status_code, err["Code"], err["Message"]) == (400, "IncompleteSignature", FIXED["IncompleteSignature"])
    assert "content-type" in err["reason"]
    signed, _ = acs3_sign(base, QUERY, *ADMIN)
    assert send(aicontent_emulator, signed).status_code == 200


# -- malformed dates ----------------------------------------------------------------------------
@pytest.mark.parametrize("date", ["2026-13-01T00:00:00Z", "yesterday", "2026-02-30T00:00:00Z", "2026-01-01T25:00:00Z"])
def test_malformed_acs3_date(aicontent_emulator: Emulator, date: str) -> None:
    headers, _ = acs3_sign(acs3_base(aicontent_emulator.endpoint, **{"x-acs-date": date}), QUERY, *ADMIN)
    r = send(aicontent_emulator, headers)
    err = error_of(r)
    assert (r.status_code, err["Code"]) == (400, "InvalidTimeStamp.Format"), err
    assert err["Message"] == FIXED["InvalidTimeStamp.Format"] and "x-acs-date" in err["reason"]


@pytest.mark.parametrize("date", ["not a date", "Thu, 32 Feb 2026 07:32:54 GMT", "2026-01-01T00:00:00Z"])
def test_malformed_roa_date(aicontent_emulator: Emulator, date: str) -> None:
    headers, _ = roa_sign(roa_base(date=date), QUERY, *ADMIN)
    r = send(aicontent_emulator, headers)
    err = error_of(r)
    assert (r.status_code, err["Code"]) == (400, "InvalidTimeStamp.Format"), err
    assert err["Message"] == FIXED["InvalidTimeStamp.Format"] and "date" in err["reason"]


def test_the_shared_signer_still_agrees(aicontent_emulator: Emulator) -> None:
    """tests/signer.py's two signers (`acs3_headers` and `acs3_sign`) sign the same request the same way."""
    when = dt.datetime.now(dt.UTC)
    theirs = acs3_headers("GET", aicontent_emulator.endpoint, API, QUERY, *ADMIN, when=when, nonce="same")
    ours, _ = acs3_sign(acs3_base(aicontent_emulator.endpoint, **{"x-acs-date": iso(when),
                                                              "x-acs-signature-nonce": "same"}), QUERY, *ADMIN)
    assert theirs["Authorization"] == ours["Authorization"]
