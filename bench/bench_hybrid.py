"""Hybrid retrieval latency on a synthetic 100,000-clause index (not a test; run by hand).

The shipped clauses are copied into enough synthetic documents to reach N clauses (default
100,000), then indexed by the real `build_index` (jieba BM25 + FAISS) and searched by the real
`HybridRetriever`, one development question at a time, as the API does: unscoped, and scoped to
one region's documents. Vectors come from the deterministic hash encoder so that building 100k
clauses takes minutes, not an hour; USE query encoding (~2 ms) would add to every search.

    python -m bench.bench_hybrid [--clauses 100000] [--out bench/results/hybrid_100k.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from assistant.retriever import HybridRetriever
from corpus import load_corpus
from index.encoders import HashEncoder
from index.store import build_index

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO / "eval" / "questions" / "dev.jsonl"


def synthetic_documents(target: int) -> list:
    originals = load_corpus()
    documents, count, copy = [], 0, 0
    while count < target:
        for document in originals:
            doc_id = f"{document.doc_id}-copy{copy}"
            clauses = tuple(replace(c, doc_id=doc_id, clause_id=f"{doc_id}/{c.key}")
                            for c in document.clauses)
            documents.append(replace(document, doc_id=doc_id, clauses=clauses))
            count += len(clauses)
            if count >= target:
                break
        copy += 1
    return documents


def timed(fn, questions: list[str]) -> dict:
    latencies = []
    for question in questions:
        start = time.perf_counter()
        fn(question)
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    return {"queries": len(latencies), "p50_ms": round(statistics.median(latencies), 2),
            "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clauses", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "hybrid_100k.json")
    args = parser.parse_args()
    documents = synthetic_documents(args.clauses)
    encoder = HashEncoder()
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text("utf-8").splitlines()
                 if line.strip()]
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        index = build_index(documents, encoder, Path(folder) / "index", corpus_hash="synthetic")
        build_s = time.perf_counter() - start
    retriever = HybridRetriever(index, encoder)
    one_region = tuple(d.doc_id for d in documents if d.doc_id.startswith("sanmenxia-2019"))
    result = {
        "clauses": len(index.clauses), "documents": len(documents), "encoder": encoder.encoder_id,
        "build_s": round(build_s, 1),
        "search_unscoped": timed(lambda q: retriever.search(q, top_k=10), questions),
        "search_one_region": timed(lambda q: retriever.search(q, doc_ids=one_region, top_k=10),
                                   questions),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
