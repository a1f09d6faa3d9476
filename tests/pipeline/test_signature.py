"""Signatures (part of the fourth stage, after the auth mode and the access key): ACS3-HMAC-SHA256
and ROA, through the SDK and by the tests' own signer (tests/signer.py), then tampered with; what
a mismatch shows, what must be signed, malformed dates and Authorization headers, nonces (optional;
when sent, never accepted twice; their cache bounded), and repeated headers in linear time."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import re
import socket
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from family_helpers import sdk
from helpers import (
    ADMIN,
    API,
    DAY,
    FIXED,
    LINEAR,
    MARCH_1,
    MISMATCH,
    QUERY,
    code_of,
    error_of,
    growth,
    rows,
    send,
    signed,
)
from kit import assert_error
from signer import acs3_base, acs3_headers, acs3_sign, iso, roa_base, roa_headers, roa_sign

import emulator.service
from emulator.auth.accounts import load_accounts
from emulator.auth.authenticate import authenticate
from emulator.auth.nonces import NonceCache
from emulator.auth.signature import acs3_string_to_sign, check_headers, parse_authorization
from emulator.domain.scenario import load_scenario
from emulator.errors import ApiError
from emulator.server import Emulator
from emulator.wire import WireRequest

REQUIRED = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY)}
OK = f"modelId=1&startTime={MARCH_1}&endTime={MARCH_1 + DAY}"


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


def test_empty_member_list_is_signed_like_the_sdk(emu: Emulator) -> None:
    q = {**QUERY, "clientId": "2", "memberUserIds": ""}
    for headers in (signed(emu, q), roa_headers("GET", API, q, *ADMIN)):
        r = send(emu, headers, q)
        assert r.status_code == 200, r.text
        assert rows(r.json())


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


# -- the SDK's signatures over every kind of value, and a body hash that is not ASCII --------
def test_a_non_ascii_body_hash_is_a_signature_error(aicontent_emulator: Emulator) -> None:
    """A byte beyond ASCII in x-acs-content-sha256 is SignatureDoesNotMatch, not a 500."""
    from signer import acs3_headers

    query = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY)}
    headers = acs3_headers("GET", aicontent_emulator.endpoint, API, query, *ADMIN)
    headers["x-acs-content-sha256"] = "\xe9abc"
    target = f"{API}?modelId=1&startTime={MARCH_1}&endTime={MARCH_1 + DAY}"
    raw = (f"GET {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
           + "accept: application/json\r\nconnection: close\r\n\r\n").encode("latin-1")
    with socket.create_connection(("127.0.0.1", aicontent_emulator.port), timeout=5) as s:
        s.sendall(raw)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == b"400" and json.loads(body)["Code"] == "SignatureDoesNotMatch"
    aicontent_emulator.check()  # no bug recorded


@pytest.mark.parametrize("algorithm", [None, "v2"])
def test_signatures_over_every_kind_of_value(strict: Emulator, algorithm: str | None) -> None:
    """With auth=required, both SDK signatures hold over Chinese text, reserved characters, commas
    and empty values in the family's queries."""
    client = strict.client("readonly", signature_algorithm=algorithm)
    assert sorted(r.model_id for r in sdk(client, "models", search="通义千问-").data.rows) == [1, 2, 3, 4]
    assert sdk(client, "models", search="a b+c&d=e%f/~*'()").data.rows == []
    assert sdk(client, "trend", model_types="Chat,TTS", client_id=2, member_user_ids="").data.points
    assert sdk(client, "summary", client_ids="2,3", member_user_ids="1001,1004", model_id=12).data.total_amount > 0
    assert sdk(client, "catalogue", keyword="千问 VL", order_by="name", need_total_count=False).data.total == "0"
    assert sdk(client, "catalogue", keyword="通义千问VL", group_by="a,b").data.total == "1"
    assert len(sdk(client, "tabs", max_results=2).data) == 2


# -- hostile Authorization and x-acs-* headers, and bodies on a GET ---------------------------
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


# -- a repeated header costs linear time -----------------------------------------------------
SIGNED_WITH_FOO = "host;x-acs-content-sha256;x-acs-date;x-acs-foo;x-acs-signature-nonce"


