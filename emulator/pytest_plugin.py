"""pytest plugin (registered through the `pytest11` entry point): installing the package is enough.

Fixtures:
- `aicontent_emulator`: the running emulator (an `Emulator`), reset before each test (no fault
  rules, nonces or journal; the started forms, clock and usage events); a bug inside the server
  during the test fails that test with the server's traceback.
- `aicontent_client`: an official-SDK client for it, signed as the `admin` account.
- `aicontent_emulator_session`: the one server of the session (port 0, uvicorn in a thread).
- `aicontent_settings`: the session server's settings, a dict; override it in a conftest.py to
  start the emulator with any settings (as pytest-httpserver's `httpserver_listen_address`). An
  override wins over `--aicontent-seed` and `--aicontent-auth`, with a warning when both disagree.
Marker: `@pytest.mark.aicontent_forms("product_errors", ...)` runs a test once under each form of
each named setting (all forms of all settings when none is named), with ids like
`[product_errors=documented]`; `combine=True` runs every combination instead.
Marker: `@pytest.mark.aicontent_state(doc_or_path)` starts the test from a saved state document
(`GET /_emulator/state`, `Emulator.export_state()`), after the reset.
Options: `--aicontent-seed`, `--aicontent-auth` (or ini `aicontent_seed`, `aicontent_auth`).
"""

from __future__ import annotations

import itertools
import json
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from emulator.server import Emulator

MARKER = "aicontent_forms"
STATE_MARKER = "aicontent_state"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("aicontent-emulator")
    group.addoption("--aicontent-seed", type=int, default=None, help="seed of the emulator's data (default 0)")
    group.addoption("--aicontent-auth", choices=("off", "verify", "required"), default=None,
                    help="auth mode of the emulator (default verify)")
    parser.addini("aicontent_seed", "seed of the emulator's data (default 0)", default="")
    parser.addini("aicontent_auth", "auth mode of the emulator: off, verify (default) or required", default="")


def pytest_configure(config: pytest.Config) -> None:
    from emulator.settings import FORMS

    config.addinivalue_line(
        "markers", f"{MARKER}(*settings, combine=False): run the test once under each form of each named "
                   f"setting of aicontent-emulator ({', '.join(FORMS)}; all when none is named); combine=True "
                   "runs every combination")
    config.addinivalue_line(
        "markers", f"{STATE_MARKER}(doc_or_path): start the test from a saved state document of "
                   "aicontent-emulator (a dict, or the path of a JSON file from GET /_emulator/state)")


def _forms_to_run(marker: pytest.Mark) -> list[dict[str, str]]:
    from emulator.settings import FORMS

    names = marker.args or tuple(FORMS)
    unknown = [n for n in names if n not in FORMS]
    if unknown:
        raise pytest.UsageError(f"{MARKER}: unknown setting(s) {unknown}; the forms are {', '.join(FORMS)}")
    if marker.kwargs.get("combine"):
        return [dict(zip(names, combo)) for combo in itertools.product(*(FORMS[n] for n in names))]
    return [{name: form} for name in names for form in FORMS[name]]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker(MARKER)
    if marker is None:
        return
    if "aicontent_form" not in metafunc.fixturenames:
        raise pytest.UsageError(f"{metafunc.definition.nodeid}: {MARKER} needs the aicontent_emulator or "
                                "aicontent_client fixture")
    forms = _forms_to_run(marker)
    ids = [",".join(f"{k}={v}" for k, v in form.items()) for form in forms]
    metafunc.parametrize("aicontent_form", forms, ids=ids, indirect=True)


DEFAULTS = {"seed": "0", "auth": "verify"}


def _given(config: pytest.Config, name: str) -> tuple[Any, str] | None:
    """(the value, where it was given) of an option given on the command line or in the ini file."""
    value = config.getoption(f"--aicontent-{name}")
    if value is not None:
        return value, f"--aicontent-{name}"
    ini = config.getini(f"aicontent_{name}")
    return (ini, f"the ini option aicontent_{name}") if ini else None


def _option(config: pytest.Config, name: str) -> Any:
    given = _given(config, name)
    return given[0] if given is not None else DEFAULTS[name]


@pytest.fixture(scope="session")
def aicontent_settings(pytestconfig: pytest.Config) -> dict[str, Any]:
    """Settings of the session's emulator (any `Settings` field); override to change them:

        @pytest.fixture(scope="session")
        def aicontent_settings():
            return {"seed": 7, "auth": "required", "now": "2026-03-01T12:00:00+08:00"}
    """
    return {"seed": int(_option(pytestconfig, "seed")), "auth": _option(pytestconfig, "auth")}


@pytest.fixture(scope="session")
def aicontent_emulator_session(aicontent_settings: dict[str, Any],
                               pytestconfig: pytest.Config) -> Iterator[Emulator]:
    from emulator.server import Emulator
    from emulator.settings import Settings

    for name in ("seed", "auth"):  # an overriding fixture wins over the options: say so when they disagree
        found = _given(pytestconfig, name)
        used = aicontent_settings.get(name, getattr(Settings(), name))
        if found is not None and str(used) != str(found[0]):
            given, where = found
            warnings.warn(pytest.PytestWarning(
                f"{where}={given} is ignored: an aicontent_settings fixture overrides it ({name}={used!r}); "
                "the fixture wins"), stacklevel=1)
    with Emulator(**aicontent_settings) as emu:
        yield emu


@pytest.fixture
def aicontent_form(request: pytest.FixtureRequest) -> dict[str, str] | None:
    """The forms this run of the test is under (set by the `aicontent_forms` marker), else None."""
    form: dict[str, str] | None = getattr(request, "param", None)
    return form


@pytest.fixture
def aicontent_emulator(aicontent_emulator_session: Emulator, aicontent_form: dict[str, str] | None,
                       request: pytest.FixtureRequest) -> Iterator[Emulator]:
    from emulator.server import EmulatorError

    emu = aicontent_emulator_session
    emu.reset()
    marker = request.node.get_closest_marker(STATE_MARKER)
    if marker is not None:
        doc = marker.args[0] if marker.args else marker.kwargs.get("doc")
        if isinstance(doc, (str, os.PathLike)):
            doc = json.loads(Path(doc).read_text())
        emu.import_state(doc)
    if aicontent_form:
        emu.set_forms(**aicontent_form)
    yield emu
    try:
        emu.check()
    except EmulatorError as exc:
        pytest.fail(str(exc), pytrace=False)
    finally:
        emu.reset()


@pytest.fixture
def aicontent_client(aicontent_emulator: Emulator) -> Any:
    return aicontent_emulator.client("admin")
