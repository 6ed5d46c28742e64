"""Comparison reports on the real corpus: real ingest, real extraction, real clause vectors."""
from __future__ import annotations

import csv
import io
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

AU, JP, MY, TH = "us-australia-framework", "us-japan-framework", "us-malaysia-mou", "us-thailand-mou"
MY_STATEMENT, MY_TRADE = "us-malaysia-joint-statement", "us-malaysia-reciprocal-trade-minerals"
@pytest.fixture(scope="session")
def four(corpus_kb):  # type: ignore[no-untyped-def]
    from kb.report.build import compare_documents

    return compare_documents(corpus_kb, [AU, JP, MY, TH])


def test_frameworks_both_show_stockpiling_and_public_finance(four) -> None:
    from extract.models import force_rank

    for commitment_type in ("stockpiling", "public_finance"):
        for doc_id in (AU, JP):
            cell = four.matrix[commitment_type][doc_id]
            assert cell.present and cell.count >= 1 and cell.clause_ids, (commitment_type, doc_id)
            found = [c for cid in cell.clause_ids for c in four.evidence[cid].commitments if c.type == commitment_type]
            assert cell.count == len(found)
            assert cell.modality == max((c.modality for c in found), key=force_rank)
            assert all(four.evidence[cid].citation.startswith("Section I") for cid in cell.clause_ids)
    japan_stockpiling = " ".join(four.evidence[cid].text for cid in four.matrix["stockpiling"][JP].clause_ids)
    assert "complementary stockpiling arrangement" in japan_stockpiling
    # the MOUs carry no public finance: the matrix says so rather than leaving the cell out
    assert not four.matrix["public_finance"][MY].present and four.matrix["public_finance"][MY].clause_ids == []


def test_export_ban_commitment_lives_in_the_joint_statement_not_the_mou(corpus_kb) -> None:
    """corpus/gold: Malaysia's pledge not to ban or cap mineral exports is in the joint statement on the
    reciprocal-trade agreement; the critical-minerals MOU has no export_restrictions commitment."""
    from kb.report.build import compare_documents

    report = compare_documents(corpus_kb, [MY, MY_STATEMENT, MY_TRADE])
    cell = report.matrix["export_restrictions"][MY_STATEMENT]
    assert cell.present
    assert any("refrain from banning" in report.evidence[cid].text for cid in cell.clause_ids)
    assert not report.matrix["export_restrictions"][MY].present
    names = {d.doc_id: d.name for d in report.documents}
    assert names[MY] == "Malaysia MOU" and names[MY_STATEMENT] == "Malaysia joint statement"


def _row(report, commitment_type: str, doc_id: str, words: str):  # type: ignore[no-untyped-def]
    tc = next(t for t in report.alignments if t.type == commitment_type)
    return next(a for a in tc.aligned if doc_id in a.provisions and words in a.provisions[doc_id].text)


def test_financing_pair_aligns_and_its_sentence_states_the_amount_difference(four) -> None:
    row = _row(four, "public_finance", AU, "at least $1 billion")
    assert "give financial support to selected projects" in row.provisions[JP].text
    assert row.similarity >= four.threshold
    amount = next(d.sentence for d in row.differences if d.aspect == "amount")
    assert amount.startswith("Australia: at least US$1 billion within six months")
    assert "Japan: no amount, within six months" in amount
    force = next(d.sentence for d in row.differences if d.aspect == "force")
    assert force == "Australia: commitment (stronger); Japan: intent (weaker)."


def test_alignment_is_one_to_one_and_finds_the_parallel_clauses(four) -> None:
    for tc in four.alignments:
        seen = [p.clause_id for a in tc.aligned for p in a.provisions.values()] + [p.clause_id for p in tc.unmatched]
        assert len(seen) == len(set(seen)), tc.type  # every clause sits in exactly one row
        assert all(len(a.provisions) >= 2 and a.similarity >= four.threshold for a in tc.aligned)
    screening = _row(four, "investment_screening", AU, "Asset Sales")
    assert set(screening.provisions) == {AU, JP, MY, TH}
    assert "Asset Sales" in screening.provisions[JP].text
    mapping = _row(four, "geological_mapping", AU, "Geological Mapping")
    assert "Geological Mapping" in mapping.provisions[JP].text
    stockpiling = next(t for t in four.alignments if t.type == "stockpiling")
    assert stockpiling.summary == "Australia and Japan address stockpiling; Malaysia and Thailand do not."
    assert any("complementary stockpiling" in p.text for p in stockpiling.unmatched)


def test_align_clauses_groups_one_clause_per_document_above_the_threshold() -> None:
    from kb.report.build import align_clauses

    def unit(*xs: float) -> np.ndarray:
        v = np.array(xs, dtype=np.float32)
        return v / np.linalg.norm(v)

    vectors = {"a/1": unit(1, 0, 0), "a/2": unit(1, 0.4, 0), "b/1": unit(1, 0.02, 0), "c/1": unit(0, 1, 0),
               "c/2": unit(1, -0.05, 0)}
    units = {"a": ["a/1", "a/2"], "b": ["b/1"], "c": ["c/1", "c/2"]}
    groups = align_clauses(units, vectors, 0.9)
    assert [g for g, _ in groups] == [{"a": "a/1", "b": "b/1", "c": "c/2"}]  # a/2 is close too, but a has a clause
    assert groups[0][1] == pytest.approx(0.9975, abs=1e-3)  # the row's weakest pair
    strict = align_clauses(units, vectors, 0.999)  # c/2 is 0.9988 from a/1: below, so it stays out
    assert [g for g, _ in strict] == [{"a": "a/1", "b": "b/1"}]
    assert align_clauses({"a": ["a/1"], "c": ["c/1"]}, vectors, 0.9) == []  # orthogonal: no row


