"""One frozen settings object, built from CLI flags and environment variables and passed in.

Nothing here is read at import time: `Settings.from_sources()` is called by the CLI, the
`Emulator` helper and the pytest plugin, each with its own overrides. What may change while the
emulator runs (the forms of the unknowns, the data clock, usage events) lives in the service,
which starts from these values and returns to them on reset.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from emulator.domain.clock import MAX_INSTANT, MAX_LAG_MINUTES, ClockError, parse_instant

ENV_PREFIX = "AICONTENT_EMULATOR_"
AUTH_MODES = ("off", "verify", "required")
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
# The forms of the unknowns: each a setting, switchable at run time (`PATCH /_emulator/config`).
FORMS: dict[str, tuple[str, ...]] = {
    "product_errors": ("both", "documented", "gateway"),
    "values_encoding": ("single", "double"),
    "empty_buckets": ("zero", "omit"),
    "client_list": ("leaves", "all"),
    "exhaustion": ("negative", "throttle"),
    "discounted_amounts": ("payable", "all"),
}


class SettingsError(ValueError):
    """A flag or environment variable holds a value the emulator cannot use."""


def _setting(default: Any, help: str, flag: bool = True) -> Any:
    """A setting: its default, what it means (CLI help, README table), and whether it has a flag
    (every setting has an environment variable)."""
    return dataclasses.field(default=default, metadata={"help": help, "flag": flag})


@dataclass(frozen=True)
class Settings:
    host: str = _setting("127.0.0.1", "address to listen on")
    port: int = _setting(8080, "port; 0 picks a free one, printed in the start line")
    seed: int = _setting(0, "seed of all generated data")
    fixtures: str | None = _setting(None, "scenario file (catalogue, organisations, accounts, policies, usage events); "
                                          "default: the built-in scenario")
    log_level: str = _setting("info", "critical, error, warning, info, debug or trace")
    auth: str = _setting("verify", "off, verify or required")
    workers: int = _setting(1, "worker processes")
    hourly_max_days: int = _setting(7, "spans up to this many days are answered hourly, longer ones daily")
    max_span_days: int = _setting(366, "the longest span accepted")
    data_start: dt.date = _setting(dt.date(2023, 1, 1), "first day with usage (Asia/Shanghai)", flag=False)
    data_end: dt.date = _setting(dt.date(2030, 12, 31), "last day with usage (Asia/Shanghai)", flag=False)
    now: int | None = _setting(None, "the data clock: Unix seconds or ISO 8601 with an offset; "
                                     "default: the wall clock")
    data_lag_minutes: int = _setting(0, "usage of the last N minutes before the data clock is not yet visible")
    product_errors: str = _setting("both", "form of product error bodies: both, documented or gateway")
    values_encoding: str = _setting("single", "form of rows[].values: single or double (JSON-encoded twice)")
    empty_buckets: str = _setting("zero", "form of buckets without usage: zero (rows of zeros) or omit")
    client_list: str = _setting("leaves", "form of QueryClientList: leaves (departments without sub-departments) "
                                          "or all")
    exhaustion: str = _setting("negative", "form of a wallet that runs out: negative (usage goes on, the balance "
                                           "goes below 0) or throttle (its keys stop until it is recharged)")
    discounted_amounts: str = _setting("payable", "form of the amounts a department's discount applies to: payable "
                                                  "(the breakdowns' payableAmount and the wallet debits) or all "
                                                  "(every amount)")
    clock_skew_minutes: int = _setting(15, "signature date window, either way of the wall clock", flag=False)
    nonce_ttl_minutes: int = _setting(15, "replay window of a nonce (at least)", flag=False)
    host_id: str = _setting("aicontent.aliyuncs.com", "HostId of gateway error bodies", flag=False)
    journal_size: int = _setting(10_000, "entries the request journal keeps (the oldest go first)", flag=False)
    state: str | None = _setting(None, "file that keeps the emulator's state across restarts (SQLite); "
                                       "default: a temporary one, removed at exit")
    allowed_hosts: str | None = _setting(None, "host names the control API and dashboard answer besides IP literals, "
                                               "localhost and single-label names: comma-separated, a leading dot "
                                               "for a domain and its subdomains (.ci.example), * for any")
    trusted_proxies: str | None = _setting(None, "addresses (comma-separated IPs or networks, * for any) whose "
                                                 "X-Forwarded-For/-Proto are trusted; default: none")

    def __post_init__(self) -> None:
        problems = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.type in ("int", "int | None") and value is not None and (
                    not isinstance(value, int) or isinstance(value, bool)):
                problems.append(f"{f.name} must be an integer, got {value!r}")
            if f.type in ("str", "str | None") and value is not None and not isinstance(value, str):
                problems.append(f"{f.name} must be text, got {value!r}")
        if problems:
            raise SettingsError("; ".join(problems))
        checks = [
            (0 <= self.port <= 65535, f"port must be 0..65535, got {self.port}"),
            (0 <= self.seed < 2**63, f"seed must be 0..2^63-1, got {self.seed}"),
            (self.log_level in LOG_LEVELS,
             f"log_level must be one of {', '.join(LOG_LEVELS)}, got {self.log_level!r}"),
            (self.auth in AUTH_MODES, f"auth must be one of {', '.join(AUTH_MODES)}, got {self.auth!r}"),
            (self.workers >= 1, f"workers must be at least 1, got {self.workers}"),
            (self.max_span_days >= 1, "max_span_days must be at least 1"),
            (1 <= self.hourly_max_days <= self.max_span_days, "hourly_max_days must be between 1 and max_span_days"),
            (self.data_end >= self.data_start, "data_end must not be before data_start"),
            (self.journal_size >= 1, "journal_size must be at least 1"),
            (0 <= self.data_lag_minutes <= MAX_LAG_MINUTES, f"data_lag_minutes must be 0..{MAX_LAG_MINUTES}"),
            (self.now is None or 0 <= self.now < MAX_INSTANT,
             "now must be a Unix time in seconds (or ISO 8601 with an offset)"),
            (1 <= self.clock_skew_minutes <= 10_000, "clock_skew_minutes must be 1..10000"),
            (1 <= self.nonce_ttl_minutes <= 10_000, "nonce_ttl_minutes must be 1..10000"),
        ]
        checks += [(getattr(self, name) in forms, f"{name} must be one of {', '.join(forms)}, "
                    f"got {getattr(self, name)!r}") for name, forms in FORMS.items()]
        problems = [why for ok, why in checks if not ok]
        problems += _list_problems("allowed_hosts", self.allowed_hosts, _is_host_pattern,
                                   "a host name, .domain or *")
        problems += _list_problems("trusted_proxies", self.trusted_proxies, _is_network,
                                   "an IP address, a network or *")
        if problems:
            raise SettingsError("; ".join(problems))

    def host_patterns(self) -> tuple[str, ...]:
        return _items(self.allowed_hosts)

    def proxy_addresses(self) -> tuple[str, ...]:
        return _items(self.trusted_proxies)

    @classmethod
    def from_sources(
        cls, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
    ) -> Settings:
        """Defaults, then `AICONTENT_EMULATOR_<NAME>` variables, then explicit overrides (flags)."""
        environ = os.environ if environ is None else environ
        names = {f.name: str(f.type) for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for name, type_name in names.items():
            raw = environ.get(ENV_PREFIX + name.upper())
            if raw is not None and raw != "":
                values[name] = _coerce(name, type_name, raw)
        for name, value in (overrides or {}).items():
            if name not in names:
                raise SettingsError(f"unknown setting {name!r}; known: {', '.join(names)}")
            if value is None:  # a flag that was not given: the variable or the default stands
                continue
            values[name] = _coerce(name, names[name], value)
        return cls(**values)

    def as_public_dict(self) -> dict[str, Any]:
        """The settings as `GET /_emulator/config` shows them (dates as ISO 8601)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, dt.date) else value
        return out


