"""Hybrid retrieval: BM25 over SQLite FTS5 plus Chroma vectors, fused by reciprocal rank.

A query is a batch of one: search() calls search_many(), so the CLI, the API and the
benchmarks share one path. Every mode ranks by its retriever's evidence times a source prior:
clauses of the instruments themselves outrank secondary sources (fact sheets, press releases,
commentary) and boilerplate (titles, signature blocks) at equal evidence. Figures and the
experiments behind each constant: `accords eval-search` on corpus/gold (see README).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kb.fusion import reciprocal_rank, reweight
from kb.models import SearchFilters, SearchHit, SearchMode, SearchResults

if TYPE_CHECKING:
    import numpy as np

    from extract.encoder import Encoder
    from kb.store import Store
    from kb.vectors import VectorIndex

CANDIDATES = 50  # per retriever, before fusion
PHRASE_CANDIDATES = 1000  # clauses holding a quoted phrase that dense mode ranks (the best by BM25)
FUSION_K = 20  # RRF constant: 20 beat 60 on the gold queries (MRR +0.02), and 5 or 10 did worse
# BM25 weight per FTS5 column, in table order: clause_id and doc_id are UNINDEXED but still count.
# The title is the same for every clause of a document, so it only matches, never ranks.
BM25_WEIGHTS = {"clause_id": 0.0, "doc_id": 0.0, "text": 1.0, "heading": 0.5, "title": 0.0}
# Source prior: the weight a clause's evidence keeps, by its document's type and its clause kind.
DOC_TYPE_WEIGHTS: Mapping[str, float] = {"commentary": 0.5, "fact_sheet": 0.5, "press_release": 0.5}
KIND_WEIGHTS: Mapping[str, float] = {"title": 0.5, "signature": 0.5, "preamble": 0.5}
# Up to this many queries embed on one thread: a short batch gains nothing from two threads, and when other
# processes share the cores two threads wait on each other (one query: 16 ms p50 on one thread, 500 ms on two,
# at load 2.6 on 2 cores).
ONE_THREAD_QUERIES = 8

_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "how", "in", "is", "it",
    "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "were", "what", "which", "who",
    "will", "with", "does", "do", "did", "about", "any", "all", "into", "than", "then", "there", "these",
    "those", "they", "them", "we", "our", "us", "you",
})
_PHRASE = re.compile(r'"([^"]+)"')
_TERM = re.compile(r"[\w$€£¥%]+(?:[.,'’/-][\w]+)*", re.UNICODE)
_CURRENCY = "$€£¥"
# "$900m", "2.2bn", "5k": the number and its scale word, as the agreements spell them out
_SCALED = re.compile(r"^(\d+(?:[.,]\d+)?)(k|m|mn|mln|b|bn|tn|thousand|million|billion|trillion)$")
_SCALE_WORDS = {"k": "thousand", "m": "million", "mn": "million", "mln": "million", "b": "billion",
                "bn": "billion", "tn": "trillion"}


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
                                if t not in _STOPWORDS and t.strip(_CURRENCY + "%")))
    return ParsedQuery(query, phrases, terms)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def term_match(term: str) -> str:
    """One optional query term as FTS5 syntax; an abbreviated amount also matches its spelled-out form."""
    bare = term.strip(_CURRENCY + "%")
    scaled = _SCALED.match(bare)
    if scaled:
        number, scale = scaled.groups()
        spelled = f"{number} {_SCALE_WORDS.get(scale, scale)}"
        return f"({_quote(bare)} OR {_quote(spelled)})" if spelled != bare else _quote(spelled)
    return _quote(bare)


def fts_match(parsed: ParsedQuery) -> str | None:
    """FTS5 expression: every quoted phrase required, other terms ranked by BM25 (OR)."""
    required = [_quote(p) for p in parsed.phrases]
    optional = [term_match(t) for t in parsed.terms]
    if optional and required:
        return " AND ".join(required) + " AND (" + " OR ".join(optional) + ")"
    if required:
        return " AND ".join(required)
    if optional:
        return " OR ".join(optional)
    return None


def phrase_match(parsed: ParsedQuery) -> str | None:
    return " AND ".join(_quote(p) for p in parsed.phrases) or None


def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """Matches text holding every phrase word for word (any case, any run of spaces); FTS5's
    stemmer alone would let "price floor" match "price floors"."""
    if not phrases:
        return None
    parts = [r"(?<!\w)" + r"\s+".join(re.escape(w) for w in p.split()) + r"(?!\w)" for p in phrases]
    return re.compile("".join(f"(?=.*?{part})" for part in parts), re.IGNORECASE | re.DOTALL)


def source_weight(doc_type: str, kind: str) -> float:
    return DOC_TYPE_WEIGHTS.get(doc_type, 1.0) * KIND_WEIGHTS.get(kind, 1.0)


def embed_queries(encoder: Encoder, texts: list[str]) -> np.ndarray:
    if len(texts) > ONE_THREAD_QUERIES:
        return encoder.encode(texts)
    import torch  # already loaded with the encoder

    threads = torch.get_num_threads()
    if threads == 1:
        return encoder.encode(texts)
    torch.set_num_threads(1)
    try:
        return encoder.encode(texts)
    finally:
        torch.set_num_threads(threads)


class Searcher:
    def __init__(self, store: Store, index: VectorIndex, encoder: Encoder | Callable[[], Encoder]) -> None:
        """encoder may be a function that loads it: lexical search then never loads the model."""
        self.store = store
        self.index = index
        self._encoder = encoder

    @property
    def encoder(self) -> Encoder:
        if callable(self._encoder) and not hasattr(self._encoder, "encode"):
            self._encoder = self._encoder()
        return self._encoder  # type: ignore[return-value]

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None,
               mode: SearchMode = "hybrid") -> SearchResults:
        return self.search_many([query], k, filters, mode)[0]

    def search_many(self, queries: list[str], k: int = 10, filters: SearchFilters | None = None,
                    mode: SearchMode = "hybrid") -> list[SearchResults]:
        filters = filters or SearchFilters()
        parsed = [parse_query(q) for q in queries]
        vectors = embed_queries(self.encoder, [p.semantic_text for p in parsed]) if mode != "lexical" else None
        depth = max(CANDIDATES, k * 3)
        out: list[SearchResults] = []
        for i, query in enumerate(parsed):
            lexical = self._lexical(query, filters, depth) if mode != "dense" else []
            dense = self._dense(query, vectors[i], filters, depth) if vectors is not None else []
            if mode == "lexical":
                evidence = lexical
            elif mode == "dense":
                evidence = dense
            else:
                evidence = reciprocal_rank([[c for c, _ in lexical], [c for c, _ in dense]], k=FUSION_K)
            ranked = reweight(evidence, self._source_weights([c for c, _ in evidence]))
            out.append(SearchResults(query=query.text, mode=mode, results=self._hits(ranked, k)))
        return out

    def _lexical(self, query: ParsedQuery, filters: SearchFilters, depth: int) -> list[tuple[str, float]]:
        match = fts_match(query)
        if not match:
            return []
        if not query.phrases:
            return self._terms(query, match, filters, depth)
        return self._exact(self.bm25(match, filters, PHRASE_CANDIDATES), query.phrases)[:depth]

    def _terms(self, query: ParsedQuery, match: str, filters: SearchFilters, depth: int) -> list[tuple[str, float]]:
        """BM25 over the OR of the terms, unless enough clauses hold every term: then those clauses are the
        candidates, and FTS5 is spared scoring every clause that holds one common word (42 ms p50 at 100k)."""
        if len(query.terms) > 1:
            every = " AND ".join(term_match(t) for t in query.terms)
            found = self.bm25(every, filters, depth)
            if len(found) >= depth:
                return found
        return self.bm25(match, filters, depth)

    def _exact(self, scored: list[tuple[str, float]], phrases: tuple[str, ...]) -> list[tuple[str, float]]:
        """Keep the clauses whose text holds every phrase word for word."""
        pattern = phrase_pattern(phrases)
        if pattern is None:
            return scored
        texts = dict(self._select("SELECT clause_id, text FROM clauses WHERE clause_id IN ({marks})",
                                  [c for c, _ in scored]))
        return [(c, s) for c, s in scored if pattern.match(texts.get(c, ""))]

    def bm25(self, match: str, filters: SearchFilters, limit: int) -> list[tuple[str, float]]:
        """Clauses matching an FTS5 expression, best first, as (clause_id, BM25 score; higher is better)."""
        rank = f"bm25(clause_fts, {', '.join(str(w) for w in BM25_WEIGHTS.values())})"
        # Match in the clause's own words and heading only: a title word would make every clause of the
        # document a candidate (slow at 100k, and no better on the gold queries).
        params: list[Any] = ["{text heading} : (" + match + ")"]
        if filters.is_empty():  # no join: FTS5 ranks its own rows, which is what keeps this fast at 100k
            sql = f"SELECT clause_id, {rank} AS rank FROM clause_fts WHERE clause_fts MATCH ? ORDER BY rank LIMIT ?"
        else:
            cond, extra = self.store.filter_sql(filters)
            params.extend(extra)
            sql = (f"SELECT f.clause_id, {rank} AS rank FROM clause_fts f "
                   "JOIN clauses c ON c.clause_id = f.clause_id JOIN documents d ON d.doc_id = c.doc_id "
                   f"WHERE clause_fts MATCH ? AND {cond} ORDER BY rank LIMIT ?")
        rows = self.store.db.execute(sql, [*params, limit]).fetchall()
        return [(clause_id, -float(score)) for clause_id, score in rows]

    def _dense(self, query: ParsedQuery, vector: np.ndarray, filters: SearchFilters,
               depth: int) -> list[tuple[str, float]]:
        phrases = phrase_match(query)
        if phrases is None:
            return self.index.query(vector, depth, filters)
        # Quoted phrases must match exactly: rank only the clauses that contain them.
        candidates = [c for c, _ in self._exact(self.bm25(phrases, filters, PHRASE_CANDIDATES), query.phrases)]
        if not candidates:
            return []
        # Chroma ranks the candidates itself: fetching thousands of vectors into Python took 300 ms at 100k.
        # (VectorIndex.query could take these ids; until it does, this asks its collection directly.)
        found = self.index.collection.query(query_embeddings=[vector], ids=candidates,
                                            n_results=min(depth, len(candidates)), include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(found["ids"][0], found["distances"][0], strict=True)]

    def _source_weights(self, clause_ids: list[str]) -> dict[str, float]:
        sql = ("SELECT c.clause_id, c.kind, d.doc_type FROM clauses c JOIN documents d ON d.doc_id = c.doc_id "
               "WHERE c.clause_id IN ({marks})")
        return {clause_id: source_weight(doc_type, kind) for clause_id, kind, doc_type in self._select(sql, clause_ids)}

    def _select(self, sql: str, clause_ids: list[str]) -> list[tuple[Any, ...]]:
        """Run sql, whose `{marks}` stands for the placeholders of an IN list, over clause_ids in chunks."""
        rows: list[tuple[Any, ...]] = []
        for i in range(0, len(clause_ids), 500):
            chunk = clause_ids[i : i + 500]
            rows.extend(self.store.db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk).fetchall())
        return rows

    def _hits(self, ranked: list[tuple[str, float]], k: int) -> list[SearchHit]:
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
            if len(hits) == k:
                break
        return hits
