"""`aicontent-emulator`: run the emulator as a server. Flags override environment variables."""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import socket
import sys
from collections.abc import Sequence

from emulator.settings import ENV_PREFIX, Settings, SettingsError


def build_parser() -> argparse.ArgumentParser:
    """One flag per setting that has one (`Settings` states each once, with its help)."""
    p = argparse.ArgumentParser(
        prog="aicontent-emulator",
        description="Offline emulator of Alibaba Cloud AiContent's Model Router billing API. "
                    f"Every setting can also be given as an environment variable {ENV_PREFIX}<NAME>, "
                    f"e.g. {ENV_PREFIX}PORT=9000; a flag wins over the variable.")
    defaults = Settings()
    for f in dataclasses.fields(Settings):
        if f.metadata.get("flag"):
            default = getattr(defaults, f.name)
            shown = "" if default is None else f" (default {default})"
            p.add_argument("--" + f.name.replace("_", "-"), dest=f.name, help=f.metadata["help"] + shown)
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
    from emulator.harness.state import SHARED_ENV, TEMPORARY_ENV
    from emulator.server import host_port, listen_socket
    from emulator.web import protocol
    from emulator.web.app import create_app

    try:  # everything is loaded and checked here, before listening, however many workers follow
        app = create_app(settings)
    except (ScenarioError, SettingsError) as exc:
        print(f"aicontent-emulator: {exc}", file=sys.stderr)
        return 2
    try:
        sock = listen_socket(settings.host, settings.port)
    except OSError as exc:
        print(f"aicontent-emulator: cannot listen on {settings.host}:{settings.port}: {exc.strerror} "
              "(another program holds the port? --port 0 picks a free one)", file=sys.stderr)
        return 1
    settings = app.service.settings = dataclasses.replace(settings, port=sock.getsockname()[1])  # 0: the free one
    banner = (f"aicontent-emulator listening on http://{host_port(settings.host, settings.port)} "
              f"(seed {settings.seed}, auth {settings.auth}, workers {settings.workers})")
    if settings.workers > 1:
        # Workers are separate processes: each rebuilds the same settings from the environment.
        # They share this process's state (its store, the temporary one too), which this process
        # owns: it holds the state's lock and removes a temporary state when it exits.
        for name, value in settings.as_public_dict().items():
            if value is not None:
                os.environ[ENV_PREFIX + name.upper()] = str(value)
        os.environ[ENV_PREFIX + "STATE"] = str(app.service.state.path)
        os.environ[SHARED_ENV] = "1"
        os.environ[TEMPORARY_ENV] = "1" if app.service.state.temporary else "0"
        print(banner, flush=True)
        _stop_with_status_zero()
        # uvicorn's own supervisor, handed our TCP socket (not `fd=`, which uvicorn takes for a Unix
        # socket: its connections would then lack TCP_NODELAY, and wait out delayed ACKs, 40 ms each).
        from uvicorn.supervisors import Multiprocess

        config = uvicorn.Config("emulator.web.app:app_from_environment", factory=True, workers=settings.workers,
                                **protocol.uvicorn_options(settings))
        try:
            Multiprocess(config, sockets=[sock]).run()
        finally:
            app.service.close()
        return 0
    config = uvicorn.Config(app, **protocol.uvicorn_options(settings))

    class _Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                print(banner, flush=True)

    _stop_with_status_zero()
    try:
        _Server(config).run(sockets=[sock])
    finally:
        app.service.close()
    return 0


def _stop_with_status_zero() -> None:
    """uvicorn shuts down gracefully on SIGTERM/SIGINT, then re-raises the signal to the handler
    that was there before it; a no-op one lets `main` return 0, so a container stop is clean."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
