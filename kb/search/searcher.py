"""Hybrid retrieval: BM25 over SQLite FTS5 plus Chroma vectors, fused by reciprocal rank.

A query is a batch of one: search() calls search_many(), so the CLI, the API and the
benchmarks share one path. Every mode ranks by its retriever's evidence times a source prior:
clauses of the instruments themselves outrank secondary sources (fact sheets, press releases,
commentary) and boilerplate (titles, signature blocks) at equal evidence. Figures and the
experiments behind each constant: `accords eval search` on corpus/gold (see README).
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from extract.encoder import Encoder
from kb.models import SearchFilters, SearchHit, SearchMode, SearchResults
from kb.search.expansion import Thesaurus, load_thesaurus
from kb.search.explain import WEAK_COSINE, explain, highlight_spans, merge_spans
from kb.search.fusion import reciprocal_rank, reweight
from kb.search.postfilter import keep_passing, widen_factor
from kb.search.provisions import load_provisions
from kb.search.ranker import DENSE_WEIGHT, LEXICAL_WEIGHT, HybridLists, LearnedRanker, hand_fusion, source_weight
from kb.search.scope import DocumentCatalog, named_parties, query_scope
from kb.store.term_counts import TermCounts
from kb.store.vectors import VectorIndex

if TYPE_CHECKING:
    import numpy as np

    from kb.store.sqlite import Store

CANDIDATES = 50  # per retriever, before fusion (100 gained one gold query but costs the lexical AND shortcut)
PHRASE_CANDIDATES = 300  # clauses holding a quoted phrase that dense mode ranks (the best by BM25; 1000 cost 50 ms at 100k)
# Candidates for an OR of terms: see Searcher._terms.
SPLIT_ROWS, COMMON_SHARE = 20_000, 0.05
# Most clauses the lists of thesaurus entries and of provision cues score (see Searcher._affordable): FTS5
# took 34 ms to score one entry found in 14k of 100k clauses, about 10 ms at 5k.
ENTRY_ROWS = 5_000
MATCH_COLUMNS = "{text heading}"
# A query that names a country (kb/search/scope.py) ranks the named documents' clauses by vector as one more list;
# named documents holding more than SCOPE_MAX_CLAUSES clauses get no list (their vectors cost ~5 ms a hundred).
SCOPE_MAX_CLAUSES = 500
# A query about a final or procedural provision (kb/search/provisions.py: "can one side walk away") ranks by vector,
# as one more list, the clauses holding that kind's cues (the best PROVISION_CANDIDATES by BM25, within the
# scope's documents when it has any). Figures: see README (Search quality).
PROVISION_CANDIDATES = 100
PROVISION = "provision:"  # prefix of a provision kind among the subjects a query vector is matched with
# A query takes the commitment types whose examples it resembles: the mean cosine of its 3 nearest examples
# (or description) is at least TYPE_MIN and within TYPE_MARGIN of the best type's.
TYPE_MIN, TYPE_MARGIN, TYPE_NEAREST = 0.35, 0.05, 3
# BM25 weight per FTS5 column, in table order: clause_id and doc_id are UNINDEXED but still count.
# The title is the same for every clause of a document, so it only matches, never ranks.
BM25_WEIGHTS = {"clause_id": 0.0, "doc_id": 0.0, "text": 1.0, "heading": 0.5, "title": 0.0}
# Up to this many queries embed on one thread: a short batch gains nothing from two threads, and when other
# processes share the cores two threads wait on each other (one query: 16 ms p50 on one thread, 500 ms on two,
# at load 2.6 on 2 cores).
ONE_THREAD_QUERIES = 8

_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "how", "in", "is", "it",
    "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "were", "what", "which", "who",
    "will", "with", "does", "do", "did", "about", "any", "all", "into", "than", "then", "there", "these",
    "those", "they", "them", "we", "our", "us", "you",
    # question words and modals: they shape a question, not its subject ("when may the fund pay out")
    "can", "could", "may", "might", "must", "shall", "should", "would", "when", "where", "why", "whom", "whose",
    "if", "much", "many", "long",
    # Porter stems "one" to "on", a word of nearly every clause: "can one side leave" matched "data on copper"
    "one",
})
_PHRASE = re.compile(r'"([^"]+)"')
_POSSESSIVE = re.compile(r"['’]s$")  # "Ukraine's" must match "Ukraine": FTS5 reads it as the phrase "ukraine s"
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
    words = (_POSSESSIVE.sub("", m.group(0).lower()) for m in _TERM.finditer(rest))
    terms = tuple(dict.fromkeys(t for t in words if t not in _STOPWORDS and t.strip(_CURRENCY + "%")))
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


def embed_queries(encoder: Encoder, texts: list[str]) -> np.ndarray:
    return encoder.encode(texts, one_thread=len(texts) <= ONE_THREAD_QUERIES)


_EMBEDDER: ThreadPoolExecutor | None = None
_OPENER: ThreadPoolExecutor | None = None


def _embedder() -> ThreadPoolExecutor:
    """One thread embeds every query of the process, so searches from many threads never fight over the
    encoder's thread setting (see embed_queries)."""
    global _EMBEDDER
    if _EMBEDDER is None:
        _EMBEDDER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accords-embed")
    return _EMBEDDER


