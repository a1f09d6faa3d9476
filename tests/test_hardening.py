"""Regression tests of the hardening work on the request path: costs that must stay linear,
replays that must be refused, and memory that must stay bounded however hostile the input.

The complexity tests compare the time of an input with that of one four times larger (best of
several runs each): linear work gives a ratio near 4, quadratic work near 16.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from helpers import API, DAY, LINEAR, MARCH_1, best_time, error_of, growth
from signer import acs3_headers

import emulator.service
from emulator.api.model_detail import ACTION as MODEL_DETAIL
from emulator.api.parsing import parse
from emulator.api.spec import Limits
from emulator.auth.accounts import load_accounts
from emulator.auth.authenticate import authenticate
from emulator.auth.nonces import NonceCache
from emulator.auth.signature import acs3_string_to_sign, check_headers, parse_authorization
from emulator.domain.scenario import load_scenario
from emulator.errors import ApiError
from emulator.server import Emulator
from emulator.wire import WireRequest

ADMIN = ("LTAIEMULATORADMIN0000001", "emulator-admin-secret-not-for-production")
QUERY = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY)}


# -- 1. repeated headers ---------------------------------------------------------------------
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
    signed = acs3_headers("GET", "emulator", API, QUERY, *ADMIN, extra={"x-acs-foo": "v"})
    loop = asyncio.new_event_loop()

    def make(repeats: int) -> Callable[[], Any]:
        headers = [(k.lower(), v) for k, v in signed.items() if k != "x-acs-foo"] + [("x-acs-foo", "v")] * repeats
        req = WireRequest("GET", API, API, urlencode(QUERY), headers)

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
    signed = acs3_headers("GET", aicontent_emulator.endpoint, API, QUERY, *ADMIN, extra={"x-acs-foo": "v"})
    assert "x-acs-foo" in signed["Authorization"]
    headers = [(k, v) for k, v in signed.items() if k != "x-acs-foo"] + [("x-acs-foo", "v")] * 20_000
    r = httpx.get(aicontent_emulator.url + API, params=QUERY, headers=headers, timeout=120)
    assert r.status_code == 400, r.text[:300]
    assert error_of(r)["Code"] in ("IncompleteSignature", "SignatureDoesNotMatch")
    assert httpx.get(aicontent_emulator.url + "/_emulator/health", timeout=10).status_code == 200


# -- 2. repeated ids -------------------------------------------------------------------------
def id_list_check(name: str) -> Callable[[int], Callable[[], Any]]:
    def make(n: int) -> Callable[[], Any]:
        ids = ",".join(str(i) for i in [*range(1, n + 1), n])  # the repeat is the very last id

        def work() -> None:
            with pytest.raises(ApiError):
                parse(MODEL_DETAIL, [*QUERY.items(), (name, ids)], Limits(366))
        return work
    return make


@pytest.mark.parametrize("name", ["clientIds", "memberUserIds"])
def test_a_repeated_id_is_found_in_linear_time_and_named(name: str) -> None:
    """The repeated-id check of an id list is linear, and its message names the repeated id."""
    ratio = growth(id_list_check(name), 3_000)
    assert ratio < LINEAR, f"4x the ids took {ratio:.1f}x the time"
    with pytest.raises(ApiError) as info:
        parse(MODEL_DETAIL, [*QUERY.items(), (name, ",".join(str(i) for i in [*range(1, 12_001), 12_000]))],
              Limits(366))
    message = info.value.message
    assert info.value.code == "InvalidParameter"
    assert f'"{name}"' in message and "lists id 12000 more than once" in message


# -- 3. a future-dated request replayed ------------------------------------------------------
def wire_request(headers: dict[str, str], query: dict[str, str] = QUERY) -> WireRequest:
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

    headers = acs3_headers("GET", "127.0.0.1:1", API, QUERY, *ADMIN, when=ahead)
    assert check(headers, arrival).name == "admin"
    # The date is still acceptable at the replay time: a fresh nonce with the same date passes ...
    assert check(acs3_headers("GET", "127.0.0.1:1", API, QUERY, *ADMIN, when=ahead), replay_at).name == "admin"
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
    headers = acs3_headers("GET", aicontent_emulator.endpoint, API, QUERY, *ADMIN, when=ahead)
    target = aicontent_emulator.url + API
    assert httpx.get(target, params=QUERY, headers=headers).status_code == 200
    shifted_clock.offset = dt.timedelta(minutes=16)
    fresh = acs3_headers("GET", aicontent_emulator.endpoint, API, QUERY, *ADMIN, when=ahead)
    assert httpx.get(target, params=QUERY, headers=fresh).status_code == 200  # its date is still fresh
    r = httpx.get(target, params=QUERY, headers=headers)
    assert (r.status_code, error_of(r)["Code"]) == (400, "SignatureNonceUsed")


# -- 4. duplicate nonce headers, reordered ---------------------------------------------------
def test_reordering_duplicate_nonce_headers_is_a_replay(aicontent_emulator: Emulator) -> None:
    """Two nonce headers: the signature covers them sorted, so swapping them must not make a new nonce."""
    first, second = f"a-{uuid.uuid4().hex}", f"b-{uuid.uuid4().hex}"
    signed = acs3_headers("GET", aicontent_emulator.endpoint, API, QUERY, *ADMIN,
                          extra={"x-acs-signature-nonce": f"{first},{second}"})
    common = [(k, v) for k, v in signed.items() if k != "x-acs-signature-nonce"]
    target = aicontent_emulator.url + API
    r = httpx.get(target, params=QUERY,
                  headers=[*common, ("x-acs-signature-nonce", first), ("x-acs-signature-nonce", second)])
    assert r.status_code == 200, r.text[:300]
    r = httpx.get(target, params=QUERY,
                  headers=[*common, ("x-acs-signature-nonce", second), ("x-acs-signature-nonce", first)])
    assert r.status_code == 400, "the request was accepted again with its nonce headers swapped"
    assert error_of(r)["Code"] == "SignatureNonceUsed"


# -- 5. the nonce cache's memory -------------------------------------------------------------
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


# -- 6. the journal's texts ------------------------------------------------------------------
def test_a_60_kb_query_is_journaled_cut(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    """The journal keeps at most 2048 characters of a query, marked with a trailing "…"."""
    raw = urlencode(QUERY) + "&padding=" + "q" * 60_000
    assert http.get(f"{API}?{raw}").status_code == 200  # an unknown parameter is ignored
    entry = aicontent_emulator.requests[-1]
    assert len(entry.query) <= 2048 and entry.query.endswith("…") and entry.query.startswith(urlencode(QUERY))
    public = http.get("/_emulator/requests").json()["requests"][-1]
    assert public["query"] == entry.query


def test_journaled_path_access_key_and_reason_are_bounded(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    assert http.get("/" + "p" * 30_000).status_code == 404
    path = aicontent_emulator.requests[-1].path
    assert len(path) <= 2048 and path.endswith("…")
    authorization = f"ACS3-HMAC-SHA256 Credential={'K' * 3_000},SignedHeaders=host,Signature={'0' * 64}"
    r = http.get(API, params=QUERY, headers={"Authorization": authorization})
    assert (r.status_code, error_of(r)["Code"]) == (404, "InvalidAccessKeyId.NotFound")
    entry = aicontent_emulator.requests[-1]
    assert entry.access_key_id is not None and len(entry.access_key_id) <= 256 and entry.access_key_id.endswith("…")
    assert entry.reason is not None and len(entry.reason) <= 2048
    for e in http.get("/_emulator/requests").json()["requests"]:
        assert all(len(e[k] or "") <= 2048 for k in ("path", "query", "accessKeyId", "reason"))


def test_a_journal_entry_cuts_a_long_reason() -> None:
    from emulator.harness.journal import JournalEntry

    entry = JournalEntry.bounded(0.0, "GET", API, "", None, 400, "InvalidParameter", "RID", 1.0, "r" * 100_000)
    assert entry.reason is not None and len(entry.reason) <= 2048 and entry.reason.endswith("…")


# -- 7. x-emulator-delay-ms with thousands of digits, and the list of our bugs ---------------
@pytest.mark.parametrize("header", ["x-emulator-delay-ms", "x-emulator-retry-after-ms"])
def test_a_huge_delay_header_is_a_named_400(aicontent_emulator: Emulator, http: httpx.Client, header: str) -> None:
    r = http.get(API, params=QUERY, headers={header: "9" * 5_000, "x-emulator-fault": "Throttling.User"})
    assert r.status_code == 400, r.text[:300]
    body = error_of(r)
    assert body["Code"] == "InvalidParameter" and f'"{header}"' in body["Message"]
    aicontent_emulator.check()  # no bug of ours was recorded
    assert len(aicontent_emulator.service.unexpected) == 0


def test_the_list_of_our_bugs_is_bounded() -> None:
    """Each bug's traceback is kept for the pytest plugin, but only the newest few."""
    from emulator.server import EmulatorError

    emu = Emulator()  # not started: only its service is used
    for i in range(1_000):
        emu.service.unexpected.append(f"bug {i}")
    assert 0 < len(emu.service.unexpected) <= 20
    assert list(emu.service.unexpected)[-1] == "bug 999"
    with pytest.raises(EmulatorError, match="bug 999"):
        emu.check()


# -- 12. page tokens: one encoding only ------------------------------------------------------
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def b64decode(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def test_a_token_differing_only_in_unused_bits_is_refused(http: httpx.Client) -> None:
    """The last character of a token carries bits the decoder ignores; changing only those is tampering."""
    params = {**QUERY, "maxResults": "5"}
    token = http.get(API, params=params).json()["nextToken"]
    assert http.get(API, params={**params, "nextToken": token}).status_code == 200
    twins = [token[:-1] + c for c in B64URL if c != token[-1] and b64decode(token[:-1] + c) == b64decode(token)]
    assert twins, "the token's last character has no unused bits to change"
    for twin in twins:
        r = http.get(API, params={**params, "nextToken": twin})
        assert r.status_code == 400, f"{twin} was accepted in place of {token}"
        body = error_of(r)
        assert body["Code"] == "InvalidParameter" and '"nextToken"' in body["Message"]


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
