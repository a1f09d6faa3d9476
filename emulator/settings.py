"""One frozen settings object, built from CLI flags and environment variables and passed in.

Nothing here is read at import time: `Settings.from_sources()` is called by the CLI, the
`Emulator` helper and the pytest plugin, each with its own overrides.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ENV_PREFIX = "AICONTENT_EMULATOR_"
AUTH_MODES = ("off", "verify", "required")
VALUES_ENCODINGS = ("single", "double")
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


class SettingsError(ValueError):
    """A flag or environment variable holds a value the emulator cannot use."""


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    seed: int = 0
    fixtures: str | None = None  # None: the built-in default scenario
    log_level: str = "info"
    auth: str = "verify"
    workers: int = 1
    # Data shape ([choice] in CONTRACT sections 3 and 6).
    hourly_max_days: int = 7  # spans up to this many days (inclusive) are answered hourly
    max_span_days: int = 366
    data_start: dt.date = dt.date(2023, 1, 1)  # first day with usage, Asia/Shanghai
    data_end: dt.date = dt.date(2030, 12, 31)  # last day with usage, inclusive
    values_encoding: str = "single"  # "double": rows[].values JSON-encoded twice, as the reference shows
    # Gateway behaviour.
    clock_skew_minutes: int = 15
    nonce_ttl_minutes: int = 15
    host_id: str = "aicontent.aliyuncs.com"
    journal_size: int = 10_000

    def __post_init__(self) -> None:
        problems = []
        if not 0 <= self.port <= 65535:
            problems.append(f"port must be 0..65535, got {self.port}")
        if self.seed < 0 or self.seed >= 2**63:
            problems.append(f"seed must be 0..2^63-1, got {self.seed}")
        if self.log_level not in LOG_LEVELS:
            problems.append(f"log_level must be one of {', '.join(LOG_LEVELS)}, got {self.log_level!r}")
        if self.auth not in AUTH_MODES:
            problems.append(f"auth must be one of {', '.join(AUTH_MODES)}, got {self.auth!r}")
        if self.values_encoding not in VALUES_ENCODINGS:
            problems.append(f"values_encoding must be single or double, got {self.values_encoding!r}")
        if self.workers < 1:
            problems.append(f"workers must be at least 1, got {self.workers}")
        if not 1 <= self.hourly_max_days <= self.max_span_days:
            problems.append("hourly_max_days must be between 1 and max_span_days")
        if self.max_span_days < 1:
            problems.append("max_span_days must be at least 1")
        if self.data_end < self.data_start:
            problems.append("data_end must not be before data_start")
        if self.journal_size < 1:
            problems.append("journal_size must be at least 1")
        if problems:
            raise SettingsError("; ".join(problems))

    @classmethod
    def from_sources(
        cls, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
    ) -> Settings:
        """Defaults, then `AICONTENT_EMULATOR_<NAME>` variables, then explicit overrides (flags)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.name, f.type, raw)
        for name, value in (overrides or {}).items():
            if value is None:  # a flag that was not given: the variable or the default stands
                continue
            values[name] = _coerce(name, _field_type(cls, name), value) if isinstance(value, str) else value
        return cls(**values)

    def as_public_dict(self) -> dict[str, Any]:
        """The effective settings, as `GET /_emulator/config` shows them."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, dt.date) else value
        return out


def _field_type(cls: type, name: str) -> str:
    for f in dataclasses.fields(cls):
        if f.name == name:
            return str(f.type)
    raise SettingsError(f"unknown setting {name!r}")


def _coerce(name: str, type_name: Any, raw: str) -> Any:
    type_name = str(type_name)
    try:
        if type_name == "int":
            return int(raw, 10)
        if type_name == "dt.date":
            return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}: {raw!r} is not a valid {type_name}") from exc
    return raw.lower() if name in ("auth", "log_level", "values_encoding") else raw
