"""Every kind of bad input fails at ingest.load with one line naming the file and the reason."""
from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.golden import DATA

import ingest

BAD = {
    "empty.txt": "empty file (0 bytes)",
    "junk.txt": "not a text file (undecodable bytes)",
    "junk.pdf": "corrupt or truncated PDF (no %PDF header: not a PDF file)",
    "truncated.pdf": "corrupt or truncated PDF (no end-of-file marker: the file is cut short)",
    "encrypted.pdf": "encrypted PDF (password required)",
    "scanned-no-text.pdf": "no text layer (scanned PDF?)",
    "corrupt.docx": "corrupt DOCX (damaged zip archive)",
    "legacy-word.docx": "not a DOCX: a legacy Word .doc file (save it as .docx)",
    "deep-nesting.html": "HTML nested 501 levels deep (limit 500): refusing a malformed page",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_raises_ingest_error(name: str) -> None:
    path = DATA / name
    with pytest.raises(ingest.IngestError) as raised:
        ingest.load(path)
    assert raised.value.reason == BAD[name]
    assert str(raised.value) == f"{path}: {BAD[name]}"
    assert "\n" not in str(raised.value)


def test_unsupported_type(tmp_path: Path) -> None:
    path = tmp_path / "slides.pptx"
    path.write_bytes(b"PK\x03\x04 not really slides")
    with pytest.raises(ingest.UnsupportedFile, match=r"unsupported file type \.pptx"):
        ingest.load(path)


def test_file_over_the_size_cap() -> None:
    with pytest.raises(ingest.IngestError, match=r"over the 0\.0 MB limit"):
        ingest.load(DATA / "utf16-bom.txt", max_bytes=1000)


def test_pdf_with_only_a_truncated_tail_of_objects(tmp_path: Path) -> None:
    # Header and end marker intact, body cut out: pdfminer's own error comes through, shortened.
    data = (DATA / "issue-3-agreement-running-headers.pdf").read_bytes()
    path = tmp_path / "hollow.pdf"
    path.write_bytes(data[:200] + b"\n%%EOF\n")
    with pytest.raises(ingest.IngestError) as raised:
        ingest.load(path)
    assert raised.value.reason == "corrupt or truncated PDF (Unexpected EOF)"
