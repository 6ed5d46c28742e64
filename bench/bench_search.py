"""Ingest and search performance on synthetic agreement clauses; prints one table per size.

    python bench/bench_search.py --sizes 10000 100000
    python bench/bench_search.py --sizes 100000 --search-only   # random vectors: latency only, in minutes
    python bench/bench_search.py --sizes 100000 --keep /tmp/kb100k  # keep the knowledge base; a second run
                                                                    # with the same folder skips the ingest

For each size, in a fresh process: the bare embedding model's throughput on a sample of the
same texts (interleaved with the ingest batches, so both see the same machine load), the knowledge base
ingest of synthetic Documents (SQLite + embeddings + Chroma; extraction is measured apart on a
sample and reported as its share), peak RSS during that ingest, a re-ingest of the unchanged
files through the ordinary `kb.ingest(paths)`, and warm search latency including the query
embedding, next to a bare Chroma query of the same vector.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Self

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import synthetic_documents, synthetic_queries

BARE_SAMPLE = 5000  # texts timed through the bare model, before and after the ingest
EXTRACT_SAMPLE = 1000  # clauses timed through the spaCy extraction
N_QUERIES = 200
BATCH_DOCS = 16  # documents per store batch, as KnowledgeBase.ingest does


class PeakRss:
    """Samples this process's resident memory every 50 ms while active."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.is_set():
            with open("/proc/self/statm") as f:
                self.peak = max(self.peak, int(f.read().split()[1]) * page)
            time.sleep(0.05)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


