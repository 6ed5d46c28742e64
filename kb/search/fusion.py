"""Rank fusion: pure functions over rankings of ids, tested on hand-made lists."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

# The constant in 1 / (k + rank): 20 beat the textbook 60 on the gold queries (MRR +0.02); 5 and 10 did worse.
RRF_K = 20


def reciprocal_rank(rankings: Sequence[Sequence[str]], weights: Sequence[float] | None = None,
                    k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: each list adds weight / (k + rank) to the ids it holds."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights, strict=True):
        for position, item in enumerate(ranking, start=1):
            fused[item] += weight / (k + position)
    return sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))


def reweight(scored: Sequence[tuple[str, float]], factors: Mapping[str, float],
             default: float = 1.0) -> list[tuple[str, float]]:
    """Scale each score by its id's factor (a prior in (0, 1]) and re-sort, best first; ties keep their order.

    A negative score (a cosine below zero) is divided instead, so a smaller factor always ranks lower.
    """
    scaled = [(item, _scale(score, factors.get(item, default))) for item, score in scored]
    return sorted(scaled, key=lambda pair: -pair[1])


def _scale(score: float, factor: float) -> float:
    return score * factor if score >= 0 else score / factor