def test_legalisation_profile_reads_firmness_precision_and_bodies(four) -> None:
    au, jp = four.profiles[AU], four.profiles[JP]
    firm = {p.doc_id: (p.obligation["binding"] + p.obligation["commitment"]) / p.n_commitments for p in (au, jp)}
    assert firm[AU] > firm[JP]  # Australia says "will" where Japan says "intend to"
    assert sum(au.obligation.values()) == au.n_commitments
    assert au.precise["amount"] >= 1 and au.precision > four.profiles[TH].precision
    created = [b.name for b in au.delegation if b.created]
    assert any("Response Group" in name for name in created), au.delegation
    assert four.profiles[MY].delegation == []


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.tags: list[str] = []
        self.matrix_rows = 0
        self.text = ""
        self._in_matrix = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if a.get("id"):
            self.ids.add(a["id"])  # type: ignore[arg-type]
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])  # type: ignore[arg-type]
        if tag == "table" and a.get("class") == "matrix":
            self._in_matrix = True
        if tag == "tr" and self._in_matrix:
            self.matrix_rows += 1

    def handle_data(self, data: str) -> None:
        self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_matrix = False


def test_html_report_parses_holds_the_matrix_and_every_evidence_link_resolves(four) -> None:
    from kb.report.html import anchor, to_html

    page = to_html(four)
    parser = _Page()
    parser.feed(page)
    assert parser.matrix_rows == 1 + len(four.types)
    internal = [h[1:] for h in parser.hrefs if h.startswith("#")]
    assert internal and not [h for h in parser.hrefs if not h.startswith("#")]  # nothing leaves the file
    assert [h for h in internal if h not in parser.ids] == []
    for cid in four.matrix["public_finance"][AU].clause_ids:
        assert f'href="#{anchor(cid)}"' in page and f'id="{anchor(cid)}"' in page
    assert parser.tags.count("script") == 1 and "link" not in parser.tags and "<img" not in page
    assert "@media print" in page
    # clause text is escaped ("Australia's" is written "Australia&#x27;s") and reads back unchanged
    quoted = [m.group(0) for ev in four.evidence.values() for m in re.finditer(r"\w+'\w+", ev.text)]
    assert quoted and all(escape(word) in page and word not in page for word in quoted)
    assert all(ev.text in parser.text for ev in four.evidence.values())


def test_markdown_and_csv_hold_the_matrix(four) -> None:
    from kb.report.markdown import to_csv, to_markdown

    text = to_markdown(four)
    assert ("| Commitment type | US–Australia framework | US–Japan framework | US–Malaysia memorandum "
            "| US–Thailand memorandum |") in text
    assert "Australia: at least US$1 billion within six months; Japan: no amount" in text
    rows = list(csv.DictReader(io.StringIO(to_csv(four))))
    assert len(rows) == len(four.types) * 4
    stock = {r["doc_id"]: r for r in rows if r["type"] == "stockpiling"}
    assert stock[AU]["present"] == "true" and stock[MY]["present"] == "false"
    cited = [four.evidence[cid].citation for cid in four.matrix["stockpiling"][JP].clause_ids]
    assert stock[JP]["citations"] == "; ".join(cited) and stock[JP]["modality"] == four.matrix["stockpiling"][JP].modality


def test_cli_compare_json_and_errors(run_cli, corpus_kb) -> None:
    home = str(corpus_kb.settings.data_dir)
    result = run_cli("--data-dir", home, "compare", AU, JP, "--format", "json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert set(data["matrix"]["stockpiling"][AU]) == {"present", "modality", "count", "clause_ids"}
    assert data["matrix"]["stockpiling"][JP]["present"] is True

    one = run_cli("--data-dir", home, "compare", AU)
    assert one.code == 2 and "at least two" in one.stderr
    unknown = run_cli("--data-dir", home, "compare", AU, "us-atlantis-framework")
    assert unknown.code == 2
    assert len(unknown.stderr.strip().splitlines()) == 1
    assert "us-atlantis-framework" in unknown.stderr and JP in unknown.stderr


def test_cli_report_covers_agreements_frameworks_and_memoranda(run_cli, corpus_kb, tmp_path: Path) -> None:
    home = str(corpus_kb.settings.data_dir)
    out = tmp_path / "report.html"
    result = run_cli("--data-dir", home, "report", "-o", out)
    assert result.code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    as_json = run_cli("--data-dir", home, "report", "--format", "json").json()
    signed = {d.doc_id for d in corpus_kb.documents() if d.doc_type in ("agreement", "framework", "memorandum")}
    assert set(as_json["doc_ids"]) == signed
    assert {AU, JP, MY, TH, MY_TRADE} <= signed and MY_STATEMENT not in signed  # a joint statement is not one
    statements = run_cli("--data-dir", home, "report", "--doc-type", "joint_statement")
    assert statements.code == 2 and "at least two" in statements.stderr