class StageTimer:
    """Wraps methods of live objects to add up the time spent in each (bench instrumentation only)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, obj: Any, method: str, stage: str) -> None:
        inner = getattr(obj, method)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start

        setattr(obj, method, timed)


def bare_throughput(encoder: Any, texts: list[str]) -> float:
    """Texts per second through the embedding model itself: no cache, no hashing."""
    start = time.perf_counter()
    encoder.embed(texts)
    return len(texts) / (time.perf_counter() - start)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def run_one(n: int, workdir: Path) -> dict[str, Any]:
    from extract.encoder import get_encoder
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    first = workdir / "first-ingest.json"
    if first.exists():  # a kept knowledge base: its first ingest's figures stand, the rest is measured again
        out = json.loads(first.read_text()) | {"load_before": os.getloadavg()[0], "kept": True}
        settings = Settings.resolve(workdir / "kb")
        kb = KnowledgeBase(settings)
        encoder = get_encoder(settings.embed_model, settings.embed_backend)
    else:
        out, kb, encoder = first_ingest(n, workdir)
        first.write_text(json.dumps(out))

    # Re-ingest the unchanged files through the ordinary path.
    start = time.perf_counter()
    report = kb.ingest([workdir / "files"])
    out["reingest_s"] = time.perf_counter() - start
    out["reingest_unchanged"] = sum(1 for i in report.ingested if i.status == "unchanged")
    out["reingest_share"] = out["reingest_s"] / out["ingest_s"]

    out.update(measure_search(kb, encoder))
    out["load_after"] = os.getloadavg()[0]
    return out


def first_ingest(n: int, workdir: Path) -> tuple[dict[str, Any], Any, Any]:
    from extract.encoder import get_encoder
    from kb.api import KnowledgeBase
    from kb.settings import Settings
    from kb.store.sqlite import embedding_text

    out: dict[str, Any] = {"clauses": n, "load_before": os.getloadavg()[0]}
    docs = list(synthetic_documents(n, workdir / "files"))
    texts = [embedding_text(d.title, c.heading, c.text) for d in docs for c in d.clauses]
    out["docs"] = len(docs)
    out["mean_chars"] = round(statistics.mean(len(t) for t in texts))

    settings = Settings.resolve(workdir / "kb")
    encoder = get_encoder(settings.embed_model, settings.embed_backend)
    encoder.embed(["warm up the model"] * 64)

    kb = KnowledgeBase(settings)
    _ = kb.index, kb.store  # open Chroma and SQLite before the clock starts, as a long-running process has them
    timer = StageTimer()
    timer.wrap(kb.encoder, "encode", "embed")
    timer.wrap(kb.store, "save", "sqlite")
    timer.wrap(kb.index, "upsert", "chroma")
    timer.wrap(kb.index, "delete_docs", "chroma")
    kb.extract_many = lambda batch: [[] for _ in batch]  # type: ignore[method-assign]  # timed apart below
    # The bare model re-embeds whole batches (same texts, same call size) spread through the run, so both
    # see the same machine load (other processes share these cores).
    bare_every = max(1, round(n / BARE_SAMPLE))
    bare_texts, bare_s, ingest_s = 0, 0.0, 0.0
    with PeakRss() as rss:
        for number, i in enumerate(range(0, len(docs), BATCH_DOCS)):
            batch = docs[i : i + BATCH_DOCS]
            start = time.perf_counter()
            kb._store_batch([(Path(d.source), d, "added") for d in batch])
            ingest_s += time.perf_counter() - start
            if number % bare_every == 0:
                batch_texts = [embedding_text(d.title, c.heading, c.text) for d in batch for c in d.clauses]
                start = time.perf_counter()
                bare_throughput(encoder, batch_texts)
                bare_s += time.perf_counter() - start
                bare_texts += len(batch_texts)
    bare = bare_texts / bare_s
    out.update(ingest_s=ingest_s, ingest_rate=n / ingest_s, bare_rate=bare, bare_texts=bare_texts,
               ratio=(n / ingest_s) / bare, peak_rss_mb=rss.peak / 2**20, stages=dict(timer.seconds),
               vectors=kb.index.count())

    # Extraction (spaCy + the type classifier) on a sample, projected to the whole corpus.
    try:
        extractor = KnowledgeBase(settings).extractor
        few, count = [], 0
        for d in docs:
            few.append(d)
            count += len(d.clauses)
            if count >= EXTRACT_SAMPLE:
                break
        extractor.extract_many(few[:1])  # load pipes
        start = time.perf_counter()
        extractor.extract_many(few)
        rate = count / (time.perf_counter() - start)
        out["extract_rate"] = rate
        out["extract_share"] = (n / rate) / (n / rate + ingest_s)
    except ImportError as exc:
        out["extract_rate"] = None
        out["extract_note"] = f"extraction not installed ({exc})"
    return out, kb, encoder


def measure_search(kb: Any, encoder: Any) -> dict[str, Any]:
    """Warm search latency: each query once (no embedding cache hits), after a warm-up."""
    from kb.models import SearchFilters

    out: dict[str, Any] = {}
    queries = synthetic_queries(N_QUERIES + 20)
    for q in queries[:20]:
        kb.search(q, k=10)
    measured = queries[20:]
    types = SearchFilters(doc_types=["agreement", "memorandum"])
    searcher = kb.searcher
    setting = searcher.thesaurus_setting
    # "hybrid-thesaurus" searches without the thesaurus, to show what its keyword list costs. The two hybrid
    # rows run in the order A B B A, so neither has the later, warmer passes to itself.
    passes = (("hybrid", "hybrid", None, setting), ("hybrid-thesaurus", "hybrid", None, "none"),
              ("hybrid-thesaurus", "hybrid", None, "none"), ("hybrid", "hybrid", None, setting),
              ("dense", "dense", None, setting), ("lexical", "lexical", None, setting),
              ("hybrid+filter", "hybrid", types, setting))
    times: dict[str, list[float]] = {label: [] for label, *_ in passes}
    for q in measured:  # untimed: the first pass would otherwise pay alone for cold term counts and pages
        kb.search(q, k=10)
    for label, mode, filters, thesaurus in passes:
        searcher.thesaurus_setting = thesaurus
        for q in measured:
            searcher.encoder._cache.clear()  # every query pays for its embedding
            start = time.perf_counter()
            kb.search(q, k=10, mode=mode, filters=filters)  # type: ignore[arg-type]
            times[label].append((time.perf_counter() - start) * 1000)
    searcher.thesaurus_setting = setting
    out["search"] = {label: {"p50": percentile(t, 0.5), "p95": percentile(t, 0.95)} for label, t in times.items()}
    vectors = kb.encoder.encode(measured)
    bare_ms = []
    for v in vectors:
        start = time.perf_counter()
        kb.index.collection.query(query_embeddings=[v], n_results=10, include=["distances"])
        bare_ms.append((time.perf_counter() - start) * 1000)
    out["bare_chroma"] = {"p50": percentile(bare_ms, 0.5), "p95": percentile(bare_ms, 0.95)}
    embed_ms = []
    for q in measured[:50]:
        start = time.perf_counter()
        encoder.embed([q], one_thread=True)
        embed_ms.append((time.perf_counter() - start) * 1000)
    out["query_embed_p50"] = percentile(embed_ms, 0.5)
    return out


def build_search_only(n: int, workdir: Path, commitments: bool = False) -> tuple[Any, int]:
    """A knowledge base of n synthetic clauses whose vectors are random unit vectors (HNSW finds random vectors
    harder to search, so this errs on the slow side); reused when workdir holds one. commitments: give about
    three clauses in five a made-up commitment (a type, a legal force, a mineral), for pages that show them."""
    import random

    import numpy as np

    from extract.models import MODALITIES, Commitment
    from extract.taxonomy import load_taxonomy
    from kb.api import KnowledgeBase
    from kb.settings import Settings
    from kb.store.sqlite import vector_tag
    from kb.store.vectors import clause_metadata

    kb = KnowledgeBase(Settings.resolve(workdir / "kb"))
    rng = np.random.default_rng(5)
    pick = random.Random(3)
    types = list(load_taxonomy().types)
    built = workdir / "built"
    docs = [] if built.exists() else list(synthetic_documents(n, workdir / "files"))
    for i in range(0, len(docs), 200):
        batch = docs[i : i + 200]
        for d in batch:
            made = [Commitment(type=pick.choice(types), modality=pick.choice(MODALITIES), actors=d.parties,  # type: ignore[arg-type]
                               minerals=[pick.choice(["lithium", "cobalt", "gallium", "rare earths"])],
                               clause_id=c.clause_id, text=c.text, start=c.start, end=c.end)
                    for c in d.clauses if commitments and pick.random() < 0.6]
            kb.store.save(d, made)
        ids = [c.clause_id for d in batch for c in d.clauses]
        metas = [clause_metadata(d.doc_id, d.doc_type, d.date, d.parties, []) for d in batch for _ in d.clauses]
        vectors = rng.standard_normal((len(ids), 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        kb.index.upsert(ids, vectors, metas)
        kb.store.mark_ready([d.doc_id for d in batch], vector_tag(kb.encoder.model_id))
    if docs:
        built.write_text(str(len(docs)))
    return kb, int(built.read_text())


def run_search_only(n: int, workdir: Path) -> dict[str, Any]:
    """Search latency at scale without waiting for the embedding (see build_search_only)."""
    from extract.encoder import get_encoder

    out: dict[str, Any] = {"clauses": n, "load_before": os.getloadavg()[0], "search_only": True}
    kb, out["docs"] = build_search_only(n, workdir)
    encoder = get_encoder(kb.settings.embed_model, kb.settings.embed_backend)
    out.update(measure_search(kb, encoder))
    out["load_after"] = os.getloadavg()[0]
    return out


def render(r: dict[str, Any]) -> str:
    rows = [("clauses (documents)", f"{r['clauses']:,} ({r['docs']:,})")]
    if r.get("kept"):
        rows.append(("knowledge base", "kept from an earlier run: its first-ingest figures are that run's"))
    if r.get("search_only"):
        rows.append(("vectors", "random unit vectors (search-only run: no embedding, no ingest figures)"))
    else:
        rows += _ingest_rows(r)
    rows += _search_rows(r)
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"  {k:<{width}}  {v}" for k, v in rows)


def _ingest_rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in sorted(r["stages"].items()))
    return [
        ("mean embedded text", f"{r['mean_chars']} chars"),
        ("bare model, texts/s", f"{r['bare_rate']:.1f} (on {r['bare_texts']:,} of the same texts, whole batches, "
                                "interleaved)"),
        ("kb ingest, clauses/s", f"{r['ingest_rate']:.1f} ({r['ingest_s']:.1f} s; {stages})"),
        ("ingest / bare model", f"{r['ratio']:.2f}   (target >= 0.80)"),
        ("extraction, clauses/s", (f"{r['extract_rate']:.1f}; would be {100 * r['extract_share']:.0f}% of a full "
                                   "ingest's time") if r.get("extract_rate") else r.get("extract_note", "-")),
        ("re-ingest unchanged", (f"{r['reingest_s']:.2f} s = {100 * r['reingest_share']:.1f}% of the first "
                                 f"({r['reingest_unchanged']:,} files unchanged; target <= 5%)")),
        ("peak RSS during ingest", f"{r['peak_rss_mb']:,.0f} MB"),
    ]


def _search_rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    s = r["search"]
    return [
        ("search hybrid p50 / p95", f"{s['hybrid']['p50']:.1f} / {s['hybrid']['p95']:.1f} ms (target p95 <= 100)"),
        ("search dense p50 / p95", f"{s['dense']['p50']:.1f} / {s['dense']['p95']:.1f} ms"),
        ("search lexical p50 / p95", f"{s['lexical']['p50']:.1f} / {s['lexical']['p95']:.1f} ms"),
        ("hybrid + doc-type filter", f"{s['hybrid+filter']['p50']:.1f} / {s['hybrid+filter']['p95']:.1f} ms"),
        ("hybrid, no thesaurus", (f"{s['hybrid-thesaurus']['p50']:.1f} / {s['hybrid-thesaurus']['p95']:.1f} ms; "
                                  f"thesaurus costs {s['hybrid']['p50'] / s['hybrid-thesaurus']['p50']:.2f}x at p50")),
        ("bare Chroma query p50 / p95", (f"{r['bare_chroma']['p50']:.2f} / {r['bare_chroma']['p95']:.2f} ms; "
                                         f"hybrid p50 = {s['hybrid']['p50'] / r['bare_chroma']['p50']:.1f}x bare")),
        ("query embedding p50", f"{r['query_embed_p50']:.1f} ms (bare model, its default threads)"),
        ("load average (1 min)", (f"{r['load_before']:.2f} at start, {r['load_after']:.2f} at end; "
                                  f"{os.cpu_count()} cores")),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON lines")
    parser.add_argument("--search-only", action="store_true",
                        help="skip embedding: random vectors, search latency only (minutes, not hours, at 100k)")
    parser.add_argument("--keep", type=Path, help="keep each size's knowledge base under this folder and reuse it")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one size in this process
    args = parser.parse_args(argv)
    run = run_search_only if args.search_only else run_one
    if args.one and args.keep:
        workdir = args.keep / f"{args.one}{'-random' if args.search_only else ''}"
        workdir.mkdir(parents=True, exist_ok=True)
        print(json.dumps(run(args.one, workdir)), flush=True)
        return 0
    if args.one:
        with tempfile.TemporaryDirectory(prefix="accords-bench-") as tmp:
            print(json.dumps(run(args.one, Path(tmp))), flush=True)
        return 0
    for n in args.sizes:
        extra = ["--search-only"] if args.search_only else []
        extra += ["--keep", str(args.keep)] if args.keep else []
        done = subprocess.run([sys.executable, __file__, "--one", str(n), *extra], check=False,
                              capture_output=True, text=True)
        if done.returncode:
            sys.stderr.write(done.stderr)
            return done.returncode
        result = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps(result) if args.json else f"\n{n:,} synthetic clauses\n{render(result)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
