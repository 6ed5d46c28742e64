"""Hybrid retrieval: BM25 over SQLite FTS5 plus Chroma vectors, fused by reciprocal rank.

A query is a batch of one: search() calls search_many(), so the CLI, the API and the
benchmarks share one path.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.fusion import reciprocal_rank
from kb.models import SearchFilters, SearchHit, SearchMode, SearchResults

if TYPE_CHECKING:
    import numpy as np

    from extract.encoder import Encoder
    from kb.store import Store
    from kb.vectors import VectorIndex

CANDIDATES = 50  # per retriever, before fusion
PHRASE_CANDIDATES = 5000
_STOPWORDS = frozenset(
    "a an and are as at be by for from has have how in is it its of on or that the their this to was were what "
    "which who will with does do did about any all into than then there these those they them we our us you".split()
)
_PHRASE = re.compile(r'"([^"]+)"')
_TERM = re.compile(r"[\w$€£¥%]+(?:[.,'’-][\w]+)*", re.UNICODE)


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    phrases: tuple[str, ...]
    terms: tuple[str, ...]

    @property
    def semantic_text(self) -> str:
        return self.text.replace('"', "").strip()


def parse_query(query: str) -> ParsedQuery:
    phrases = tuple(p.strip() for p in _PHRASE.findall(query) if p.strip())
    rest = _PHRASE.sub(" ", query)
    terms = tuple(dict.fromkeys(t for t in (m.group(0).lower() for m in _TERM.finditer(rest))
                                if t not in _STOPWORDS and t.strip("$€£¥%")))
    return ParsedQuery(query, phrases, terms)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts_match(parsed: ParsedQuery) -> str | None:
    """FTS5 expression: every quoted phrase required, other terms ranked by BM25 (OR)."""
    required = [_quote(p) for p in parsed.phrases]
    optional = [_quote(t.strip("$€£¥%")) for t in parsed.terms]
    if optional and required:
        return " AND ".join(required) + " AND (" + " OR ".join(optional) + ")"
    if required:
        return " AND ".join(required)
    if optional:
        return " OR ".join(optional)
    return None


def phrase_match(parsed: ParsedQuery) -> str | None:
    return " AND ".join(_quote(p) for p in parsed.phrases) or None


class Searcher:
    def __init__(self, store: Store, index: VectorIndex, encoder: Encoder) -> None:
        self.store = store
        self.index = index
        self.encoder = encoder

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None,
               mode: SearchMode = "hybrid") -> SearchResults:
        return self.search_many([query], k, filters, mode)[0]

    def search_many(self, queries: list[str], k: int = 10, filters: SearchFilters | None = None,
                    mode: SearchMode = "hybrid") -> list[SearchResults]:
        filters = filters or SearchFilters()
        parsed = [parse_query(q) for q in queries]
        vectors = self.encoder.encode([p.semantic_text for p in parsed]) if mode != "lexical" else None
        out: list[SearchResults] = []
        for i, query in enumerate(parsed):
            depth = max(CANDIDATES, k * 3)
            lexical = self._lexical(query, filters, depth) if mode != "dense" else []
            dense = self._dense(query, vectors[i], filters, depth) if vectors is not None else []
            if mode == "lexical":
                ranked = lexical[:k]
            elif mode == "dense":
                ranked = dense[:k]
            else:
                ranked = reciprocal_rank([[c for c, _ in lexical], [c for c, _ in dense]])[:k]
            out.append(SearchResults(query=query.text, mode=mode, results=self._hits(ranked)))
        return out

    def _lexical(self, query: ParsedQuery, filters: SearchFilters, depth: int) -> list[tuple[str, float]]:
        match = fts_match(query)
        return self.store.lexical(match, filters, depth) if match else []

    def _dense(self, query: ParsedQuery, vector: np.ndarray, filters: SearchFilters,
               depth: int) -> list[tuple[str, float]]:
        phrases = phrase_match(query)
        if phrases is None:
            return self.index.query(vector, depth, filters)
        # Quoted phrases must match exactly: rank only the clauses that contain them.
        candidates = [c for c, _ in self.store.lexical(phrases, filters, PHRASE_CANDIDATES)]
        stored = self.index.vectors(candidates)
        scored = [(cid, float(vec @ vector)) for cid, vec in stored.items()]
        return sorted(scored, key=lambda pair: -pair[1])[:depth]

    def _hits(self, ranked: list[tuple[str, float]]) -> list[SearchHit]:
        rows = self.store.clause_rows([c for c, _ in ranked])
        hits: list[SearchHit] = []
        for clause_id, score in ranked:
            row = rows.get(clause_id)
            if row is None:  # a vector whose clause is gone (e.g. mid-update); doctor repairs these
                continue
            hits.append(
                SearchHit(
                    rank=len(hits) + 1, score=round(score, 6), doc_id=row["doc_id"], doc_title=row["doc_title"],
                    clause_id=clause_id, section=row["section"], citation=row["citation"], page=row["page"],
                    text=row["text"], types=row["types"],
                )
            )
        return hits
