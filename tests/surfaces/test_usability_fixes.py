"""Usability fixes of issue 17 (item 9).

- `GET /_emulator/requests?requestId=<prefix>` answers `total` = the entries that match (it was
  the whole journal's count);
- `emu.forms` is a Mapping whose values are attributes too;
- `Emulator(...).start()` returns the emulator, and `stop()` stops it (the port no longer answers);
- the README's two commands create a virtual environment first (PEP 668 systems refuse a system
  install), pyproject.toml has a `pytest` extra (pytest and the SDK), and the README shows how to
  install into another project from a Git URL or a checkout.
"""

from __future__ import annotations

import re
import threading
import time
import tomllib
from collections.abc import Mapping

import httpx
import pytest
from browser_kit import project_root
from helpers import API, MARCH_1

from emulator.server import Emulator

VENV = "python3 -m venv .venv && . .venv/bin/activate"
QUERY = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + 86400)}


def test_the_journal_total_counts_the_entries_of_a_request_id_prefix(http: httpx.Client) -> None:
    ids = [http.get(API, params=QUERY).headers["x-acs-request-id"] for _ in range(12)]
    ids += [http.get(API, params={"modelId": "1"}).headers["x-acs-request-id"] for _ in range(4)]  # errors too
    whole = http.get("/_emulator/requests").json()
    assert whole["total"] == len(whole["requests"]) == 16
    for prefix in [ids[0], ids[5][:8].lower(), ids[13][:1], ids[2][:2], "0000000000000-NONE"]:
        expected = [i for i in ids if i.startswith(prefix.upper())]
        answer = http.get("/_emulator/requests", params={"requestId": prefix}).json()
        assert [e["requestId"] for e in answer["requests"]] == expected
        assert answer["total"] == len(expected), (prefix, answer["total"], len(expected))
    one = http.get("/_emulator/requests", params={"requestId": ids[0]}).json()
    assert one["total"] == 1 < whole["total"]
    # with limit: the newest N of those that match; total still counts every match
    first_char = ids[0][0]
    matching = [i for i in ids if i.startswith(first_char)]
    limited = http.get("/_emulator/requests", params={"requestId": first_char, "limit": 1}).json()
    assert limited["total"] == len(matching) and [e["requestId"] for e in limited["requests"]] == matching[-1:]


def test_forms_is_a_mapping_with_attributes(aicontent_emulator: Emulator) -> None:
    forms = aicontent_emulator.forms
    assert isinstance(forms, Mapping)
    assert dict(forms) == {"product_errors": "both", "values_encoding": "single", "empty_buckets": "zero",
                           "client_list": "leaves", "exhaustion": "negative", "discounted_amounts": "payable"}
    assert forms["empty_buckets"] == "zero" and forms.empty_buckets == "zero"
    assert forms.product_errors == forms["product_errors"] == "both"
    assert forms.client_list == forms["client_list"] == "leaves"
    assert sorted(forms) == ["client_list", "discounted_amounts", "empty_buckets", "exhaustion", "product_errors",
                             "values_encoding"]
    assert len(forms) == 6 and forms.exhaustion == "negative" and forms.discounted_amounts == "payable"
    with pytest.raises(KeyError):
        forms["seed"]
    switched = aicontent_emulator.set_forms(empty_buckets="omit")
    assert aicontent_emulator.forms["empty_buckets"] == "omit" == switched["empty_buckets"]
    assert {**aicontent_emulator.forms}["empty_buckets"] == "omit"


def test_start_returns_the_emulator_and_stop_stops_it() -> None:
    before = set(threading.enumerate())
    emu = Emulator(seed=7)
    started = emu.start()
    try:
        assert started is emu
        assert emu.start() is emu  # a started emulator: nothing more
        url = emu.url
        assert httpx.get(url + "/_emulator/health", timeout=5).status_code == 200
        assert httpx.get(url + "/_emulator/config", timeout=5).json()["seed"] == 7
        emu.usage_events.add(startTime=MARCH_1, endTime=MARCH_1 + 3600, factor=0)  # answered off the loop
        assert httpx.get(url + API, params=QUERY, timeout=10).status_code == 200
    finally:
        emu.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/_emulator/health", timeout=2)
    deadline = time.monotonic() + 5  # and no thread it started is left (its server's, its answers')

    def left() -> list[str]:
        return [t.name for t in threading.enumerate() if t not in before]

    while time.monotonic() < deadline and left():
        time.sleep(0.05)
    assert left() == []


def readme() -> str:
    return (project_root() / "README.md").read_text()


def two_commands() -> tuple[str, str]:
    """The README's start command (the `test: start` block) and its test command (after "Run the tests")."""
    text = readme()
    section = text.split("## The two commands", 1)[1].split("\n## ", 1)[0]
    start = re.search(r"<!-- test: start -->\n```sh\n(.+?)\n```", section, re.S)
    tests = re.search(r"Run the tests:\s*\n\s*\n<!-- test: [^>]*-->\n```sh\n(.+?)\n```", section, re.S)
    assert start and tests, "the two commands are not in the section 'The two commands'"
    return start.group(1).strip(), tests.group(1).strip()


def test_both_commands_start_with_a_virtual_environment() -> None:
    start, tests = two_commands()
    for command in (start, tests):
        assert command.startswith(VENV + " && "), command
        assert "python3 -m pip install" in command
        assert "--break-system-packages" not in command and "sudo" not in command
    assert start.endswith("aicontent-emulator") and '".[sdk]"' in start
    assert tests.endswith("python3 -m pytest") and '".[test]"' in tests


def test_pyproject_has_a_pytest_extra_with_pytest_and_the_sdk() -> None:
    project = tomllib.loads((project_root() / "pyproject.toml").read_text())["project"]
    extra = project["optional-dependencies"]["pytest"]
    names = {re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower() for requirement in extra}
    assert {"pytest", "alibabacloud-aicontent20240611"} <= names, extra
    sdk = project["optional-dependencies"]["sdk"]
    assert any(r.startswith("alibabacloud-aicontent20240611") for r in sdk)
    assert project["entry-points"]["pytest11"]["aicontent_emulator"] == "emulator.pytest_plugin"


def test_the_readme_shows_installing_into_another_project() -> None:
    text = readme()
    git = re.search(r'pip install "aicontent-emulator\[(\w+)\] @ git\+https://[^"]+"', text)
    checkout = re.search(r'pip install "(/[^"]+)\[(\w+)\]"', text)
    assert git and checkout, "no Git URL or checkout install in the README"
    assert git.group(1) == "pytest" and checkout.group(2) == "pytest"
    assert "`pytest` (the SDK and pytest" in text  # what the extra holds, said where it is offered
    plugin = text.split("## In pytest", 1)[1].split("\n## ", 1)[0]
    assert "aicontent-emulator[pytest]" in plugin
