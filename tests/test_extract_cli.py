"""accords extract FILE --json and accords eval extraction, through the real entry point."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from extract_fixtures import extractor_fixture  # noqa: F401  (pytest fixture: loads the models once)

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = """United States-Australia Framework on Critical Minerals

The Government of the United States of America and the Government of Australia (together, "the Participants"),

Whereas rare earth elements are indispensable to advanced manufacturing;

The Participants have reached the following understanding:

Section I - Commitments

1. Financing: Within six months of the date of this Framework, each Participant is taking measures to provide at least $1 billion in financing to projects in both countries.

2. Price Mechanisms: The Participants will develop a pricing framework with price floors for gallium and heavy rare earths.

Signed at Washington on 20 October 2025.
"""


@pytest.fixture
def framework(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = folder / "test-framework.txt"
    path.write_text(FRAMEWORK, encoding="utf-8")
    (folder / "test-framework.meta.yaml").write_text(
        "date: 2025-10-20\nparties: [United States, Australia]\ndoc_type: framework\n", encoding="utf-8")
    return path


def test_extract_json_has_the_design_shape(run_cli, framework: Path, extractor) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("extract", framework, "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert set(data) == {"document", "clauses", "commitments"}
    assert data["document"]["doc_id"] == "test-framework" and data["document"]["date"] == "2025-10-20"
    assert all(set(c) == {"clause_id", "section", "page", "start", "end", "text"} for c in data["clauses"])
    keys = {"type", "modality", "actors", "minerals", "amounts", "deadline", "institutions", "clause_id", "text",
            "start", "end", "confidence"}
    assert data["commitments"] and all(set(c) == keys for c in data["commitments"])
    by_type = {c["type"]: c for c in data["commitments"]}
    assert by_type["public_finance"]["amounts"] == [
        {"value": 1e9, "currency": "USD", "bound": "at_least", "text": "at least $1 billion"}]
    assert by_type["public_finance"]["deadline"] == {"text": "Within six months of the date of this Framework",
                                                    "days": 180, "date": "2026-04-20", "basis": "from_document_date",
                                                    "kind": "within"}
    assert by_type["price_mechanism"]["minerals"] == ["gallium", "heavy rare earths"]
    text = framework.read_text(encoding="utf-8")
    clauses = {c["clause_id"]: c for c in data["clauses"]}
    for c in data["commitments"]:
        clause = clauses[c["clause_id"]]
        assert clause["start"] <= c["start"] < c["end"] <= clause["end"]
        assert c["text"] in text


def test_extract_reports_a_missing_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("extract", tmp_path / "nowhere.pdf", "--json")
    assert result.code == 1 and "nowhere.pdf" in result.stderr and result.stdout == ""


def test_extract_refuses_a_missing_taxonomy(run_cli, framework: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("extract", framework, "--taxonomy", tmp_path / "none.yaml")
    assert result.code == 2 and "none.yaml" in result.stderr


def test_evaluation_on_a_small_gold(framework: Path, tmp_path: Path, extractor) -> None:  # type: ignore[no-untyped-def]
    from kb.eval.extraction import evaluate_extraction

    gold = tmp_path / "gold.jsonl"
    lines = [
        {"doc_id": "test-framework", "snippet": "each Participant is taking measures to provide at least $1 billion",
         "types": ["public_finance"], "modality": "commitment",
         "amounts": [{"value": 1000000000, "currency": "USD", "bound": "at_least"}], "deadline": {"days": 180}},
        {"doc_id": "test-framework", "snippet": "develop a pricing framework with price floors",
         "types": ["price_mechanism"], "modality": "commitment", "minerals": ["gallium", "heavy rare earths"]},
        {"doc_id": "test-framework", "snippet": "Whereas rare earth elements are indispensable",
         "types": [], "modality": "recital"},
        {"doc_id": "test-framework", "snippet": "a sentence that appears nowhere", "types": [], "modality": "recital"},
    ]
    gold.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    report = evaluate_extraction(gold, framework.parent, extractor)
    assert (report.gold_clauses, report.matched) == (4, 3)
    assert report.unmatched == ["test-framework: a sentence that appears nowhere"]
    assert report.modality_accuracy == 1.0
    assert (report.amount_recall, report.amount_bound_accuracy, report.deadline_recall) == (1.0, 1.0, 1.0)
    assert report.evidence_outside_clause == 0 and report.evidence_spans >= 2
    rows = {r.type: r for r in report.per_type}
    assert rows["public_finance"].recall == 1.0 and rows["price_mechanism"].recall == 1.0
    assert report.set_f1["minerals"] > 0.5
    assert report.protocol == "leave-one-document-out"


def test_eval_extraction_command_on_heldout_clauses(run_cli, extractor) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("eval", "extraction", "--clauses", ROOT / "tests/data/heldout_clauses.jsonl", "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert data["matched"] == data["gold_clauses"] >= 20
    assert data["evidence_outside_clause"] == 0
    assert {"macro_f1", "micro_f1", "modality_accuracy", "modality_confusion", "amount_recall",
            "deadline_recall", "meets_bar"} <= set(data)


def test_eval_extraction_refuses_a_missing_gold(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("eval", "extraction", "--gold", tmp_path / "none.jsonl")
    assert result.code == 2 and "none.jsonl" in result.stderr
