"""The README's screenshot command works (issue 17, item 12).

The dashboard draws after it has loaded its data, so a command-line screenshot must let Chromium
wait (`--virtual-time-budget`). The command is read from the README ("The dashboard"), pointed at
a running emulator and run as written (plus `--no-sandbox` when run as root, as the README says):
with `--dump-dom` instead of `--screenshot` the DOM holds the drawn chart; the `--screenshot` form
writes a PNG of the window's size. Without `--virtual-time-budget` the chart is not drawn yet.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import struct
import subprocess
from pathlib import Path

import pytest
from browser_kit import CHROMIUM, project_root, require_browser

from emulator.server import Emulator

README_URL = "http://127.0.0.1:8080/_emulator/ui"
CHART = re.compile(r'<svg[^>]*\bid="chart-svg"[^>]*>')


def readme_command() -> list[str]:
    """The screenshot command of the README's dashboard section, split into its words."""
    section = (project_root() / "README.md").read_text().split("## The dashboard", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```sh\n(chromium --headless[^\n]*)\n```", section)
    assert found, "no chromium screenshot command in the README's dashboard section"
    words = shlex.split(found.group(1))
    assert words[-1] == README_URL and any(w.startswith("--screenshot") for w in words), words
    return words


def command_for(url: str, output: str, drop: tuple[str, ...] = ()) -> list[str]:
    """The README's command against `url`, with `output` (`--dump-dom` or `--screenshot=PATH`)."""
    words = readme_command()
    args = [w for w in words[1:-1] if not w.startswith("--screenshot") and not w.startswith(drop)]
    if os.geteuid() == 0 and "--no-sandbox" not in args:
        args.insert(1, "--no-sandbox")  # "--no-sandbox only when run as root"
    return [CHROMIUM, *args, output, url + "/_emulator/ui"]


def run_chromium(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run it in a process group of its own; whatever of the group is left at the end is killed."""
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=120)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(5)
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


@pytest.fixture
def chromium() -> None:
    require_browser()


def test_the_readme_command_has_the_flags_that_make_it_work() -> None:
    words = readme_command()
    assert words[:2] == ["chromium", "--headless"]
    assert "--window-size=1400,900" in words
    budget = [w for w in words if w.startswith("--virtual-time-budget=")]
    assert len(budget) == 1 and int(budget[0].split("=", 1)[1]) >= 5000, words


def test_the_dumped_dom_holds_the_drawn_chart(chromium: None, aicontent_emulator: Emulator, tmp_path: Path) -> None:
    done = run_chromium(command_for(aicontent_emulator.url, "--dump-dom"), tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    svg = CHART.search(done.stdout)
    assert svg, f"no chart in the dumped DOM ({len(done.stdout)} characters)"
    points = re.search(r'data-points="(\d+)"', svg.group(0))
    assert points and int(points.group(1)) > 0, svg.group(0)
    assert 'data-ready="true"' in done.stdout
    assert done.stdout.count('data-testid="chart-point"') == int(points.group(1))


def test_the_screenshot_form_writes_a_png(chromium: None, aicontent_emulator: Emulator, tmp_path: Path) -> None:
    target = tmp_path / "dashboard.png"
    done = run_chromium(command_for(aicontent_emulator.url, f"--screenshot={target}"), tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000, len(data)
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (1400, 900)


def test_without_the_budget_the_chart_is_not_there(chromium: None, aicontent_emulator: Emulator,
                                                   tmp_path: Path) -> None:
    """What the README explains: the DOM is dumped at the load event, before the data arrive."""
    command = command_for(aicontent_emulator.url, "--dump-dom", drop=("--virtual-time-budget",))
    assert not any(w.startswith("--virtual-time-budget") for w in command)
    done = run_chromium(command, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert 'id="nav-usage"' in done.stdout  # the page itself was dumped
    assert CHART.search(done.stdout) is None
