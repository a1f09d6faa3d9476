"""The data clock as a setting and through the control API: GET/PUT/DELETE /_emulator/clock,
POST /_emulator/clock/advance, reset, `Emulator(now=..., data_lag_minutes=...)`, CLI flags and
environment variables; and that signature dates are still judged by the real wall clock."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from helpers import API, DAY, MARCH_1, error_of, start_cli, ts
from signer import acs3_headers, url

from emulator.server import Emulator

HALF_PAST_NOON = ts(2024, 3, 1, 12) + 1800  # 2024-03-01T12:30:00+08:00
ADMIN = ("LTAIEMULATORADMIN0000001", "emulator-admin-secret-not-for-production")
QUERY = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + DAY), "pageSize": "24"}


def refused(r: httpx.Response, field: str) -> str:
    """A control-API refusal naming `field`; returns the message."""
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/json;charset=utf-8"
    body = r.json()
    assert body["Code"] == "InvalidParameter"
    assert body["Message"].startswith(f'The parameter "{field}" is invalid: '), body["Message"]
    return str(body["Message"])


def test_default_clock_follows_the_wall_clock(http: httpx.Client) -> None:
    """Unfixed by default: `now` is the wall clock (between readings taken around the request)."""
    before = int(time.time())
    clock = http.get("/_emulator/clock").json()
    after = int(time.time())
    assert set(clock) == {"now", "fixed", "dataLagMinutes"}
    assert clock["fixed"] is False and clock["dataLagMinutes"] == 0
    assert before <= clock["now"] <= after
    config = http.get("/_emulator/config").json()
    assert config["now"] is None and config["data_lag_minutes"] == 0


@pytest.mark.parametrize("given, expected", [
    (HALF_PAST_NOON, HALF_PAST_NOON),
    (str(HALF_PAST_NOON), HALF_PAST_NOON),
    ("2024-03-01T12:30:00+08:00", HALF_PAST_NOON),
    ("2024-03-01T04:30:00Z", HALF_PAST_NOON),
    ("2024-03-01T12:30:00Z", HALF_PAST_NOON + 8 * 3600),
])
def test_put_fixes_the_clock(http: httpx.Client, given: Any, expected: int) -> None:
    """PUT takes Unix seconds or ISO 8601 with an offset; the clock then stays where it was put."""
    r = http.put("/_emulator/clock", json={"now": given})
    assert r.status_code == 200, r.text
    assert r.json() == {"now": expected, "fixed": True, "dataLagMinutes": 0}
    assert http.get("/_emulator/clock").json() == {"now": expected, "fixed": True, "dataLagMinutes": 0}
    config = http.get("/_emulator/config").json()
    assert (config["now"], config["data_lag_minutes"]) == (expected, 0)


def test_a_fixed_clock_stands_still(http: httpx.Client) -> None:
    """A fixed clock does not follow the wall clock."""
    http.put("/_emulator/clock", json={"now": HALF_PAST_NOON})
    time.sleep(1.1)
    assert http.get("/_emulator/clock").json()["now"] == HALF_PAST_NOON


def test_put_with_lag_then_advance(http: httpx.Client) -> None:
    """dataLagMinutes is optional and kept by a later PUT without it; advance moves a fixed clock."""
    r = http.put("/_emulator/clock", json={"now": "2024-03-01T12:30:00+08:00", "dataLagMinutes": 90})
    assert r.json() == {"now": HALF_PAST_NOON, "fixed": True, "dataLagMinutes": 90}
    assert http.get("/_emulator/config").json()["data_lag_minutes"] == 90
    r = http.post("/_emulator/clock/advance", json={"seconds": 3600})
    assert r.status_code == 200 and r.json() == {"now": HALF_PAST_NOON + 3600, "fixed": True, "dataLagMinutes": 90}
    assert http.post("/_emulator/clock/advance", json={"seconds": 0}).json()["now"] == HALF_PAST_NOON + 3600
    r = http.put("/_emulator/clock", json={"now": MARCH_1})
    assert r.json() == {"now": MARCH_1, "fixed": True, "dataLagMinutes": 90}


def test_advance_on_the_wall_clock_is_refused(http: httpx.Client) -> None:
    """Only a fixed clock can be advanced; the refusal names `seconds` and changes nothing."""
    message = refused(http.post("/_emulator/clock/advance", json={"seconds": 60}), "seconds")
    assert "PUT /_emulator/clock" in message
    assert http.get("/_emulator/clock").json()["fixed"] is False


@pytest.mark.parametrize("body", [{"seconds": -1}, {"seconds": -3600}, {"seconds": 1.5}, {"seconds": "60"},
                                  {"seconds": True}, {}, {"seconds": 60, "extra": 1}])
def test_bad_advance_is_refused(http: httpx.Client, body: dict[str, Any]) -> None:
    """A negative (or not-integer) step is refused by name; the clock does not move."""
    http.put("/_emulator/clock", json={"now": HALF_PAST_NOON})
    field = "extra" if "extra" in body else "seconds"
    refused(http.post("/_emulator/clock/advance", json=body), field)
    assert http.get("/_emulator/clock").json()["now"] == HALF_PAST_NOON


BAD_INSTANTS = [
    ("no-offset", "2024-03-01T12:30:00"),  # a different instant on every machine
    ("date-only", "2024-03-01"),
    ("garbage", "garbage"),
    ("empty", ""),
    ("words", "next tuesday"),
    ("milliseconds", 1709267400000),
    ("milliseconds-text", "1709267400000"),
    ("year-5138", 10**11),
    ("negative", -1),
    ("fraction", 1.5),
    ("bool", True),
    ("null", None),
    ("list", [HALF_PAST_NOON]),
]


@pytest.mark.parametrize("now", [v for _, v in BAD_INSTANTS], ids=[i for i, _ in BAD_INSTANTS])
def test_bad_instants_are_refused_naming_now(http: httpx.Client, now: Any) -> None:
    """Every instant the clock cannot take is a 400 naming `now`, and the clock stays put."""
    http.put("/_emulator/clock", json={"now": HALF_PAST_NOON, "dataLagMinutes": 5})
    refused(http.put("/_emulator/clock", json={"now": now}), "now")
    assert http.get("/_emulator/clock").json() == {"now": HALF_PAST_NOON, "fixed": True, "dataLagMinutes": 5}


@pytest.mark.parametrize("body, field", [
    ({}, "now"),
    ({"now": HALF_PAST_NOON, "dataLagMinutes": -1}, "dataLagMinutes"),
    ({"now": HALF_PAST_NOON, "dataLagMinutes": "90"}, "dataLagMinutes"),
    ({"now": HALF_PAST_NOON, "dataLagMinutes": 10_000_001}, "dataLagMinutes"),
    ({"now": HALF_PAST_NOON, "lag": 1}, "lag"),
])
def test_bad_clock_bodies_are_refused(http: httpx.Client, body: dict[str, Any], field: str) -> None:
    refused(http.put("/_emulator/clock", json=body), field)
    assert http.get("/_emulator/clock").json()["fixed"] is False


def test_delete_and_reset_return_to_the_started_setting(http: httpx.Client) -> None:
    """DELETE /_emulator/clock and POST /_emulator/reset both undo PUT and advance."""
    for undo in (lambda: http.delete("/_emulator/clock"), lambda: http.post("/_emulator/reset")):
        http.put("/_emulator/clock", json={"now": HALF_PAST_NOON, "dataLagMinutes": 30})
        http.post("/_emulator/clock/advance", json={"seconds": 60})
        assert undo().status_code == 200
        clock = http.get("/_emulator/clock").json()
        assert clock["fixed"] is False and clock["dataLagMinutes"] == 0
        assert abs(clock["now"] - time.time()) < 5
    assert http.delete("/_emulator/clock").json()["fixed"] is False


@pytest.fixture(scope="module")
def started_fixed() -> Iterator[Emulator]:
    with Emulator(now="2024-03-01T12:30:00+08:00", data_lag_minutes=90) as emu:
        yield emu


def test_emulator_settings_are_the_started_clock(started_fixed: Emulator) -> None:
    """`Emulator(now=..., data_lag_minutes=...)` starts fixed; DELETE and reset come back to it."""
    emu = started_fixed
    with httpx.Client(base_url=emu.url) as c:
        started = {"now": HALF_PAST_NOON, "fixed": True, "dataLagMinutes": 90}
        assert c.get("/_emulator/clock").json() == started
        config = c.get("/_emulator/config").json()
        assert (config["now"], config["data_lag_minutes"]) == (HALF_PAST_NOON, 90)
        assert (emu.clock.now(), emu.clock.cutoff()) == (HALF_PAST_NOON, HALF_PAST_NOON - 90 * 60)
        c.put("/_emulator/clock", json={"now": MARCH_1 + 2 * DAY, "dataLagMinutes": 0})
        assert c.delete("/_emulator/clock").json() == started
        emu.clock.set("2025-01-01T00:00:00Z", lag_minutes=1)
        emu.clock.advance(60)
        assert c.get("/_emulator/clock").json()["now"] == int(dt.datetime(2025, 1, 1, 0, 1, tzinfo=dt.UTC).timestamp())
        assert c.post("/_emulator/reset").status_code == 200
        assert c.get("/_emulator/clock").json() == started
        emu.clock.set(MARCH_1)
        emu.reset()
        assert emu.clock.public() == started


def test_python_clock_refusals_name_the_field(started_fixed: Emulator) -> None:
    """The Python API refuses what the control API refuses, with the same field names."""
    from emulator.validation import FieldError

    for call, field in [(lambda: started_fixed.clock.set("2024-03-01T12:30:00"), "now"),
                        (lambda: started_fixed.clock.set(1709267400000), "now"),
                        (lambda: started_fixed.clock.set(HALF_PAST_NOON, lag_minutes=-1), "dataLagMinutes"),
                        (lambda: started_fixed.clock.advance(-1), "seconds")]:
        with pytest.raises(FieldError) as info:
            call()
        assert info.value.field == field
    assert started_fixed.clock.now() == HALF_PAST_NOON


def test_cli_flags_set_the_started_clock(cli_processes: list) -> None:
    proc, base = start_cli("--now", "2024-03-01T12:30:00+08:00", "--data-lag-minutes", "90")
    cli_processes.append(proc)
    with httpx.Client(base_url=base) as c:
        assert c.get("/_emulator/clock").json() == {"now": HALF_PAST_NOON, "fixed": True, "dataLagMinutes": 90}
        config = c.get("/_emulator/config").json()
        assert (config["now"], config["data_lag_minutes"]) == (HALF_PAST_NOON, 90)
        c.put("/_emulator/clock", json={"now": MARCH_1})
        assert c.post("/_emulator/reset").status_code == 200
        assert c.get("/_emulator/clock").json()["now"] == HALF_PAST_NOON


def test_environment_sets_the_clock_and_flags_win(cli_processes: list) -> None:
    env = {"AICONTENT_EMULATOR_NOW": str(MARCH_1), "AICONTENT_EMULATOR_DATA_LAG_MINUTES": "15"}
    proc, base = start_cli(env=env)
    cli_processes.append(proc)
    assert httpx.get(base + "/_emulator/clock").json() == {"now": MARCH_1, "fixed": True, "dataLagMinutes": 15}
    proc, base = start_cli("--now", "2024-03-01T04:30:00Z", env=env)
    cli_processes.append(proc)
    assert httpx.get(base + "/_emulator/clock").json() == {"now": HALF_PAST_NOON, "fixed": True, "dataLagMinutes": 15}


@pytest.mark.parametrize("args, fragment", [
    (["--now", "2024-03-01T12:30:00"], "now"),
    (["--now", "garbage"], "now"),
    (["--now", "1709267400000"], "now"),
    (["--data-lag-minutes", "-5"], "data_lag_minutes"),
])
def test_bad_clock_flags_exit_2(args: list[str], fragment: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "emulator", "--port", "0", *args], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 2 and fragment in proc.stderr and proc.stdout == ""


def test_signature_dates_use_the_wall_clock(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    """With the data clock in 2024, a request signed now is accepted and one dated 2024 expired."""
    http.put("/_emulator/clock", json={"now": HALF_PAST_NOON})
    target = url(aicontent_emulator.url, API, QUERY)
    fresh = acs3_headers("GET", aicontent_emulator.endpoint, API, QUERY, *ADMIN)
    assert httpx.get(target, headers=fresh).status_code == 200
    dated = dt.datetime.fromtimestamp(HALF_PAST_NOON, dt.UTC)
    old = acs3_headers("GET", aicontent_emulator.endpoint, API, QUERY, *ADMIN, when=dated)
    r = httpx.get(target, headers=old)
    assert (r.status_code, error_of(r)["Code"]) == (400, "InvalidTimeStamp.Expired")
    assert error_of(r)["Message"] == "Specified time stamp or date value is expired."


def test_the_lag_alone_keeps_the_clock(http: httpx.Client) -> None:
    """PUT with only dataLagMinutes sets the lag and leaves the clock as it is (wall or fixed)."""
    r = http.put("/_emulator/clock", json={"dataLagMinutes": 30})
    assert r.status_code == 200 and r.json()["fixed"] is False and r.json()["dataLagMinutes"] == 30
    http.put("/_emulator/clock", json={"now": HALF_PAST_NOON})
    assert http.put("/_emulator/clock", json={"dataLagMinutes": 5}).json() == {
        "now": HALF_PAST_NOON, "fixed": True, "dataLagMinutes": 5}
