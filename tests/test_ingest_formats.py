"""Each real fixture file ingests to the clauses, sections and pages in its golden dump.

The fixtures come from tests/fixtures/make_fixtures.py; the goldens from make_golden.py (run by
hand, never by a test). A parsing change therefore shows up here as a diff to review.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from fixtures.golden import DATA, GOOD, clause_dump, golden_path

import ingest


@pytest.mark.parametrize("name", GOOD)
def test_clauses_match_golden(name: str) -> None:
    doc = ingest.load(DATA / name)
    assert clause_dump(doc) == golden_path(name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", GOOD)
def test_offsets_point_into_the_normalised_text(name: str) -> None:
    doc = ingest.load(DATA / name)
    for clause in doc.clauses:
        assert doc.text[clause.start : clause.end] == clause.text
    for section in doc.sections:
        assert 0 <= section.start <= section.end <= len(doc.text)


METADATA = {
    "issue-3-agreement-running-headers.pdf": (
        "Framework between the Kingdom of Norway and the Republic of Chile on Lithium Supply Chains",
        dt.date(2025, 3, 14), ["Norway", "Chile"], "framework"),
    "press-release-boilerplate.html": (
        "Canada and Australia Agree on Graphite Cooperation", dt.date(2025, 9, 2), ["Canada", "Australia"],
        "press_release"),
    "numbered-headings.docx": (
        "Memorandum of Understanding between Canada and Japan on Critical Minerals", dt.date(2025, 6, 2),
        ["Canada", "Japan"], "memorandum"),
    "utf16-bom.txt": (
        "JOINT STATEMENT OF FRANCE AND BRAZIL ON CRITICAL MINERALS", dt.date(2025, 5, 5), ["France", "Brazil"],
        "joint_statement"),
}


@pytest.mark.parametrize("name", sorted(METADATA))
def test_metadata_found_in_the_text(name: str) -> None:
    title, date, parties, doc_type = METADATA[name]
    doc = ingest.load(DATA / name)
    assert (doc.title, doc.date, doc.parties, doc.doc_type) == (title, date, parties, doc_type)


def test_sidecar_overrides_what_the_text_says(tmp_path: Path) -> None:
    target = tmp_path / "graphite.html"
    shutil.copy(DATA / "press-release-boilerplate.html", target)
    (tmp_path / "graphite.meta.yaml").write_text(
        "doc_id: ca-au-graphite\ntitle: Graphite statement\ndate: 2025-09-01\n"
        "parties: [Commonwealth of Australia, Canada]\ndoc_type: joint_statement\n", encoding="utf-8")
    doc = ingest.load(target)
    assert (doc.doc_id, doc.title, doc.date, doc.doc_type) == (
        "ca-au-graphite", "Graphite statement", dt.date(2025, 9, 1), "joint_statement")
    assert doc.parties == ["Australia", "Canada"]
    assert doc.clauses[0].clause_id.startswith("ca-au-graphite/")


def test_pdf_drops_running_headers_footers_and_page_numbers() -> None:
    doc = ingest.load(DATA / "issue-3-agreement-running-headers.pdf")
    assert "Page 1 of" not in doc.text and "Page 2 of" not in doc.text
    # The running header repeats the title's words; only the title block may hold them.
    assert doc.text.count("Norway-Chile Framework on Lithium Supply Chains") == 0


def test_pdf_joins_hyphenated_words_and_page_breaks() -> None:
    doc = ingest.load(DATA / "issue-3-agreement-running-headers.pdf")
    offtake = doc.clause("issue-3-agreement-running-headers/s1.4")
    assert "the establishment of a reference price" in offtake.text
    crossing = doc.clause("issue-3-agreement-running-headers/s1.5")
    assert (crossing.page, crossing.page_end) == (1, 2)
    assert crossing.citation == "Section I (Supply and Investment), para 5, pp. 1-2"


def test_pdf_reads_two_columns_column_by_column() -> None:
    doc = ingest.load(DATA / "issue-3-two-column.pdf")
    commits = doc.clause("issue-3-two-column/s2.p1")
    # This paragraph starts at the foot of the left column and ends at the top of the right one.
    assert "sets a six-month target for naming candidates. The only firm undertaking" in commits.text
    headings = [s.heading for s in doc.sections]
    assert headings == ["Why it matters", "What it commits", "What to watch", "Closing Note"]


def test_html_keeps_the_article_and_drops_the_site() -> None:
    doc = ingest.load(DATA / "press-release-boilerplate.html")
    for chrome in ("cookies", "Contact us", "Related news", "All rights reserved", "dataLayer", "Privacy"):
        assert chrome not in doc.text
    bullets = [c for c in doc.clauses if c.clause_id.rsplit(".", 1)[-1].startswith("b")]
    assert len(bullets) == 3
    assert doc.meta["url"] == "https://ministry.example/news/2025/graphite-cooperation"


def test_docx_keeps_numbering_and_leaves_out_the_page_header() -> None:
    doc = ingest.load(DATA / "numbered-headings.docx")
    assert "running header" not in doc.text
    assert [s.label for s in doc.sections] == ["Article 1", "Article 2", "Article 3"]
    assert doc.clause("numbered-headings/art2.3.b").citation == "Article 2 (Areas of Cooperation), para 3(b), p. 1"
    assert doc.clause("numbered-headings/art3.p1").page == 2  # after the page break Word recorded


@pytest.mark.parametrize("name", ["utf16-bom.txt", "cp1252-quotes.txt"])
def test_text_encodings_are_detected(name: str) -> None:
    doc = ingest.load(DATA / name)
    assert "“Sides”" in doc.text and "Sides’ shared" in doc.text
    assert "café" in doc.text and "São Paulo" in doc.text


def test_short_page_falls_back_to_the_body_without_site_chrome(tmp_path: Path) -> None:
    # Too short for trafilatura to call it an article; the selectolax pass reads it instead.
    page = tmp_path / "note.html"
    page.write_text("<html><head><title>Short note | Site</title></head><body><nav><a>Menu item</a></nav>"
                    "<h1>Short note</h1><p>The Parties will meet in May.</p><ul><li>first point</li></ul>"
                    "<footer>copyright line</footer></body></html>", encoding="utf-8")
    doc = ingest.load(page)
    assert [(c.clause_id, c.text) for c in doc.clauses] == [
        ("note/t1", "Short note"), ("note/p1", "The Parties will meet in May."), ("note/body.b1", "first point")]
