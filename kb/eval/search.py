"""Search evaluation: recall@k and MRR of each search mode on gold queries, side by side.

Gold files are JSON lines `{"query", "kind", "relevant": [{"doc_id", "snippet"}]}`. A snippet is a
verbatim, whitespace-normalised substring of exactly one clause of its document; it is resolved
against the clauses in the store, so the gold survives changes to clause ids and splitting rules
(and a snippet that no longer pins one clause is reported, not silently scored).
"""
from __future__ import annotations

import glob
import json
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from kb.models import SearchMode

if TYPE_CHECKING:
    from kb.library import Library

MODES: tuple[SearchMode, ...] = ("hybrid", "dense", "lexical")
DEFAULT_GOLD = "corpus/gold/queries*.jsonl"
MRR_BAR_MODE: SearchMode = "hybrid"
RECALL_BAR = 0.9  # hybrid recall@5 must reach this
NDCG_K = 10
_SPACE = re.compile(r"\s+")


class GoldRelevant(BaseModel):
    doc_id: str
    snippet: str


class GoldQuery(BaseModel):
    query: str
    kind: str = "other"
    relevant: list[GoldRelevant] = Field(min_length=1)
    source: str = ""


class Unresolved(BaseModel):
    query: str
    doc_id: str
    snippet: str
    reason: str


class ModeScores(BaseModel):
    mode: SearchMode
    recall: dict[int, float] = Field(description="Mean share of a query's relevant clauses in the top k, by k.")
    mrr: float = Field(description="Mean reciprocal rank of the first relevant clause (0 when none in the top k).")
    ndcg: float = Field(default=0.0, description=f"Mean nDCG@{NDCG_K}: every relevant clause counts, discounted "
                                                 "by its rank, against the best possible ranking; unlike "
                                                 "recall@5 it can reach 1 for a query with many relevant clauses.")


class QueryOutcome(BaseModel):
    query: str
    kind: str
    relevant: list[str] = Field(description="The clause ids the snippets resolved to.")
    ranks: dict[str, list[int | None]] = Field(description="Per mode, the rank of each relevant clause (None: not found).")
    top: dict[str, list[str]] = Field(description="Per mode, the first three clause ids returned.")


class SearchEvalReport(BaseModel):
    gold_files: list[str]
    n_queries: int
    k_values: list[int]
    modes: list[ModeScores]
    by_kind: dict[str, dict[str, float]] = Field(description="kind -> mode -> MRR.")
    misses: list[QueryOutcome] = Field(description="Queries where some mode left a relevant clause out of the top k.")
    unresolved: list[Unresolved] = Field(default_factory=list)
    hybrid_beats_others_on_mrr: bool
    hybrid_recall_at_5: float
    passed: bool

    def scores(self, mode: str) -> ModeScores:
        return next(m for m in self.modes if m.mode == mode)


def gold_files(patterns: Iterable[str | Path] | str | Path | None = None) -> list[Path]:
    """Expand paths and globs (default: corpus/gold/queries*.jsonl here, else beside the package)."""
    if patterns is None:
        here = sorted(Path(p) for p in glob.glob(DEFAULT_GOLD))
        if here:
            return here
        root = Path(__file__).resolve().parents[2]
        return sorted(Path(p) for p in glob.glob(str(root / DEFAULT_GOLD)))
    if isinstance(patterns, str | Path):
        patterns = [patterns]
    files: list[Path] = []
    for pattern in patterns:
        matched = sorted(Path(p) for p in glob.glob(str(pattern))) if glob.has_magic(str(pattern)) else [Path(pattern)]
        for path in matched:
            if path.is_dir():
                matched_dir = sorted(path.glob("queries*.jsonl"))
                files.extend(matched_dir)
            elif path not in files:
                files.append(path)
    return list(dict.fromkeys(files))


def load_gold(paths: Sequence[Path]) -> list[GoldQuery]:
    """Read gold queries; the same query text in several files counts once (its relevant sets merge)."""
    merged: dict[str, GoldQuery] = {}
    for path in paths:
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = GoldQuery.model_validate({**json.loads(line), "source": f"{path.name}:{line_no}"})
            except ValueError as exc:
                raise ValueError(f"{path}:{line_no}: not a gold query ({str(exc).splitlines()[0]})") from None
            key = normalise(item.query).lower()
            if key in merged:
                seen = {(r.doc_id, normalise(r.snippet)) for r in merged[key].relevant}
                merged[key].relevant.extend(r for r in item.relevant if (r.doc_id, normalise(r.snippet)) not in seen)
            else:
                merged[key] = item
    return list(merged.values())


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def resolve(kb: Library, queries: list[GoldQuery]) -> tuple[list[tuple[GoldQuery, list[str]]], list[Unresolved]]:
    """Map each snippet to the one clause containing it; collect the snippets that pin none or several."""
    clauses: dict[str, list[tuple[str, str]]] = {}
    known = set(kb.doc_ids())
    resolved: list[tuple[GoldQuery, list[str]]] = []
    problems: list[Unresolved] = []
    for query in queries:
        ids: list[str] = []
        for rel in query.relevant:
            if rel.doc_id not in known:
                problems.append(Unresolved(query=query.query, doc_id=rel.doc_id, snippet=rel.snippet,
                                           reason="document not in the knowledge base"))
                continue
            if rel.doc_id not in clauses:
                clauses[rel.doc_id] = [(c.clause_id, normalise(c.text)) for c in kb.clauses(rel.doc_id)]
            snippet = normalise(rel.snippet)
            hits = [cid for cid, text in clauses[rel.doc_id] if snippet in text]
            if len(hits) == 1:
                if hits[0] not in ids:
                    ids.append(hits[0])
            else:
                reason = "no clause contains it" if not hits else f"{len(hits)} clauses contain it: {', '.join(hits[:4])}"
                problems.append(Unresolved(query=query.query, doc_id=rel.doc_id, snippet=rel.snippet, reason=reason))
        if ids:
            resolved.append((query, ids))
    return resolved, problems


