"""Scale benchmark on a real corpus: build time, /search latency and server memory (not a test).

A corpus folder is assembled from the Legal-DC development documents plus the five shipped
plans (symlinks, nothing copied); then, as a user would:

1. `policy-assistant index` builds the index from scratch (USE encoder, progress bar), timed
   from the outside, with the index on the real disk (a folder under the repository's var/);
2. `policy-assistant serve` starts on that index (default workers: one per core) and answers
   every Legal-DC question through POST /search from one client; p50/p95 over the requests;
3. the server's memory is read from /proc after the run: each process's VmRSS and VmHWM, and the
   proportional set size (Pss) summed over the whole process tree, which counts the pages the
   workers share (the memory-mapped vectors, the code) once.

The CPU time the hypervisor gave to other machines during the build (`steal` in /proc/stat) is
recorded beside the build time: on these shared VMs it has added up to two minutes to a build.

    python -m bench.bench_corpus [--docs ../shared/corpora/legal-dc/docs] [--limit 600]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

from bench.bench_ask import percentile
from bench.live_server import free_port, provenance, stop, wait_until_ready

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "corpora" / "legal-dc"
DEFAULT_OUT = REPO / "bench" / "results" / "corpus.json"


def assemble(docs: Path, folder: Path) -> int:
    """A corpus folder of symlinks: every Legal-DC file plus the shipped plans."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "laws").mkdir(parents=True)
    (folder / "plans").mkdir()
    count = 0
    for path in sorted(docs.iterdir()):
        if path.is_file():
            (folder / "laws" / path.name).symlink_to(path.resolve())
            count += 1
    for path in sorted((REPO / "corpus" / "seeds").glob("*.txt")):
        (folder / "plans" / path.name).symlink_to(path.resolve())
        count += 1
    return count


def _status(pid: int, keys: tuple[str, ...]) -> dict:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in keys:
            fields[key] = round(int(value.split()[0]) / 1024, 1)  # kB → MB
    return fields


def _pss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid] + [p for child in children for p in _tree(int(child))]


def _memory(pid: int) -> dict:
    """Every process of the server's tree, and their proportional set sizes summed."""
    pids = _tree(pid)
    return {"processes": {str(p): _status(p, ("VmRSS", "VmHWM")) for p in pids},
            "pss_total": round(sum(_pss_mb(p) for p in pids), 1)}


def steal_seconds() -> float:
    """CPU time taken by the hypervisor for other guests since boot, all CPUs (/proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=Path, default=SHARED / "docs")
    parser.add_argument("--questions", type=Path, default=SHARED / "questions-dev.jsonl")
    parser.add_argument("--work", type=Path, default=REPO / "var" / "bench-corpus")
    parser.add_argument("--limit", type=int, default=600)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    corpus = args.work / "corpus"
    files = assemble(args.docs, corpus)
    shutil.rmtree(args.work / "index", ignore_errors=True)
    env = {**os.environ, "POLICY_ASSISTANT_CORPUS_DIR": str(corpus),
           "POLICY_ASSISTANT_INDEX_DIR": str(args.work / "index"),
           "POLICY_ASSISTANT_LIBRARY_DIR": str(args.work / "library"),
           "POLICY_ASSISTANT_DB_PATH": str(args.work / "conversations.sqlite3")}
    cli = str(Path(sys.executable).with_name("policy-assistant"))
    started, steal_before = time.perf_counter(), steal_seconds()
    subprocess.run([cli, "index"], env=env, check=True)
    build_seconds = time.perf_counter() - started
    build_steal = steal_seconds() - steal_before
    params = json.loads(next((args.work / "index" / "versions").glob("*/params.json")).read_text())

    port = free_port()
    server = subprocess.Popen([cli, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(server, f"{base}/ready", timeout=300, poll=0.5)
        with httpx.Client(timeout=60) as client:
            questions = [json.loads(line)["question"] for line in
                         args.questions.read_text(encoding="utf-8").splitlines()][:args.limit]
            latencies = []
            for question in questions:
                start = time.perf_counter()
                response = client.post(f"{base}/search", json={"query": question, "top_k": 10})
                latencies.append((time.perf_counter() - start) * 1000)
                response.raise_for_status()
        memory = _memory(server.pid)
    finally:
        stop(server, timeout=30)

    result = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), **provenance(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "corpus": {"files": files, "documents": params["document_count"],
                   "clauses": params["clause_count"]},
        "build_seconds_from_scratch": round(build_seconds, 1),
        "build_cpu_steal_seconds": round(build_steal, 1),
        "search": {"requests": len(latencies), "p50_ms": round(statistics.median(latencies), 2),
                   "p95_ms": round(percentile(latencies, 0.95), 2)},
        "server_memory_mb": memory,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
