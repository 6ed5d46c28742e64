"""ingest.load(path) -> Document: read, segment, describe. The only place ingest touches files."""
from __future__ import annotations

import fnmatch
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel

from ingest.blocks import Block, hints_of
from ingest.errors import IngestError, UnsupportedFile
from ingest.limits import Limits, applied, split_long
from ingest.metadata import (
    SIDECAR_SUFFIX,
    checked_fields,
    extra_fields,
    first_date,
    guess_doc_type,
    guess_title,
    read_sidecar,
    signed_date,
)
from ingest.models import Document
from ingest.parties import find_parties, normalise_country
from ingest.readers.markdown import read_markdown
from ingest.readers.text import read_text
from ingest.structure import segment

# Bump when segmentation or readers change what a file turns into, so re-ingest refreshes it.
PARSER_VERSION = "3"  # 3: Markdown by a CommonMark parser with front matter; signing dates; printed numbers
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
IGNORE_FILE = ".accordsignore"

Reader = Callable[[bytes, Path], list[Block]]


def _readers() -> dict[str, Reader]:
    readers: dict[str, Reader] = {".txt": read_text, ".text": read_text, ".md": read_markdown,
                                  ".markdown": read_markdown}
    try:
        from ingest.readers.pdf import read_pdf

        readers[".pdf"] = read_pdf
    except ImportError:
        pass
    try:
        from ingest.readers.html import read_html

        readers[".html"] = readers[".htm"] = read_html
    except ImportError:
        pass
    try:
        from ingest.readers.docx import read_docx

        readers[".docx"] = read_docx
    except ImportError:
        pass
    return readers


SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".pdf", ".html", ".htm", ".docx")


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "document"


def default_doc_id(path: Path) -> str:
    return slugify(path.name.rsplit(".", 1)[0] if path.suffix else path.name)


def load(path: Path | str, *, max_bytes: int | None = None, doc_id: str | None = None,
         limits: Limits | None = None, sha256: str | None = None) -> Document:
    """Read one file into a Document; raise IngestError naming the file and the reason.

    sha256 is the file's fingerprint when the caller has taken it already (to see whether the file
    changed); otherwise it is taken from the bytes read here, so a file is read and hashed once.
    """
    limits = limits or Limits()
    if max_bytes is not None:
        limits = replace(limits, max_bytes=max_bytes)
    max_bytes = limits.max_bytes
    path = Path(path)
    if not path.exists():
        raise IngestError(path, "no such file")
    if path.is_dir():
        raise IngestError(path, "is a folder (pass it to ingest, which walks folders)")
    suffix = path.suffix.lower()
    reader = _readers().get(suffix)
    if reader is None:
        raise UnsupportedFile(path, f"unsupported file type {suffix or '(none)'} "
                                    f"(supported: {', '.join(SUPPORTED_SUFFIXES)})")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(path, "empty file (0 bytes)")
    if size > max_bytes:
        raise IngestError(path, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit")
    data = path.read_bytes()
    sidecar = read_sidecar(path)
    with applied(limits):
        doc = parse(data, path, reader, sidecar, doc_id)
    doc.sha256 = sha256 or fingerprint(path, data)
    return doc


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name.rsplit(".", 1)[0] + SIDECAR_SUFFIX)


def fingerprint(path: Path | str, data: bytes | None = None) -> str:
    """What decides 'unchanged': the file's bytes (data, when already read), its sidecar's bytes and the
    parser version."""
    path = Path(path)
    digest = hashlib.sha256(path.read_bytes() if data is None else data)
    sidecar = sidecar_path(path)
    if sidecar.exists():
        digest.update(b"\0sidecar\0" + sidecar.read_bytes())
    digest.update(b"\0parser\0" + PARSER_VERSION.encode())
    return digest.hexdigest()


