"""Shared parts of the issue-17 browser tests: Debian's Chromium driven by Playwright (launched by
`executable_path`; tests/surfaces/test_ui.py launches it here too), and a page served from *another* origin (a tiny
http.server on another local port, in a thread) to play the attacker's site.

Without a browser the tests skip, saying how to get one; with AICONTENT_REQUIRE_BROWSER=1 they
fail instead .
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def project_root() -> Path:
    """The checkout holding these tests (the folder with pyproject.toml), wherever the file sits."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "pyproject.toml").exists():
            return folder
    raise AssertionError("no pyproject.toml above the tests")


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no {CHROMIUM}: install it with `apt-get install -y chromium`"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not importable: `pip install playwright` (the browser is Debian's chromium)"
    return None


def require_browser() -> None:
    """Skip without a browser, saying how to get one; fail instead under AICONTENT_REQUIRE_BROWSER=1."""
    missing = _missing()
    if missing:
        if os.environ.get("AICONTENT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"AICONTENT_REQUIRE_BROWSER=1 but {missing}", pytrace=False)
        pytest.skip(missing)


@contextlib.contextmanager
def launch() -> Iterator[Any]:
    """A headless Chromium (Playwright's Browser), closed with its driver at the end."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as pw_expect

    return pw_expect(locator)


class OtherOrigin:
    """Pages served from another origin (`http://127.0.0.1:<another port>`), in a thread.

    `pages` maps a path to its HTML; `requests` lists the paths asked for. Use it as a context
    manager: the server is shut down and its thread joined at the end."""

    def __init__(self, pages: dict[str, str]) -> None:
        self.pages = pages
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                outer.requests.append(self.path)
                html = outer.pages.get(self.path)
                body = (html or "not found").encode()
                self.send_response(200 if html is not None else 404)
                self.send_header("content-type", "text/html;charset=utf-8")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="other-origin", daemon=True)

    def __enter__(self) -> OtherOrigin:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
        assert not self._thread.is_alive(), "the other origin's server did not stop"
