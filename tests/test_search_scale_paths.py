"""The shortcuts search takes on large collections give the answers of the exact paths.

Searching 100k clauses fast needs shortcuts (see kb/search/searcher.py and kb/search/postfilter.py); these tests
make them fire on a small corpus and compare with the exact ranking.
"""
from __future__ import annotations

from pathlib import Path

from kb.models import SearchFilters
from kb.search.searcher import Searcher, parse_query
from tests.conftest import write_frameworks

RARE = ["tungsten", "gallium", "antimony", "germanium"]


def _write_corpus(folder: Path, n_docs: int = 6, per_doc: int = 20) -> None:
    write_frameworks(folder, n_docs, per_doc,
                     lambda d, i: f" and {RARE[(d + i) % len(RARE)] if i % 5 == 0 else 'copper'} refining")


def test_rare_term_split_ranks_like_the_full_or(kb, tmp_path: Path) -> None:
    # 10 documents of 20 clauses: "supply" in all 200, "tungsten" in 50 (a quarter), enough to fill the
    # 50 candidates, so the split's own list is what search returns.
    docs = tmp_path / "docs"
    write_frameworks(docs, 10, 20, lambda d, i: f" and {'tungsten' if i % 4 == 0 else 'copper'} refining")
    kb.ingest([docs])
    exact = Searcher(kb.store, kb.index, kb.encoder, split_rows=10**9)
    split = Searcher(kb.store, kb.index, kb.encoder, split_rows=1, common_share=0.3)
    counts = split.term_counts(['"tungsten"', '"supply"'])
    assert counts['"tungsten"'] == 50 and counts['"supply"'] == 200  # the split fires and fills the list alone
    query = "tungsten supply, copper"  # no clause holds all three: the AND shortcut passes to the split
    assert split.bm25(" AND ".join(f'"{t}"' for t in ("tungsten", "supply", "copper")), SearchFilters(), 50) == []
    exact_hits = exact.search(query, k=5, mode="lexical").results
    split_hits = split.search(query, k=5, mode="lexical").results
    assert [h.clause_id for h in split_hits] == [h.clause_id for h in exact_hits]
    assert all("tungsten" in h.text for h in split_hits)  # the rare word decides, the common ones still score


def test_term_counts_follow_new_documents(kb, tmp_path: Path) -> None:
    _write_corpus(tmp_path / "docs", n_docs=2)
    kb.ingest([tmp_path / "docs"])
    searcher = kb.searcher
    before = searcher.term_counts(['"tungsten"'])['"tungsten"']
    more = tmp_path / "more"
    more.mkdir()
    (more / "gamma-delta.txt").write_text("Gamma-Delta Memorandum\n\nSection 1\n1. Tungsten stocks will be shared.\n",
                                          encoding="utf-8")
    kb.ingest([more])
    assert searcher.term_counts(['"tungsten"'])['"tungsten"'] == before + 1
    assert searcher.term_counts.total == kb.store.db.execute("SELECT count(*) FROM clauses").fetchone()[0]


def test_widened_filter_returns_only_passing_clauses_in_ranked_order(kb, tmp_path: Path) -> None:
    _write_corpus(tmp_path / "docs")
    kb.ingest([tmp_path / "docs"])
    doc_type = kb.documents()[0].doc_type
    filters = SearchFilters(doc_types=[doc_type], date_to=None)
    for mode in ("lexical", "dense"):
        hits = kb.search("gallium refining", k=7, filters=filters, mode=mode).results
        assert len(hits) == 7
        assert {h.doc_id for h in hits} <= {d.doc_id for d in kb.documents(doc_type)}
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_possessive_query_words_match_the_plain_name() -> None:
    assert parse_query("Ukraine's reconstruction fund").terms == ("ukraine", "reconstruction", "fund")
    assert parse_query("the Parties’s duties").terms == ("parties", "duties")


def test_taxonomy_vectors_are_kept_for_the_next_process(kb, tmp_path: Path) -> None:
    import numpy as np

    _write_corpus(tmp_path / "docs", n_docs=1)
    kb.ingest([tmp_path / "docs"])
    kb.search("keeping mines out of foreign hands", k=3)
    [saved] = (kb.settings.data_dir / "cache").glob("vectors-*.npy")
    names, vectors, _ = kb.searcher._type_examples()
    assert np.array_equal(np.load(saved), vectors) and len(names) >= 14
    again = Searcher(kb.store, kb.index, kb.encoder, cache_dir=saved.parent)
    assert np.array_equal(again._type_examples()[1], vectors)


def test_clause_share_follows_new_documents(kb, tmp_path: Path) -> None:
    # The share of clauses a filter keeps decides how filtered search runs; it is kept between searches.
    _write_corpus(tmp_path / "docs", n_docs=2, per_doc=20)  # two frameworks of 20 clauses (and a title)
    kb.ingest([tmp_path / "docs"])
    memoranda = SearchFilters(doc_types=["memorandum"])
    assert kb.store.clause_share(memoranda) == 0.0
    more = tmp_path / "more"
    more.mkdir()
    (more / "gamma-delta.txt").write_text("Gamma-Delta Memorandum\n\nSection 1\n1. Tungsten stocks will be shared.\n",
                                          encoding="utf-8")
    kb.ingest([more])
    share = kb.store.clause_share(memoranda)
    kept = kb.store.db.execute("SELECT sum(n_clauses) FROM documents WHERE doc_type = 'memorandum'").fetchone()[0]
    total = kb.store.db.execute("SELECT sum(n_clauses) FROM documents").fetchone()[0]
    assert kept > 0 and share == kept / total
