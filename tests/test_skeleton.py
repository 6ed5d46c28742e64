"""End to end through the real CLI: ingest, re-ingest, search, JSON shapes and exit codes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

FRAMEWORK = """\
UNITED STATES-ATLANTIS FRAMEWORK ON CRITICAL MINERALS

The Government of the United States of America and the Government of Australia (together, "the Participants"):

Whereas secure supplies of processed minerals underpin advanced manufacturing;

Therefore, the Participants have reached the following understanding:

Section I – Cooperation

1. Stockpiles: The Participants will coordinate the release of their strategic reserves of gallium during a supply shock.
2. Financing: Within six months, each Participant will provide at least $1 billion in loans and equity to joint projects.
3. Permits: The Participants will shorten approval timelines for new processing plants.
4. Recycling: The Participants will fund research into recovering rare earths from electronic scrap.

Signed at Washington, D.C., on 20 October 2025.
"""


@pytest.fixture
def framework(tmp_path: Path) -> Path:
    path = tmp_path / "docs" / "atlantis-framework.txt"
    path.parent.mkdir()
    path.write_text(FRAMEWORK, encoding="utf-8")
    return path


def test_ingest_then_paraphrased_query_finds_its_clause_first(run_cli, framework: Path) -> None:
    result = run_cli("ingest", framework, "--json")
    assert result.code == 0, result.stderr
    report = result.json()
    assert report["failed"] == []
    [item] = report["ingested"]
    assert set(item) == {"doc_id", "path", "title", "status", "n_clauses", "n_commitments"}
    assert item["doc_id"] == "atlantis-framework" and item["status"] == "added"
    assert item["n_clauses"] == 9

    found = run_cli("search", "money for mining ventures within half a year", "-k", "3", "--json").json()
    assert found["query"] == "money for mining ventures within half a year"
    top = found["results"][0]
    assert set(top) == {"rank", "score", "doc_id", "doc_title", "clause_id", "section", "page", "text", "types",
                        "citation", "why", "highlights"}
    assert "money" in top["why"]["keywords"] or top["why"]["meaning"]
    assert top["clause_id"] == "atlantis-framework/s1.2", found["results"]
    assert top["section"] == "Section I" and top["rank"] == 1

    dense = run_cli("search", "sharing out strategic stocks during a shortage", "--mode", "dense", "--json").json()
    assert dense["results"][0]["clause_id"] == "atlantis-framework/s1.1"


def test_reingest_unchanged_is_a_no_op_and_a_change_replaces_the_document(run_cli, framework: Path, kb) -> None:
    assert run_cli("ingest", framework).code == 0
    again = run_cli("ingest", framework, "--json").json()
    assert [i["status"] for i in again["ingested"]] == ["unchanged"]

    framework.write_text(FRAMEWORK.replace("3. Permits: The Participants will shorten approval timelines for new "
                                           "processing plants.\n", ""), encoding="utf-8")
    changed = run_cli("ingest", framework, "--json").json()
    assert [i["status"] for i in changed["ingested"]] == ["updated"]
    ids = [c.clause_id for c in kb.store.clauses("atlantis-framework")]
    assert "atlantis-framework/s1.4" in ids and "atlantis-framework/s1.3" not in ids
    assert kb.index.ids_for_doc("atlantis-framework") == set(ids)
    assert not any("approval timelines" in c.text for c in kb.store.clauses("atlantis-framework"))


def test_docs_and_show_json(run_cli, framework: Path) -> None:
    run_cli("ingest", framework)
    docs = run_cli("docs", "--json").json()
    assert docs[0]["doc_id"] == "atlantis-framework"
    assert set(docs[0]) == {"doc_id", "title", "date", "parties", "doc_type", "n_clauses", "n_commitments"}
    assert docs[0]["date"] == "2025-10-20" and docs[0]["doc_type"] == "framework"
    assert docs[0]["parties"] == ["United States", "Australia"]
    shown = run_cli("show", "atlantis-framework", "--json").json()
    assert [c["clause_id"].split("/")[1] for c in shown["clauses"]][:3] == ["t1", "p1", "p2"]


def test_exit_codes_mean_something(run_cli, framework: Path, tmp_path: Path, kb) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 20)
    partial = run_cli("ingest", framework, junk, "--json")
    assert partial.code == 1
    assert partial.json()["failed"] == [{"path": str(junk), "error": "not a text file (undecodable bytes)"}]
    assert f"{junk}: " in partial.stderr and "Traceback" not in partial.stderr
    assert kb.store.doc_ids() == ["atlantis-framework"]

    assert run_cli("search").code == 2  # missing query: a usage error
    unknown = run_cli("show", "no-such-doc")
    assert unknown.code == 2 and "known: atlantis-framework" in unknown.stderr
    assert run_cli("docs").code == 0


def test_search_with_nothing_stored_says_so(run_cli) -> None:
    result = run_cli("search", "price floors")
    assert result.code == 0 and "No clauses match" in result.stdout


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['accords', '--help']\n"
        "from kb.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'spacy', 'chromadb', 'sentence_transformers', 'pdfplumber') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "HEAVY=\n" in out, out
    assert "ingest" in out and "search" in out