def _items(value: str | None) -> tuple[str, ...]:
    return tuple(x.strip().lower() for x in (value or "").split(",") if x.strip())


_HOST = re.compile(r"\.?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")


def _is_host_pattern(item: str) -> bool:
    return item == "*" or (len(item) <= 253 and _HOST.fullmatch(item) is not None)


def _is_network(item: str) -> bool:
    if item == "*":
        return True
    try:
        ipaddress.ip_network(item, strict=False)
    except ValueError:
        return False
    return True


def _list_problems(name: str, value: str | None, ok: Callable[[str], bool], what: str) -> list[str]:
    if value is None:
        return []
    if len(value) > 4096:
        return [f"{name} is longer than 4096 characters"]
    bad = [x for x in _items(value) if not ok(x)]
    return [f"{name}: {bad[0]!r} is not {what}"] if bad else []


def _instant(raw: Any) -> int:
    try:
        return parse_instant(raw)
    except ClockError as exc:
        raise ValueError(exc.reason) from None


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "int": lambda raw: int(raw, 10) if isinstance(raw, str) else raw,
    "int | None": lambda raw: int(raw, 10) if isinstance(raw, str) else raw,
    "dt.date": lambda raw: dt.date.fromisoformat(raw) if isinstance(raw, str) else raw,
}


def _coerce(name: str, type_name: str, raw: Any) -> Any:
    """A flag's or variable's text (or a Python caller's value) as the setting's type."""
    try:
        if name == "now":
            return _instant(raw)
        if name == "fixtures" and isinstance(raw, os.PathLike):
            return os.fspath(raw)
        parser = _PARSERS.get(type_name)
        if parser is not None:
            return parser(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}: {raw!r} is not valid ({exc})") from None
    if isinstance(raw, str) and (name in FORMS or name in ("auth", "log_level")):
        return raw.lower()
    return raw