def _opener() -> ThreadPoolExecutor:
    """A thread that opens a searcher's vector index while its first query embeds and ranks keywords."""
    global _OPENER
    if _OPENER is None:
        _OPENER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accords-open")
    return _OPENER


def _forget_embedder() -> None:
    """A forked child inherits the pool objects but not their threads: it must start its own."""
    global _EMBEDDER, _OPENER
    _EMBEDDER = _OPENER = None


os.register_at_fork(after_in_child=_forget_embedder)


class Searcher:
    def __init__(self, store: Store, index: VectorIndex | Callable[[], VectorIndex],
                 encoder: Encoder | Callable[[], Encoder], split_rows: int = SPLIT_ROWS,
                 common_share: float = COMMON_SHARE, cache_dir: Path | None = None, thesaurus: str | None = None,
                 entry_rows: int = ENTRY_ROWS, fusion: str = "learned") -> None:
        """index and encoder may be functions that open them: lexical search then needs neither Chroma
        nor the model, and still answers when a Chroma server is down. thesaurus: a file for query expansion
        (None: the one shipped; "none": no expansion). fusion: "learned" ranks hybrid results with the fitted
        ranker (kb/search/data/fusion.json) when there is one, "rrf" with the hand-set weights."""
        self.store = store
        self.term_counts = TermCounts(store.db, MATCH_COLUMNS)
        self.catalog = DocumentCatalog(store)
        self.split_rows, self.common_share, self.entry_rows = split_rows, common_share, entry_rows
        self.cache_dir = cache_dir  # where fixed vectors (the taxonomy examples) are kept between processes
        self._index = index
        self._encoder = encoder
        self._types: tuple[list[str], np.ndarray, np.ndarray] | None = None  # see _type_examples
        self.thesaurus_setting = thesaurus
        self._opening: Future[VectorIndex] | None = None  # Chroma being opened on a thread of its own
        self.ranker = LearnedRanker.load() if fusion == "learned" else None

    @property
    def thesaurus(self) -> Thesaurus:
        """Read on first use (lexical and dense search never need it), and again when its file changes."""
        return load_thesaurus(self.thesaurus_setting)

    @cached_property
    def index(self) -> VectorIndex:
        return self._index if isinstance(self._index, VectorIndex) else self._index()

    @cached_property
    def encoder(self) -> Encoder:
        return self._encoder if isinstance(self._encoder, Encoder) else self._encoder()

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None,
               mode: SearchMode = "hybrid") -> SearchResults:
        return self.search_many([query], k, filters, mode)[0]

    def search_many(self, queries: list[str], k: int = 10, filters: SearchFilters | None = None,
                    mode: SearchMode = "hybrid", collect: list[HybridLists] | None = None) -> list[SearchResults]:
        """Rank clauses for each query. collect, in hybrid mode, receives each query's lists before fusion
        (what the learned ranker is fitted on; see kb.eval.fusion)."""
        filters = filters or SearchFilters()
        parsed = [parse_query(q) for q in queries]
        depth = max(CANDIDATES, k * 3)
        # The queries embed on a worker thread while SQLite ranks keywords (the query's own and the thesaurus's)
        # here: both release the GIL, so on two cores a hybrid query waits for the slower, not for their sum.
        # In a new process the worker also loads the model, and another opens Chroma, meanwhile.
        texts = [p.semantic_text for p in parsed]
        embedding = _embedder().submit(lambda: embed_queries(self.encoder, texts)) if mode != "lexical" else None
        if mode != "lexical" and "index" not in self.__dict__:
            self._opening = _opener().submit(lambda: self.index)
        lexical_lists = [self._lexical(query, filters, depth) if mode != "dense" else [] for query in parsed]
        entries = [self.expansions(query) if mode == "hybrid" else () for query in parsed]
        expanded_lists = [self._expanded(query, entries[i], lexical_lists[i], filters, depth)
                          for i, query in enumerate(parsed)]
        vectors = embedding.result() if embedding is not None else None
        opening, self._opening = self._opening, None
        if opening is not None:
            opening.result()  # the index is open, or its error (a Chroma server down) is raised here, once
        out: list[SearchResults] = []
        for i, query in enumerate(parsed):
            lexical = lexical_lists[i]
            dense = self._dense(query, vectors[i], filters, depth) if vectors is not None else []
            scope: list[str] = []
            kinds: list[str] = []
            types: set[str] = set()
            provision_hits: list[str] = []
            if mode == "lexical":
                evidence = lexical
            elif mode == "dense":
                evidence = dense
            else:
                assert vectors is not None  # hybrid mode embedded the queries
                # An explicit filter already says where to look; the query's own words only guess.
                scope = query_scope(query.semantic_text, self.catalog()) if filters.is_empty() else []
                # Quoted words are asked for exactly: no list of clauses without them.
                subjects = self.query_subjects(vectors[i], provisions=not query.phrases)
                kinds = sorted(s.removeprefix(PROVISION) for s in subjects if s.startswith(PROVISION))
                provisions = self._provision_list(set(kinds), vectors[i], scope, filters, depth)
                kinds = kinds if provisions else []
                types = {s for s in subjects if not s.startswith(PROVISION)}
                lists = self._hybrid_lists(lexical, dense, vectors[i], scope, expanded_lists[i], types, provisions,
                                           depth)
                if collect is not None:
                    collect.append(lists)
                evidence = self._fuse(lists)
                provision_hits = provisions
            ranked = evidence if mode == "hybrid" else reweight(evidence, self._source_weights(evidence))
            hits = self._hits(ranked, k)
            weak = self._explain(hits, query, entries[i], dense, types, scope, kinds, set(provision_hits))
            out.append(SearchResults(query=query.text, mode=mode, terms=[*query.terms, *query.phrases], scope=scope,
                                     expanded=list(entries[i]), provisions=kinds, weak=weak, results=hits))
        return out

    def _explain(self, hits: list[SearchHit], query: ParsedQuery, entries: tuple[str, ...],
                 dense: list[tuple[str, float]], types: set[str], scope: list[str], kinds: list[str],
                 provision_hits: set[str]) -> bool:
        """Give each hit its why and highlights; True when there are hits and none is a good match
        (SearchResults.weak)."""
        if not hits:
            return False
        texts = {h.clause_id: h.text for h in hits}
        words = [*(_quote(p) for p in query.phrases), *(term_match(t) for t in query.terms)]
        spans = highlight_spans(texts, {"query": " OR ".join(words) or None,
                                        "thesaurus": " OR ".join(_quote(e) for e in entries) or None,
                                        **{f"word{n}": w for n, w in enumerate(words)}})
        dense_rank = {cid: (n, cosine) for n, (cid, cosine) in enumerate(dense)}
        named = named_parties(query.semantic_text) if scope else set()
        parties = {d.doc_id: d.parties for d in self.catalog()} if scope else {}
        for hit in hits:
            own, related = spans["query"].get(hit.clause_id, []), spans["thesaurus"].get(hit.clause_id, [])
            hit.why = explain(hit, own, related, dense_rank.get(hit.clause_id), types,
                              sorted(named & parties.get(hit.doc_id, frozenset())) if hit.doc_id in scope else [],
                              kinds if hit.clause_id in provision_hits else [])
            hit.highlights = merge_spans(own, related)
        covered = max((sum(hit.clause_id in spans[f"word{n}"] for n in range(len(words))) for hit in hits[:3]),
                      default=0)
        most_words = bool(words) and covered * 2 >= len(words)
        close = bool(dense) and dense[0][1] >= WEAK_COSINE
        return not (most_words or close or types or kinds)

    def _lexical(self, query: ParsedQuery, filters: SearchFilters, depth: int) -> list[tuple[str, float]]:
        match = fts_match(query)
        if not match:
            return []
        if not query.phrases:
            return self._terms([term_match(t) for t in query.terms], filters, depth)
        return self._exact(self.bm25(match, filters, PHRASE_CANDIDATES), query.phrases)[:depth]

    def _terms(self, terms: list[str], filters: SearchFilters, depth: int) -> list[tuple[str, float]]:
        """BM25 over the OR of FTS5 term expressions, with two shortcuts for large collections.

        When enough clauses hold every term, those are the candidates. When the OR would have FTS5 score
        more than SPLIT_ROWS clauses, only clauses holding a rarer term (in at most COMMON_SHARE of them)
        are candidates, still scored on every term: a clause whose only match is a word in a fifth of the
        collection ranks low anyway. Below SPLIT_ROWS (the demo corpus) the ranking is exact.
        """
        match = " OR ".join(terms)
        if len(terms) < 2:
            return self.bm25(match, filters, depth)
        found = self.bm25(" AND ".join(terms), filters, depth)
        if len(found) >= depth:
            return found
        counts = self.term_counts(terms)
        if sum(counts.values()) > self.split_rows:
            rare = [m for m, n in counts.items() if n <= self.common_share * self.term_counts.total]
            if 0 < len(rare) < len(counts):
                found = self.bm25(f"({' OR '.join(rare)}) AND ({match})", filters, depth)
                if len(found) >= depth:  # else the common terms must fill the list: the full OR
                    return found
        return self.bm25(match, filters, depth)

    def _entries(self, phrases: list[str], filters: SearchFilters, depth: int) -> list[tuple[str, float]]:
        """BM25 over the OR of the affordable ones of these FTS5 phrases (thesaurus entries, provision cues)."""
        phrases = self._affordable(phrases)
        return self.bm25(" OR ".join(phrases), filters, depth) if phrases else []

    def _affordable(self, phrases: list[str]) -> list[str]:
        """The phrases worth scoring: all of them while they match at most ENTRY_ROWS clauses (the demo corpus:
        exact), else the rarest, as many as together match at most ENTRY_ROWS and none in more than
        COMMON_SHARE of the clauses. FTS5 scores every clause holding a scored phrase, so common phrases
        ("funding", "participants") cost the most and tell the least; the other lists fill. Counted over the
        whole collection, filters or not, because that is what FTS5 reads."""
        counts = self.term_counts(phrases)
        if sum(counts.values()) <= self.entry_rows:
            return phrases
        kept: set[str] = set()
        rows = 0
        for phrase in sorted(phrases, key=lambda e: counts[e]):
            rows += counts[phrase]
            if counts[phrase] > self.common_share * self.term_counts.total or rows > self.entry_rows:
                break
            kept.add(phrase)
        return [p for p in phrases if p in kept]

    def _exact(self, scored: list[tuple[str, float]], phrases: tuple[str, ...]) -> list[tuple[str, float]]:
        """Keep the clauses whose text holds every phrase word for word."""
        pattern = phrase_pattern(phrases)
        if pattern is None:
            return scored
        texts = self.store.clause_texts([c for c, _ in scored])
        return [(c, s) for c, s in scored if pattern.match(texts.get(c, ""))]

    def bm25(self, match: str, filters: SearchFilters, limit: int) -> list[tuple[str, float]]:
        """Clauses matching an FTS5 expression, best first, as (clause_id, BM25 score; higher is better)."""
        widen = widen_factor(self.store, filters, limit)
        if widen > 1:
            wide = self._bm25(match, SearchFilters(), limit * widen)
            kept = keep_passing(self.store, wide, filters)
            if len(kept) >= limit or len(wide) < limit * widen:  # enough, or every match was seen
                return kept[:limit]
        return self._bm25(match, filters, limit)

    def _bm25(self, match: str, filters: SearchFilters, limit: int) -> list[tuple[str, float]]:
        # Match in the clause's own words and heading only: a title word would make every clause of the
        # document a candidate (slow at 100k, and no better on the gold queries).
        return self.store.bm25(match, MATCH_COLUMNS, BM25_WEIGHTS.values(), filters, limit)

    def _dense(self, query: ParsedQuery, vector: np.ndarray, filters: SearchFilters,
               depth: int) -> list[tuple[str, float]]:
        phrases = phrase_match(query)
        if phrases is None:
            return self._nearest(vector, filters, depth)
        # Quoted phrases must match exactly: rank only the clauses that contain them.
        candidates = [c for c, _ in self._exact(self.bm25(phrases, filters, PHRASE_CANDIDATES), query.phrases)]
        if not candidates:
            return []
        # Ranked from their own vectors (VectorIndex.query with among): HNSW hunting a few allowed ids is slow.
        return self.index.query(vector, min(depth, len(candidates)), SearchFilters(), among=candidates)  # filtered above

    def _nearest(self, vector: np.ndarray, filters: SearchFilters, depth: int) -> list[tuple[str, float]]:
        if filters.doc_ids:  # a few documents: rank exactly their clauses that pass
            among = self.store.clause_ids_where(filters)
            return self.index.query(vector, min(depth, len(among)), SearchFilters(), among=among)
        widen = widen_factor(self.store, filters, depth)
        if widen > 1:
            wide = self.index.query(vector, depth * widen, SearchFilters())
            kept = keep_passing(self.store, wide, filters)
            if len(kept) >= depth or len(wide) < depth * widen:
                return kept[:depth]
        return self.index.query(vector, depth, filters)

    def _hybrid_lists(self, lexical: list[tuple[str, float]], dense: list[tuple[str, float]], vector: np.ndarray,
                      scope: list[str], expanded: list[str], types: set[str], provisions: list[str],
                      depth: int) -> HybridLists:
        """The lexical and dense lists and the extra ones: the type list drawn from both (types: the query's
        commitment types), the scope list (the named documents' clauses by vector), the expanded keyword list
        and the provision list."""
        both = reciprocal_rank([[c for c, _ in lexical], [c for c, _ in dense]], [LEXICAL_WEIGHT, DENSE_WEIGHT])
        return HybridLists(lexical=lexical, dense=dense, typed=self._type_list([c for c, _ in both], types),
                           scoped=self._scope_list(scope, vector, depth), expanded=expanded, provisions=provisions,
                           scope=scope)

    def _fuse(self, lists: HybridLists) -> list[tuple[str, float]]:
        candidates = lists.candidates()
        sources = {cid: (kind, doc_type, doc_id) for cid, kind, doc_type, doc_id in self.store.clause_sources(candidates)}
        if self.ranker is not None:
            return self.ranker.rank(lists, sources)
        return hand_fusion(lists, sources)

    def _expanded(self, query: ParsedQuery, entries: tuple[str, ...], lexical: list[tuple[str, float]],
                  filters: SearchFilters, depth: int) -> list[str]:
        """Clauses by BM25 over the query's terms or the thesaurus entries it calls up (kb/search/expansion.py).

        FTS5's BM25 is a sum over the query's phrases, so a clause's score on terms-or-entries is its score
        on the terms (the lexical list) plus its score on the entries. Scoring the entries alone touches only
        the clauses holding one; scoring every term at once made FTS5 rescore all the lexical candidates
        (30 ms a query at 100k clauses). When both lists are exact (the terms below SPLIT_ROWS with fewer than
        `depth` clauses holding all of them, the entries below ENTRY_ROWS) so is the merge; past that, like the
        keyword list, it is close.
        """
        if not entries:
            return []
        holders = self._entries([_quote(e) for e in entries], filters, depth * 2)
        combined = dict(lexical)
        for clause_id, score in holders:
            combined[clause_id] = combined.get(clause_id, 0.0) + score
        return [c for c, _ in sorted(combined.items(), key=lambda pair: -pair[1])[:depth]]

    def expansions(self, query: ParsedQuery) -> tuple[str, ...]:
        """The thesaurus entries a query calls up and search can afford (_affordable); none for a query with a
        quoted phrase, which asks for those words exactly."""
        if query.phrases:
            return ()
        entries = self.thesaurus.expand(query.semantic_text, ignore=_STOPWORDS)
        affordable = set(self._affordable([_quote(e) for e in entries])) if entries else set()
        return tuple(e for e in entries if _quote(e) in affordable)

    def _scope_list(self, scope: list[str], vector: np.ndarray, depth: int) -> list[str]:
        if not scope or self.catalog.clause_count(scope) > SCOPE_MAX_CLAUSES:
            return []
        among = self.store.clause_ids_where(SearchFilters(doc_ids=scope))
        if not among:
            return []
        return [c for c, _ in self.index.query(vector, min(depth, len(among)), SearchFilters(), among=among)]

    def _provision_list(self, kinds: set[str], vector: np.ndarray, scope: list[str], filters: SearchFilters,
                        depth: int) -> list[str]:
        """Clauses holding a cue of the provision kinds the query is about, by vector: the scope's documents'
        when any hold one (scope is only set without filters), else those passing the filters."""
        if not kinds:
            return []
        cues = [_quote(cue) for kind in load_provisions() if kind.name in kinds for cue in kind.cues]
        holders: list[tuple[str, float]] = []
        if scope:
            holders = self._entries(cues, SearchFilters(doc_ids=scope), PROVISION_CANDIDATES)
        holders = holders or self._entries(cues, filters, PROVISION_CANDIDATES)
        if not holders:
            return []
        among = [c for c, _ in holders]
        return [c for c, _ in self.index.query(vector, min(depth, len(among)), SearchFilters(), among=among)]

    def _type_list(self, candidates: list[str], wanted: set[str]) -> list[str]:
        """The candidates, in fused order, that carry a commitment type the query is about.

        Both retrievers see words; this list sees the subject. "Blocking foreign takeovers of mineral assets"
        shares few words with a clause on reviewing asset sales, but its nearest taxonomy examples are
        investment screening, and the clauses extraction typed so move up together. No matched type, no list.
        (The model is not always so apt: for "keeping mines out of Chinese hands" recycling wins, narrowly.)
        """
        if not wanted or not candidates:
            return []
        types = self.store.clause_types(candidates)
        return [c for c in candidates if wanted.intersection(types.get(c, []))]

    def query_types(self, vector: np.ndarray) -> set[str]:
        """The commitment types a query vector is about (see TYPE_MIN, TYPE_MARGIN); often none."""
        return self.query_subjects(vector, provisions=False)

    def query_subjects(self, vector: np.ndarray, provisions: bool = True) -> set[str]:
        """The commitment types and provision kinds (prefixed PROVISION) a query vector is about: one contest,
        so a question about leaving the deal is not also about finance; often none. Provision kinds count only
        when one of them wins: a question on financing that comes close to "funding subject to available
        funds" is still about financing. provisions=False holds the contest among the commitment types alone."""
        import numpy as np

        names, examples, owner = self._type_examples()
        entrants = [i for i, name in enumerate(names) if provisions or not name.startswith(PROVISION)]
        if not entrants:
            return set()
        sims = examples @ (vector / max(float(np.linalg.norm(vector)), 1e-12))
        scores = {i: float(np.sort(sims[owner == i])[-TYPE_NEAREST:].mean()) for i in entrants}
        winner = max(scores, key=lambda i: scores[i])
        chosen = {names[i] for i, s in scores.items() if s >= TYPE_MIN and s >= scores[winner] - TYPE_MARGIN}
        if not names[winner].startswith(PROVISION):
            chosen = {name for name in chosen if not name.startswith(PROVISION)}
        return chosen

    def _type_examples(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Each type's description and examples, and each provision kind's asks, embedded once and kept in
        cache_dir: (names, vectors, row -> name index)."""
        if self._types is None:
            import numpy as np

            from extract.taxonomy import load_taxonomy

            taxonomy = load_taxonomy()
            names, texts, owner = [], [], []
            for name, spec in taxonomy.types.items():
                lines = [t for t in [spec.description, *spec.examples] if t]
                if lines:
                    names.append(name)
                    texts.extend(lines)
                    owner.extend([len(names) - 1] * len(lines))
            for kind in load_provisions():
                names.append(PROVISION + kind.name)
                texts.extend(kind.asks)
                owner.extend([len(names) - 1] * len(kind.asks))
            vectors = (self.encoder.encode_saved(texts, self.cache_dir) if texts
                       else np.zeros((0, 1), dtype=np.float32))
            self._types = (names, vectors, np.asarray(owner, dtype=np.int64))
        return self._types

    def _source_weights(self, evidence: list[tuple[str, float]]) -> dict[str, float]:
        return {clause_id: source_weight(doc_type, kind)
                for clause_id, kind, doc_type, _ in self.store.clause_sources([c for c, _ in evidence])}

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