def repeated_header_check(repeats: int) -> Callable[[], Any]:
    headers = [("host", "127.0.0.1"), ("x-acs-date", "2024-03-01T00:00:00Z"), ("x-acs-signature-nonce", "n1"),
               ("x-acs-content-sha256", hashlib.sha256(b"").hexdigest())]
    headers += [("x-acs-foo", f"value-{i % 7}") for i in range(repeats)]
    req = WireRequest("GET", API, API, "", headers)
    claim = parse_authorization(f"ACS3-HMAC-SHA256 Credential={ADMIN[0]},SignedHeaders={SIGNED_WITH_FOO},"
                                f"Signature={'0' * 64}")

    def work() -> None:
        check_headers(req, claim)
        acs3_string_to_sign(req, claim)
    return work


def test_a_repeated_header_costs_linear_time_before_authentication() -> None:
    """A signed header repeated thousands of times is checked in time linear in the repeats."""
    ratio = growth(repeated_header_check, 5_000)
    assert ratio < LINEAR, f"4x the repeats took {ratio:.1f}x the time"


def test_a_repeated_header_costs_linear_time_through_the_whole_pipeline() -> None:
    """The same through `Service.handle`: every step that reads headers, and the error it renders."""
    from emulator.service import Service
    from emulator.settings import Settings

    service = Service(Settings())
    signed = acs3_headers("GET", "emulator", API, REQUIRED, *ADMIN, extra={"x-acs-foo": "v"})
    loop = asyncio.new_event_loop()

    def make(repeats: int) -> Callable[[], Any]:
        headers = [(k.lower(), v) for k, v in signed.items() if k != "x-acs-foo"] + [("x-acs-foo", "v")] * repeats
        req = WireRequest("GET", API, API, urlencode(REQUIRED), headers)

        def work() -> None:
            assert loop.run_until_complete(service.handle(req)).error_code == "SignatureDoesNotMatch"
        return work

    try:
        ratio = growth(make, 5_000)
    finally:
        loop.close()
    assert ratio < LINEAR, f"4x the repeats took {ratio:.1f}x the time"


def test_a_header_repeated_20000_times_over_http(aicontent_emulator: Emulator) -> None:
    """~240 KB of one signed header, repeated: a 400 signature error, and the server stays healthy."""
    signed = acs3_headers("GET", aicontent_emulator.endpoint, API, REQUIRED, *ADMIN, extra={"x-acs-foo": "v"})
    assert "x-acs-foo" in signed["Authorization"]
    headers = [(k, v) for k, v in signed.items() if k != "x-acs-foo"] + [("x-acs-foo", "v")] * 20_000
    r = httpx.get(aicontent_emulator.url + API, params=REQUIRED, headers=headers, timeout=120)
    assert r.status_code == 400, r.text[:300]
    assert error_of(r)["Code"] in ("IncompleteSignature", "SignatureDoesNotMatch")
    assert httpx.get(aicontent_emulator.url + "/_emulator/health", timeout=10).status_code == 200


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


# -- a future-dated request replayed ---------------------------------------------------------
def wire_request(headers: dict[str, str], query: dict[str, str] = REQUIRED) -> WireRequest:
    return WireRequest("GET", API, API, urlencode(query), [(k.lower(), v) for k, v in headers.items()])


def test_a_future_dated_nonce_is_remembered_while_its_date_is_fresh() -> None:
    """Dated 14 minutes ahead, replayed 16 minutes after it arrived (its date still inside the
    15-minute window): SignatureNonceUsed, not a second acceptance."""
    book = load_accounts(load_scenario(None, 0))
    cache = NonceCache()
    arrival = dt.datetime.now(dt.UTC).replace(microsecond=0)
    ahead = arrival + dt.timedelta(minutes=14)
    replay_at = arrival + dt.timedelta(minutes=16)

    def check(headers: dict[str, str], now: dt.datetime) -> Any:
        return authenticate(wire_request(headers), "required", book, cache, now, skew_minutes=15, nonce_ttl_minutes=15)

    headers = acs3_headers("GET", "127.0.0.1:1", API, REQUIRED, *ADMIN, when=ahead)
    assert check(headers, arrival).name == "admin"
    # The date is still acceptable at the replay time: a fresh nonce with the same date passes ...
    assert check(acs3_headers("GET", "127.0.0.1:1", API, REQUIRED, *ADMIN, when=ahead), replay_at).name == "admin"
    # ... so only the nonce can refuse the replay.
    with pytest.raises(ApiError) as info:
        check(headers, replay_at)
    assert info.value.code == "SignatureNonceUsed"


