"""Query expansion from the thesaurus (kb/search/expansion.py) and its keyword list in hybrid search."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kb.models import SearchFilters
from kb.search.expansion import DEFAULT_THESAURUS, Thesaurus, ThesaurusError, load_thesaurus, parse_thesaurus
from kb.settings import Settings

EXIT = Thesaurus((("withdraw", "discontinue", "terminate", "pull out"), ("fast-track", "expedite", "streamline"),
                  ("shall", "must", "required to")))


def test_expand_matches_inflections_and_adds_the_rest_of_the_group() -> None:
    assert EXIT.expand("fast-tracking mine approvals") == ("expedite", "streamline")
    assert EXIT.expand("when may Malaysia withdraw?") == ("discontinue", "terminate", "pull out")
    assert EXIT.expand("terminated early") == ("withdraw", "discontinue", "pull out")
    assert EXIT.expand("gallium export licences") == ()


def test_phrases_match_as_a_run_of_words_and_stopword_entries_are_left_out() -> None:
    assert EXIT.expand("can a side pull out") == ("withdraw", "discontinue", "terminate")
    assert EXIT.expand("out of the pull of markets") == ()
    # "must" would call up every clause saying "shall": with the search's stopwords ignored it does nothing,
    # and "required to" alone is still a match that adds only what is not a stopword.
    assert EXIT.expand("what must Malaysia do", ignore={"must", "shall", "to", "what", "do"}) == ()
    assert EXIT.expand("is Malaysia required to act", ignore={"must", "shall", "to"}) == ()
    assert EXIT.expand("is Malaysia required to act") == ("shall", "must")


def test_a_stopword_never_matches_alone_and_one_entry_per_stem_is_added() -> None:
    energy = Thesaurus((("doe", "department of energy", "energy department"),
                        ("amend", "amended", "amendment", "amendments", "revise")))
    # Porter stems "does" to "doe": a question word must not call up the Department of Energy.
    assert energy.expand("does the deal cover it", ignore={"does", "the", "it"}) == ()
    assert energy.expand("what did DOE promise", ignore={"what", "did"}) == ("department of energy", "energy department")
    # FTS5 stems "amend", "amended" and "amendments" alike and would score the same word four times.
    assert energy.expand("can the parties revise the text") == ("amend",)
    assert energy.expand("amendments to the framework") == ("revise",)


def test_stems_are_right_from_many_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from kb.search.expansion import stems

    words = ["withdrawal", "amendments", "expedited", "licences", "stockpiling", "refineries"] * 400
    expected = [stems(w) for w in words]
    with ThreadPoolExecutor(4) as pool:
        results = [pool.submit(lambda: [stems(w) for w in words]) for _ in range(4)]
        assert all(r.result() == expected for r in results)


def test_parse_rejects_bad_shapes_with_the_file_named(tmp_path: Path) -> None:
    assert parse_thesaurus(None).groups == ()
    assert parse_thesaurus([["Exit ", "exit", "leave"]]).groups == (("exit", "leave"),)
    with pytest.raises(ThesaurusError, match="my.yaml: expected a list of groups"):
        parse_thesaurus({"exit": ["leave"]}, "my.yaml")
    with pytest.raises(ThesaurusError, match="group 2 needs at least two entries"):
        parse_thesaurus([["a", "b"], ["c"]])
    with pytest.raises(ThesaurusError, match="group 1 needs at least two entries"):
        parse_thesaurus([["—", "exit"]])  # a dash is no word: it could never match
    broken = tmp_path / "broken.yaml"
    broken.write_text("- [exit, leave\n", encoding="utf-8")
    with pytest.raises(ThesaurusError, match="broken.yaml: cannot read the thesaurus"):
        load_thesaurus(broken)
    with pytest.raises(ThesaurusError, match="absent.yaml: cannot read"):
        load_thesaurus(tmp_path / "absent.yaml")
    assert load_thesaurus("").groups == () == load_thesaurus("none").groups
    unquoted = tmp_path / "unquoted.yaml"
    unquoted.write_text("- [on, upon, from]\n", encoding="utf-8")  # YAML reads a bare on as true
    with pytest.raises(ThesaurusError, match="group 1 holds something other than text"):
        load_thesaurus(unquoted)


def test_an_edited_thesaurus_is_read_again(tmp_path: Path) -> None:
    import os

    file = tmp_path / "mine.yaml"
    file.write_text("- [exit, leave]\n", encoding="utf-8")
    assert load_thesaurus(file).expand("exit") == ("leave",)
    before = file.stat()
    file.write_text("- [exit, depart, go away]\n", encoding="utf-8")
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` leaves it: the old mtime
    assert load_thesaurus(str(file)).expand("exit") == ("depart", "go away")


def test_a_relative_thesaurus_path_is_fixed_when_settings_are_read(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.resolve(tmp_path / "kb", thesaurus="mine.yaml")
    assert settings.thesaurus == str(tmp_path / "mine.yaml")
    assert Settings.resolve(tmp_path / "kb", thesaurus="none").thesaurus == "none"


def test_shipped_thesaurus_parses_and_no_entry_sits_in_two_groups() -> None:
    groups = load_thesaurus(DEFAULT_THESAURUS).groups
    assert len(groups) >= 100
    repeated = [entry for entry, n in Counter(e for g in groups for e in g).items() if n > 1]
    assert repeated == []


WITHDRAWAL = """\
Memorandum of Understanding between the Government of the United States of America and the Government of \
the Republic of Chile on Critical Minerals

Section 1 – Cooperation

1. The Participants intend to share geological survey data on copper and lithium deposits.
2. The Participants intend to hold annual talks between their mining ministries.
3. The Participants intend to coordinate the screening of investments in strategic mineral assets.

Section 2 – Final provisions

