"""Corpus mode: evaluate the product on an external benchmark in the Legal-DC format.

    python -m eval.corpus_mode --docs ../shared/corpora/legal-dc/docs \
        --questions ../shared/corpora/legal-dc/questions-dev.jsonl --out eval/out/legal-dc \
        [--encoder use|hash] [--limit N] [--index-dir DIR] [--url http://host:port]

Order of work: read and validate the questions (fail before any slow work); load the folder with
the product's loader (a failing file is reported, never fatal); build the product's index of it
(or reuse the one in `--index-dir` when it was built from the same parsed documents and
encoder); build the baseline (plain jieba BM25 over 500-character chunks of each file's text);
ask every question of both, top 10; score clause containment, hit@k and clause-hit@k overall
and per class as the benchmark's README prescribes; write `report.json` and `report.md` and
print the summary. `run_corpus_evaluation` is the entry point the `policy-assistant eval`
command calls; `main` is this module's own command line.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

from corpus.errors import CorpusError, PolicyAssistantError
from index.encoders import Encoder, make_encoder

from eval.chunk_baseline import CHUNK_CHARS, CHUNK_OVERLAP, ChunkBm25, chunk_sources
from eval.corpus_answers import summarise_answers
from eval.corpus_loading import load_documents, read_sources
from eval.corpus_metrics import (
    corpus_facts,
    latency_summary,
    place_gold,
    score_question,
    summarise_containment,
    summarise_retrieval,
)
from eval.corpus_questions import read_benchmark_questions, unscorable
from eval.corpus_records import BenchmarkQuestion, Retrieved
from eval.corpus_report import (
    REPORT_JSON,
    REPORT_MD,
    build_corpus_report,
    print_corpus_summary,
    write_corpus_json,
    write_corpus_markdown,
)

__all__ = ["PRODUCT", "BASELINE", "TOP_K", "main", "run_corpus_evaluation"]

T = TypeVar("T")
PRODUCT = "product"
BASELINE = "bm25-chunks"
TOP_K = 10  # the deepest cut-off the benchmark reports (hit@10)
SUMMARY_WIDTH = 120  # characters the summary table needs to show every column unabridged


def _ask_all(description: str, ask: Callable[[BenchmarkQuestion], T],
             questions: Sequence[BenchmarkQuestion], progress: Progress) -> dict[str, T]:
    """`ask` of every question by id, with a progress bar: a system's retrieval or answers."""
    task = progress.add_task(description, total=len(questions))
    found = {}
    for question in questions:
        found[question.qid] = ask(question)
        progress.advance(task)
    progress.remove_task(task)
    return found


def _retrieve_all(name: str, system, questions: Sequence[BenchmarkQuestion],
                  progress: Progress) -> dict[str, Retrieved]:
    return _ask_all(f"asking · {name}",
                    lambda q: system.retrieve(q.qid, q.question, TOP_K), questions, progress)


def _progress_callback(progress: Progress, description: str):
    task = progress.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    return task, update


