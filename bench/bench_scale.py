"""Scale benchmark on the embedded store: the LawRefBook library, ~200,000 clauses (not a test).

The whole LawRefBook folder (`../shared/corpora/lawrefbook/`, 3,498 Markdown laws and local
regulations; read in place, never copied) is the corpus; index, library and database live under
the git-ignored `var/bench-lawrefbook/`. As a user would:

1. `policy-assistant index` builds the index from scratch with the configured encoder (USE by
   default), timed from outside: wall time, CPU steal, clauses, documents, files that failed
   (counted by reason), index size on disk, and the build's peak memory (the CLI and its lexical
   child sampled together every 0.25 s, and the largest single process from getrusage);
2. `policy-assistant serve --workers N` (for each N of --workers) answers POST /search for a few
   hundred questions derived generically from the corpus (a random 8–20 character span of a
   random clause of a random document, fixed seed), unscoped and scoped to one region of the
   local regulations; p50/p95/p99 per mode, then each worker's RSS and Pss from /proc;
3. in process, the retriever's channels are timed one by one over the whole index, and the
   per-clause memory of each part is derived (vectors, jieba BM25, bigram BM25, documents):
   the inputs of the capacity model in the README.

--skip-build reuses the index and the build figures of a previous run (the JSON at --out).

    python -m bench.bench_scale [--workers 1,2] [--questions 300] [--skip-build]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import numpy as np

from bench.bench_ask import percentile
from bench.bench_corpus import _pss_mb, _status, _tree, steal_seconds
from bench.live_server import free_port, stop, wait_until_ready

REPO = Path(__file__).resolve().parent.parent
LAWREFBOOK = REPO.parent / "shared" / "corpora" / "lawrefbook"
DEFAULT_WORK = REPO / "var" / "bench-lawrefbook"
DEFAULT_OUT = REPO / "bench" / "results" / "scale_lawrefbook.json"
CLI = str(Path(sys.executable).with_name("policy-assistant"))


def product_env(corpus: Path, work: Path, **extra: str) -> dict[str, str]:
    """The product's settings pointing at the corpus folder and at scratch space under `work`."""
    return {**os.environ, "POLICY_ASSISTANT_CORPUS_DIR": str(corpus),
            "POLICY_ASSISTANT_INDEX_DIR": str(work / "index"),
            "POLICY_ASSISTANT_LIBRARY_DIR": str(work / "library"),
            "POLICY_ASSISTANT_DB_PATH": str(work / "conversations.sqlite3"), **extra}


def current_version(work: Path) -> Path:
    index = work / "index"
    return index / "versions" / (index / "CURRENT").read_text().strip()


def folder_mb(folder: Path) -> dict[str, float]:
    """Size on disk of each entry of a version folder (files and subfolders), in MB."""
    sizes = {}
    for entry in sorted(folder.iterdir()):
        files = [entry] if entry.is_file() else [p for p in entry.rglob("*") if p.is_file()]
        sizes[entry.name] = round(sum(p.stat().st_size for p in files) / 2**20, 2)
    sizes["total"] = round(sum(sizes.values()), 1)
    return sizes