4. Either Participant may discontinue this Memorandum by written notification to the other Participant.
5. This Memorandum may be amended by mutual written consent of the Participants.
"""


@pytest.fixture
def chile(kb, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "us-chile-mou.txt"
    path.write_text(WITHDRAWAL, encoding="utf-8")
    assert kb.ingest([path]).failed == []
    return kb


def test_everyday_words_find_the_drafting_words(chile, accords_home: Path) -> None:
    from kb.api import KnowledgeBase
    from kb.search.searcher import parse_query

    query = "can one side pull out of the deal"  # shares no word with "discontinue ... by written notification"
    assert chile.search(query, mode="lexical").results == []
    parsed = parse_query(query)
    entries = chile.searcher.expansions(parsed)
    assert "discontinue" in entries
    expanded = chile.searcher._expanded(parsed, entries, [], SearchFilters(), 10)
    assert expanded[0] == "us-chile-mou/s2.4"
    found = chile.search(query, k=5)
    assert found.expanded == list(entries) and found.results[0].clause_id == "us-chile-mou/s2.4"
    # Turned off, the same clause still comes first (by vector) but with less evidence behind it.
    plain = KnowledgeBase(Settings.resolve(accords_home, thesaurus="none")).search(query, k=5)
    assert plain.expanded == [] and plain.results[0].clause_id == "us-chile-mou/s2.4"
    assert found.results[0].score > plain.results[0].score
    # Lexical and dense modes are the plain retrievers; a quoted phrase asks for exact words.
    assert chile.search(query, mode="dense").expanded == []
    assert chile.search('"pull out"').expanded == []


def test_expansion_keeps_filters(chile) -> None:
    filters = SearchFilters(doc_ids=["us-chile-mou"], types=["investment_screening"])
    filtered = chile.search("can one side pull out of the deal", k=5, filters=filters)
    assert filtered.expanded and filtered.results
    assert all("investment_screening" in h.types for h in filtered.results)


def test_cli_lists_the_expansions_and_a_bad_thesaurus_is_one_line(run_cli, chile, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = run_cli("search", "can one side pull out of the deal", "--json")
    assert out.code == 0, out.stderr
    assert "discontinue" in out.json()["expanded"]
    table = run_cli("search", "can one side pull out of the deal")
    assert table.stdout.startswith("Also searched for (thesaurus): withdraw")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- [lonely]\n", encoding="utf-8")
    monkeypatch.setenv("ACCORDS_THESAURUS", str(bad))
    failed = run_cli("search", "can one side pull out")
    assert failed.code == 1 and failed.stderr.strip() == f"accords: {bad}: group 1 needs at least two entries"
    # Keyword and vector search do not need the thesaurus; a server checks it before it starts.
    assert run_cli("search", "discontinue", "--mode", "lexical").code == 0
    refused = run_cli("mcp")
    assert refused.code == 1 and refused.stderr.strip() == f"accords: {bad}: group 1 needs at least two entries"


def test_expanded_list_equals_bm25_over_terms_and_entries_at_once(chile) -> None:
    # Adding the entries' scores to the keyword list's is exact below SPLIT_ROWS: FTS5's BM25 sums over phrases.
    from kb.search.searcher import _quote, parse_query, term_match

    searcher = chile.searcher
    for query in ("can one side pull out of the annual talks", "fast-tracking screening of mineral investments"):
        parsed = parse_query(query)
        entries = searcher.expansions(parsed)
        assert entries, query
        lexical = searcher._lexical(parsed, SearchFilters(), 50)
        merged = searcher._expanded(parsed, entries, lexical, SearchFilters(), 50)
        whole = searcher.bm25(" OR ".join([*(term_match(t) for t in parsed.terms), *(_quote(e) for e in entries)]),
                              SearchFilters(), 50)
        assert merged == [c for c, _ in whole]


def test_on_large_collections_common_entries_alone_bring_no_candidates(chile) -> None:
    # entry_rows=1 makes the collection "large"; "participant" is in most of its clauses, "discontinue" in one.
    from kb.search.searcher import Searcher, parse_query

    large = Searcher(chile.store, chile.index, chile.encoder, entry_rows=1, common_share=0.2)
    parsed = parse_query("what each side promised")
    only_common = ("participant", "participants")
    assert large._expanded(parsed, only_common, [], SearchFilters(), 50) == []
    mixed = large._expanded(parsed, (*only_common, "discontinue"), [], SearchFilters(), 50)
    assert mixed == ["us-chile-mou/s2.4"]


def test_past_the_row_budget_only_the_rarest_entries_are_scored(chile) -> None:
    from kb.search.searcher import Searcher

    # "discontinue" is in one clause, "written" in two (notification and consent): three rows in all.
    entries = ['"written"', '"discontinue"']
    for budget, expected in ((3, {"us-chile-mou/s2.4", "us-chile-mou/s2.5"}), (2, {"us-chile-mou/s2.4"}),
                             (0, set())):
        searcher = Searcher(chile.store, chile.index, chile.encoder, entry_rows=budget, common_share=1.0)
        assert {c for c, _ in searcher._entries(entries, SearchFilters(), 50)} == expected, budget


def test_http_says_the_thesaurus_is_unreadable(chile, accords_home: Path, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from kb.api import KnowledgeBase
    from kb.serve.http import create_app

    bad = tmp_path / "bad.yaml"
    bad.write_text("- [lonely]\n", encoding="utf-8")
    app = create_app(KnowledgeBase(Settings.resolve(accords_home, thesaurus=str(bad))), preload=False)
    with TestClient(app) as client:
        response = client.post("/search", json={"query": "can one side pull out", "k": 3})
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "bad_thesaurus"
        assert client.post("/search", json={"query": "discontinue", "mode": "lexical"}).status_code == 200
