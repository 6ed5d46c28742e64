"""Fusing hybrid search's ranked lists into one ranking: by hand-set weights (reciprocal rank fusion and a
source prior), or by a small learned ranker over the same signals.

The learned ranker is a linear model over FEATURES, fitted with scikit-learn on the gold queries
(`python -m kb.eval.fusion fit`, leave-query-group-out cross-validation) and kept as a data file,
kb/search/data/fusion.json, like the taxonomy: weights in, no scikit-learn at search time. Without the
file, or with ACCORDS_FUSION=rrf, the hand-set weights rank.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kb.search.fusion import RRF_K, reciprocal_rank, reweight

FUSION_FILE = Path(__file__).parent / "data" / "fusion.json"
# What the hand-set fusion weighs each list by; see the README's "How search ranks" for how they were chosen.
LEXICAL_WEIGHT, DENSE_WEIGHT, TYPE_WEIGHT = 1.0, 0.8, 0.5
SCOPE_WEIGHT, OUT_OF_SCOPE = 0.5, 0.6
EXPANSION_WEIGHT, PROVISION_WEIGHT = 0.3, 1.0
# Source prior: the share of its evidence a clause keeps, by its document's type and its clause kind.
# Secondary sources keep 0.7: at 0.5 a fact sheet that alone names a figure fell below agreement clauses
# that merely share its words.
DOC_TYPE_WEIGHTS: Mapping[str, float] = {"commentary": 0.7, "fact_sheet": 0.7, "press_release": 0.7}
KIND_WEIGHTS: Mapping[str, float] = {"title": 0.5, "signature": 0.5, "preamble": 0.5}
LISTS = ("lexical", "dense", "type", "scope", "expansion", "provision")
FEATURES = (*(f"rr_{name}" for name in LISTS), "bm25", "cosine", "secondary_source", "framing_clause",
            "out_of_scope", "lists")


@dataclass
class HybridLists:
    """What hybrid search found for one query, before fusion; clause ids best first."""

    lexical: list[tuple[str, float]]  # BM25, higher is better
    dense: list[tuple[str, float]]  # cosine
    typed: list[str] = field(default_factory=list)  # fused candidates carrying a commitment type the query is about
    scoped: list[str] = field(default_factory=list)  # the documents the query names, by vector
    expanded: list[str] = field(default_factory=list)  # the thesaurus entries' keyword list
    provisions: list[str] = field(default_factory=list)  # clauses of the final provisions asked about
    scope: list[str] = field(default_factory=list)  # the doc_ids the query names

    def rankings(self) -> dict[str, list[str]]:
        return {"lexical": [c for c, _ in self.lexical], "dense": [c for c, _ in self.dense], "type": self.typed,
                "scope": self.scoped, "expansion": self.expanded, "provision": self.provisions}

    def candidates(self) -> list[str]:
        return list(dict.fromkeys(c for ranking in self.rankings().values() for c in ranking))


Source = tuple[str, str, str]  # a clause's kind, its document's type, its doc_id


def source_weight(doc_type: str, kind: str) -> float:
    return DOC_TYPE_WEIGHTS.get(doc_type, 1.0) * KIND_WEIGHTS.get(kind, 1.0)


def hand_fusion(lists: HybridLists, sources: Mapping[str, Source]) -> list[tuple[str, float]]:
    """Weighted RRF of the lists, then the source prior and the out-of-scope discount."""
    weights = {"lexical": LEXICAL_WEIGHT, "dense": DENSE_WEIGHT, "type": TYPE_WEIGHT, "scope": SCOPE_WEIGHT,
               "expansion": EXPANSION_WEIGHT, "provision": PROVISION_WEIGHT}
    rankings = {name: ranking for name, ranking in lists.rankings().items() if ranking}
    fused = reciprocal_rank(list(rankings.values()), [weights[name] for name in rankings])
    named = set(lists.scope)
    prior = {cid: source_weight(doc_type, kind) * (OUT_OF_SCOPE if named and doc_id not in named else 1.0)
             for cid, (kind, doc_type, doc_id) in sources.items()}
    return reweight(fused, prior)


def features(lists: HybridLists, sources: Mapping[str, Source]) -> dict[str, list[float]]:
    """FEATURES of every candidate, in that order."""
    positions = {name: {c: i for i, c in enumerate(ranking, start=1)} for name, ranking in lists.rankings().items()}
    best_bm25 = max((s for _, s in lists.lexical), default=0.0) or 1.0
    bm25 = dict(lists.lexical)
    cosine = dict(lists.dense)
    floor = min(cosine.values(), default=0.0)  # a clause below the dense list scores at most its last
    named = set(lists.scope)
    out: dict[str, list[float]] = {}
    for c in lists.candidates():
        kind, doc_type, doc_id = sources.get(c, ("provision", "other", c.split("/", 1)[0]))
        ranks = [positions[name].get(c) for name in LISTS]
        out[c] = [
            *(1.0 / (RRF_K + r) if r else 0.0 for r in ranks),
            bm25.get(c, 0.0) / best_bm25,
            cosine.get(c, floor),
            float(doc_type in DOC_TYPE_WEIGHTS),
            float(kind in KIND_WEIGHTS),
            float(bool(named) and doc_id not in named),
            sum(r is not None for r in ranks) / len(LISTS),
        ]
    return out


@dataclass(frozen=True)
class LearnedRanker:
    """A linear score over FEATURES (standardised with the fitted means and scales)."""

    weights: tuple[float, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    about: Mapping[str, object]

    @classmethod
    def load(cls, path: Path = FUSION_FILE) -> LearnedRanker | None:
        """The ranker in path; None when there is none or it was fitted on other features."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if tuple(data.get("features", ())) != FEATURES:
            return None
        return cls(tuple(data["weights"]), tuple(data["means"]), tuple(data["scales"]),
                   {k: v for k, v in data.items() if k not in ("weights", "means", "scales", "features")})

    def score(self, row: Sequence[float]) -> float:
        return math.fsum(w * (x - m) / s for w, x, m, s in zip(self.weights, row, self.means, self.scales, strict=True))

    def rank(self, lists: HybridLists, sources: Mapping[str, Source]) -> list[tuple[str, float]]:
        rows = features(lists, sources)
        return sorted(((c, self.score(row)) for c, row in rows.items()), key=lambda pair: (-pair[1], pair[0]))
