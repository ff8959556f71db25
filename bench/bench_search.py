"""Latency benchmark for index.dense at 100,000 synthetic clauses (not a test; run by hand).

Builds a flat and an HNSW `DenseIndex` over random unit 512-d float32 vectors (USE's dimension,
fixed seed), then times single-query searches (k=10) one at a time, as the API issues them, and
reports build time, p50/p95 latency in ms and HNSW recall@10 against flat. Random queries over
random vectors are the worst case for HNSW recall (no structure, neighbours barely nearer than
anything else); real embeddings cluster and fare better. So each run also reports the share of
"planted" queries (a random allowed row mixed with noise to cosine ~0.6 with it, roughly a
question against its matching clause) whose source row is among the k hits.
With ``--with-region-mask`` it also times searches restricted to a random 20% of rows, the
shape of a region filter. Results are printed and written as JSON.

    python -m bench.bench_search [--out bench/results/search_100k.json] [--with-region-mask]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from importlib import metadata
from pathlib import Path

import numpy as np

from index.dense import DenseIndex

DEFAULT_OUT = Path("bench/results/search_100k.json")


def unit_rows(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    vectors = rng.standard_normal((n, dim), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def time_queries(
    index: DenseIndex, queries: np.ndarray, k: int, allowed: np.ndarray | None, warmup: int = 10
) -> tuple[dict[str, float], np.ndarray]:
    for query in queries[:warmup]:  # first calls pay for page faults and thread start-up
        index.search(query[None, :], k, allowed=allowed)
    latencies_ms = []
    hits = []
    for query in queries:
        start = time.perf_counter()
        _, ids = index.search(query[None, :], k, allowed=allowed)
        latencies_ms.append((time.perf_counter() - start) * 1000.0)
        hits.append(ids[0])
    lat = np.asarray(latencies_ms)
    stats = {
        "p50_ms": round(float(np.percentile(lat, 50)), 3),
        "p95_ms": round(float(np.percentile(lat, 95)), 3),
        "mean_ms": round(float(lat.mean()), 3),
        "max_ms": round(float(lat.max()), 3),
    }
    return stats, np.stack(hits)


def recall_at_k(exact: np.ndarray, approx: np.ndarray) -> float:
    k = exact.shape[1]
    return float(np.mean([len(set(e) & set(a)) / k for e, a in zip(exact.tolist(), approx.tolist())]))


def planted_queries(
    rng: np.random.Generator, vectors: np.ndarray, candidates: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    sources = rng.choice(candidates, size=n, replace=False)
    noise = unit_rows(rng, n, vectors.shape[1])
    # 0.6 along the source and 0.8 along near-orthogonal noise: cosine ~0.6 with the source.
    queries = 0.6 * vectors[sources] + 0.8 * noise
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    return queries, sources


def run(
    n: int, dim: int, n_queries: int, k: int, seed: int, hnsw_m: int, ef_search: int,
    ef_construction: int, with_mask: bool
) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    vectors = unit_rows(rng, n, dim)
    queries = unit_rows(rng, n_queries, dim)
    masks: dict[str, np.ndarray | None] = {"none": None}
    if with_mask:
        masks["region_20pct"] = rng.random(n) < 0.2
    planted = {
        name: planted_queries(
            rng, vectors, np.arange(n) if mask is None else np.flatnonzero(mask), n_queries
        )
        for name, mask in masks.items()
    }

    runs: list[dict[str, object]] = []
    exact_hits: dict[str, np.ndarray] = {}
    for kind in ("flat", "hnsw"):
        start = time.perf_counter()
        index = DenseIndex.build(
            vectors, kind=kind, hnsw_m=hnsw_m, ef_construction=ef_construction, ef_search=ef_search
        )
        build_s = time.perf_counter() - start
        print(f"{kind}: built {index.ntotal} x {index.dim} in {build_s:.2f} s", flush=True)
        for mask_name, mask in masks.items():
            stats, hits = time_queries(index, queries, k, mask)
            entry: dict[str, object] = {"index": kind, "mask": mask_name, "build_s": round(build_s, 3)}
            if mask is not None:
                entry["allowed_rows"] = int(mask.sum())
            entry.update(stats)
            planted_q, sources = planted[mask_name]
            _, planted_hits = index.search(planted_q, k, allowed=mask)
            found = np.mean([src in row for src, row in zip(sources.tolist(), planted_hits.tolist())])
            entry["planted_found_at_k"] = round(float(found), 4)
            if kind == "flat":
                exact_hits[mask_name] = hits
            else:
                entry["recall_at_k_vs_flat"] = round(recall_at_k(exact_hits[mask_name], hits), 4)
            runs.append(entry)
            extra = f"  planted found@{k}={entry['planted_found_at_k']}"
            if kind == "hnsw":
                extra += f"  recall@{k} vs flat={entry['recall_at_k_vs_flat']}"
            print(
                f"  mask={mask_name:<13} p50={stats['p50_ms']:.3f} ms  p95={stats['p95_ms']:.3f} ms"
                f"{extra}",
                flush=True,
            )
        del index

    return {
        "benchmark": "dense single-query search latency",
        "params": {
            "n": n,
            "dim": dim,
            "queries": n_queries,
            "k": k,
            "seed": seed,
            "hnsw_m": hnsw_m,
            "ef_search": ef_search,
            "ef_construction": ef_construction,
        },
        "environment": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "faiss_cpu": _version("faiss-cpu"),
            "numpy": np.__version__,
        },
        "runs": runs,
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON output path")
    parser.add_argument("--with-region-mask", action="store_true", help="also time a 20%% row mask")
    parser.add_argument("--n", type=int, default=100_000, help="number of synthetic clauses")
    parser.add_argument("--dim", type=int, default=512)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=20190814)
    parser.add_argument("--hnsw-m", type=int, default=32)
    parser.add_argument("--ef-construction", type=int, default=80)
    parser.add_argument("--ef-search", type=int, default=128)
    args = parser.parse_args(argv)

    result = run(
        args.n, args.dim, args.queries, args.k, args.seed, args.hnsw_m, args.ef_search,
        args.ef_construction, args.with_region_mask,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
