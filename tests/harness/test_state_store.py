"""The store behind one world, in one process: two services on one state file stand for two
workers (the second opens it as a CLI's worker does, without the lock), and agree on every
change, fault count and nonce, also once the change log is folded; `Emulator(state=...)` keeps
its state across a stop and a new start, journal included; the package ships the store."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from helpers import API, MARCH_1, QUERY
from state_helpers import HOUR

import emulator
from emulator.domain.scenario import ScenarioError
from emulator.server import Emulator
from emulator.service import Service
from emulator.settings import Settings
from emulator.store import sqlite as store_sqlite
from emulator.wire import WireRequest

EVENT = {"startTime": MARCH_1, "endTime": MARCH_1 + HOUR, "factor": 0}


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Service, Service]]:
    """The parent's service (it holds the lock) and a worker's, on one state file."""
    settings = Settings(state=str(tmp_path / "state.db"), workers=2)
    a = Service(settings)
    b = Service(settings, owner=False)
    yield a, b
    b.close()
    a.close()


def request(query: dict[str, str] = QUERY) -> WireRequest:
    from urllib.parse import urlencode

    return WireRequest(method="GET", path=API, raw_path=API, raw_query=urlencode(query), headers=[], body=b"",
                       client_ip="127.0.0.1", secure=False)


def test_a_change_through_one_is_in_force_in_the_other(pair: tuple[Service, Service]) -> None:
    a, b = pair
    first = a.events.add(EVENT)
    b.sync()
    assert [e.public() for e in b.events.events] == [first.public()]
    second = b.events.add({**EVENT, "factor": 2})
    assert second.id == first.id + 1  # b caught up before writing: no id handed out twice
    b.clock.set(MARCH_1 + 5 * HOUR, 10)
    b.set_forms(empty_buckets="omit")
    assert a.events.remove(first.id)
    a.sync()
    b.sync()
    for s in (a, b):
        assert [e.id for e in s.events.events] == [second.id]
        assert (s.clock.now(), s.clock.lag_minutes, s.forms.empty_buckets) == (MARCH_1 + 5 * HOUR, 10, "omit")
    assert a.export_state() == b.export_state()
    b.reset()
    a.sync()
    assert a.export_state() == b.export_state() and a.export_state()["usageEvents"] == []


def test_fault_counts_and_nonces_are_shared(pair: tuple[Service, Service]) -> None:
    import asyncio

    a, b = pair
    a.faults.add({"code": "Throttling.User", "times": 3})
    replies = [asyncio.run((a if i % 2 else b).handle(request())) for i in range(8)]
    assert [r.status for r in replies] == [400, 400, 400] + [200] * 5
    b.sync()
    assert [(r.hits, r.times) for r in b.faults.rules()] == [(3, 0)]
    assert a.nonces.claim("one-nonce", 2e9, 1e9) is True
    assert b.nonces.claim("one-nonce", 2e9, 1e9) is False
    assert a.nonces.claim("one-nonce", 2e9, 1e9) is False
    a.reset()
    assert b.nonces.claim("one-nonce", 2e9, 1e9) is True  # a reset forgets them, for every worker


def test_the_journal_is_shared(pair: tuple[Service, Service]) -> None:
    import asyncio

    a, b = pair
    ids = [asyncio.run(s.handle(request())).request_id for s in (a, b, a, b)]
    a.journal.flush()
    b.journal.flush()
    for s in (a, b):
        assert sorted(e.request_id for e in s.journal.entries()) == sorted(ids)
        assert s.journal.total == 4


def test_an_event_added_just_after_the_other_removed_one(pair: tuple[Service, Service]) -> None:
    """The write catches up first (under the store's lock) with a removal it had not seen yet, as
    a worker does when another one removes an event between its request's sync and its write:
    the add is answered with its event, not an error."""
    a, b = pair
    first = a.events.add(EVENT)
    b.sync()
    assert b.events.remove(first.id)
    added = a.events.add({**EVENT, "factor": 2})  # a has not synced since b's removal
    assert added.id == first.id + 1 and [e.id for e in a.events.events] == [added.id]


def test_a_folded_change_log_still_brings_the_other_up_to_date(pair: tuple[Service, Service],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = pair
    monkeypatch.setattr(store_sqlite, "MAX_CHANGES", 5)
    b.sync()
    added = [a.events.add({**EVENT, "startTime": MARCH_1 + i * HOUR, "endTime": MARCH_1 + (i + 1) * HOUR})
             for i in range(12)]
    a.events.remove(added[3].id)
    a.clock.set(MARCH_1 + 99 * HOUR)
    assert a.state.store.db.execute("SELECT count(*) FROM changes").fetchone()[0] <= 6
    b.sync()
    assert [e.id for e in b.events.events] == [e.id for e in added if e is not added[3]]
    assert b.clock.now() == MARCH_1 + 99 * HOUR
    assert b.export_state() == a.export_state()


def test_an_emulator_with_a_state_starts_again_where_it_stopped(tmp_path: Path) -> None:
    path = str(tmp_path / "state.db")
    with Emulator(state=path, seed=4) as emu:
        emu.clock.set(MARCH_1 + 48 * HOUR)
        emu.set_forms(product_errors="gateway")
        emu.usage_events.add(EVENT)
        emu.faults.add({"code": "Throttling.User", "match": {"query": {"modelId": "3"}}, "times": 2})
        with httpx.Client(base_url=emu.url) as c:
            ids = [c.get(API, params={**QUERY, "modelId": m}).headers["x-acs-request-id"] for m in ("1", "3")]
        saved, journal = emu.export_state(), [e.request_id for e in emu.requests]
        assert journal == ids and saved["faultRules"][0]["hits"] == 1
    with pytest.raises(ScenarioError, match="another scenario"):
        Emulator(state=path, seed=5)
    with Emulator(state=path, seed=4) as emu:
        assert emu.export_state() == saved
        assert [e.request_id for e in emu.requests] == ids
        assert emu.forms.product_errors == "gateway" and emu.clock.now() == MARCH_1 + 48 * HOUR
        emu.reset()
    with Emulator(state=path, seed=4) as emu:  # a reset is kept too
        assert emu.export_state()["usageEvents"] == [] and emu.requests == []


def test_every_package_of_the_emulator_is_in_the_distribution() -> None:
    """pyproject.toml lists its packages by hand: each folder of emulator/ with an __init__.py must
    be among them, or an installed emulator (the image) cannot import it."""
    root = Path(emulator.__file__).resolve().parent
    listed = set(tomllib.loads((root.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root.parent).parts) for p in root.rglob("__init__.py")}
    assert found - listed == set(), f"packages missing from pyproject.toml: {sorted(found - listed)}"
