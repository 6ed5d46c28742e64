"""One writer at a time per knowledge base: a file lock that says so when it has to wait."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kb.errors import AccordsError


class KnowledgeBaseBusy(AccordsError):
    pass


def _say_waiting(_path: Path) -> None:
    sys.stderr.write("knowledge base busy, waiting… (another accords process is writing)\n")
    sys.stderr.flush()


@contextmanager
def write_lock(data_dir: Path, timeout: float, on_wait: Callable[[Path], None] = _say_waiting,
               wait: bool = True) -> Iterator[bool]:
    """Yields True once the lock is held; with wait=False yields False at once if another process holds it."""
    from filelock import FileLock, Timeout

    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "write.lock"
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if not wait:
            yield False
            return
        on_wait(path)
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise KnowledgeBaseBusy(
                f"knowledge base {data_dir} is still busy after {timeout:.0f} s (another accords process is writing); "
                "try again, or raise ACCORDS_LOCK_TIMEOUT"
            ) from None
    try:
        yield True
    finally:
        lock.release()