def evaluate_search(kb: Library, gold_paths: Iterable[str | Path] | str | Path | None = None,
                    k_values: Sequence[int] = (5, 10), modes: Sequence[SearchMode] = MODES) -> SearchEvalReport:
    """Run every gold query in every mode and score the rankings; see SearchEvalReport."""
    files = gold_files(gold_paths)
    if not files:
        raise FileNotFoundError(f"no gold query files match {gold_paths or DEFAULT_GOLD}")
    scored, unresolved = resolve(kb, load_gold(files))
    k_values = sorted(set(k_values))
    depth = max(k_values[-1], NDCG_K)
    texts = [q.query for q, _ in scored]
    ranked: dict[str, list[list[str]]] = {}
    for mode in modes:
        results = kb.search_many(texts, k=depth, mode=mode) if texts else []
        ranked[mode] = [[hit.clause_id for hit in r.results] for r in results]

    scores: list[ModeScores] = []
    by_kind: dict[str, dict[str, list[float]]] = {}
    misses: list[QueryOutcome] = []
    for mode in modes:
        recall = {k: 0.0 for k in k_values}
        mrr = ndcg = 0.0
        for (query, relevant), ids in zip(scored, ranked[mode], strict=True):
            for k in k_values:
                recall[k] += len(set(ids[:k]) & set(relevant)) / len(relevant)
            rr = _reciprocal_rank(ids[: k_values[-1]], relevant)
            mrr += rr
            ndcg += ndcg_at(ids, relevant, NDCG_K)
            by_kind.setdefault(query.kind, {}).setdefault(mode, []).append(rr)
        n = max(len(scored), 1)
        scores.append(ModeScores(mode=mode, recall={k: round(v / n, 4) for k, v in recall.items()},
                                 mrr=round(mrr / n, 4), ndcg=round(ndcg / n, 4)))
    for i, (query, relevant) in enumerate(scored):
        top = {m: ranked[m][i][: k_values[-1]] for m in modes}  # nDCG may have fetched deeper
        ranks: dict[str, list[int | None]] = {
            m: [top[m].index(c) + 1 if c in top[m] else None for c in relevant] for m in modes}
        if any(r is None for m in modes for r in ranks[m]):
            misses.append(QueryOutcome(query=query.query, kind=query.kind, relevant=relevant, ranks=ranks,
                                       top={m: ranked[m][i][:3] for m in modes}))

    by_mode = {s.mode: s for s in scores}
    hybrid = by_mode.get(MRR_BAR_MODE)
    beats = hybrid is not None and all(hybrid.mrr > s.mrr for m, s in by_mode.items() if m != MRR_BAR_MODE)
    recall5 = hybrid.recall.get(5, 0.0) if hybrid else 0.0
    return SearchEvalReport(
        gold_files=[str(f) for f in files], n_queries=len(scored), k_values=k_values, modes=scores,
        by_kind={kind: {m: round(sum(v) / len(v), 4) for m, v in per.items()} for kind, per in sorted(by_kind.items())},
        misses=misses, unresolved=unresolved, hybrid_beats_others_on_mrr=beats, hybrid_recall_at_5=recall5,
        passed=beats and recall5 >= RECALL_BAR,
    )


def ndcg_at(ids: list[str], relevant: list[str], k: int) -> float:
    """Normalised discounted cumulative gain of a ranking at k, each relevant clause worth 1."""
    wanted = set(relevant)
    gain = sum(1.0 / math.log2(rank + 1) for rank, c in enumerate(ids[:k], start=1) if c in wanted)
    best = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, len(wanted)) + 1))
    return gain / best if best else 0.0


def _reciprocal_rank(ids: list[str], relevant: list[str]) -> float:
    for position, clause_id in enumerate(ids, start=1):
        if clause_id in relevant:
            return 1.0 / position
    return 0.0
