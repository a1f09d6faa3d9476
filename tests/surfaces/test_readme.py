"""Every snippet of the README runs as written.

Each fenced block is preceded by a marker saying how it is checked: `start` (the start command),
`shell`, `python` and `output` (run against a CLI emulator, with the README's port 8080 replaced
by a free one: the only change made to a snippet), `pytest` (a test module run by a fresh pytest
through the installed plugin; `passed=N failed=M` when some tests are meant to fail), `conftest`,
`fixture-account`, or `none (why)`. A block without a marker fails the test, so a new snippet
cannot go unchecked. The README's generated tables must also be up to date.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from helpers import start_cli

from emulator.docs import main as docs_main
from emulator.domain.scenario import default_fixture_path
from emulator.server import listen_socket
from emulator.service import Service
from emulator.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"<!-- test: (?P<kind>[a-z-]+)(?P<arg>[^>]*?) -->\n```(?P<lang>\w*)\n(?P<code>.*?)```", re.S)
FENCE = re.compile(r"^```\w*$", re.M)


def blocks() -> list[tuple[str, str, str]]:
    text = README.read_text()
    found = [(m["kind"], m["arg"].strip(), m["code"]) for m in BLOCK.finditer(text)]
    assert len(found) * 2 == len(FENCE.findall(text)), "a README code block has no <!-- test: ... --> marker"
    return found


def of_kind(*kinds: str) -> list[tuple[str, str, str]]:
    return [b for b in blocks() if b[0] in kinds]


def free_port() -> int:
    sock = listen_socket("127.0.0.1", 0)
    port = int(sock.getsockname()[1])
    sock.close()
    return port


@pytest.fixture(scope="module")
def emulator_cli() -> Iterator[str]:
    """A CLI emulator on its defaults but the port; yields the port."""
    proc, url = start_cli()
    try:
        yield url.rsplit(":", 1)[1]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)


def test_every_block_is_marked_and_the_tables_are_fresh() -> None:
    kinds = {kind for kind, _, _ in blocks()}
    assert kinds <= {"start", "none", "shell", "output", "python", "pytest", "conftest", "fixture-account"}
    assert all(arg for kind, arg, _ in blocks() if kind == "none"), "a `none` marker must say why"
    assert docs_main(["--check", str(README)]) == 0


def test_the_start_command(cli_processes: list[subprocess.Popen[str]]) -> None:
    """`aicontent-emulator` (installed by the first half of the command) starts on its defaults."""
    (_, _, code), = of_kind("start")
    command = code.strip().split("&&")[-1].strip()
    assert command == "aicontent-emulator"
    port = free_port()  # the default 8080 may be taken on this machine: the one setting changed
    proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), command)], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
                            env={**os.environ, "AICONTENT_EMULATOR_PORT": str(port)})
    cli_processes.append(proc)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith(f"aicontent-emulator listening on http://127.0.0.1:{port} (seed 0, auth verify")
    assert httpx.get(f"http://127.0.0.1:{port}/_emulator/health").json()["status"] == "ok"


SHELL = [(i, code) for i, (kind, _, code) in enumerate(blocks()) if kind == "shell"]


@pytest.mark.parametrize("index, code", SHELL, ids=[f"block{i}" for i, _ in SHELL])
def test_shell_snippets(index: int, code: str, emulator_cli: str, cli_processes: list[subprocess.Popen[str]]
                        ) -> None:
    port = str(free_port()) if "aicontent-emulator --port" in code else emulator_cli
    path = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")  # where pip put the command
    run = subprocess.run(["bash", "-c", code.replace("8080", port)], capture_output=True, text=True, timeout=60,
                         start_new_session=True, env={**os.environ, "PATH": path})
    assert run.returncode == 0, run.stderr
    following = blocks()[index + 1]
    if following[0] == "output":
        pattern = ".*?".join(re.escape(part) for part in following[2].strip().split("…"))
        assert re.fullmatch(pattern, run.stdout.strip(), re.S), run.stdout


PYTHON = [code for kind, _, code in blocks() if kind == "python"]


@pytest.mark.parametrize("code", PYTHON, ids=[f"script{i}" for i in range(len(PYTHON))])
def test_python_snippets(code: str, emulator_cli: str) -> None:
    run = subprocess.run([sys.executable, "-c", code.replace("8080", emulator_cli)], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr


PYTEST = [(arg, code) for kind, arg, code in blocks() if kind == "pytest"]


@pytest.mark.parametrize("arg, code", PYTEST, ids=[f"module{i}" for i in range(len(PYTEST))])
def test_pytest_snippets(arg: str, code: str, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_readme_snippet=code)
    expected = {k: int(v) for k, v in (part.split("=") for part in arg.split())} or {
        "passed": len(re.findall(r"^def test_", code, re.M))}
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(**expected)


def test_the_conftest_snippet(pytester: pytest.Pytester) -> None:
    (_, _, code), = of_kind("conftest")
    pytester.makeconftest(code)
    pytester.makepyfile(test_settings='''
import httpx
def test_settings_took_effect(aicontent_emulator):
    s = aicontent_emulator.settings
    assert (s.seed, s.auth, s.now) == (7, "required", 1772337600)
    r = httpx.get(aicontent_emulator.url + "/api/v1/modelRouter/open/clients/tree")
    assert r.status_code == 400 and "IncompleteSignature" in r.text
''')
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_fixture_account_snippet(tmp_path: Path) -> None:
    (_, _, code), = of_kind("fixture-account")
    doc = json.loads(default_fixture_path().read_text())
    doc["accounts"].append(json.loads(code))
    path = tmp_path / "my.json"
    path.write_text(json.dumps(doc, ensure_ascii=False))
    service = Service(Settings(fixtures=str(path)))
    bot = service.accounts.by_access_key("LTAIMYBOT0000001")
    assert bot is not None and bot.department_ids == (2, 3) and len(bot.policies) == 2
