"""Paging (the last stage before the answer): both styles (page/pageSize/pageIndex and
maxResults/nextToken), and page tokens bound to the action, the query, the caller's scope and the
seed, in one canonical encoding."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from family_helpers import COST, call, refused, sdk
from helpers import API, DAY, MARCH_1, error_of, get, sdk_detail
from kit import assert_error

from emulator.server import Emulator

BASE = {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}
REQUIRED = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY)}
OK = f"modelId=1&startTime={MARCH_1}&endTime={MARCH_1 + DAY}"


# -- both styles, through the SDK -------------------------------------------------------------
def test_token_pagination_walks_every_row(aicontent_client: Any) -> None:
    seen, token, sizes = [], None, iter([7, 30, 5, 100])
    while True:
        body = sdk_detail(aicontent_client, end_time=MARCH_1 + 3 * DAY, max_results=next(sizes, 50), next_token=token)
        seen += [r.timestamp for r in body.data.rows]
        token = body.next_token
        if not token:
            break
    assert seen == [MARCH_1 + h * 3600 for h in range(72)]


def test_legacy_pagination_and_page_index_priority(aicontent_client: Any) -> None:
    p3 = sdk_detail(aicontent_client, page=3, page_size=5)
    assert (p3.data.page, p3.data.page_size, p3.max_results) == (3, 5, 5)
    assert p3.data.rows[0].timestamp == MARCH_1 + 10 * 3600
    assert sdk_detail(aicontent_client, page=1, page_index=3, page_size=5).data.rows[0].timestamp == MARCH_1 + 10 * 3600
    past = sdk_detail(aicontent_client, page=9, page_size=5)
    assert past.data.rows == [] and past.data.total == 24 and past.next_token == ""


def test_token_style_wins_and_styles_can_switch(aicontent_client: Any) -> None:
    first = sdk_detail(aicontent_client, page=4, page_size=3, max_results=6)
    assert first.data.rows[0].timestamp == MARCH_1 and len(first.data.rows) == 6  # token style: from the start
    legacy = sdk_detail(aicontent_client, page_size=6)
    following = sdk_detail(aicontent_client, max_results=6, next_token=legacy.next_token)
    assert following.data.rows[0].timestamp == MARCH_1 + 6 * 3600 and following.data.page == 2


# -- page tokens are bound to the action, the query, the scope and the seed ------------------
def test_tokens_are_bound_to_the_query(http: httpx.Client) -> None:
    token = get(http, **BASE).json()["nextToken"]
    assert_error(get(http, **{**BASE, "modelId": 2}, nextToken=token), 400, "InvalidParameter",
                 '"nextToken"', "different query", gateway=True)
    assert_error(get(http, **BASE, clientId=2, nextToken=token), 400, "InvalidParameter", "different query",
                 gateway=True)
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert_error(get(http, **BASE, nextToken=tampered), 400, "InvalidParameter", '"nextToken"', "tampered",
                 gateway=True)


def test_tokens_from_another_seed_are_refused(http: httpx.Client) -> None:
    from emulator.server import Emulator

    with Emulator(seed=99) as other, httpx.Client(base_url=other.url) as c:
        foreign = get(c, **BASE).json()["nextToken"]
    assert_error(get(http, **BASE, nextToken=foreign), 400, "InvalidParameter", "tampered", gateway=True)


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


@pytest.mark.parametrize("name", ["overview", "trend", "models", "summary"])
def test_tokens_of_another_action_are_refused(aicontent_emulator: Emulator, aicontent_client: Any,
                                              name: str) -> None:
    detail = call(aicontent_emulator.url, "detail", {"modelId": 1, "startTime": MARCH_1,
                                                     "endTime": MARCH_1 + 2 * DAY, "maxResults": 1}).json()
    others = {n: sdk(aicontent_client, n, max_results=1).next_token for n in COST}
    foreign = [detail["nextToken"]] + [t for n, t in others.items() if n != name]
    assert all(foreign) and sdk(aicontent_client, name, max_results=1, next_token=others[name]).success
    for token in foreign:
        err = refused(aicontent_client, name, max_results=1, next_token=token)
        assert err.code == "InvalidParameter" and err.data["Message"].startswith('The parameter "nextToken"')
        assert "different query" in err.data["Message"]
    err = refused(aicontent_client, name, max_results=1, next_token=others[name], client_id=3)
    assert "different query" in err.data["Message"]
    scoped = sdk(aicontent_emulator.client("dept-scoped"), name, max_results=1).next_token
    err = refused(aicontent_client, name, max_results=1, next_token=scoped)  # another caller's scope
    assert "different query" in err.data["Message"]


# -- page tokens: one encoding only ---------------------------------------------------------
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def b64decode(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def test_a_token_differing_only_in_unused_bits_is_refused(http: httpx.Client) -> None:
    """The last character of a token carries bits the decoder ignores; changing only those is tampering."""
    params = {**REQUIRED, "maxResults": "5"}
    token = http.get(API, params=params).json()["nextToken"]
    assert http.get(API, params={**params, "nextToken": token}).status_code == 200
    twins = [token[:-1] + c for c in B64URL if c != token[-1] and b64decode(token[:-1] + c) == b64decode(token)]
    assert twins, "the token's last character has no unused bits to change"
    for twin in twins:
        r = http.get(API, params={**params, "nextToken": twin})
        assert r.status_code == 400, f"{twin} was accepted in place of {token}"
        body = error_of(r)
        assert body["Code"] == "InvalidParameter" and '"nextToken"' in body["Message"]
