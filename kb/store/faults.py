"""Crash points for fault-injection tests: ACCORDS_CRASH_AT=<point> kills the process there with SIGKILL.

Only tests set it; a user never does. It lets a test prove that a kill at each step of an ingest
leaves every document absent or whole.
"""
from __future__ import annotations

import os
import signal

INGEST_POINTS = ("after-sqlite", "after-vector-delete", "mid-vectors", "before-ready")
POINTS = (*INGEST_POINTS, "mid-removal")


def crash_point(name: str) -> None:
    if os.environ.get("ACCORDS_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
