"""Latency benchmark for the service (not a test; run by hand or with `make bench`).

1. Index build time for the shipped corpus with the configured encoder (USE by default):
   the median of several full builds into a scratch folder, encoder already loaded.
2. `/ask` latency against a live uvicorn (one worker, as `policy-assistant serve` runs it):
   every development question in turn from one client, then the same questions from 8
   concurrent clients. Reports p50/p95 in ms and throughput; writes JSON.

    python -m bench.bench_ask [--encoder use] [--rounds 2] [--out bench/results/ask.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from bench.live_server import free_port, stop, wait_until_ready
from corpus import corpus_hash, load_corpus
from index.encoders import make_encoder
from index.store import build_index

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO / "eval" / "questions" / "dev.jsonl"
DEFAULT_OUT = REPO / "bench" / "results" / "ask.json"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(latencies_ms: list[float], wall_s: float) -> dict:
    return {"requests": len(latencies_ms), "p50_ms": round(statistics.median(latencies_ms), 2),
            "p95_ms": round(percentile(latencies_ms, 0.95), 2),
            "max_ms": round(max(latencies_ms), 2),
            "throughput_rps": round(len(latencies_ms) / wall_s, 1)}


def time_builds(encoder_kind: str, builds: int) -> dict:
    encoder = make_encoder(encoder_kind)
    documents = load_corpus()
    encoder.encode(["预热"])  # load the model once: we time the build, not the model load
    seconds = []
    with tempfile.TemporaryDirectory() as scratch:
        for n in range(builds):
            start = time.perf_counter()
            build_index(documents, encoder, Path(scratch) / f"index-{n}",
                        corpus_hash=corpus_hash())
            seconds.append(time.perf_counter() - start)
    return {"builds": builds, "median_s": round(statistics.median(seconds), 2),
            "all_s": [round(s, 2) for s in seconds],
            "clauses": sum(len(d.clauses) for d in documents)}


def start_server(encoder_kind: str, folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "POLICY_ASSISTANT_ENCODER": encoder_kind,
           "POLICY_ASSISTANT_INDEX_DIR": str(folder / "index"),
           "POLICY_ASSISTANT_DB_PATH": str(folder / "conversations.sqlite3")}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host",
         "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=REPO, env=env)
    base = f"http://127.0.0.1:{port}"
    wait_until_ready(process, base + "/health", timeout=300, poll=0.5)
    return process, base


def ask_all(base: str, questions: list[str], clients: int) -> dict:
    def one(question: str, client: httpx.Client) -> float:
        start = time.perf_counter()
        response = client.post(base + "/ask", json={"question": question})
        response.raise_for_status()
        return (time.perf_counter() - start) * 1000

    pool_clients = [httpx.Client(timeout=60) for _ in range(clients)]
    try:
        for question in questions[:10]:  # warm-up
            one(question, pool_clients[0])
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            latencies = list(pool.map(lambda pair: one(pair[1], pool_clients[pair[0] % clients]),
                                      enumerate(questions)))
        return summary(latencies, time.perf_counter() - start)
    finally:
        for client in pool_clients:
            client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the question set")
    parser.add_argument("--builds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text("utf-8").splitlines()
                 if line.strip()] * args.rounds
    result = {"encoder": args.encoder, "machine": {"cpus": os.cpu_count(),
                                                   "python": platform.python_version()},
              "index_build": time_builds(args.encoder, args.builds)}
    print(f"index build: {result['index_build']}")
    with tempfile.TemporaryDirectory() as folder:
        process, base = start_server(args.encoder, Path(folder))
        try:
            for clients in (1, 8):
                result[f"ask_{clients}_client{'s' if clients > 1 else ''}"] = stats = \
                    ask_all(base, questions, clients)
                print(f"/ask, {clients} client(s): {stats}")
        finally:
            stop(process, timeout=30)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
