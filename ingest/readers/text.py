"""Plain text: decode with detection, then split into paragraph blocks (Markdown has its own reader)."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from ingest.blocks import Block
from ingest.errors import IngestError
from ingest.structure_rules import SENTENCE_END, numbered_heading

_LIST_START = re.compile(r"^\s*(?:\(?[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]|\([a-z]{1,4}\)|[a-z][.)]|[-*•–])\s+")


def decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252 when it decodes cleanly."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError(path, f"invalid UTF-16 text ({exc.reason})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    results = list(from_bytes(data))
    if not results or _looks_binary(data):
        raise IngestError(path, "not a text file (undecodable bytes)")
    best = min(results, key=lambda r: (r.chaos, -r.coherence))
    # Single-byte Western texts score the same under cp1250, cp1252 and cp1257, and the tie goes
    # to whichever comes first; Windows-1252 is by far the likeliest for English agreements.
    tied = [r for r in results if r.chaos <= best.chaos + 0.001 and r.coherence >= best.coherence - 0.01]
    western = next((r for r in tied if r.encoding == "cp1252"), None)
    return str(western or best)


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def read_text(data: bytes, path: Path) -> list[Block]:
    text = decode(data, path)
    if "\x00" in text or _looks_binary(text.encode("utf-8", "replace")):
        raise IngestError(path, "not a text file (binary content)")
    return split_paragraphs(text.splitlines())


def split_paragraphs(lines: list[str]) -> list[Block]:
    """Blank lines end a paragraph; a line that opens a list item starts a new one; a numbered heading
    ("Article 2 – Traceability") stands alone even when its text follows on the next line."""
    blocks: list[Block] = []
    current: list[str] = []

    def flush() -> None:
        joined = " ".join(part.strip() for part in current if part.strip())
        if joined:
            blocks.append(Block(joined))
        current.clear()

    for line in lines:
        if not line.strip():
            flush()
        elif numbered_heading(line.strip()) and not SENTENCE_END.search(line):
            flush()
            blocks.append(Block(line.strip()))
        elif _LIST_START.match(line) and current:
            flush()
            current.append(line)
        else:
            current.append(line)
    flush()
    return blocks
