"""What one replica holds in memory, serving from the embedded store or from Milvus (not a test).

Over an existing index (default: the LawRefBook index `bench.bench_scale` builds, HNSW), this
syncs the index into a Milvus endpoint (`--milvus-uri`, or a milvus-lite server it starts with
its data under `var/`, kept between runs so a second run skips the sync), then starts one child
process per store. Each child opens the index as a replica of that kind does
(`load_index(local_search=…)`, the USE encoder, `PolicyAssistant` with the store), asks
`--searches` questions derived generically from the corpus (random clause spans, fixed seed,
`bench.bench_scale.sample_spans`), and reports its memory from /proc: VmRSS, VmHWM (peak), and
the proportional set size split into anonymous memory (the process's own) and file-backed pages
(memory-mapped postings and vectors: shared by every process on the machine and evictable by
the kernel). Milvus Lite's latency is a fixture's, not a cluster's; only the memory is the
point here.

    python -m bench.bench_replica_memory [--index-dir var/bench-lawrefbook-hnsw/index]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_corpus import _status

REPO = Path(__file__).resolve().parent.parent
DEFAULT_INDEX = REPO / "var" / "bench-lawrefbook-hnsw" / "index"
DEFAULT_MILVUS_DATA = REPO / "var" / "bench-replica-milvus"
DEFAULT_OUT = REPO / "bench" / "results" / "replica_memory.json"
PREFIX = "replica_memory"


def smaps(pid: int) -> dict[str, float]:
    """Pss and its anonymous / file-backed parts, in MB (/proc/PID/smaps_rollup)."""
    wanted = {"Pss", "Pss_Anon", "Pss_File", "Rss"}
    found = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in wanted:
            found[key] = round(int(value.split()[0]) / 1024, 1)
    return found


def child(mode: str, index_dir: Path, uri: str | None, searches: int) -> dict:
    """One replica's process: open as the product does, search, measure."""
    from assistant.service import PolicyAssistant
    from bench.bench_scale import sample_spans
    from index.clause_store import EmbeddedClauseStore
    from index.encoders import make_encoder
    from index.store import load_index

    started = time.perf_counter()
    if mode == "milvus":
        from index.milvus_store import MilvusClauseStore
        store = MilvusClauseStore(uri, prefix=PREFIX)
    else:
        store = EmbeddedClauseStore()
    index = load_index(index_dir, local_search=store.local_search)
    encoder = make_encoder("use")
    encoder.encode(["政策"], is_query=True)
    assistant = PolicyAssistant(index, encoder, clause_store=store)
    opened = time.perf_counter() - started
    questions = sample_spans(index.documents, searches, seed=7)
    latencies = []
    for question, _ in questions:
        began = time.perf_counter()
        assistant.search(question, top_k=10)
        latencies.append((time.perf_counter() - began) * 1000)
    pid = os.getpid()
    return {"store": mode, "clauses": len(index.clauses), "documents": len(index.documents),
            "open_seconds": round(opened, 1), "searches": len(latencies),
            "search_p50_ms": round(statistics.median(latencies), 1),
            "memory_mb": {**_status(pid, ("VmRSS", "VmHWM")), **smaps(pid)}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=DEFAULT_INDEX)
    parser.add_argument("--milvus-uri", default=None, help="default: start a milvus-lite server")
    parser.add_argument("--milvus-data", type=Path, default=DEFAULT_MILVUS_DATA)
    parser.add_argument("--searches", type=int, default=100)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--child", choices=("embedded", "milvus"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.index_dir, args.milvus_uri, args.searches)))
        return

    from api.engines import MilvusLiteServer
    from bench.live_server import provenance
    from index.milvus_store import MilvusClauseStore
    from index.store import load_index

    server = None
    if args.milvus_uri is None:
        args.milvus_data.mkdir(parents=True, exist_ok=True)
        server = MilvusLiteServer(args.milvus_data).start()
    uri = args.milvus_uri or server.uri
    try:
        started = time.perf_counter()
        report = MilvusClauseStore(uri, prefix=PREFIX, timeout=600).sync(
            load_index(args.index_dir, local_search=False))
        sync = {"seconds": round(time.perf_counter() - started, 1),
                "upserted_clauses": report.upserted_clauses, "skipped": report.skipped}
        replicas = []
        for mode in ("embedded", "milvus"):
            command = [sys.executable, "-m", "bench.bench_replica_memory", "--child", mode,
                       "--index-dir", str(args.index_dir), "--milvus-uri", uri,
                       "--searches", str(args.searches)]
            done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
            replicas.append(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        if server is not None:
            server.stop()
    result = {**provenance(), "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "index": str(args.index_dir), "sync": sync, "replicas": replicas}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
