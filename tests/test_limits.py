"""Limits: page count, decompression bombs (PDF streams, DOCX zips) and over-long clauses."""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import pytest

import ingest
from ingest.limits import MB, Limits, split_long
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data"


def bomb_pdf(path: Path, inflated_mb: int) -> Path:
    """A tiny PDF whose one content stream inflates to inflated_mb of zeros."""
    stream = zlib.compress(b"\0" * (inflated_mb * MB), 9)
    body = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
            b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n"
            b"4 0 obj << /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\nstream\n"
            + stream + b"\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    path.write_bytes(body)
    return path


def test_pdf_decompression_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    path = bomb_pdf(tmp_path / "bomb.pdf", inflated_mb=64)
    assert path.stat().st_size < 200_000
    with pytest.raises(ingest.IngestError, match=r"inflates past 16 MB \(decompression bomb\?\)"):
        ingest.load(path, limits=Limits(max_inflated_bytes=16 * MB))


def test_docx_zip_bomb_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(DATA / "numbered-headings.docx", "ignored")
        archive.writestr("word/padding.bin", b"\0" * (40 * MB))
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(ingest.IngestError, match=r"archive inflates to 40 MB, over the 16 MB limit"):
        ingest.load(path, limits=Limits(max_inflated_bytes=16 * MB))


def test_page_limit(tmp_path: Path) -> None:
    pdf = DATA / "issue-3-agreement-running-headers.pdf"
    ingest.load(pdf)  # under the default limit
    with pytest.raises(ingest.IngestError, match=r"pages, over the limit of 1 \(ACCORDS_MAX_PAGES\)"):
        ingest.load(pdf, limits=Limits(max_pages=1))


def test_an_overlong_paragraph_becomes_several_clauses_at_sentence_ends(tmp_path: Path) -> None:
    sentence = "The Parties shall exchange geological survey data on tungsten deposits every quarter. "
    path = tmp_path / "long.txt"
    path.write_text("LONG AGREEMENT\n\n1. " + sentence * 120)
    doc = ingest.load(path, limits=Limits(max_clause_chars=1000))
    long_ones = [c for c in doc.clauses if "geological" in c.text]
    assert len(long_ones) >= 10
    assert all(len(c.text) <= 1000 and c.text.endswith("quarter.") for c in long_ones)
    assert all(doc.text[c.start : c.end] == c.text for c in doc.clauses)


def test_split_long_cuts_at_spaces_when_there_is_no_sentence_end() -> None:
    pieces = split_long("word " * 500, 100)
    assert all(len(p) <= 100 for p in pieces) and " ".join(pieces) == ("word " * 500).strip()


def test_cli_reports_the_limit_as_one_line(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORDS_MAX_INFLATED_MB", "16")
    path = bomb_pdf(tmp_path / "bomb.pdf", inflated_mb=64)
    result = run_cli("ingest", path)
    assert result.code == 1
    assert result.stderr.strip() == (f"{path}: compressed content inflates past 16 MB (decompression bomb?); "
                                     "raise ACCORDS_MAX_INFLATED_MB to allow it")
