"""`aicontent-emulator`: run the emulator as a server. Flags override environment variables."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
from collections.abc import Sequence

from emulator.settings import ENV_PREFIX, Settings, SettingsError


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="aicontent-emulator",
        description="Offline emulator of Alibaba Cloud AiContent ModelRouterQueryCostModelDetail. "
                    f"Every flag can also be set as an environment variable {ENV_PREFIX}<NAME>, "
                    f"e.g. {ENV_PREFIX}PORT=9000.")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 8080; 0 picks a free one and prints it)")
    p.add_argument("--seed", type=int, help="seed of all generated data (default 0)")
    p.add_argument("--fixtures", help="scenario file (default: the built-in scenario)")
    p.add_argument("--log-level", dest="log_level", help="critical|error|warning|info|debug (default info)")
    p.add_argument("--auth", help="off|verify|required (default verify)")
    p.add_argument("--workers", type=int, help="worker processes (default 1)")
    p.add_argument("--values-encoding", dest="values_encoding",
                   help="single|double: rows[].values JSON-encoded once (default) or twice as the reference shows")
    p.add_argument("--hourly-max-days", dest="hourly_max_days", type=int,
                   help="spans up to this many days are answered hourly (default 7)")
    p.add_argument("--max-span-days", dest="max_span_days", type=int, help="longest span allowed (default 366)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_sources(vars(args))
    except SettingsError as exc:
        print(f"aicontent-emulator: {exc}", file=sys.stderr)
        return 2
    import uvicorn  # imported late so --help and bad flags answer at once

    from emulator.domain.scenario import ScenarioError
    from emulator.server import host_port, listen_socket
    from emulator.web import protocol
    from emulator.web.app import create_app

    try:
        sock = listen_socket(settings.host, settings.port)
    except OSError as exc:
        print(f"aicontent-emulator: cannot listen on {settings.host}:{settings.port}: {exc.strerror}", file=sys.stderr)
        return 1
    banner = (f"aicontent-emulator listening on http://{host_port(settings.host, sock.getsockname()[1])} "
              f"(seed {settings.seed}, auth {settings.auth}, workers {settings.workers})")
    if settings.workers > 1:
        # Workers are separate processes: each rebuilds the same settings from the environment.
        for name, value in settings.as_public_dict().items():
            if value is not None:
                os.environ[ENV_PREFIX + name.upper()] = str(value)
        sock.set_inheritable(True)
        print(banner, flush=True)
        _stop_with_status_zero()
        uvicorn.run("emulator.web.app:app_from_environment", factory=True, workers=settings.workers,
                    fd=sock.fileno(), http=protocol.PATH, log_level=settings.log_level, access_log=False,
                    lifespan="off",
                    timeout_graceful_shutdown=2)
        return 0
    try:
        app = create_app(settings)
    except (ScenarioError, SettingsError) as exc:
        print(f"aicontent-emulator: {exc}", file=sys.stderr)
        return 2
    config = uvicorn.Config(app, http=protocol.PATH, log_level=settings.log_level, access_log=False,
                            lifespan="off", timeout_graceful_shutdown=2)

    class _Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                print(banner, flush=True)

    _stop_with_status_zero()
    _Server(config).run(sockets=[sock])
    return 0


def _stop_with_status_zero() -> None:
    """uvicorn shuts down gracefully on SIGTERM/SIGINT, then re-raises the signal to the handler
    that was there before it; a no-op one lets `main` return 0, so a container stop is clean."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
