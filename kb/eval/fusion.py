"""Fitting the learned ranker, and scoring it against the hand-set fusion on queries it never saw.

The ranker (kb/search/ranker.py) is a logistic regression over the features hybrid search already has for
each candidate clause. It is fitted on the gold queries only; its regularisation is chosen by
leave-query-group-out cross-validation (every query's candidates sit in one fold), and both fusions are
then scored on the held-out query sets, which nothing here was fitted or chosen on.
"""
from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from kb.eval.search import gold_files, load_gold, ndcg_at, resolve
from kb.search.ranker import FEATURES, HybridLists, Source, features, hand_fusion

if TYPE_CHECKING:
    from kb.library import Library

C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
FOLDS = 8
HELD_OUT = ("tests/data/heldout_queries_1.jsonl", "tests/data/heldout_queries_2.jsonl",
            "tests/data/heldout_queries_3.jsonl", "tests/data/heldout_queries_4.jsonl")


class Figures(BaseModel):
    queries: int
    recall_at_5: float
    recall_at_10: float
    mrr: float
    ndcg_at_10: float


class SetComparison(BaseModel):
    query_set: str
    hand: Figures
    learned: Figures


class FusionReport(BaseModel):
    fitted_on: list[str]
    features: list[str]
    cv_folds: int
    cv_by_c: dict[str, float] = Field(description="Cross-validated nDCG@10 on the gold queries, by C.")
    chosen_c: float
    cross_validated: SetComparison = Field(description="The gold queries, each ranked by a model that never "
                                                       "saw it (and by the hand-set weights).")
    held_out: list[SetComparison]
    weights: dict[str, float]


class Queries:
    """One query set as the ranker sees it: each query's lists, sources and relevant clause ids."""

    def __init__(self, kb: Library, files: Sequence[str | Path]) -> None:
        scored, _ = resolve(kb, load_gold(gold_files(files)))
        self.name = ", ".join(str(f) for f in files)
        self.relevant = [set(ids) for _, ids in scored]
        self.lists: list[HybridLists] = kb.hybrid_lists([q.query for q, _ in scored])
        candidates = sorted({c for lists in self.lists for c in lists.candidates()})
        self.sources: dict[str, Source] = kb.clause_sources(candidates)
        self.rows = [features(lists, self.sources) for lists in self.lists]

    def __len__(self) -> int:
        return len(self.lists)

    def hand(self) -> list[list[str]]:
        return [[c for c, _ in hand_fusion(lists, self.sources)] for lists in self.lists]


def figures(rankings: Sequence[Sequence[str]], relevant: Sequence[set[str]]) -> Figures:
    n = max(len(rankings), 1)

    def recall(k: int) -> float:
        return sum(len(set(r[:k]) & rel) / len(rel) for r, rel in zip(rankings, relevant, strict=True)) / n

    mrr = sum(next((1 / i for i, c in enumerate(r, start=1) if c in rel), 0.0)
              for r, rel in zip(rankings, relevant, strict=True)) / n
    ndcg = sum(ndcg_at(list(r), list(rel), 10) for r, rel in zip(rankings, relevant, strict=True)) / n
    return Figures(queries=len(rankings), recall_at_5=round(recall(5), 4), recall_at_10=round(recall(10), 4),
                   mrr=round(mrr, 4), ndcg_at_10=round(ndcg, 4))


def _matrix(queries: Queries, picked: Sequence[int]) -> tuple[Any, Any]:
    import numpy as np

    X = [row for i in picked for row in queries.rows[i].values()]
    y = [c in queries.relevant[i] for i in picked for c in queries.rows[i]]
    return np.asarray(X, dtype=np.float64), np.asarray(y, dtype=bool)


def _fit(queries: Queries, picked: Sequence[int], c: float) -> tuple[Any, Any, Any]:
    """(weights, means, scales) of a logistic regression on standardised features."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    X, y = _matrix(queries, picked)
    means, scales = X.mean(axis=0), X.std(axis=0)
    scales = np.where(scales > 0, scales, 1.0)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit((X - means) / scales, y)
    return model.coef_[0], means, scales


def _rank(queries: Queries, i: int, weights: Any, means: Any, scales: Any) -> list[str]:
    scored = {c: math.fsum(w * (x - m) / s for w, x, m, s in zip(weights, row, means, scales, strict=True))
              for c, row in queries.rows[i].items()}
    return sorted(scored, key=lambda c: (-scored[c], c))


def _cross_validate(gold: Queries, c: float, folds: int) -> list[list[str]]:
    rankings: list[list[str]] = [[] for _ in range(len(gold))]
    for fold in range(folds):
        held = [i for i in range(len(gold)) if i % folds == fold]
        model = _fit(gold, [i for i in range(len(gold)) if i % folds != fold], c)
        for i in held:
            rankings[i] = _rank(gold, i, *model)
    return rankings


def evaluate_fusion(kb: Library, gold: Sequence[str | Path] = ("corpus/gold/queries.jsonl",),
                    held_out: Sequence[str | Path] = HELD_OUT, folds: int = FOLDS,
                    write: Path | None = None) -> FusionReport:
    """Choose C by cross-validation on gold, fit on all of gold, compare with the hand-set fusion on every
    set; write the fitted ranker to `write` when given."""
    fitted = Queries(kb, gold)
    cv = {c: figures(_cross_validate(fitted, c, folds), fitted.relevant).ndcg_at_10 for c in C_GRID}
    chosen = max(C_GRID, key=lambda c: (cv[c], -c))  # ties go to the stronger regularisation
    weights, means, scales = _fit(fitted, range(len(fitted)), chosen)
    comparisons = []
    for path in held_out:
        queries = Queries(kb, [path])
        comparisons.append(SetComparison(
            query_set=str(path), hand=figures(queries.hand(), queries.relevant),
            learned=figures([_rank(queries, i, weights, means, scales) for i in range(len(queries))],
                            queries.relevant)))
    report = FusionReport(
        fitted_on=[str(g) for g in gold], features=list(FEATURES), cv_folds=folds,
        cv_by_c={str(c): v for c, v in cv.items()}, chosen_c=chosen,
        cross_validated=SetComparison(query_set=fitted.name, hand=figures(fitted.hand(), fitted.relevant),
                                      learned=figures(_cross_validate(fitted, chosen, folds), fitted.relevant)),
        held_out=comparisons, weights={f: round(float(w), 5) for f, w in zip(FEATURES, weights, strict=True)})
    if write is not None:
        write.write_text(json.dumps({
            "model": "logistic regression on standardised features (scikit-learn), rank by the linear score",
            "fitted_on": report.fitted_on, "C": chosen, "cv_ndcg_at_10": cv[chosen], "features": list(FEATURES),
            "weights": [float(w) for w in weights], "means": [float(m) for m in means],
            "scales": [float(s) for s in scales]}, indent=2) + "\n", encoding="utf-8")
    return report

