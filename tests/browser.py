"""A real `accords serve` and a real Chromium for the browser tests (tests/test_browser.py) and the README's
screenshots (docs/screenshots.py). Chromium is Debian's package (`make browser` installs it); Playwright drives
it by path and never downloads a browser."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TRIES = 300  # asks of /health, 0.2 s apart, before a server that never answers fails the tests
# The flags a closed network needs: without them Chromium keeps calling home at every start.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def chromium_path() -> str:
    found = os.environ.get("ACCORDS_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("the browser tests need Debian's chromium: run `make browser` "
                           "(or set ACCORDS_CHROMIUM to a Chromium binary)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(home: Path, api_key: str | None = None) -> Iterator[str]:
    """`accords serve` over home on a free local port; yields its base URL once /health answers."""
    port = free_port()
    env = {**os.environ, "ACCORDS_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    env.pop("ACCORDS_API_KEY", None)
    if api_key:
        env["ACCORDS_API_KEY"] = api_key
    proc = subprocess.Popen([sys.executable, "-m", "kb", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for attempt in range(STARTUP_TRIES):
            try:
                with urllib.request.urlopen(base + "/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or attempt == STARTUP_TRIES - 1:
                    raise RuntimeError("accords serve did not start: " + (proc.stderr.read() if proc.stderr else b"")
                                       .decode(errors="replace")[-2000:]) from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
