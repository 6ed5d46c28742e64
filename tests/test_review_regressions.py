"""Bugs found reviewing the 100k search work, each pinned by the smallest case that showed it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kb.models import SearchFilters
from kb.search.searcher import Searcher
from kb.store.vectors import VectorIndex
from tests.conftest import write_frameworks


def test_rare_term_split_still_fills_the_list_from_common_terms(kb, tmp_path: Path) -> None:
    # One clause holds the rare word, all 80 hold the common one: the split alone found 1 clause of 10.
    docs = tmp_path / "docs"
    write_frameworks(docs, 4, 20, lambda d, i: " and zirconium" if (d, i) == (0, 3) else "")
    kb.ingest([docs])
    exact = Searcher(kb.store, kb.index, kb.encoder, split_rows=10**9)
    split = Searcher(kb.store, kb.index, kb.encoder, split_rows=1)
    exact_hits = exact.search("zirconium supply", k=10, mode="lexical").results
    split_hits = split.search("zirconium supply", k=10, mode="lexical").results
    assert len(split_hits) == 10
    assert "zirconium" in split_hits[0].text
    assert [h.clause_id for h in split_hits] == [h.clause_id for h in exact_hits]


@pytest.mark.slow  # 33,000 vectors written to Chroma
def test_vectors_and_ranking_among_more_ids_than_sqlite_variables(tmp_path: Path) -> None:
    # A doc-id filter over more than 32766 clauses ranks `among` them; one Chroma get of them all failed.
    index = VectorIndex.open(path=tmp_path / "chroma")
    n = 33_000
    ids = [f"c{i}" for i in range(n)]
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(n, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    for start in range(0, n, 4000):
        index.collection.add(ids=ids[start : start + 4000], embeddings=vectors[start : start + 4000],
                             metadatas=[{"doc_id": "d"}] * len(ids[start : start + 4000]))
    assert len(index.vectors(ids)) == n
    best = index.query(vectors[32_500], 3, SearchFilters(), among=[*ids, "gone"])
    assert best[0][0] == "c32500"
    assert abs(best[0][1] - 1.0) < 1e-4
    assert len(best) == 3


def test_forked_child_embeds_on_a_thread_of_its_own() -> None:
    """The query-embedding pool's thread does not survive fork(); a child reusing the parent's pool would wait
    forever for its first query vector."""
    import multiprocessing

    from kb.search.searcher import _embedder

    assert _embedder().submit(int, "1").result(timeout=30) == 1
    context = multiprocessing.get_context("fork")
    child = context.Process(target=_embed_in_child)
    child.start()
    child.join(60)
    if child.is_alive():
        child.kill()
    assert child.exitcode == 0


def _embed_in_child() -> None:
    from kb.search.searcher import _embedder

    raise SystemExit(0 if _embedder().submit(int, "2").result(timeout=30) == 2 else 1)
