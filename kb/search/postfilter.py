"""Filtered retrieval at scale: rank without the filter, then keep what passes, when the filter keeps much.

A filter that keeps a large share of the clauses (a document type, a party, a date range) costs least
after ranking: FTS5 and HNSW stay on their unfiltered fast paths, and a list `widen` times longer is checked
against SQLite. At 100k clauses a doc-type filter inside both retrievers took 300-400 ms. When too few pass,
or the filter keeps little, the retrievers filter inside instead, so a filtered query still returns k
results whenever k exist.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kb.models import SearchFilters
    from kb.store.sqlite import Store

MIN_SHARE = 0.05  # below this share of clauses, filtering inside the retriever is cheaper
MAX_WIDE = 1000  # longest unfiltered list worth checking; past it (a phrase's 300 candidates), filter inside


def widen_factor(store: Store, filters: SearchFilters, limit: int) -> int:
    """How many times more than limit results to rank unfiltered; 0 to filter inside the retriever."""
    if filters.is_empty():
        return 1
    if filters.types or filters.doc_ids:  # clause-level, or a handful of documents: filter inside
        return 0
    share = store.clause_share(filters)
    factor = math.ceil(2 / share) if share >= MIN_SHARE else 0
    return factor if factor * limit <= MAX_WIDE else 0


def keep_passing(store: Store, ranked: list[tuple[str, float]], filters: SearchFilters) -> list[tuple[str, float]]:
    """The ranked clauses that pass the filters, in their order."""
    passing = store.passing([c for c, _ in ranked], filters)
    return [(c, s) for c, s in ranked if c in passing]
