"""Extraction speed beside bare spaCy: words per second over every clause of the corpus.

    .venv/bin/python bench/bench_extract.py [CORPUS_DIR] [--repeat N]

Rows, all over the same clause texts in the same run:
  bare nlp.pipe        the same spaCy pipeline (same pipes, no accords components)
  extract, warm        Extractor.extract_many with the clause embeddings already computed (a second
                       extraction of the same text, as `accords eval` or a re-ingest after a taxonomy
                       change does): the spaCy pipeline with our components and the type model
  extract, rules only  Extractor(encoder=False): no embeddings at all
  extract, cold        extract with an empty embedding cache: the clauses that are not among the
                       shipped annotated ones are embedded here
  extract, cold, unseen  the same without the shipped vectors: every clause is embedded, as for a
                       document accords has never seen
The ratio column divides by bare nlp.pipe (target >= 0.7).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def interleaved(stages: list[tuple[str, Callable[[], object], Callable[[], None] | None]], repeat: int) -> list[float]:
    """Median seconds per stage; stages take turns in each round so drift on a shared machine hits all."""
    runs: list[list[float]] = [[] for _ in stages]
    for _ in range(repeat):
        for i, (_, fn, before) in enumerate(stages):
            if before:
                before()
            start = time.perf_counter()
            fn()
            runs[i].append(time.perf_counter() - start)
    return [statistics.median(r) for r in runs]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", default="corpus")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import ingest
    from extract import Extractor
    from extract.encoder import get_encoder
    from extract.extractor import UNUSED_PIPES
    from extract.nlp import DEFAULT_SPACY_MODEL, load_nlp

    docs = [ingest.load(p) for p in ingest.discover([args.corpus])]
    texts = [c.text for d in docs for c in d.clauses]
    words = sum(len(t.split()) for t in texts)
    encoder = get_encoder()
    extractor = Extractor(encoder=encoder)
    rules = Extractor(encoder=False)
    bare = load_nlp.__wrapped__(DEFAULT_SPACY_MODEL, UNUSED_PIPES)
    extractor.extract_many(docs[:1])  # build the type model once, outside the timings
    rules.extract_many(docs[:1])
    list(bare.pipe(texts[:50]))

    def forget_vectors() -> None:
        encoder._cache.clear()  # a cold start: every clause must be embedded again

    encoder.encode(texts)
    stages = [
        ("bare nlp.pipe", lambda: list(bare.pipe(texts, batch_size=64)), None),
        ("extract, warm", lambda: extractor.extract_many(docs), None),
        ("extract, rules only", lambda: rules.extract_many(docs), None),
    ]
    rows = list(zip([s[0] for s in stages], interleaved(stages, args.repeat), strict=True))
    # Cold runs go last: torch's worker threads stay busy for a while after embedding and would
    # slow whichever stage ran next.
    cold = [("extract, cold", lambda: extractor.extract_many(docs), forget_vectors)]
    rows += list(zip(["extract, cold"], interleaved(cold, args.repeat), strict=True))
    model = extractor.types_component.ready()
    shipped, model._stored = model._stored, {}  # as for text accords has never seen: embed every clause
    cold = [("extract, cold, unseen", lambda: extractor.extract_many(docs), forget_vectors)]
    rows += list(zip(["extract, cold, unseen"], interleaved(cold, max(1, args.repeat // 2)), strict=True))
    model._stored = shipped
    base = words / rows[0][1]
    print(f"{len(docs)} documents, {len(texts)} clauses, {words} words; pipes: {', '.join(bare.pipe_names)}; "
          f"encoder {encoder.model_id}; median of {args.repeat}")
    print(f"{'stage':22} {'seconds':>8} {'words/s':>9} {'ratio':>6}")
    for name, seconds in rows:
        print(f"{name:22} {seconds:8.2f} {words / seconds:9.0f} {words / seconds / base:6.2f}")


if __name__ == "__main__":
    main()
