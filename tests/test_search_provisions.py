"""Questions about final provisions (leaving, legal force...) find them though they share no word with them."""
from __future__ import annotations

from pathlib import Path

import pytest

from kb.models import SearchFilters
from kb.provisions import load_provisions

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
    assert out.code == 0 and "Also ranked clauses on:" in out.stdout
    data = run_cli("search", "what if one country wants to walk away", "-k", "2", "--json").json()
    assert data["provisions"] and data["results"][0]["clause_id"] == "us-peru-mou/s2.5"
