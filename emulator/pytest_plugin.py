"""pytest plugin (registered through the `pytest11` entry point): installing the package is enough.

Fixtures:
- `aicontent_emulator`: the running emulator (an `Emulator`), reset before each test; a bug
  inside the server during the test fails that test with the server's traceback.
- `aicontent_client`: an official-SDK client for it, signed as the `admin` account.
- `aicontent_emulator_session`: the one server of the session (port 0, uvicorn in a thread).
Options: `--aicontent-seed`, `--aicontent-auth` (or ini `aicontent_seed`, `aicontent_auth`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from emulator.server import Emulator


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("aicontent-emulator")
    group.addoption("--aicontent-seed", type=int, default=None, help="seed of the emulator's data (default 0)")
    group.addoption("--aicontent-auth", choices=("off", "verify", "required"), default=None,
                    help="auth mode of the emulator (default verify)")
    parser.addini("aicontent_seed", "seed of the emulator's data", default="0")
    parser.addini("aicontent_auth", "auth mode of the emulator: off, verify or required", default="verify")


def _option(config: pytest.Config, name: str) -> Any:
    value = config.getoption(f"--aicontent-{name}")
    return value if value is not None else config.getini(f"aicontent_{name}")


@pytest.fixture(scope="session")
def aicontent_emulator_session(pytestconfig: pytest.Config) -> Iterator[Emulator]:
    from emulator.server import Emulator

    emu = Emulator(seed=int(_option(pytestconfig, "seed")), auth=_option(pytestconfig, "auth"))
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def aicontent_emulator(aicontent_emulator_session: Emulator) -> Iterator[Emulator]:
    from emulator.server import EmulatorError

    emu = aicontent_emulator_session
    emu.reset()
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
