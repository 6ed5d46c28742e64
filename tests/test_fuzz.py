"""Property tests: every reader, the segmenter and extraction survive arbitrary input.

The only exception allowed out of ingest is IngestError; offsets always lie inside the text and
every clause is the very substring its offsets name.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ingest
from ingest.blocks import Block
from ingest.models import Document
from ingest.structure import segment

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

agreementish = st.lists(
    st.one_of(
        st.sampled_from([
            "Section I – Scope", "Article 3", "ANNEX A", "1. The Parties shall cooperate.", "(a) promptly;",
            "(iv) as agreed;", "- a bullet", "Whereas minerals matter;", "RECOGNIZING the need;",
            "Signed at Kuala Lumpur, 26 October 2025.", "For the Government of Malaysia:", "3.1 Sub-item text.",
            "as set out in Section 2 of this text", "", "   ", "\t", "Page 2 of 5",
        ]),
        st.text(min_size=0, max_size=80),
    ),
    min_size=0,
    max_size=25,
)


def assert_consistent(doc: Document) -> None:
    assert doc.clauses, "a Document always has clauses"
    for clause in doc.clauses:
        assert 0 <= clause.start < clause.end <= len(doc.text)
        assert doc.text[clause.start : clause.end] == clause.text
        assert clause.clause_id.startswith(doc.doc_id + "/")
    assert len({c.clause_id for c in doc.clauses}) == len(doc.clauses)
    for section in doc.sections:
        assert 0 <= section.start <= section.end <= len(doc.text)


def load_or_reject(path: Path) -> Document | None:
    try:
        doc = ingest.load(path)
    except ingest.IngestError as exc:
        assert str(path) in str(exc) and exc.reason
        return None
    assert_consistent(doc)
    return doc


@FUZZ
@given(lines=agreementish)
def test_segmentation_offsets_always_point_at_clause_text(lines: list[str]) -> None:
    blocks = [Block(line) for line in lines if line.strip()]
    text, sections, clauses = segment(blocks, "fuzz")
    for clause in clauses:
        assert 0 <= clause.start < clause.end <= len(text)
        assert text[clause.start : clause.end] == clause.text
    for section in sections:
        assert 0 <= section.start <= section.end <= len(text)


@FUZZ
@given(lines=agreementish, suffix=st.sampled_from([".txt", ".md"]), encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_text_readers_accept_or_reject_cleanly(tmp_path: Path, lines: list[str], suffix: str, encoding: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes("\n".join(lines).encode(encoding, errors="replace"))
    load_or_reject(path)


@FUZZ
@given(data=st.binary(min_size=0, max_size=3000), suffix=st.sampled_from([".txt", ".md", ".pdf", ".html", ".docx"]))
def test_any_bytes_under_any_name_give_a_document_or_an_ingest_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"junk{suffix}"
    path.write_bytes(data)
    load_or_reject(path)


@FUZZ
@given(body=st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=12),
       tags=st.lists(st.sampled_from(["div", "p", "li", "h2", "nav", "footer", "script", "table"]), max_size=12))
def test_html_of_any_shape(tmp_path: Path, body: list[str], tags: list[str]) -> None:
    from html import escape

    parts = [f"<{tag}>{escape(text)}</{tag}>" for tag, text in zip(tags + ["p"] * len(body), body, strict=False)]
    path = tmp_path / "page.html"
    path.write_text(f"<html><head><title>t</title></head><body><article>{''.join(parts)}</article></body></html>")
    load_or_reject(path)


@pytest.fixture(scope="module")
def extractor():  # type: ignore[no-untyped-def]
    from extract import Extractor

    return Extractor()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=agreementish)
def test_extraction_evidence_always_lies_inside_its_clause(extractor, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
    blocks = [Block(line) for line in lines if line.strip()]
    if not blocks:
        return
    text, sections, clauses = segment(blocks, "fuzz")
    if not clauses:
        return
    doc = Document(doc_id="fuzz", title="Fuzz", text=text, sections=sections, clauses=clauses)
    by_id = {c.clause_id: c for c in clauses}
    for found in extractor.extract(doc):
        clause = by_id[found.clause_id]
        assert clause.start <= found.start <= found.end <= clause.end
        assert text[found.start : found.end] == found.text
