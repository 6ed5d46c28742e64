"""One party filter everywhere: the Python API, the CLI, the HTTP API and the MCP tools give the
same answer to the same party question, however the party's name is spelt.

Two short made-up frameworks, written for this test, whose parties come from sidecar files so the
answer does not depend on how ingest reads parties from a text.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

JAPAN_DOC, AUSTRALIA_DOC = "lantern-japan-framework", "harbour-australia-framework"
AS_OF = dt.date(2025, 9, 1)
TEXTS = {
    JAPAN_DOC: ("""\
Lantern Framework on Battery Metals

Section I – Undertakings

1. Reserves: The Participants will build a shared reserve of gallium and rare earths within six months of the date of this Framework.
2. Finance: The Participants intend to co-finance at least $500 million of nickel refining projects.
3. Screening: The Participants will review foreign purchases of lithium processing assets on security grounds.
""", "[Japan, United States]", "2025-05-01"),
    AUSTRALIA_DOC: ("""\
Harbour Framework on Mine Approvals

Section I – Undertakings

1. Permits: The Participants will decide on permits for new cobalt mines within 90 days of the date of this Framework.
2. Research: The Participants will fund joint research on recovering rare earths from mine tailings.
3. Mapping: The Participants will exchange geological survey data on tin deposits.
""", "[Australia, United States]", "2025-06-01"),
}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    root = tmp_path_factory.mktemp("party-filter")
    docs = root / "docs"
    docs.mkdir()
    for doc_id, (text, parties, date) in TEXTS.items():
        (docs / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        (docs / f"{doc_id}.meta.yaml").write_text(
            f"doc_id: {doc_id}\ndate: {date}\nparties: {parties}\ndoc_type: framework\n", encoding="utf-8")
    report = KnowledgeBase(Settings.resolve(root / "kb")).ingest([docs])
    assert report.failed == [] and len(report.ingested) == 2, report
    return root / "kb"


@pytest.fixture(scope="module")
def kb(home: Path):  # type: ignore[no-untyped-def]
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    return KnowledgeBase(Settings.resolve(home))


def _keys(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((r["clause_id"], r["type"]) for r in rows)


@pytest.mark.parametrize("spelling", ["Japan", "japan", "JAPAN"])
def test_commitments_of_a_party_are_the_same_in_every_shell(kb, http, mcp, run_cli, home: Path,
                                                           spelling: str) -> None:
    api = _keys([c.model_dump() for c in kb.commitments(party=spelling)])
    assert api, "the Japan framework makes commitments"
    # Every commitment of Japan's framework, and from the other framework only a commitment Japan makes.
    assert {cid for cid, _ in api} >= {c.clause_id for c in kb.commitments(JAPAN_DOC)}
    for c in kb.commitments(party=spelling):
        assert c.clause_id.startswith(JAPAN_DOC + "/") or "Japan" in c.actors

    cli = run_cli("--data-dir", home, "commitments", "--party", spelling, "--json")
    assert cli.code == 0, cli.stderr
    assert _keys(cli.json()) == api
    over_http = http.get("/commitments", params={"party": spelling})
    assert over_http.status_code == 200, over_http.text
    assert _keys(over_http.json()["commitments"]) == api
    assert _keys(mcp("list_commitments", {"party": spelling})["commitments"]) == api


def test_a_shared_party_written_as_an_abbreviation_finds_both_documents(kb, http, mcp, run_cli, home: Path) -> None:
    api = _keys([c.model_dump() for c in kb.commitments(party="U.S.")])
    assert {cid.split("/")[0] for cid, _ in api} == {JAPAN_DOC, AUSTRALIA_DOC}
    assert _keys(run_cli("--data-dir", home, "commitments", "--party", "U.S.", "--json").json()) == api
    assert _keys(http.get("/commitments", params={"party": "U.S."}).json()["commitments"]) == api
    assert _keys(mcp("list_commitments", {"party": "U.S."})["commitments"]) == api


def test_documents_of_a_party_are_the_same_over_api_http_and_mcp(kb, http, mcp) -> None:
    for spelling, expected in (("australia", {AUSTRALIA_DOC}), ("usa", {JAPAN_DOC, AUSTRALIA_DOC}),
                               ("Kenya", set())):
        api = {d.doc_id for d in kb.documents(party=spelling)}
        assert api == expected, spelling
        assert {d["doc_id"] for d in http.get("/documents", params={"party": spelling}).json()} == expected
        assert {d["doc_id"] for d in mcp("list_documents", {"party": spelling})} == expected


def test_search_by_party_is_the_same_in_every_shell(kb, http, mcp, run_cli, home: Path) -> None:
    from kb.models import SearchFilters

    query = "rare earths"
    api = kb.search(query, k=10, filters=SearchFilters(parties=["JAPAN"]))
    clauses = {h.clause_id for h in api.results}
    assert clauses and {h.doc_id for h in api.results} == {JAPAN_DOC}
    cli = run_cli("--data-dir", home, "search", query, "--party", "JAPAN", "--json")
    assert cli.code == 0, cli.stderr
    assert {h["clause_id"] for h in cli.json()["results"]} == clauses
    body = {"query": query, "k": 10, "filters": {"parties": ["JAPAN"]}}
    assert {h["clause_id"] for h in http.post("/search", json=body).json()["results"]} == clauses
    found = mcp("search_agreements", {"query": query, "k": 10, "parties": ["JAPAN"]})
    assert {h["clause_id"] for h in found["results"]} == clauses


def test_deadlines_by_party_are_the_same_in_every_shell(kb, http, mcp, run_cli, home: Path) -> None:
    api = _keys([r.model_dump() for r in kb.deadlines(party="australia", as_of=AS_OF)])
    assert api and {cid.split("/")[0] for cid, _ in api} == {AUSTRALIA_DOC}
    cli = run_cli("--data-dir", home, "deadlines", "--party", "australia", "--as-of", AS_OF.isoformat(), "--json")
    assert cli.code == 0, cli.stderr
    assert _keys(cli.json()) == api
    over_http = http.get("/deadlines", params={"party": "australia", "as_of": AS_OF.isoformat()})
    assert _keys(over_http.json()["deadlines"]) == api
    assert _keys(mcp("list_deadlines", {"party": "australia", "as_of": AS_OF.isoformat()})["deadlines"]) == api


def test_mineral_is_matched_as_a_whole_word_in_every_shell(kb, http, mcp, run_cli, home: Path) -> None:
    from kb.names import names_mineral

    assert names_mineral(["rare earths"], "Rare Earth") and names_mineral(["tin"], "TIN")
    assert not names_mineral(["titanium"], "tin") and not names_mineral(["rare earths"], "earth metals")
    for mineral in ("rare earth", "Gallium"):
        api = _keys([c.model_dump() for c in kb.commitments(mineral=mineral)])
        assert _keys(run_cli("--data-dir", home, "commitments", "--mineral", mineral, "--json").json()) == api
        assert _keys(http.get("/commitments", params={"mineral": mineral}).json()["commitments"]) == api
        assert _keys(mcp("list_commitments", {"mineral": mineral})["commitments"]) == api


def test_report_picks_the_documents_of_a_party(kb, run_cli, home: Path) -> None:
    both = run_cli("--data-dir", home, "report", "--party", "United States", "--format", "json")
    assert both.code == 0, both.stderr
    assert set(both.json()["doc_ids"]) == {JAPAN_DOC, AUSTRALIA_DOC}
    one = run_cli("--data-dir", home, "report", "--party", "Japan")
    assert one.code == 2 and "with party Japan" in one.stderr
