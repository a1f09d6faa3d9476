"""`--state PATH` refused at start (README "One world"): a file that is not SQLite, an SQLite file
that is not an emulator state, the state of another seed or another fixture file, a state
written by a newer version, a PATH another emulator holds: one line on stderr, exit status 2,
nothing listening and the file unchanged byte for byte; the emulator that holds it keeps
working. The same refusals from `Emulator(state=...)` raise `ScenarioError`."""

from __future__ import annotations

import copy
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from helpers import DEFAULT_FIXTURE, fixture_file, start_cli
from state_helpers import HOUR, MARCH_2, add_event, digest, run_cli, state_of, stop

from emulator.domain.scenario import ScenarioError
from emulator.server import Emulator


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A state of seed 1 with one change, written by a CLI stopped gracefully."""
    path = tmp_path_factory.mktemp("saved") / "state.db"
    proc, url = start_cli("--state", str(path), "--seed", "1")
    try:
        with httpx.Client(base_url=url, timeout=20) as c:
            add_event(c, startTime=MARCH_2, endTime=MARCH_2 + HOUR, factor=0)
    finally:
        assert stop(proc) == 0
    return path


def copy_of(saved: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    for p in saved.parent.glob(saved.name + "*"):
        if not p.name.endswith(".lock"):
            shutil.copy(p, folder / p.name)
    return folder / saved.name


def text_file(saved: Path, folder: Path) -> Path:
    path = folder / "notes.txt"
    path.write_text("these are my notes, not a database\n" * 20)
    return path


def other_sqlite(saved: Path, folder: Path) -> Path:
    path = folder / "app.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO users(name) VALUES ('ada')")
    return path


def sqlite_with_a_meta_table(saved: Path, folder: Path) -> Path:
    path = folder / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('format', 'someone else''s state')")
    return path


def newer_schema(saved: Path, folder: Path) -> Path:
    path = copy_of(saved, folder)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    return path


# (how the file is made, the flags besides --state, a fragment of the one line)
CASES: dict[str, tuple[Callable[[Path, Path], Path], tuple[str, ...], str]] = {
    "text-file": (text_file, ("--seed", "1"), "is not an emulator state"),
    "other-sqlite": (other_sqlite, ("--seed", "1"), "is not an emulator state"),
    "foreign-meta": (sqlite_with_a_meta_table, ("--seed", "1"), "is not an emulator state"),
    "another-seed": (copy_of, ("--seed", "2"), "another scenario"),
    "another-fixture": (copy_of, ("--seed", "1", "--fixtures", "FIXTURE"), "another scenario"),
    "newer-schema": (newer_schema, ("--seed", "1"), "newer emulator"),
    "newer-schema-two-workers": (newer_schema, ("--seed", "1", "--workers", "2"), "newer emulator"),
}


def changed_fixture(folder: Path) -> str:
    doc = copy.deepcopy(DEFAULT_FIXTURE)
    doc["models"][0]["name"] = doc["models"][0]["name"] + " (renamed)"
    return str(fixture_file(doc, folder))


def assert_refused(proc: subprocess.CompletedProcess[str], path: Path, fragment: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-600:])
    out, err = proc.stdout, proc.stderr
    assert "Traceback" not in err and "listening" not in out, err[-600:]
    lines = err.strip().splitlines()
    assert len(lines) == 1, err[-1000:]
    assert lines[0].startswith("aicontent-emulator: ") and str(path) in lines[0] and fragment in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("case", list(CASES))
def test_a_state_it_cannot_use_is_refused_and_left_as_it_is(saved: Path, tmp_path: Path, case: str) -> None:
    make, flags, fragment = CASES[case]
    (tmp_path / "state").mkdir()
    path = make(saved, tmp_path / "state")
    flags = tuple(changed_fixture(tmp_path) if f == "FIXTURE" else f for f in flags)
    before = digest(path)
    assert_refused(run_cli("--state", str(path), *flags), path, fragment)
    assert digest(path) == before, "the refused file was changed"


def test_the_refusals_from_python_raise(saved: Path, tmp_path: Path) -> None:
    path = copy_of(saved, tmp_path / "state")
    before = digest(path)
    with pytest.raises(ScenarioError, match="another scenario"):
        Emulator(seed=2, state=str(path))
    with pytest.raises(ScenarioError, match="another scenario"):
        Emulator(seed=1, state=str(path), fixtures=changed_fixture(tmp_path))
    with pytest.raises(ScenarioError, match="is not an emulator state"):
        Emulator(seed=1, state=str(text_file(saved, tmp_path)))
    assert digest(path) == before
    with Emulator(seed=1, state=str(path)) as emu:  # the right seed and fixture: it opens, as it was
        assert [(e.start, e.end) for e in emu.usage_events.events] == [(MARCH_2, MARCH_2 + HOUR)]


def test_a_path_in_a_missing_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "no-such-folder" / "state.db"
    proc = run_cli("--state", str(path))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, (proc.returncode, proc.stderr[-400:])
    assert len(proc.stderr.strip().splitlines()) == 1 and str(path) in proc.stderr


@pytest.mark.parametrize("workers", ["1", "2"], ids=["one-worker", "two-workers"])
def test_a_state_in_use_is_refused_and_its_emulator_keeps_working(tmp_path: Path, cli_processes: list,
                                                                  workers: str) -> None:
    path = tmp_path / "state.db"
    proc, url = start_cli("--state", str(path), "--workers", workers)
    cli_processes.append(proc)
    with httpx.Client(base_url=url, timeout=20) as c:
        add_event(c, startTime=MARCH_2, endTime=MARCH_2 + HOUR, factor=0)
    before = state_of(url)
    line = assert_refused(run_cli("--state", str(path)), path, "in use")
    assert f"{path}.lock" in line
    with pytest.raises(ScenarioError, match="in use"):
        Emulator(state=str(path))
    assert state_of(url) == before
    with httpx.Client(base_url=url, timeout=20) as c:  # the first goes on: reads and writes
        assert c.put("/_emulator/clock", json={"now": MARCH_2}).status_code == 200
        add_event(c, startTime=MARCH_2 + HOUR, endTime=MARCH_2 + 2 * HOUR, factor=0)
    assert len(state_of(url)["usageEvents"]) == 2
    assert stop(proc) == 0
    with Emulator(state=str(path)) as emu:  # once it stopped, the state opens
        assert len(emu.usage_events.events) == 2