def run_corpus_evaluation(*, docs: Path, questions: Path, out: Path,
                          encoder: str | Encoder = "use", index_dir: Path | None = None,
                          limit: int | None = None, url: str | None = None,
                          console: Console | None = None, client=None,
                          sentence_vectors: bool = True) -> dict:
    """Evaluate on a Legal-DC-format benchmark, write the report into `out` and return it.

    `encoder` is a kind for `make_encoder` ("use", "hash") or a ready `Encoder` (e.g. the one the
    service's settings configure). `index_dir` keeps the product index between runs; without it
    a temporary folder is used; `sentence_vectors` as the service's setting of that name.
    `limit` keeps the first N questions (all documents are still
    loaded). With `url` the product is a running deployment asked over `POST /search` (`client`,
    an `httpx.Client` with that base URL, may replace the default one, e.g. a `TestClient`);
    the documents are still loaded here for containment and the baseline.
    """
    console = console or Console()
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    clock = time.perf_counter()
    docs, questions_path, out = Path(docs), Path(questions), Path(out)
    read = read_benchmark_questions(questions_path)
    if limit is not None:
        read = read[:max(limit, 0)]
    skipped = unscorable(read)
    asked = [q for q in read if q.gold]

    with contextlib.ExitStack() as stack:
        progress = stack.enter_context(Progress(console=console, transient=True))
        task, update = _progress_callback(progress, "loading documents")
        started = time.perf_counter()
        load = load_documents(docs, progress=update)
        load_seconds = time.perf_counter() - started
        progress.remove_task(task)
        if not load.documents:
            raise CorpusError(
                f"no document under {docs} could be loaded ({len(load.failures)} files failed); "
                "check --docs")

        index_seconds, index_status = None, "remote"
        if url:
            from eval.corpus_systems import RemoteSearch

            product = RemoteSearch(url, client=client)
            encoder_id = str(product.health.get("encoder"))
        else:
            from eval.corpus_systems import ProductSearch, open_index

            encoder = make_encoder(encoder) if isinstance(encoder, str) else encoder
            encoder_id = encoder.encoder_id
            index_folder = Path(index_dir) if index_dir else Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="corpus-mode-")))
            task, update = _progress_callback(progress, "building the product index")
            started = time.perf_counter()
            index, rebuilt = open_index(load, encoder, index_folder, progress=update,
                                        sentence_vectors=sentence_vectors)
            index_seconds = time.perf_counter() - started
            progress.remove_task(task)
            index_status = f"built: {rebuilt}" if rebuilt else "reused"
            product = ProductSearch(index, encoder)
        stack.callback(product.close)

        task, update = _progress_callback(progress, "baseline: reading files")
        started = time.perf_counter()
        sources, source_failures = read_sources(docs, load.documents, progress=update)
        baseline = ChunkBm25(chunk_sources(sources))
        baseline_seconds = time.perf_counter() - started
        progress.remove_task(task)

        retrieved = {PRODUCT: _retrieve_all(PRODUCT, product, asked, progress),
                     BASELINE: _retrieve_all(BASELINE, baseline, asked, progress)}
        answers = _ask_all(f"answering · {PRODUCT}",
                           lambda q: product.answer(q.qid, q.question), asked, progress)

    placements = place_gold(asked, load.documents)
    scores = {system: {q.qid: score_question(q, found[q.qid]) for q in asked}
              for system, found in retrieved.items()}
    meta = {
        "started_at": started_at, "docs_dir": str(docs), "questions_file": str(questions_path),
        "question_count": len(asked), "limit": limit,
        # Questions whose gold is blank in the file: scoring them would count free hits.
        "unscorable_questions": [q.qid for q in skipped], "encoder": encoder_id,
        "mode": "http" if url else "in-process", "url": url,
        "index_dir": str(index_dir) if index_dir else None, "top_k": TOP_K,
        "systems": {PRODUCT: "PolicyAssistant.search(question, top_k=10)" if not url
                    else f"POST {url}/search",
                    "answers": "PolicyAssistant.answer(question)" if not url
                    else f"POST {url}/ask", BASELINE: f"jieba BM25 over {CHUNK_CHARS}-character "
                    f"chunks, {CHUNK_OVERLAP} overlap ({len(baseline.chunks)} chunks)"},
        "baseline_read_failures": [{"file": f.file, "reason": f.reason}
                                   for f in source_failures],
    }
    timings = {"load_seconds": round(load_seconds, 2),
               "index_seconds": round(index_seconds, 2) if index_seconds is not None else None,
               "index_status": index_status,
               "baseline_build_seconds": round(baseline_seconds, 2),
               "total_seconds": round(time.perf_counter() - clock, 2)}
    report = build_corpus_report(
        meta=meta, timings=timings, corpus=corpus_facts(load.documents), failures=load.failures,
        containment=summarise_containment(placements),
        retrieval={s: summarise_retrieval(list(by.values())) for s, by in scores.items()},
        latency={s: latency_summary(found.values()) for s, found in retrieved.items()},
        questions=asked, placements=placements, scores=scores, retrieved=retrieved,
        answers=summarise_answers(asked, answers))

    out.mkdir(parents=True, exist_ok=True)
    write_corpus_json(report, out / REPORT_JSON)
    write_corpus_markdown(report, out / REPORT_MD)
    print_corpus_summary(report, console, out)
    return report


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m eval.corpus_mode",
        description="Evaluate retrieval on a Legal-DC-format benchmark, side by side with "
                    "jieba BM25 over 500-character chunks.")
    parser.add_argument("--docs", type=Path, required=True, help="folder of document files")
    parser.add_argument("--questions", type=Path, required=True,
                        help="JSON Lines: id, question, title, gold, answer, class")
    parser.add_argument("--out", type=Path, default=Path("eval/out/corpus"),
                        help="folder for report.json and report.md")
    parser.add_argument("--encoder", choices=("use", "hash"), default="use",
                        help="use (the product's offline model) or hash (fast, for smoke runs)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions")
    parser.add_argument("--index-dir", type=Path, default=None,
                        help="keep the product index here and reuse it when it matches")
    parser.add_argument("--url", default=None,
                        help="evaluate a running deployment through POST /search instead")
    parser.add_argument("--verbose", action="store_true", help="show the loader's warnings")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    # The loader's per-file warnings (e.g. region unknown) would bury the progress bars; files
    # that fail are in the report either way.
    if not args.verbose:
        logging.getLogger("corpus").setLevel(logging.ERROR)
    console = Console()
    if not console.is_terminal:
        console.width = max(console.width, SUMMARY_WIDTH)  # a piped table keeps its columns
    try:
        run_corpus_evaluation(docs=args.docs, questions=args.questions, out=args.out,
                              encoder=args.encoder, index_dir=args.index_dir, limit=args.limit,
                              url=args.url, console=console)
    except PolicyAssistantError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