class TreeSampler(threading.Thread):
    """Peak of the summed RSS of a process and its descendants, sampled on a thread."""

    def __init__(self, pid: int, every: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_mb, self.finished = pid, every, 0.0, threading.Event()

    def run(self) -> None:
        while not self.finished.is_set():
            try:
                total = sum(_status(p, ("VmRSS",)).get("VmRSS", 0.0) for p in _tree(self.pid))
                self.peak_mb = max(self.peak_mb, total)
            except (FileNotFoundError, ProcessLookupError, ValueError):
                pass  # a process of the tree exited between listing and reading
            self.finished.wait(self.every)


def build(corpus: Path, work: Path) -> dict:
    """`policy-assistant index` from scratch; the figures of step 1."""
    shutil.rmtree(work / "index", ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    log = work / "build.log"
    started, steal_before = time.perf_counter(), steal_seconds()
    with log.open("w") as out:
        process = subprocess.Popen([CLI, "index"], env=product_env(corpus, work),
                                   stdout=out, stderr=subprocess.STDOUT)
        sampler = TreeSampler(process.pid)
        sampler.start()
        code = process.wait()
        sampler.finished.set()
    seconds = time.perf_counter() - started
    steal = steal_seconds() - steal_before
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the CLI and its lexical child
    if code != 0:
        raise SystemExit(f"policy-assistant index exited with {code}; see {log}")
    version = current_version(work)
    params = json.loads((version / "params.json").read_text())
    failures = json.loads((version / "failures.json").read_text(encoding="utf-8"))
    return {
        "seconds_from_scratch": round(seconds, 1),
        "cpu_steal_seconds": round(steal, 1),
        # CPU time is the figure to compare across runs: wall time also counts whatever else
        # ran on the machine's two cores.
        "cpu_seconds_user_and_system": round(usage.ru_utime + usage.ru_stime, 1),
        "load_average_1min_at_end": os.getloadavg()[0],
        "build_seconds_in_params": params["build_seconds"],
        "documents": params["document_count"], "clauses": params["clause_count"],
        "encoder": params["encoder_id"], "dense_kind": params["dense_kind"],
        "failures": len(failures),
        "failures_by_reason": dict(Counter(f["reason"] for f in failures).most_common()),
        "failed_files_sample": [f["file"] for f in failures[:10]],
        "index_on_disk_mb": folder_mb(version),
        "peak_rss_mb": {"process_tree_sum_sampled": round(sampler.peak_mb, 1),
                        "largest_process_getrusage": round(
                            usage.ru_maxrss / 1024, 1)},
    }


# -- questions -----------------------------------------------------------------------------------
# A span holding a section number (第十条) would be fetched as a section reference, not searched.
SECTION_NUMBER = re.compile(r"第[一二三四五六七八九十百千零〇两0-9]+[编章节条款项]")


def sample_spans(documents: list, count: int, seed: int, *, shortest: int = 8,
                 longest: int = 20) -> list[tuple[str, str]]:
    """(question, source clause id): a random `shortest`–`longest` character span of a random
    clause of a random document, whitespace removed; a fixed seed gives the same questions."""
    rng = random.Random(seed)
    usable = [d for d in documents if any(len(c.text) >= 2 * longest for c in d.clauses)]
    questions = []
    while len(questions) < count:
        clause = rng.choice(rng.choice(usable).clauses)
        text, length = re.sub(r"\s+", "", clause.text), rng.randint(shortest, longest)
        if len(text) < 2 * length:
            continue
        start = rng.randrange(len(text) - length)
        span = text[start:start + length]
        if not SECTION_NUMBER.search(span):
            questions.append((span, clause.clause_id))
    return questions


def busiest_region(documents: list) -> tuple[str, list]:
    """The administrative division (not 全国, not unknown) with the most documents."""
    placed = [d for d in documents if d.region.code is not None]
    name = Counter(d.region.name for d in placed).most_common(1)[0][0]
    return name, [d for d in placed if d.region.name == name]


# -- the live server -------------------------------------------------------------------------------
def latency(values: list[float]) -> dict:
    return {"requests": len(values), "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(percentile(values, 0.95), 2),
            "p99_ms": round(percentile(values, 0.99), 2),
            "mean_ms": round(statistics.fmean(values), 2)}


def timed_searches(client: httpx.Client, url: str, questions: list[tuple[str, str]],
                   region: str | None) -> dict:
    """POST /search per question, one at a time; latencies and how often the source clause of
    the span came back in the top 10 (a sanity check that the answers are real)."""
    latencies, found = [], 0
    for question, clause_id in questions:
        started = time.perf_counter()
        response = client.post(url, json={"query": question, "top_k": 10, "region": region})
        latencies.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        found += any(h["clause_id"] == clause_id for h in response.json()["hits"])
    return {**latency(latencies), "source_clause_in_top10": round(found / len(questions), 3)}


def process_memory(pid: int) -> dict:
    """Each process of the server's tree (command, VmRSS, VmHWM, Pss in MB) and the Pss sum."""
    rows = {}
    for p in _tree(pid):
        command = Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        rows[str(p)] = {"command": command.strip()[-80:], **_status(p, ("VmRSS", "VmHWM")),
                        "Pss": round(_pss_mb(p), 1)}
    return {"processes": rows, "pss_total": round(sum(r["Pss"] for r in rows.values()), 1)}


def serve_and_search(corpus: Path, work: Path, workers: int, unscoped: list, scoped: list,
                     region: str, warm_up: int) -> dict:
    """One server with `workers` processes: start-up time, /search latency, memory after."""
    port, log = free_port(), work / f"serve-{workers}.log"
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    with log.open("w") as out:
        server = subprocess.Popen([CLI, "serve", "--port", str(port), "--workers", str(workers)],
                                  env=product_env(corpus, work), stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        wait_until_ready(server, f"{base}/ready", timeout=1200, log=log, poll=1.0)
        ready_seconds = time.perf_counter() - started
        with httpx.Client(timeout=120) as client:
            timed_searches(client, f"{base}/search", unscoped[:warm_up], None)  # not recorded
            result = {
                "workers": workers, "ready_after_seconds": round(ready_seconds, 1),
                "search_unscoped": timed_searches(client, f"{base}/search", unscoped, None),
                "search_scoped": {"region": region, **timed_searches(
                    client, f"{base}/search", scoped, region)}}
        result["memory_mb"] = process_memory(server.pid)
    finally:
        stop(server, timeout=30)
    return result


# -- in process: memory per part and time per channel ---------------------------------------------
def _rss_mb() -> float:
    return _status(os.getpid(), ("VmRSS",))["VmRSS"]


def _bm25_array_mb(index) -> float:
    """The sparse score matrix of a bm25s retriever (data, indices, indptr)."""
    arrays = index._retriever.scores.values()
    return round(sum(np.asarray(a).nbytes for a in arrays if hasattr(a, "nbytes")) / 2**20, 1)


def load_measured(work: Path):
    """The index loaded part by part (as `load_index` does) and the RSS each part added."""
    from assistant.service import PolicyAssistant
    from index.bigrams import BigramIndex
    from index.dense import DenseIndex
    from index.encoders import make_encoder
    from index.lexical import LexicalIndex
    from index.store import BuiltIndex, read_documents, read_failures, read_params

    version, added = current_version(work), {}

    def part(name, load):
        gc.collect()
        before = _rss_mb()
        value = load()
        gc.collect()
        added[name] = round(added.get(name, 0.0) + _rss_mb() - before, 1)
        return value

    def touched(dense):  # every page of the mapped file read once, as the first query does
        dense.scores_all(np.zeros(dense.dim, dtype=np.float32))
        return dense

    documents = part("documents (Python objects from documents.json)",
                     lambda: read_documents(version))
    dense = part("vectors (memory-mapped, every page touched)",
                 lambda: touched(DenseIndex.mapped(version / "vectors.npy")))
    lexical = part("jieba BM25 (bm25s) + tokenizer with the corpus's terms",
                   lambda: LexicalIndex.load(version / "lexical"))
    bigrams = part("clause bigram BM25 (bm25s)", lambda: BigramIndex.load(version / "bigrams"))
    document_bigrams = part("document bigram BM25 (bm25s)",
                            lambda: BigramIndex.load(version / "document_bigrams"))
    clauses = [c for d in documents for c in d.clauses]
    index = part("row lookups (clause positions, document codes)", lambda: BuiltIndex(
        read_params(version), documents, clauses, dense, lexical, version,
        read_failures(version), bigrams=bigrams, document_bigrams=document_bigrams))
    encoder = part("USE encoder (weights loaded)", lambda: make_encoder("use"))
    part("USE encoder (weights loaded)", lambda: encoder.encode(["政策"], is_query=True))
    assistant = part("assistant (question analyser, lower-cased corpus text)",
                     lambda: PolicyAssistant(index, encoder))
    arrays = {"vectors": round(dense.ntotal * dense.dim * 4 / 2**20, 1),
              "jieba BM25 sparse matrix": _bm25_array_mb(lexical),
              "clause bigram BM25 sparse matrix": _bm25_array_mb(bigrams),
              "document bigram BM25 sparse matrix": _bm25_array_mb(document_bigrams)}
    return assistant, {"rss_added_mb": added, "array_mb": arrays}


def _clock(function, *args):
    started = time.perf_counter()
    value = function(*args)
    return value, (time.perf_counter() - started) * 1000


def time_channels(assistant, questions: list[tuple[str, str]], warm_up: int) -> dict:
    """Each channel of `HybridRetriever.channels` timed alone per question, the steps of the
    fusion, then the fused search and the assistant's whole `search`; median and p95 in ms, and
    per 10^5 clauses (meaningful for the steps that touch every row; the encoding does not)."""
    from assistant.retriever import blend, normalised

    retriever, index = assistant.retriever, assistant.index
    parts: dict[str, list[float]] = {}
    for n, (question, _) in enumerate(questions):
        vector, encode_ms = _clock(retriever.query_vector, question)
        query = retriever.lexical_query(question)
        times = {"encode question (USE)": encode_ms,
                 "jieba BM25": _clock(index.lexical.scores, query)[1],
                 "bigram BM25": _clock(index.bigrams.scores, query)[1],
                 "bigram coverage": _clock(index.bigrams.coverage, query)[1],
                 "document bigram BM25": _clock(index.document_bigrams.scores, query)[1],
                 "dense flat inner product": _clock(index.dense.scores_all, vector)[1]}
        channels, times["channels (all five, one call)"] = _clock(
            lambda: retriever.channels(question, query_vector=vector))
        values, times["fusion: min-max normalise the channels"] = _clock(normalised, channels)
        fused, times["fusion: weighted blend"] = _clock(blend, values, retriever.weights)
        times["fusion: wanted-clause preference (什么是X, 施行)"] = _clock(
            retriever.rank_scores, question, channels, retriever.weights)[1] - \
            times["fusion: min-max normalise the channels"] - times["fusion: weighted blend"]
        times["top 10 (argpartition)"] = _clock(np.argpartition, -fused, 10)[1]
        times["retriever.search (channels + fusion + top 10)"] = _clock(
            lambda: retriever.search(question, query_vector=vector))[1]
        times["assistant.search (analysis + encode + search)"] = _clock(
            assistant.search, question)[1]
        if n >= warm_up:
            for name, value in times.items():
                parts.setdefault(name, []).append(value)
    clauses = len(index.clauses)
    return {name: {"median_ms": round(statistics.median(v), 2),
                   "p95_ms": round(percentile(v, 0.95), 2),
                   "median_ms_per_1e5_clauses": round(statistics.median(v) * 1e5 / clauses, 2)}
            for name, v in parts.items()}


def try_hnsw(assistant, questions: list[tuple[str, str]], warm_up: int) -> dict:
    """The same vectors in an HNSW graph (`POLICY_ASSISTANT_DENSE_INDEX=hnsw`'s defaults): build
    time, dense and fused search time, and agreement with the exact ranking."""
    import dataclasses

    from assistant.retriever import HybridRetriever
    from index.dense import DenseIndex

    index, exact = assistant.index, assistant.retriever
    graph, build_ms = _clock(DenseIndex.build, np.asarray(index.dense._rows), "hnsw")
    approximate = HybridRetriever(dataclasses.replace(index, dense=graph), exact.encoder,
                                  exact.weights)
    dense_ms, fused_ms, recall, same_top10 = [], [], [], []
    for n, (question, _) in enumerate(questions):
        vector = exact.query_vector(question)
        (_, ids), ms = _clock(graph.search, vector, 500)
        truth = np.argpartition(-index.dense.scores_all(vector), 10)[:10]
        hits, fused = _clock(lambda: approximate.search(question, query_vector=vector))
        reference = exact.search(question, query_vector=vector)
        if n >= warm_up:
            dense_ms.append(ms)
            fused_ms.append(fused)
            recall.append(len(set(truth) & set(ids[0][:10].tolist())) / 10)
            same_top10.append(len({h.clause.clause_id for h in hits} &
                                  {h.clause.clause_id for h in reference}) / 10)
    return {"build_seconds": round(build_ms / 1000, 1), "M": 32, "ef_search": 500,
            "dense_k500_median_ms": round(statistics.median(dense_ms), 2),
            "fused_search_median_ms": round(statistics.median(fused_ms), 2),
            "fused_search_p95_ms": round(percentile(fused_ms, 0.95), 2),
            "dense_recall_at_10": round(statistics.fmean(recall), 3),
            "fused_top10_overlap_with_flat": round(statistics.fmean(same_top10), 3)}


def code_version() -> str:
    """The commit of the code under test (a checkout) or the folder it was imported from (an
    exported tree, run with PYTHONPATH set to it while others edit the checkout)."""
    described = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                               capture_output=True, text=True)
    return described.stdout.strip() if described.returncode == 0 else str(REPO)


def write(out: Path, result: dict) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=LAWREFBOOK,
                        help="folder of documents, read recursively (default: LawRefBook)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK,
                        help="index, library and database (default: var/bench-lawrefbook)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--skip-build", action="store_true",
                        help="reuse the index and the build figures in --out")
    parser.add_argument("--build-only", action="store_true", help="stop after step 1")
    parser.add_argument("--workers", default="1,2",
                        help="server runs, comma-separated ('': none, keep the earlier ones)")
    parser.add_argument("--questions", type=int, default=300, help="unscoped /search questions")
    parser.add_argument("--scoped", type=int, default=150, help="questions scoped to one region")
    parser.add_argument("--in-process", type=int, default=200,
                        help="questions for the per-channel timing (0: skip)")
    parser.add_argument("--hnsw", action="store_true",
                        help="also build an HNSW graph of the vectors in process and time it")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)

    result = json.loads(args.out.read_text()) if args.skip_build and args.out.exists() else {}
    result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    result["code"] = code_version()
    result["corpus"] = str(args.corpus)
    if not args.skip_build:
        result["build"] = build(args.corpus, args.work)
        write(args.out, result)
        print(json.dumps(result["build"], ensure_ascii=False, indent=2), flush=True)
    if args.build_only:
        return

    from index.store import read_documents

    documents = read_documents(current_version(args.work))
    region, local = busiest_region(documents)
    unscoped = sample_spans(documents, args.questions, args.seed)
    scoped = sample_spans(local, args.scoped, args.seed + 1)
    result["questions"] = {"unscoped": len(unscoped), "scoped": len(scoped), "region": region,
                           "region_documents": len(local), "seed": args.seed,
                           "form": "a random 8-20 character span of a random clause of a random "
                                   "document, whitespace removed, no section number",
                           "examples": [q for q, _ in unscoped[:5]]}
    del documents, local
    warm_up = 20
    servers = [int(n) for n in args.workers.split(",") if n.strip()]
    if servers:
        result["serve"] = [serve_and_search(args.corpus, args.work, n, unscoped, scoped, region,
                                            warm_up) for n in servers]
        write(args.out, result)
        print(json.dumps(result["serve"], ensure_ascii=False, indent=2), flush=True)
    if args.in_process:
        assistant, memory = load_measured(args.work)
        clauses = len(assistant.index.clauses)
        memory["bytes_per_clause"] = {name: round(mb * 2**20 / clauses)
                                      for name, mb in memory["rss_added_mb"].items()}
        earlier = result.get("in_process", {})
        result["in_process"] = {"clauses": clauses, "memory": memory,
                                "channels": time_channels(assistant, unscoped[:args.in_process],
                                                          warm_up)}
        if args.hnsw:
            result["in_process"]["hnsw"] = try_hnsw(assistant, unscoped[:args.in_process],
                                                    warm_up)
        elif "hnsw" in earlier:  # kept from the run that measured it
            result["in_process"]["hnsw"] = earlier["hnsw"]
        write(args.out, result)
        print(json.dumps(result["in_process"], ensure_ascii=False, indent=2), flush=True)


if __name__ == "__main__":
    main()
