"""Crash points for fault-injection tests: ACCORDS_CRASH_AT=<point> stops the process there.

Only tests set it; a user never does. It lets a test prove that a stop at each step of an ingest or a
removal leaves every document absent or whole. By default the process is killed with SIGKILL, as a
power cut or an OOM kill would; with ACCORDS_CRASH_MODE=raise it raises CrashPoint instead, which no
handler of ours catches, so a test can stop an ingest in its own process and reopen the folder.
"""
from __future__ import annotations

import os
import signal

INGEST_POINTS = ("after-sqlite", "after-vector-delete", "mid-vectors", "before-ready")
POINTS = (*INGEST_POINTS, "mid-removal")


class CrashPoint(BaseException):  # noqa: N818  # not an error to handle: a stand-in for the process dying
    """Raised at a crash point under ACCORDS_CRASH_MODE=raise."""


def crash_point(name: str) -> None:
    if os.environ.get("ACCORDS_CRASH_AT") != name:
        return
    if os.environ.get("ACCORDS_CRASH_MODE") == "raise":
        raise CrashPoint(name)
    os.kill(os.getpid(), signal.SIGKILL)
