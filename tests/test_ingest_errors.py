"""Every kind of bad input fails at ingest.load with one line naming the file and the reason."""
from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.golden import DATA

import ingest
from tests.conftest import BAD_FILES


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_raises_ingest_error(name: str) -> None:
    path = DATA / name
    with pytest.raises(ingest.IngestError) as raised:
        ingest.load(path)
    assert raised.value.reason == BAD_FILES[name]
    assert str(raised.value) == f"{path}: {BAD_FILES[name]}"
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
