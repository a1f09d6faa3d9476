"""The pytest plugin says when an `aicontent_settings` override beats a command-line option
(issue 17, item 10).

A conftest.py overriding `aicontent_settings` (seed 7), run with `--aicontent-seed 3`: the session's
emulator runs with seed 7, and pytest shows a warning saying the option is ignored and the
fixture wins. Without the override the option applies (no warning), and an override that agrees
with the option gives no warning either. Each case is a fresh pytest (pytester, in a subprocess).
"""

from __future__ import annotations

import pytest

CONFTEST = '''
import pytest

@pytest.fixture(scope="session")
def aicontent_settings():
    return {"seed": 7, "auth": "verify"}
'''

TEST = '''
import httpx

def test_the_seed(aicontent_emulator):
    assert aicontent_emulator.settings.seed == {seed}
    assert httpx.get(aicontent_emulator.url + "/_emulator/config").json()["seed"] == {seed}
'''


def run(pytester: pytest.Pytester, *args: str, conftest: bool, seed: int) -> pytest.RunResult:
    if conftest:
        pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_seed=TEST.format(seed=seed))
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rw", *args)


def test_an_override_wins_over_the_option_with_a_warning(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--aicontent-seed", "3", conftest=True, seed=7)
    result.assert_outcomes(passed=1, warnings=1)
    out = result.stdout.str()
    assert "PytestWarning" in out, out
    assert "--aicontent-seed=3 is ignored" in out, out
    assert "seed=7" in out and "the fixture wins" in out, out
    assert "aicontent-auth" not in out  # only the option that was given and disagrees


def test_the_warning_names_auth_too(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--aicontent-auth", "required", conftest=True, seed=7)
    result.assert_outcomes(passed=1, warnings=1)
    out = result.stdout.str()
    assert "--aicontent-auth=required is ignored" in out and "auth='verify'" in out, out


def test_without_an_override_the_option_applies_silently(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--aicontent-seed", "3", conftest=False, seed=3)
    result.assert_outcomes(passed=1, warnings=0)
    assert "is ignored" not in result.stdout.str()


def test_an_override_that_agrees_gives_no_warning(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--aicontent-seed", "7", conftest=True, seed=7)
    result.assert_outcomes(passed=1, warnings=0)
    assert "is ignored" not in result.stdout.str()