class ShiftedClock:
    """Stands in for the `datetime` module in `emulator.service`: its wall clock runs `offset` ahead."""

    def __init__(self) -> None:
        self.offset = dt.timedelta(0)
        clock = self

        class ShiftedDateTime(dt.datetime):
            @classmethod
            def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
                return dt.datetime.now(tz) + clock.offset

        self.datetime = ShiftedDateTime

    def __getattr__(self, name: str) -> Any:
        return getattr(dt, name)


@pytest.fixture
def shifted_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[ShiftedClock]:
    clock = ShiftedClock()
    monkeypatch.setattr(emulator.service, "dt", clock)
    yield clock


def test_a_future_dated_request_replayed_over_http(aicontent_emulator: Emulator, shifted_clock: ShiftedClock) -> None:
    """The same over a socket, with the server's wall clock moved on by 16 minutes for the replay."""
    ahead = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=14)
    headers = acs3_headers("GET", aicontent_emulator.endpoint, API, REQUIRED, *ADMIN, when=ahead)
    target = aicontent_emulator.url + API
    assert httpx.get(target, params=REQUIRED, headers=headers).status_code == 200
    shifted_clock.offset = dt.timedelta(minutes=16)
    fresh = acs3_headers("GET", aicontent_emulator.endpoint, API, REQUIRED, *ADMIN, when=ahead)
    assert httpx.get(target, params=REQUIRED, headers=fresh).status_code == 200  # its date is still fresh
    r = httpx.get(target, params=REQUIRED, headers=headers)
    assert (r.status_code, error_of(r)["Code"]) == (400, "SignatureNonceUsed")


# -- duplicate nonce headers, reordered ------------------------------------------------------
def test_reordering_duplicate_nonce_headers_is_a_replay(aicontent_emulator: Emulator) -> None:
    """Two nonce headers: the signature covers them sorted, so swapping them must not make a new nonce."""
    first, second = f"a-{uuid.uuid4().hex}", f"b-{uuid.uuid4().hex}"
    signed = acs3_headers("GET", aicontent_emulator.endpoint, API, REQUIRED, *ADMIN,
                          extra={"x-acs-signature-nonce": f"{first},{second}"})
    common = [(k, v) for k, v in signed.items() if k != "x-acs-signature-nonce"]
    target = aicontent_emulator.url + API
    r = httpx.get(target, params=REQUIRED,
                  headers=[*common, ("x-acs-signature-nonce", first), ("x-acs-signature-nonce", second)])
    assert r.status_code == 200, r.text[:300]
    r = httpx.get(target, params=REQUIRED,
                  headers=[*common, ("x-acs-signature-nonce", second), ("x-acs-signature-nonce", first)])
    assert r.status_code == 400, "the request was accepted again with its nonce headers swapped"
    assert error_of(r)["Code"] == "SignatureNonceUsed"


# -- the nonce cache's memory ----------------------------------------------------------------
def test_long_nonces_do_not_grow_the_cache() -> None:
    """10,000 nonces of 4 KB each: kept whole they would be 40 MB; the cache keeps far less."""
    cache = NonceCache()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(10_000):
            cache.remember(f"{i:08d}" + "n" * 4088, until=2e9, now=1e9)  # each string dropped after the call
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(cache) == 10_000
    assert cache.seen(f"{1234:08d}" + "n" * 4088, now=1e9) and not cache.seen(f"{1234:08d}" + "n" * 4087, now=1e9)
    assert retained < 4 * 2**20, f"the cache retained {retained / 2**20:.1f} MB"


def test_the_nonce_cache_holds_at_most_max_entries() -> None:
    """However many nonces arrive within their window, at most max_entries are kept, the newest."""
    cache = NonceCache(max_entries=100)
    for i in range(1_000):
        cache.remember(f"nonce-{i}", until=2e9 + i, now=1e9)
        assert len(cache) <= 100
    assert cache.seen("nonce-999", now=1e9) and not cache.seen("nonce-0", now=1e9)
