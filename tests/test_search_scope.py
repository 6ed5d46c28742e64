"""A query that names a country prefers that country's instruments (kb/search/scope.py), in hybrid mode only."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb.models import SearchFilters
from kb.search.scope import DocumentFacts, named_kinds, named_parties, query_scope

US = "United States"
DOCS = [
    DocumentFacts("us-chile-mou", frozenset({US, "Chile"}), "memorandum"),
    DocumentFacts("us-chile-framework", frozenset({US, "Chile"}), "framework"),
    DocumentFacts("us-peru-mou", frozenset({US, "Peru"}), "memorandum"),
    DocumentFacts("g7-plan", frozenset({"G7", US, "Japan", "Canada"}), "action_plan"),
]


def test_named_parties_read_names_adjectives_and_capitals() -> None:
    assert named_parties("what did Washington and Canberra each pledge") == {US, "Australia"}
    assert named_parties("Malaysian assets sold to American investors") == {"Malaysia", US}
    assert named_parties("will Kyiv owe money") == {"Ukraine"}
    assert named_parties("price floors for rare earths") == set()


def test_places_a_query_sets_apart_are_not_named() -> None:
    assert named_parties("new gallium production outside China backed by Washington and Canberra") == {
        US, "Australia"}
    assert named_parties("refining in Malaysia instead of shipping ore to Beijing") == {"Malaysia", "China"}
    assert named_parties("refining in Malaysia instead of in China") == {"Malaysia"}
    assert named_parties("suppliers other than Chinese firms") == set()
    assert named_parties("keeping investors out of Ukraine's rebuilding") == {"Ukraine"}  # "out of" sets nothing apart
    # Only the name right after the words is set apart.
    assert named_parties("can Japan withdraw without notifying Australia") == {"Japan", "Australia"}
    assert named_parties("gallium refining outside China for Australia") == {"Australia"}
    assert named_kinds("the Malaysia MOU and the Thai memoranda") == {"memorandum"}
    assert named_kinds("the G7 action plan") == {"action_plan"}


@pytest.mark.parametrize(("query", "scope"), [
    ("when does the Chile memorandum take effect", ["us-chile-mou"]),
    ("what Chile promised on permits", ["us-chile-framework", "us-chile-mou"]),  # no kind named: both
    ("the Chile joint statement", ["us-chile-framework", "us-chile-mou"]),  # no Chilean joint statement
    ("Peru and Chile", []),  # no document has both
    ("what the United States promised", []),  # party to most documents: says nothing
    ("Japanese stockpiles", ["g7-plan"]),
    ("stockpiles of gallium", []),
    ("an analysis of the Chile memorandum", ["us-chile-mou"]),  # "analysis" is no kind of document
])
def test_query_scope(query: str, scope: list[str]) -> None:
    assert query_scope(query, DOCS) == scope


TWIN = """\
Memorandum of Understanding between the Government of the United States of America and the Government of \
the Republic of {country} on Critical Minerals

Section 1 – Cooperation

1. The Participants intend to share geological survey data and to train engineers in refinery operations.
2. The Participants intend to coordinate the screening of investments in strategic mineral assets.

Section 2 – Commencement

3. This Memorandum is intended to commence on the date of its signature by both Participants.
4. Either Participant may discontinue this Memorandum by written notice of ninety days.
"""


@pytest.fixture
def twins(kb, tmp_path: Path):  # type: ignore[no-untyped-def]
    paths = []
    for country in ("Chile", "Peru", "Colombia"):
        path = tmp_path / f"us-{country.lower()}-mou.txt"
        path.write_text(TWIN.format(country=country), encoding="utf-8")
        paths.append(path)
    report = kb.ingest(paths)
    assert report.failed == []
    assert kb.document("us-peru-mou").parties == [US, "Peru"]
    return kb


def test_named_country_ranks_its_twin_clause_first(twins) -> None:
    query = "when does the Peru memorandum take effect"
    results = twins.search(query, k=15)
    assert results.scope == ["us-peru-mou"]
    assert results.results[0].doc_id == "us-peru-mou"
    # Three identical commencement clauses: the named memorandum's comes first, the others still answer.
    twins = [h.doc_id for h in results.results if h.text.startswith("This Memorandum is intended to commence")]
    assert twins[0] == "us-peru-mou" and len(twins) == 3


def test_scope_is_hybrid_only_and_yields_to_filters(twins) -> None:
    query = "when does the Peru memorandum take effect"
    assert twins.search(query, mode="dense").scope == []
    assert twins.search(query, mode="lexical").scope == []
    filtered = twins.search(query, filters=SearchFilters(doc_ids=["us-chile-mou"]))
    assert filtered.scope == [] and {h.doc_id for h in filtered.results} == {"us-chile-mou"}
    assert twins.search("when does the memorandum take effect").scope == []


def test_cli_names_the_preferred_documents(run_cli, twins) -> None:
    out = run_cli("search", "how can the Colombia memorandum be discontinued", "--json")
    assert out.code == 0, out.stderr
    data = out.json()
    assert data["scope"] == ["us-colombia-mou"] and data["results"][0]["doc_id"] == "us-colombia-mou"
    table = run_cli("search", "how can the Colombia memorandum be discontinued")
    assert table.stdout.startswith("Ranked first because the query names them: us-colombia-mou")
