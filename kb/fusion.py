"""Rank fusion: pure functions over rankings of ids, tested on hand-made lists."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

RRF_K = 60


def reciprocal_rank(rankings: Sequence[Sequence[str]], weights: Sequence[float] | None = None,
                    k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: each list adds weight / (k + rank) to the ids it holds."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights, strict=True):
        for position, item in enumerate(ranking, start=1):
            fused[item] += weight / (k + position)
    return sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))
