from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A file accords cannot turn into a Document; the message is one line naming file and reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFile(IngestError):
    pass
