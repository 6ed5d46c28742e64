"""Questions about final provisions (leaving, legal force...) find them though they share no word with them."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb.models import SearchFilters
from kb.search.provisions import load_provisions

PERU = """\
Memorandum of Understanding between the Government of the United States of America and the Government of \
the Republic of Peru on Critical Minerals

Section 1 – Cooperation

1. The Participants intend to share geological survey data on copper and zinc deposits.
2. The Participants intend to support financing for copper smelting projects in Peru.
3. The Participants intend to exchange views on permitting timelines for new mines.

Section 2 – Final provisions

4. This Memorandum is not intended to create legally binding obligations under domestic or international law.
5. Either Participant may discontinue this Memorandum by written notification to the other Participant.
"""

NAMIBIA = """\
Memorandum of Understanding between the Government of the United States of America and the Government of \
the Republic of Namibia on Critical Minerals

Section 1 – Cooperation

1. The Participants intend to develop lithium and rare earth processing in Namibia.
2. This Memorandum does not create rights or obligations that are legally binding on either Participant.
"""


@pytest.fixture
def memoranda(kb, tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "us-peru-mou.txt").write_text(PERU, encoding="utf-8")
    (folder / "us-namibia-mou.txt").write_text(NAMIBIA, encoding="utf-8")
    assert kb.ingest([folder]).failed == []
    return kb


def _kind_with_cue(*words: str) -> str:
    [name] = [k.name for k in load_provisions() if any(w in " ".join(k.cues).lower() for w in words)][:1]
    return name


def test_the_shipped_kinds_are_complete() -> None:
    kinds = load_provisions()
    assert len(kinds) >= 8 and len({k.name for k in kinds}) == len(kinds)
    for kind in kinds:
        assert kind.description and len(kind.cues) >= 3 and len(kind.asks) >= 8, kind.name
    # The kinds a search needs most: leaving the instrument and its legal force.
    assert _kind_with_cue("discontinu", "terminat", "withdraw") != _kind_with_cue("legally binding")


def test_questions_about_leaving_or_legal_force_find_those_clauses(memoranda) -> None:
    leaving = _kind_with_cue("discontinu", "terminat", "withdraw")
    found = memoranda.search("what if one country wants to walk away", k=3)
    assert leaving in found.provisions
    assert found.results[0].clause_id == "us-peru-mou/s2.5"
    force = _kind_with_cue("legally binding")
    found = memoranda.search("could a court make them keep these promises", k=3)
    assert force in found.provisions
    assert {h.clause_id for h in found.results[:2]} == {"us-peru-mou/s2.4", "us-namibia-mou/s1.2"}
    # A question about a commitment calls up no provision kind.
    assert memoranda.search("money for copper smelters", k=3).provisions == []


def test_the_provision_list_is_hybrid_only_keeps_filters_and_quoted_words(memoranda) -> None:
    query = "could a court make them keep these promises"
    assert memoranda.search(query, mode="dense").provisions == []
    assert memoranda.search(query, mode="lexical").provisions == []
    only_namibia = memoranda.search(query, k=10, filters=SearchFilters(doc_ids=["us-namibia-mou"]))
    assert {h.clause_id.split("/")[0] for h in only_namibia.results} == {"us-namibia-mou"}
    quoted = memoranda.search('"copper" could a court make them keep these promises', k=10)
    assert quoted.provisions == [] and all("copper" in h.text.lower() for h in quoted.results)


def test_cli_names_the_provision_kinds(run_cli, memoranda) -> None:
    out = run_cli("search", "what if one country wants to walk away", "-k", "2")
    assert out.code == 0 and "Also ranked provisions on:" in out.stdout
    data = run_cli("search", "what if one country wants to walk away", "-k", "2", "--json").json()
    assert data["provisions"] and data["results"][0]["clause_id"] == "us-peru-mou/s2.5"


def test_named_documents_come_first_in_the_provision_list(memoranda, monkeypatch: pytest.MonkeyPatch) -> None:
    import kb.search.searcher

    # With room for one cue clause only, the named memorandum's must still be the one (not Peru's).
    monkeypatch.setattr(kb.search.searcher, "PROVISION_CANDIDATES", 1)
    query = "is the Namibia memorandum something a court could enforce"
    found = memoranda.search(query, k=3)
    assert found.scope == ["us-namibia-mou"] and found.provisions
    vector = memoranda.encoder.encode([query])[0]
    kinds = set(found.provisions)
    assert memoranda.searcher._provision_list(kinds, vector, ["us-namibia-mou"], SearchFilters(), 10) == [
        "us-namibia-mou/s1.2"]


def test_provisions_name_only_kinds_whose_clauses_were_ranked(memoranda) -> None:
    query = "what if one country wants to walk away"
    assert memoranda.search(query).provisions
    only_namibia = memoranda.search(query, filters=SearchFilters(doc_ids=["us-namibia-mou"]))
    assert only_namibia.provisions == []  # Namibia's text has no withdrawal clause


def test_a_quoted_query_keeps_its_commitment_types(memoranda) -> None:
    searcher = memoranda.searcher
    vector = searcher.encoder.encode(["is the copper financing commitment legally binding"])[0]
    types_only = searcher.query_subjects(vector, provisions=False)
    assert types_only == searcher.query_types(vector)
    assert not any(s.startswith("provision:") for s in types_only)


def test_expanded_lists_only_the_entries_searched(memoranda) -> None:
    from kb.search.searcher import Searcher, parse_query

    parsed = parse_query("what if one country wants to walk away")
    assert "discontinue" in memoranda.searcher.expansions(parsed)  # in one clause; the other entries in none
    broke = Searcher(memoranda.store, memoranda.index, memoranda.encoder, entry_rows=0)
    assert "discontinue" not in broke.expansions(parsed)  # over budget: neither searched nor listed


def test_http_search_carries_provisions(memoranda) -> None:
    from fastapi.testclient import TestClient

    from kb.api import KnowledgeBase
    from kb.serve.http import create_app

    with TestClient(create_app(KnowledgeBase(memoranda.settings), preload=False)) as client:
        found = client.post("/search", json={"query": "what if one country wants to walk away", "k": 2}).json()
    assert found["provisions"] and found["results"][0]["clause_id"] == "us-peru-mou/s2.5"


def test_provision_kinds_count_only_when_one_wins(memoranda) -> None:
    import numpy as np

    from kb.search.searcher import PROVISION, TYPE_MARGIN, TYPE_NEAREST

    searcher = memoranda.searcher
    names, examples, owner = searcher._type_examples()
    # A financing question comes close to "funding subject to available funds" but is about financing.
    vector = searcher.encoder.encode(["how much funding will each side provide"])[0]
    sims = examples @ (vector / np.linalg.norm(vector))
    scores = {name: float(np.sort(sims[owner == i])[-TYPE_NEAREST:].mean()) for i, name in enumerate(names)}
    best = max(scores, key=lambda n: scores[n])
    close = [n for n, s in scores.items() if n.startswith(PROVISION) and s >= scores[best] - TYPE_MARGIN]
    assert not best.startswith(PROVISION) and close  # a provision kind is within the margin, not first
    assert not any(s.startswith(PROVISION) for s in searcher.query_subjects(vector))
