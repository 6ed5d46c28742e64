"""Workspace page load times on a warm `accords serve`, next to the HTTP API's own search in the same run.

    python bench/bench_workspace.py --clauses 100000 --keep /tmp/ws100k   # a second run reuses the folder

The knowledge base is bench_search's search-only build (synthetic clauses, random vectors) with made-up
commitments on three clauses in five, so facets, chips and the grid have work to do. Three measures:
- server: each page fetched whole over HTTP (render included), per query, after a warm-up;
- baseline: POST /search with the same queries and k (the API the page is built on);
- browser: Chromium navigating to the search page until its load event (parse, CSS, script included).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_search import build_search_only, percentile  # noqa: E402
from bench.synthetic import synthetic_queries  # noqa: E402
from tests.browser import chromium, served  # noqa: E402

N_QUERIES = 40


def timed_get(url: str) -> tuple[float, int]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        size = len(response.read())
    return (time.perf_counter() - start) * 1000, size


def timed_post(url: str, body: dict[str, Any]) -> float:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def summary(times: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(times, 0.5), 1), "p95": round(percentile(times, 0.95), 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clauses", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build the knowledge base here, or reuse the one there")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="accords-ws-"))
    workdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    kb, docs = build_search_only(args.clauses, workdir, commitments=True)
    built_s = time.perf_counter() - start
    doc_id = kb.doc_ids()[len(kb.doc_ids()) // 2]
    del kb
    queries = synthetic_queries(N_QUERIES + 10)
    out: dict[str, Any] = {"clauses": args.clauses, "docs": docs, "build_s": round(built_s, 1)}
    with served(workdir / "kb") as base:
        for q in queries[:10]:  # warm-up: model, Chroma, SQLite pages, templates
            timed_get(f"{base}/?{urllib.parse.urlencode({'q': q})}")
            timed_post(f"{base}/search", {"query": q, "k": 100})
        measured = queries[10:]
        rows: dict[str, list[float]] = {"api POST /search k=100 (baseline)": [], "page / (search)": [],
                                        "page / + facet": []}
        sizes: list[int] = []
        for q in measured:  # interleaved, so both see the same load
            rows["api POST /search k=100 (baseline)"].append(timed_post(f"{base}/search", {"query": q, "k": 100}))
            ms, size = timed_get(f"{base}/?{urllib.parse.urlencode({'q': q})}")
            rows["page / (search)"].append(ms)
            sizes.append(size)
            rows["page / + facet"].append(timed_get(f"{base}/?{urllib.parse.urlencode({'q': q, 'doc_type': 'memorandum'})}")[0])
        for name, path in (("page /doc/{id}", f"/doc/{doc_id}"), ("page /grid", "/grid"), ("grid.csv", "/grid.csv"),
                           ("page /timeline", "/timeline")):
            rows[name] = [timed_get(base + path)[0] for _ in range(5)]
        browser_ms: list[float] = []
        with chromium() as browser:
            page = browser.new_page()
            for q in measured[:15]:
                page.goto(f"{base}/?{urllib.parse.urlencode({'q': q})}")
                browser_ms.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
        rows["browser: search page to load event"] = browser_ms
    baseline = percentile(rows["api POST /search k=100 (baseline)"], 0.5)
    out["pages"] = {name: {**summary(t), "x_baseline_p50": round(percentile(t, 0.5) / baseline, 2)}
                    for name, t in rows.items()}
    out["search_page_kb"] = round(percentile([float(s) for s in sizes], 0.5) / 1024, 1)
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"{out['clauses']} clauses in {docs} documents (built or reused in {out['build_s']} s); "
          f"search page {out['search_page_kb']} KiB")
    print(f"{'':40} {'p50 ms':>8} {'p95 ms':>8} {'p50 / baseline':>15}")
    for name, r in out["pages"].items():
        print(f"{name:40} {r['p50']:>8} {r['p95']:>8} {r['x_baseline_p50']:>15}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
