"""The two clause stores side by side on a real corpus: sync time, search latency, agreement.

Over an existing index (default: the Legal-DC + plans index `bench.bench_corpus` builds), this
starts a milvus-lite server (or uses `--milvus-uri`), syncs the index into a fresh set of
collections (timed: clauses per second), then asks every Legal-DC question through
`PolicyAssistant.search` over the embedded store and over Milvus, in-process, and reports per
store hit@1/5/10 by the benchmark's rule (gold text contained in a returned clause), latency
p50/p95, and how often the two stores' top clause and top five agree. Milvus Lite is a test
fixture, not a performance reference: its latency says nothing about a Milvus cluster.

    python -m bench.bench_stores [--index-dir var/bench-corpus/index] [--limit 600]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from api.engines import MilvusLiteServer
from assistant.service import PolicyAssistant
from bench.bench_ask import percentile
from eval.corpus_metrics import hit_at
from eval.corpus_questions import read_benchmark_questions
from index.encoders import make_encoder
from index.milvus_store import MilvusClauseStore
from index.store import load_index

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO.parent / "shared" / "corpora" / "legal-dc" / "questions-dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=REPO / "var" / "bench-corpus" / "index")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--limit", type=int, default=600)
    parser.add_argument("--milvus-uri", default=None, help="default: start a milvus-lite server")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "stores.json")
    args = parser.parse_args()

    index = load_index(args.index_dir)
    encoder = make_encoder("use")
    server = None
    if args.milvus_uri is None:
        server = MilvusLiteServer(Path(tempfile.mkdtemp(prefix="bench-milvus-"))).start()
    uri = args.milvus_uri or server.uri
    try:
        store = MilvusClauseStore(uri, prefix=f"bench_{uuid.uuid4().hex[:8]}")
        started = time.perf_counter()
        report = store.sync(index)
        sync_seconds = time.perf_counter() - started
        questions = [q for q in read_benchmark_questions(args.questions) if q.gold][:args.limit]
        assistants = {"embedded": PolicyAssistant(index, encoder),
                      "milvus": PolicyAssistant(index, encoder, clause_store=store)}
        encoder.encode(["政策"], is_query=True)
        results: dict[str, dict] = {}
        rankings: dict[str, list[list[str]]] = {}
        for name, assistant in assistants.items():
            latencies, hits, ids = [], {1: 0, 5: 0, 10: 0}, []
            for question in questions:
                began = time.perf_counter()
                found = assistant.search(question.question, top_k=10)
                latencies.append((time.perf_counter() - began) * 1000)
                texts = [hit.clause.text for hit in found]
                ids.append([hit.clause.clause_id for hit in found])
                for k in hits:
                    hits[k] += hit_at(question.gold, texts, k)
            rankings[name] = ids
            results[name] = {**{f"hit@{k}": round(v / len(questions), 3) for k, v in hits.items()},
                             "p50_ms": round(statistics.median(latencies), 1),
                             "p95_ms": round(percentile(latencies, 95), 1)}
        pairs = list(zip(rankings["embedded"], rankings["milvus"]))
        out = {"index": str(args.index_dir), "clauses": len(index.clauses),
               "documents": len(index.documents), "questions": len(questions),
               "sync_seconds": round(sync_seconds, 1),
               "sync_clauses_per_second": round(report.upserted_clauses / sync_seconds, 1),
               "stores": results,
               "top1_agreement": round(sum(a[:1] == b[:1] for a, b in pairs) / len(pairs), 3),
               "top5_same_set": round(sum(set(a[:5]) == set(b[:5]) for a, b in pairs)
                                      / len(pairs), 3)}
    finally:
        if server is not None:
            server.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
