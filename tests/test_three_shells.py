"""One question, one answer: every capability asked through the Python API, the CLI, the HTTP API and
the MCP tools, and the answers compared. The shells are thin over KnowledgeBase; this is where a shell
that filters, orders or rounds on its own would show.

The documents are made up for this test: two frameworks, a revised version of one, and a fact sheet
announcing the first with a figure the signed text does not hold. Parties and dates come from sidecars.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

LANTERN, REVISED, HARBOUR, SHEET = "lantern-framework", "lantern-framework-rev", "harbour-framework", "lantern-fact-sheet"
AS_OF = dt.date(2025, 9, 1)
LANTERN_TEXT = """\
Lantern Framework on Battery Metals

Section I – Undertakings

1. Reserves: The Participants will build a shared reserve of gallium and rare earths within six months of the date of this Framework.
2. Finance: The Participants intend to co-finance at least $500 million of nickel refining projects.
3. Screening: The Participants will review foreign purchases of lithium processing assets on security grounds.
4. Permits: The Participants will decide on permits for new cobalt mines within 90 days of the date of this Framework.
"""
TEXTS = {
    LANTERN: (LANTERN_TEXT, "[Japan, United States]", "2025-05-01", "framework", ""),
    REVISED: (LANTERN_TEXT.replace("at least $500 million", "at least $750 million")
              .replace("within 90 days", "within 60 days"), "[Japan, United States]", "2025-07-01", "framework", ""),
    HARBOUR: ("""\
Harbour Framework on Mine Approvals

Section I – Undertakings

1. Permits: The Participants will decide on permits for new cobalt mines within 120 days of the date of this Framework.
2. Research: The Participants will fund joint research on recovering rare earths from mine tailings.
3. Reserves: The Participants will coordinate their strategic stockpiles of gallium during supply shocks.
""", "[Australia, United States]", "2025-06-01", "framework", ""),
    SHEET: ("""\
Fact Sheet: The Lantern Framework

The United States and Japan signed the Lantern Framework today.

