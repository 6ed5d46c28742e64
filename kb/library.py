"""What the report, follow-through and evaluation rooms read from a knowledge base.

They take any Library rather than the KnowledgeBase itself, so that the facade can call them without
their importing it back: KnowledgeBase is the Library every caller passes.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

    from extract.models import Commitment
    from ingest.models import Clause, Document
    from kb.models import DocSummary, SearchFilters, SearchMode, SearchResults
    from kb.search.ranker import HybridLists


class Library(Protocol):
    def require(self, doc_id: str) -> None: ...

    def doc_ids(self) -> list[str]: ...

    def document(self, doc_id: str) -> Document: ...

    def documents(self, doc_type: str | None = None, party: str | None = None,
                  doc_ids: Iterable[str] | None = None) -> list[DocSummary]: ...

    def clauses(self, doc_id: str) -> list[Clause]: ...

    def clause_rows(self, clause_ids: list[str]) -> dict[str, dict[str, Any]]: ...

    def clause_vectors(self, clause_ids: list[str], embed_missing: bool = True) -> dict[str, np.ndarray]: ...

    def commitments(self, doc_id: str | None = None, types: Iterable[str] = (), modalities: Iterable[str] = (),
                    *, min_force: str | None = None, party: str | None = None,
                    mineral: str | None = None, with_deadline: bool = False) -> list[Commitment]: ...

    def hybrid_lists(self, queries: list[str], k: int = 10) -> list[HybridLists]: ...

    def clause_sources(self, clause_ids: list[str]) -> dict[str, tuple[str, str, str]]: ...

    def search_many(self, queries: list[str], k: int = 10, filters: SearchFilters | None = None,
                    mode: SearchMode = "hybrid") -> list[SearchResults]: ...
