"""Input limits, so one hostile or broken file cannot exhaust memory or time.

load() sets the limits for the file it reads; readers consult current() rather than taking one
more argument each, since only a few of them have a limit to apply.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IngestError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * MB
    max_pages: int = 2000
    # Longer paragraphs are split at sentence ends into clauses of at most this many characters.
    max_clause_chars: int = 8000
    # What compressed streams (PDF) or zip members (DOCX) may inflate to, in all.
    max_inflated_bytes: int = 512 * MB


_ACTIVE: ContextVar[Limits] = ContextVar("accords_ingest_limits", default=Limits())  # noqa: B039 (frozen)


def current() -> Limits:
    return _ACTIVE.get()


@contextmanager
def applied(limits: Limits) -> Iterator[None]:
    token = _ACTIVE.set(limits)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


_STREAM = re.compile(rb"stream\r?\n")


def check_pdf_streams(data: bytes, path: Path) -> None:
    """Refuse a PDF whose Flate streams inflate past the limit, measured without holding the output."""
    limit = current().max_inflated_bytes
    total = 0
    for match in _STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        if end < 0:
            break
        inflater = zlib.decompressobj()
        pending = data[match.end() : end]
        try:
            while pending and total <= limit:
                total += len(inflater.decompress(pending, 1 * MB))
                pending = inflater.unconsumed_tail
        except zlib.error:
            continue  # not Flate, or damaged: the parser decides
        if total > limit:
            raise IngestError(path, f"compressed content inflates past {limit // MB} MB "
                                    "(decompression bomb?); raise ACCORDS_MAX_INFLATED_MB to allow it")


def check_zip_members(members: list[tuple[str, int, int]], path: Path) -> None:
    """members: (name, compressed size, declared size). Refuse archives that inflate past the limit."""
    limit = current().max_inflated_bytes
    declared = sum(size for _, _, size in members)
    if declared > limit:
        raise IngestError(path, f"archive inflates to {declared // MB} MB, over the {limit // MB} MB limit "
                                "(decompression bomb?)")


def check_pages(n_pages: int, path: Path) -> None:
    limit = current().max_pages
    if n_pages > limit:
        raise IngestError(path, f"{n_pages} pages, over the limit of {limit} (ACCORDS_MAX_PAGES)")


def split_long(text: str, limit: int) -> list[str]:
    """Cut text into pieces of at most limit characters, at sentence ends where there are any."""
    pieces: list[str] = []
    while len(text) > limit:
        window = text[:limit]
        cut = max(window.rfind(". "), window.rfind("; "), window.rfind("? "), window.rfind("! "))
        cut = cut + 1 if cut > limit // 3 else window.rfind(" ")
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut].strip())
        text = text[cut:].strip()
    if text:
        pieces.append(text)
    return [p for p in pieces if p]
