"""accords search beside a tutorial RAG setup, on the same documents and the same gold queries.

    .venv/bin/python bench/bench_peer.py [--gold FILE ...]

The peer is what a retrieval tutorial builds: each document's text cut into 800-character chunks
(100 characters of overlap), embedded with the same model (all-MiniLM-L6-v2), stored in Chroma and
queried by cosine. accords is `KnowledgeBase.search` in hybrid mode on a knowledge base ingested from
the same corpus/. Both are scored against the gold's relevant clauses: a chunk finds every relevant
clause whose text it overlaps, a search hit finds its own clause. Printed per query set: recall@5,
recall@10, MRR and nDCG@10 (a chunk or hit is relevant when it finds a relevant clause), then how long
ingest took for each.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CHUNK, OVERLAP = 800, 100
DEFAULT_SETS = ["corpus/gold/queries.jsonl", *(f"tests/data/heldout_queries_{i}.jsonl" for i in (1, 2, 3, 4))]


def chunks(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    while start < len(text):
        spans.append((start, min(len(text), start + CHUNK)))
        start += CHUNK - OVERLAP
    return spans


def score(found_at: list[list[set[str]]], relevant: list[set[str]]) -> dict[str, float]:
    """found_at[q][r]: the relevant clauses of query q that the result at rank r+1 finds."""
    n = len(relevant)
    out = {"R@5": 0.0, "R@10": 0.0, "MRR": 0.0, "nDCG@10": 0.0}
    for ranks, rel in zip(found_at, relevant, strict=True):
        for k in (5, 10):
            out[f"R@{k}"] += len(set().union(*ranks[:k]) & rel) / len(rel)
        out["MRR"] += next((1 / r for r, hit in enumerate(ranks, start=1) if hit), 0.0)
        gain = sum(1 / math.log2(r + 1) for r, hit in enumerate(ranks[:10], start=1) if hit)
        out["nDCG@10"] += gain / sum(1 / math.log2(r + 1) for r in range(1, min(10, len(rel)) + 1))
    return {k: round(v / n, 3) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", nargs="*", default=DEFAULT_SETS)
    args = parser.parse_args()

    import chromadb

    from extract.encoder import get_encoder
    from kb.api import KnowledgeBase
    from kb.eval.search import load_gold, resolve
    from kb.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="bench-peer-"))
    kb = KnowledgeBase(Settings.resolve(work / "kb"))
    start = time.perf_counter()
    kb.ingest([Path("corpus")])
    ours_ingest = time.perf_counter() - start

    encoder = get_encoder()
    start = time.perf_counter()
    docs = {d: kb.document(d) for d in kb.doc_ids()}
    ids, texts, owners = [], [], []
    for doc_id, doc in docs.items():
        for i, (a, b) in enumerate(chunks(doc.text)):
            ids.append(f"{doc_id}#{i}")
            texts.append(doc.text[a:b])
            owners.append((doc_id, a, b))
    collection = chromadb.PersistentClient(str(work / "peer")).create_collection(
        "chunks", configuration={"hnsw": {"space": "cosine"}})
    vectors = encoder.encode(texts)
    for i in range(0, len(ids), 1000):
        collection.add(ids=ids[i : i + 1000], embeddings=vectors[i : i + 1000])
    peer_ingest = time.perf_counter() - start
    span = dict(zip(ids, owners, strict=True))
    clause_span = {c.clause_id: (doc_id, c.start, c.end) for doc_id, doc in docs.items() for c in doc.clauses}

    print(f"\n{len(docs)} documents: {sum(len(d.clauses) for d in docs.values())} clauses for accords, "
          f"{len(ids)} chunks of {CHUNK} characters for the peer")
    print(f"{'query set':40s} {'system':8s} {'R@5':>6s} {'R@10':>6s} {'MRR':>6s} {'nDCG@10':>8s}")
    for gold in args.gold:
        scored, _ = resolve(kb, load_gold([Path(gold)]))
        relevant = [set(rel) for _, rel in scored]
        queries = [q.query for q, _ in scored]
        ours = kb.search_many(queries, k=10)
        ours_found = [[{h.clause_id} & rel for h in r.results] for r, rel in zip(ours, relevant, strict=True)]
        hits = collection.query(query_embeddings=encoder.encode(queries, one_thread=True), n_results=10)["ids"]
        peer_found = []
        for chunk_ids, rel in zip(hits, relevant, strict=True):
            ranks = []
            for cid in chunk_ids:
                doc_id, a, b = span[cid]
                ranks.append({c for c in rel if clause_span[c][0] == doc_id and clause_span[c][1] < b
                              and clause_span[c][2] > a})
            peer_found.append(ranks)
        for name, found in (("accords", ours_found), ("peer", peer_found)):
            figures = score(found, relevant)
            print(f"{gold:40s} {name:8s} " + " ".join(f"{figures[k]:6.3f}" for k in ("R@5", "R@10", "MRR"))
                  + f" {figures['nDCG@10']:8.3f}")
    print(f"\ningest: accords {ours_ingest:.1f} s (parse, extract, embed, index); peer {peer_ingest:.1f} s "
          f"(chunk, embed, index; documents already parsed)")


if __name__ == "__main__":
    main()
