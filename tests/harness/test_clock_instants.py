"""The data clock refuses instants holding control characters (issue 17, item 7).

`"2026-03-01T12:00:00+08:00\\u0000"` was read as that instant (the NUL ignored). Now a NUL or
another control character anywhere in the text is a 400 naming `now` over HTTP
(`PUT /_emulator/clock`), a `ClockError` naming `now` through `emu.clock.set`, and a settings
error for `Emulator(now=...)`; the clock is left as it was.
"""

from __future__ import annotations

import httpx
import pytest

from emulator.server import Emulator
from emulator.settings import SettingsError
from emulator.validation import FieldError

ISO = "2026-03-01T12:00:00+08:00"
CONTROLLED = [ISO + "\u0000", ISO + "\u0000\u0000", "2026-03-01T12:00:00\u0000+08:00", "\u0000" + ISO,
              "2026-03-01\u0000T12:00:00+08:00", ISO + "\u0001", ISO + "\u001b", ISO + "\u007f",
              "1772337600\u0000", "1772337600\u0000" + "1"]


def assert_names_now(message: str) -> None:
    assert '"now"' in message or "now:" in message or message.startswith("now"), message
    assert "control character" in message, message


@pytest.mark.parametrize("now", CONTROLLED, ids=[repr(v) for v in CONTROLLED])
def test_put_clock_refuses_control_characters(http: httpx.Client, now: str) -> None:
    before = http.put("/_emulator/clock", json={"now": "2024-03-05T12:00:00+08:00"}).json()  # fixed: a change shows
    assert before["fixed"] is True
    r = http.put("/_emulator/clock", json={"now": now})
    assert r.status_code == 400, (r.status_code, r.text[:300])
    error = r.json()
    assert error["Code"] == "InvalidParameter"
    assert error["Message"].startswith('The parameter "now" is invalid'), error["Message"]
    assert_names_now(error["Message"])
    assert "\u0000" not in r.headers.get("x-emulator-reason", "")
    assert http.get("/_emulator/clock").json() == before


@pytest.mark.parametrize("now", CONTROLLED, ids=[repr(v) for v in CONTROLLED])
def test_clock_set_refuses_control_characters(aicontent_emulator: Emulator, now: str) -> None:
    aicontent_emulator.clock.set("2024-03-05T12:00:00+08:00")  # fixed: a change shows
    before = aicontent_emulator.clock.public()
    with pytest.raises(FieldError) as info:
        aicontent_emulator.clock.set(now)
    assert info.value.field == "now"
    assert_names_now(str(info.value))
    assert aicontent_emulator.clock.public() == before


def test_the_clean_instant_is_still_accepted(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    r = http.put("/_emulator/clock", json={"now": ISO})
    assert r.status_code == 200 and r.json()["now"] == 1772337600 and r.json()["fixed"] is True
    aicontent_emulator.clock.set(" " + ISO + " ")  # surrounding spaces, as before
    assert aicontent_emulator.clock.public()["now"] == 1772337600


def test_the_now_setting_refuses_them_too() -> None:
    with pytest.raises(SettingsError, match="control character"):
        Emulator(now=ISO + "\u0000")
