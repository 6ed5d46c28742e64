"""Embedding backends side by side: clauses per second, and a cold `accords search` process.

    .venv/bin/python bench/bench_embed.py [CORPUS_DIR] [--rounds N] [--searches N]

Throughput: every clause of the corpus in its in-context layout, embedded by torch (sentence-transformers,
float32), onnx (onnxruntime, float32) and int8 (onnxruntime, int8 weights), round after round in turn so
all three see the same machine load; the table gives each backend's median and its ratio to torch.
Cold search: `python -m kb search` as a new process on a knowledge base ingested here, alternating the
backends, median wall time and the ratio to torch; this is what a user waits for at the shell.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BACKENDS = ("torch", "onnx", "int8")
QUERY = "price floor for rare earths"


def clause_texts(corpus: Path) -> list[str]:
    import ingest
    from kb.store.sqlite import embedding_text

    texts = []
    for path in ingest.discover([corpus]):
        doc = ingest.load(path)
        texts += [embedding_text(doc.title, c.heading, c.text) for c in doc.clauses]
    return texts


def throughput(texts: list[str], rounds: int) -> dict[str, list[float]]:
    from extract.encoder import OnnxEncoder, TorchEncoder

    encoders = {"torch": TorchEncoder(), "onnx": OnnxEncoder(backend="onnx"), "int8": OnnxEncoder(backend="int8")}
    for encoder in encoders.values():
        encoder.embed(texts[:32])  # warm: first-call allocations
    rates: dict[str, list[float]] = {b: [] for b in BACKENDS}
    for _ in range(rounds):
        for name, encoder in encoders.items():
            start = time.perf_counter()
            for i in range(0, len(texts), encoder.batch_size):  # embed(), not encode(): no cache
                encoder.embed(texts[i : i + encoder.batch_size])
            rates[name].append(len(texts) / (time.perf_counter() - start))
    return rates


def cold_searches(corpus: Path, runs: int) -> dict[str, list[float]]:
    home = Path(tempfile.mkdtemp(prefix="bench-embed-"))
    env = {**os.environ, "ACCORDS_HOME": str(home)}
    subprocess.run([sys.executable, "-m", "kb", "ingest", str(corpus), "--json"], env=env, check=True,
                   capture_output=True)
    seconds: dict[str, list[float]] = {b: [] for b in BACKENDS}
    for _ in range(runs):
        for backend in BACKENDS:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "kb", "search", QUERY, "--json"], check=True, capture_output=True,
                           env={**env, "ACCORDS_EMBED_BACKEND": backend})
            seconds[backend].append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", default="corpus", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--searches", type=int, default=3)
    args = parser.parse_args()
    texts = clause_texts(args.corpus)
    rates = throughput(texts, args.rounds)
    base = statistics.median(rates["torch"])
    print(f"\nEmbedding {len(texts)} clauses, {args.rounds} rounds (median clauses/s; ratio to torch)")
    for name in BACKENDS:
        rate = statistics.median(rates[name])
        print(f"  {name:6s} {rate:8.1f}/s   x{rate / base:.2f}")
    seconds = cold_searches(args.corpus, args.searches)
    base = statistics.median(seconds["torch"])
    print(f"\nCold `accords search` process, {args.searches} runs each (median wall s; ratio to torch)")
    for name in BACKENDS:
        wall = statistics.median(seconds[name])
        print(f"  {name:6s} {wall:8.2f} s   x{wall / base:.2f}")


if __name__ == "__main__":
    main()