def parse(data: bytes, path: Path, reader: Reader, sidecar: dict[str, object], doc_id: str | None) -> Document:
    read = reader(data, path)
    hints = hints_of(read)
    blocks = _split_long_blocks([b for b in read if b.text.strip()])
    if not blocks:
        raise IngestError(path, "no text found")
    # Precedence: the sidecar, then what the file declares about itself (front matter), then the text.
    declared: dict[str, object] = {**checked_fields(hints.declared, path), **sidecar}
    doc_id = doc_id or str(declared.get("doc_id") or default_doc_id(path))
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,127}", doc_id):
        raise IngestError(path, f"doc_id {doc_id!r} must be lower-case letters, digits, '.', '_' or '-'")
    text, sections, clauses = segment(blocks, doc_id)
    if not clauses:
        raise IngestError(path, "no clauses found (the text holds only headings)")
    title = str(declared.get("title") or guess_title(clauses, hints.title or path.stem))
    doc_type = str(declared.get("doc_type") or guess_doc_type(
        title, text, " ".join(c.text for c in clauses if c.kind == "title"), tags=_tags(declared)))
    parties_raw = declared.get("parties")
    parties = (
        [normalise_country(str(p)) for p in parties_raw]
        if isinstance(parties_raw, list)
        else find_parties(title, clauses, doc_type, text)
    )
    meta = extra_fields(declared)
    if hints.source and "url" not in meta and "source_url" not in meta:
        meta["url"] = hints.source
    published = declared.get("published") or hints.date
    date = declared.get("date") or signed_date(clauses) or published or first_date(text)
    return Document(
        doc_id=doc_id,
        title=title,
        date=date,  # type: ignore[arg-type]  # checked_fields and read_sidecar made it a date
        published=published,  # type: ignore[arg-type]  # checked_fields and read_sidecar made it a date
        parties=parties,
        doc_type=doc_type,  # type: ignore[arg-type]  # checked against DOC_TYPES
        source=str(path.resolve()),
        text=text,
        sections=sections,
        clauses=clauses,
        meta=meta,
    )


def _tags(declared: dict[str, object]) -> list[str]:
    tags = declared.get("tags")
    return [str(t) for t in tags] if isinstance(tags, list) else []


def _split_long_blocks(blocks: list[Block]) -> list[Block]:
    from ingest.limits import current

    limit = current().max_clause_chars
    out: list[Block] = []
    for block in blocks:
        if len(block.text) <= limit:
            out.append(block)
        else:
            out.extend(replace(block, text=piece) for piece in split_long(block.text, limit))
    return out


class SkippedPath(BaseModel):
    """A file a folder walk passed over although nothing asked for that: the user may expect it ingested."""

    path: Path
    reason: str


class Discovered(list[Path]):
    """The files a walk found, in order, plus `skipped`: files in the walked folders that no reader takes.

    A list, so that callers which only want the files iterate, count and slice it as before.
    """

    def __init__(self, files: Iterable[Path] = (), skipped: Iterable[SkippedPath] = ()) -> None:
        super().__init__(files)
        self.skipped: list[SkippedPath] = list(skipped)


def discover(paths: Iterable[Path | str]) -> Discovered:
    """Expand folders into the supported files below them, honouring .accordsignore files.

    A file named explicitly is always returned, so an unsupported one is reported, not skipped. Inside a
    folder, a file no reader takes lands in `skipped`; hidden entries, ignored ones and metadata sidecars
    are left out silently, since nobody meant them as documents.
    """
    found = Discovered()
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            found.append(path)
            continue
        patterns = _ignore_patterns(path)
        for candidate in sorted(path.rglob("*")):
            rel = candidate.relative_to(path).as_posix()
            if any(part.startswith(".") for part in candidate.relative_to(path).parts):
                continue
            if not candidate.is_file() or candidate.name.endswith(SIDECAR_SUFFIX) or _ignored(rel, patterns):
                continue
            suffix = candidate.suffix.lower()
            if suffix not in SUPPORTED_SUFFIXES:
                found.skipped.append(SkippedPath(path=candidate, reason=f"unsupported file type {suffix or '(none)'}"))
                continue
            found.append(candidate)
    return found


def _ignore_patterns(folder: Path) -> list[str]:
    ignore = folder / IGNORE_FILE
    if not ignore.exists():
        return []
    lines = ignore.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _ignored(rel: str, patterns: list[str]) -> bool:
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(rel, pattern) or rel.startswith(pattern + "/") or fnmatch.fnmatch(rel.split("/")[0], pattern):
            return True
    return False
