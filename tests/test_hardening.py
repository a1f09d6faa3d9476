"""Regression tests of the hardening work on the request path: costs that must stay linear,
replays that must be refused, and memory that must stay bounded however hostile the input.

The complexity tests compare the time of an input with that of one four times larger (best of
several runs each): linear work gives a ratio near 4, quadratic work near 16.
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest
from helpers import API, DAY, MARCH_1, error_of

from emulator.server import Emulator

ADMIN = ("LTAIEMULATORADMIN0000001", "emulator-admin-secret-not-for-production")
REQUIRED = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY)}


# -- 6. the journal's texts ------------------------------------------------------------------
def test_a_60_kb_query_is_journaled_cut(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    """The journal keeps at most 2048 characters of a query, marked with a trailing "…"."""
    raw = urlencode(REQUIRED) + "&padding=" + "q" * 60_000
    assert http.get(f"{API}?{raw}").status_code == 200  # an unknown parameter is ignored
    entry = aicontent_emulator.requests[-1]
    assert len(entry.query) <= 2048 and entry.query.endswith("…") and entry.query.startswith(urlencode(REQUIRED))
    public = http.get("/_emulator/requests").json()["requests"][-1]
    assert public["query"] == entry.query


def test_journaled_path_access_key_and_reason_are_bounded(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    assert http.get("/" + "p" * 30_000).status_code == 404
    path = aicontent_emulator.requests[-1].path
    assert len(path) <= 2048 and path.endswith("…")
    authorization = f"ACS3-HMAC-SHA256 Credential={'K' * 3_000},SignedHeaders=host,Signature={'0' * 64}"
    r = http.get(API, params=REQUIRED, headers={"Authorization": authorization})
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
    r = http.get(API, params=REQUIRED, headers={header: "9" * 5_000, "x-emulator-fault": "Throttling.User"})
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
