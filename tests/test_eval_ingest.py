"""accords eval ingest: the scoring rules, a tiny labelled folder, the real postings in ../shared/wild, the CLI."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import ingest
from kb.eval.ingest import (
    NOT_FOUND,
    NOT_LOADED,
    IngestEvalReport,
    citation_matches,
    citation_tokens,
    default_gold,
    evaluate_ingest,
    markup_fragments,
    normalise,
)
from tests.conftest import CliResult

WILD = Path(__file__).resolve().parents[2] / "shared" / "wild"

# Made-up memoranda. Alpha hides a non-breaking and a zero-width space inside a labelled snippet. Its
# second item escapes a tag and double-encodes an entity: a faithful Markdown reader keeps "<u>" and
# "&amp;" as literal text, so the markup rule has something to count however clean the reader gets.
ALPHA = (
    "---\n"
    "title: \"Memorandum on Lighthouse Keeping\"\n"
    "date: '2024-03-05'\n"
    "---\n\n"
    "The Republic of Atlantis and the Kingdom of Lemuria record their shared intentions on lighthouse keeping.\n\n"
    "1.  The Participants intend to keep\u00a0every lamp lit from dusk\u200b to dawn along the northern coast.\n"
    "2.  The Participants intend to share spare lenses (\\<u\\>Annex\\</u\\>, R&amp;amp;D) with one another "
    "within thirty days of a request.\n"
)
BETA = (
    "---\n"
    "title: \"Note on Tide Tables\"\n"
    "---\n\n"
    "The harbour offices of Atlantis and Lemuria publish tide tables for research and shipping.\n\n"
    "Each office sends its tables to the other before the first day of every month.\n"
)


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def tiny_gold(tmp_path: Path) -> Path:
    """Three labelled documents: alpha (.md), beta (.markdown) and ghost, whose file is missing.

    The reader is being rewritten, so the labels meant to be right copy what it reads today
    (parties, type, beta's title and date) and the ones meant to be wrong are impossible; the test
    then checks the scoring, not the reader.
    """
    gold = tmp_path / "gold"
    (gold / "docs").mkdir(parents=True)
    (gold / "docs" / "alpha.md").write_text(ALPHA, encoding="utf-8")
    (gold / "docs" / "beta.markdown").write_text(BETA, encoding="utf-8")
    alpha = ingest.load(gold / "docs" / "alpha.md")
    beta = ingest.load(gold / "docs" / "beta.markdown")
    write_jsonl(gold / "meta.jsonl", [
        {"doc": "alpha", "title_has": ["zz-no-such-title-word"], "date": "1901-01-01", "parties": alpha.parties,
         "doc_type": alpha.doc_type},
        {"doc": "beta", "title_has": [beta.title], "date": beta.date.isoformat() if beta.date else None,
         "parties": list(reversed(beta.parties)), "doc_type": beta.doc_type},
        {"doc": "ghost", "title_has": ["Ghost"], "date": "2024-01-01", "parties": ["Atlantis"],
         "doc_type": "agreement"},
    ])
    lamp = next(c for c in alpha.clauses if "every lamp lit" in c.text)
    write_jsonl(gold / "citations.jsonl", [
        # Plain spaces in the label, a non-breaking and a zero-width space in the file.
        {"doc": "alpha", "snippet": "keep every lamp lit from dusk to dawn", "cite": citation_tokens(lamp.citation)},
        {"doc": "alpha", "snippet": "within thirty days of a request", "cite": ["99"]},
        {"doc": "beta", "snippet": "this sentence is in neither memorandum", "cite": ["1"]},
        {"doc": "ghost", "snippet": "anything at all", "cite": ["1"]},
    ])
    return gold


# (a) the rules ----------------------------------------------------------------------------------


def test_citation_tokens_are_whole_numbers_and_letters() -> None:
    assert citation_tokens("Sec. 3, para (c)(iii)") == ["sec", "3", "para", "c", "iii"]
    assert not citation_matches("Article 2.1, para 3", ["2"])
    assert citation_matches("Article 2.1, para 3", ["2.1", "3"])
    assert citation_matches("Sec. 3, para (c)(iii)", ["3", "c", "iii"])
    assert citation_matches("Sec. 3, para (c)(iii)", ["C", "III"])
    assert not citation_matches("Sec. 3, para (c)(iii)", ["3", "c", "ii"])


def test_normalise_treats_odd_spaces_as_plain() -> None:
    assert normalise("Keep\u00a0every\u200b  lamp\n LIT") == "keep every lamp lit"


@pytest.mark.parametrize("text", [
    "I**nvestment", "** **", "__under__", "<u>Sec. 3.</u>", "<!-- -->", "</span>", "AT&amp;T", "a&nbsp;b",
    "&#8211;", "8\\. Energy", "\\###", "[the order](https://example.org)", "as agreed[^1]",
])
def test_markup_is_found(text: str) -> None:
    assert markup_fragments(text)


@pytest.mark.parametrize("text", [
    "research & development", "if 3 < 4 then", "Sec. 3(c)(iii)", "[see note]", "C:\\Users", "2 * 3 = 6",
])
def test_plain_text_is_not_markup(text: str) -> None:
    assert markup_fragments(text) == []


# (b) a tiny labelled folder -------------------------------------------------------------------------


def test_tiny_folder_scores_right_and_wrong_fields(tiny_gold: Path) -> None:
    report = evaluate_ingest(tiny_gold)

    assert (report.documents, report.loaded) == (3, 2)
    scores = {f.field: (f.right, f.total) for f in report.fields}
    assert scores == {"title": (1, 3), "date": (1, 3), "parties": (2, 3), "doc_type": (2, 3)}
    assert (report.metadata_right, report.metadata_total) == (6, 12)
    assert report.metadata_accuracy == pytest.approx(0.5)

    rows = {r.doc: r for r in report.rows}
    assert set(rows) == {"alpha", "ghost"}
    assert {m.field for m in rows["alpha"].wrong} == {"title", "date"}
    date_miss = next(m for m in rows["alpha"].wrong if m.field == "date")
    assert date_miss.expected == "1901-01-01"
    assert rows["ghost"].error and "ghost" in rows["ghost"].error
    assert len(rows["ghost"].wrong) == 4


def test_tiny_folder_scores_citations(tiny_gold: Path) -> None:
    report = evaluate_ingest(tiny_gold)

    assert (report.citations_right, report.citations_total) == (1, 4)
    got = {m.snippet: m for m in report.citation_misses}
    wrong_number = got["within thirty days of a request"]
    assert wrong_number.clause_id and wrong_number.got not in (NOT_FOUND, NOT_LOADED)
    assert got["this sentence is in neither memorandum"].got == NOT_FOUND
    assert got["anything at all"].got == NOT_LOADED


def test_tiny_folder_counts_markup(tiny_gold: Path) -> None:
    report = evaluate_ingest(tiny_gold)

    assert report.markup.clauses >= 1
    assert report.markup.total == report.markup.clauses + report.markup.sections
    assert any(h.doc == "alpha" and "Annex" in h.fragment for h in report.markup.examples)
    assert not any(h.doc == "beta" for h in report.markup.examples)


def test_malformed_label_line_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "meta.jsonl").write_text('{"doc": "x", "title_has": []}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"meta\.jsonl:2"):
        evaluate_ingest(tmp_path)


# (c) the real postings: the bars of the issue --------------------------------------------------------


@pytest.fixture(scope="module")
def wild_report() -> IngestEvalReport:
    # The labelled postings sit beside every checkout here and beside CI's; without them the bars go unchecked.
    assert WILD.is_dir(), f"the labelled postings are missing: expected them at {WILD}"
    return evaluate_ingest(WILD)


def test_default_gold_is_the_wild_folder() -> None:
    assert WILD.is_dir(), f"the labelled postings are missing: expected them at {WILD}"
    assert default_gold() == WILD


def test_wild_metadata_accuracy(wild_report: IngestEvalReport) -> None:
    assert wild_report.loaded == wild_report.documents
    assert wild_report.metadata_accuracy is not None
    assert wild_report.metadata_accuracy >= 0.95, wild_report.rows


def test_wild_citation_accuracy(wild_report: IngestEvalReport) -> None:
    assert wild_report.citation_accuracy is not None
    assert wild_report.citation_accuracy >= 0.95, wild_report.citation_misses


def test_wild_leaves_no_markup(wild_report: IngestEvalReport) -> None:
    assert wild_report.markup.total == 0, wild_report.markup.examples


# (d) the command ------------------------------------------------------------------------------------


def test_cli_prints_the_report_as_json(tiny_gold: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("eval", "ingest", "--gold", tiny_gold, "--json")

    assert result.code == 0, result.stderr
    data = result.json()
    assert data["metadata_total"] == 12 and data["metadata_right"] == 6
    assert data["citations_total"] == 4 and data["citation_accuracy"] == pytest.approx(0.25)
    assert [f["field"] for f in data["fields"]] == ["title", "date", "parties", "doc_type"]
    assert data["markup"]["total"] >= 1


def test_cli_table_and_missing_folder(tiny_gold: Path, tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    table = run_cli("eval", "ingest", "--gold", tiny_gold)
    assert table.code == 0
    assert "citations" in table.stdout and "markup left" in table.stdout

    missing = run_cli("eval", "ingest", "--gold", tmp_path / "nowhere", "--json")
    assert missing.code == 2
    assert missing.stdout == ""
    assert missing.stderr.count("\n") == 1 and "gold folder" in missing.stderr