- The two countries will co-finance at least $500 million of nickel refining projects.
- They will also mobilise $2 billion for a new graphite plant in Ohio.
""", "[Japan, United States]", "2025-05-02", "fact_sheet", f"describes: {LANTERN}\n"),
}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    root = tmp_path_factory.mktemp("three-shells")
    docs = root / "docs"
    docs.mkdir()
    for doc_id, (text, parties, date, doc_type, extra) in TEXTS.items():
        (docs / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        (docs / f"{doc_id}.meta.yaml").write_text(
            f"doc_id: {doc_id}\ndate: {date}\nparties: {parties}\ndoc_type: {doc_type}\n{extra}", encoding="utf-8")
    report = KnowledgeBase(Settings.resolve(root / "kb")).ingest([docs])
    assert report.failed == [] and len(report.ingested) == len(TEXTS), report
    return root / "kb"


@pytest.fixture(scope="module")
def kb(home: Path):  # type: ignore[no-untyped-def]
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    return KnowledgeBase(Settings.resolve(home))


@pytest.fixture
def cli(run_cli, home: Path) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """`accords --data-dir HOME ARGS --json`, parsed; fails on a non-zero exit."""
    def run(*args: str) -> Any:
        result = run_cli("--data-dir", home, *args, "--json")
        assert result.code == 0, result.stderr
        return result.json()

    return run


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def test_documents(kb, cli, http, mcp) -> None:
    api = [d.model_dump(mode="json", exclude={"published"}) for d in kb.documents()]
    assert {d["doc_id"] for d in api} == set(TEXTS)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "published"} for r in rows]  # noqa: E731
    assert strip(cli("docs")) == api
    assert strip(_ok(http.get("/documents"))) == api
    assert strip(mcp("list_documents", {})) == api


def test_one_document(kb, cli, http, mcp) -> None:
    api = [(c.clause_id, c.citation, c.text) for c in kb.document(LANTERN).clauses]
    assert len(api) == 5  # the title and the four numbered clauses
    rows = lambda doc: [(c["clause_id"], c["citation"], c["text"]) for c in doc["clauses"]]  # noqa: E731
    assert rows(cli("show", LANTERN)) == api
    assert rows(_ok(http.get(f"/documents/{LANTERN}"))) == api
    assert rows(mcp("get_document", {"doc_id": LANTERN})) == api


@pytest.mark.parametrize("mode", ["hybrid", "lexical"])
def test_search_ranks_alike(kb, cli, http, mcp, mode: str) -> None:
    query = "gallium reserve"
    api = kb.search(query, k=5, mode=mode)  # type: ignore[arg-type]  # a SearchMode literal
    ranked = [(h.clause_id, round(h.score, 6)) for h in api.results]
    assert ranked and api.terms == ["gallium", "reserve"]
    got = lambda found: [(h["clause_id"], round(h["score"], 6)) for h in found["results"]]  # noqa: E731
    assert got(cli("search", query, "-k", "5", "--mode", mode)) == ranked
    assert got(_ok(http.post("/search", json={"query": query, "k": 5, "mode": mode}))) == ranked
    assert got(mcp("search_agreements", {"query": query, "k": 5, "mode": mode})) == ranked


def test_commitments(kb, cli, http, mcp) -> None:
    api = [(c.clause_id, c.type, c.modality) for c in kb.commitments(LANTERN, min_force="intent")]
    assert api
    got = lambda rows: [(c["clause_id"], c["type"], c["modality"]) for c in rows]  # noqa: E731
    assert got(cli("commitments", "--doc", LANTERN, "--min-force", "intent")) == api
    over_http = _ok(http.get("/commitments", params={"doc": LANTERN, "min_force": "intent"}))
    assert got(over_http["commitments"]) == api and over_http["total"] == len(api)
    assert got(mcp("list_commitments", {"doc_ids": [LANTERN], "min_force": "intent"})["commitments"]) == api


def test_compare(kb, cli, http, mcp) -> None:
    api = kb.compare([LANTERN, HARBOUR]).model_dump(mode="json")
    assert api["matrix"], "the two frameworks share commitment types"
    same = lambda report: {k: report.get(k) for k in api}  # noqa: E731  # the shells may add text_is
    assert same(cli("compare", LANTERN, HARBOUR)) == same(api)
    assert same(_ok(http.post("/compare", json={"doc_ids": [LANTERN, HARBOUR]}))) == same(api)
    assert same(mcp("compare_agreements", {"doc_ids": [LANTERN, HARBOUR]})) == same(api)


def test_deadlines(kb, cli, http, mcp) -> None:
    api = [(r.clause_id, r.type, str(r.date), r.status) for r in kb.deadlines(as_of=AS_OF, signed=True)]
    assert {cid.split("/")[0] for cid, *_ in api} == {LANTERN, REVISED, HARBOUR}
    got = lambda rows: [(r["clause_id"], r["type"], str(r["date"]), r["status"]) for r in rows]  # noqa: E731
    assert got(cli("deadlines", "--as-of", AS_OF.isoformat(), "--signed")) == api
    over_http = _ok(http.get("/deadlines", params={"as_of": AS_OF.isoformat(), "signed": "true"}))
    assert got(over_http["deadlines"]) == api
    assert got(mcp("list_deadlines", {"as_of": AS_OF.isoformat(), "signed": True})["deadlines"]) == api


def test_claims(kb, cli, http, mcp) -> None:
    api = kb.claims(SHEET).model_dump(mode="json")
    found = {c["claim"]: c["in_signed"] for c in api["claims"]}
    assert any(found.values()) and not all(found.values()), found  # $500 million is signed, $2 billion is not
    assert cli("claims", SHEET) == api
    assert _ok(http.get(f"/claims/{SHEET}")) == api
    assert mcp("check_claims", {"doc_id": SHEET}) == api


def test_diff(kb, cli, http, mcp) -> None:
    api = kb.diff(LANTERN, REVISED).model_dump(mode="json")
    assert api["summary"]["changed"] == 2, api["summary"]
    assert cli("diff", LANTERN, REVISED) == api
    assert _ok(http.get("/diff", params={"old": LANTERN, "new": REVISED})) == api
    assert mcp("diff_versions", {"old_id": LANTERN, "new_id": REVISED}) == api


def test_context_pack(kb, cli, http, mcp) -> None:
    question = "Who will co-finance nickel refining?"
    api = kb.context(question, max_tokens=300).model_dump(mode="json")
    assert api["passages"] and api["tokens"]["used"] <= 300
    assert cli("context", question, "--max-tokens", "300") == api
    assert _ok(http.post("/context", json={"question": question, "max_tokens": 300})) == api
    assert mcp("get_context", {"question": question, "max_tokens": 300}) == api


def test_compare_marks_what_is_only_announced(kb) -> None:
    from kb.report.render import render

    report = kb.compare([LANTERN, SHEET])
    announced = {t for t, row in report.matrix.items() if row[SHEET].announced}
    assert announced and all(row[SHEET].present for t, row in report.matrix.items() if t in announced)
    assert not any(row[LANTERN].announced for row in report.matrix.values())  # the signed text
    cells = report.model_dump(mode="json")["matrix"]
    assert all("announced" not in row[LANTERN] for row in cells.values())  # design.md's four keys
    assert all(row[SHEET]["announced"] for t, row in cells.items() if t in announced)
    assert ", announced (" in render(report, "md") and " · announced · " in render(report, "html")
