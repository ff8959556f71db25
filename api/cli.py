"""The `policy-assistant` command line: documents, clauses, index, add, remove, search, ask,
serve, services, eval.

A thin edge over the library: it reads one `Settings` object, calls the packages, prints JSON
(one object per line, or the API's JSON) for machines with `--json` and a readable form for
people otherwise, and turns `PolicyAssistantError`s into a message and exit code 2.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from corpus import CorpusLoad, Document, PolicyAssistantError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Clause-level policy assistant: parse, index, search and answer.")
console = Console()


def _fail(error: Exception) -> None:
    console.print(f"[red]error:[/red] {error}")
    raise typer.Exit(code=2)


def _corpus() -> CorpusLoad:
    """The corpus as the service reads it: corpus folder plus library, minus removals."""
    from api.deps import get_settings, make_updater

    return make_updater(get_settings()).read()


def _documents() -> list[Document]:
    return list(_corpus().documents)


def _print_failures(failures) -> None:
    if not failures:
        return
    table = Table("文件", "原因", title=f"{len(failures)} 个文件未能读取", title_style="yellow")
    for failure in failures:
        table.add_row(failure.file, failure.reason)
    console.print(table)


def _print_json_lines(rows: list[dict]) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


@app.command()
def documents(as_json: bool = typer.Option(False, "--json", help="One JSON object per line.")):
    """List the documents of the corpus with their metadata, and the files that failed."""
    try:
        corpus = _corpus()
    except PolicyAssistantError as error:
        _fail(error)
    if as_json:
        from api.schemas import document_summary

        # stdout stays one document per line; files that failed go to stderr as
        # {"file", "reason"} lines (the `failed` rows of GET /documents).
        _print_json_lines([document_summary(doc).model_dump() for doc in corpus.documents])
        for failure in corpus.failures:
            sys.stderr.write(json.dumps({"file": failure.file, "reason": failure.reason},
                                        ensure_ascii=False) + "\n")
        return
    table = Table("doc_id", "标题", "文号", "地区", "日期", "状态", "条款数")
    for doc in corpus.documents:
        table.add_row(doc.doc_id, doc.title, doc.doc_number or "—", doc.region.name,
                      doc.date or "—", doc.status_label, str(len(doc.clauses)))
    console.print(table)
    _print_failures(corpus.failures)


@app.command()
def clauses(
    doc: Optional[str] = typer.Option(None, "--doc", help="Only this document id."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
):
    """List clauses in reading order, with section numbers and text."""
    try:
        docs = _documents()
    except PolicyAssistantError as error:
        _fail(error)
    if doc is not None:
        docs = [d for d in docs if d.doc_id == doc]
        if not docs:
            _fail(PolicyAssistantError(f"no document with id {doc!r}; "
                                       "run `policy-assistant documents` to list them"))
    if as_json:
        from api.schemas import clause_for

        # The same clause objects as the API's GET /clauses/{id}.
        _print_json_lines([clause_for(c, d).model_dump() for d in docs for c in d.clauses])
        return
    for document in docs:
        console.rule(f"{document.title}  {document.doc_number or ''}")
        for clause in document.clauses:
            console.print(f"[bold cyan]{clause.section}[/bold cyan]  [dim]{clause.clause_id}[/dim]")
            console.print(clause.text, markup=False, highlight=False)
            console.print()


def _assistant(*, force_rebuild: bool = False, with_conversations: bool = True):
    """Open the configured assistant, with a progress bar when the index has to be built."""
    from rich.progress import Progress

    from api.deps import get_settings, open_assistant

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("embedding clauses", total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        assistant, rebuilt = open_assistant(get_settings(), force_rebuild=force_rebuild,
                                            progress=report,
                                            with_conversations=with_conversations)
    if rebuilt:
        params = assistant.index.params
        console.print(f"[green]index built[/green] ({rebuilt}): {params.clause_count} clauses, "
                      f"{params.encoder_id}, {params.build_seconds:.1f} s", highlight=False)
    return assistant


@app.command()
def index(force: bool = typer.Option(True, "--force/--if-needed",
                                     help="Rebuild even when the index is up to date.")):
    """Build (or rebuild) the hybrid index of the configured corpus."""
    try:
        assistant = _assistant(force_rebuild=force, with_conversations=False)
    except PolicyAssistantError as error:
        _fail(error)
    params = assistant.index.params
    console.print(f"index at {assistant.index.folder}: {params.document_count} documents, "
                  f"{params.clause_count} clauses, encoder {params.encoder_id}, "
                  f"built {params.built_at}", highlight=False)
    _print_failures(assistant.index.failures)


@app.command()
def add(paths: list[Path] = typer.Argument(..., help="Files or folders (read recursively).")):
    """Add documents while the service runs: copied into the library, indexed incrementally.

    A file already added under the same name is replaced (same document id). A running server
    serves the new index version with its next request.
    """
    from rich.progress import Progress

    from api.deps import get_settings, make_clause_store, make_updater, synced

    try:
        updater = make_updater(get_settings())
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("reading and embedding", total=None)
            outcome = updater.add_files(
                paths, progress=lambda done, total: progress.update(task, completed=done,
                                                                    total=total))
        if outcome.index is not None:  # a shared clause store serves it to every replica now
            synced(make_clause_store(get_settings()), outcome.index)
    except PolicyAssistantError as error:
        _fail(error)
    if outcome.added or outcome.replaced:
        table = Table("doc_id", "标题", "地区", "条款数", "")
        for doc, label in [(d, "added") for d in outcome.added] + \
                [(d, "replaced") for d in outcome.replaced]:
            table.add_row(doc.doc_id, doc.title, doc.region.name, str(len(doc.clauses)), label)
        console.print(table)
    _print_failures(outcome.failures)
    if outcome.index is not None:
        params = outcome.index.params
        console.print(f"index version {outcome.index.version}: {params.document_count} "
                      f"documents, {params.clause_count} clauses ({params.encoded_clauses} "
                      f"encoded, {params.reused_clauses} reused) in "
                      f"{params.build_seconds:.1f} s", highlight=False)
    if outcome.failures:
        raise typer.Exit(code=1 if outcome.index is not None else 2)


@app.command()
def remove(doc_id: str = typer.Argument(..., help="The document id (see `documents`).")):
    """Remove a document: a library file is deleted, a corpus-folder document excluded."""
    from api.deps import get_settings, make_clause_store, make_updater, synced

    try:
        index = make_updater(get_settings()).remove(doc_id)
        synced(make_clause_store(get_settings()), index)
    except PolicyAssistantError as error:
        _fail(error)
    console.print(f"removed {doc_id}; index version {index.version}: "
                  f"{index.params.document_count} documents, {index.params.clause_count} "
                  "clauses", highlight=False)


def _print_citations(citations: list[dict]) -> None:
    for citation in citations:
        console.print(f"[bold][{citation['n']}][/bold] 《{citation['doc_title']}》"
                      f"{citation['section']}  [dim]{citation['clause_id']} · "
                      f"{citation['doc_number'] or '无文号'} · {citation['region']} · "
                      f"score {citation['score']:.3f}[/dim]", highlight=False)
        console.print(f"    {citation['text']}", markup=False, highlight=False)


@app.command()
def ask(
    question: str = typer.Argument(..., help="The question, in Chinese or English."),
    region: Optional[str] = typer.Option(None, help="Only this region's documents."),
    top_k: int = typer.Option(5, min=1, max=20, help="Citations at most."),
    as_json: bool = typer.Option(False, "--json", help="The API's /ask JSON."),
):
    """Answer a question from the clauses, citing document and section."""
    from api.schemas import citation_for

    question = question.strip()
    if not question or len(question) > 1000:
        _fail(PolicyAssistantError("the question must have 1–1000 characters"))
    try:
        assistant = _assistant(with_conversations=False)
        answer = assistant.answer(question, region=region, top_k=top_k)
    except PolicyAssistantError as error:
        _fail(error)
    citations = [citation_for(hit, n).model_dump() for n, hit in enumerate(answer.hits, 1)]
    if as_json:
        sys.stdout.write(json.dumps({
            "conversation_id": None, "status": answer.status, "answer": answer.text,
            "resolved_question": answer.resolved_question, "citations": citations},
            ensure_ascii=False, indent=2) + "\n")
        return
    label = "[green]已回答[/green]" if answer.status == "answered" else "[yellow]文件未涉及[/yellow]"
    console.print(label)
    console.print(answer.text, markup=False, highlight=False)
    console.print()
    _print_citations(citations)


@app.command()
def search(
    query: str = typer.Argument(..., help="Search words or a question."),
    region: Optional[str] = typer.Option(None, help="Only this region's documents."),
    top_k: int = typer.Option(10, min=1, max=50),
    as_json: bool = typer.Option(False, "--json", help="The API's /search JSON."),
):
    """Retrieve the best-matching clauses (no answer composition)."""
    from api.schemas import citation_for

    try:
        assistant = _assistant(with_conversations=False)
        hits = assistant.search(query, region=region, top_k=top_k)
    except PolicyAssistantError as error:
        _fail(error)
    citations = [citation_for(hit, n).model_dump() for n, hit in enumerate(hits, 1)]
    if as_json:
        sys.stdout.write(json.dumps({"hits": citations}, ensure_ascii=False, indent=2) + "\n")
        return
    _print_citations(citations)


@app.command()
def serve(host: Optional[str] = typer.Option(None, help="Default from settings (127.0.0.1)."),
          port: Optional[int] = typer.Option(None, help="Default from settings (8000)."),
          workers: Optional[int] = typer.Option(
              None, min=1, help="Server processes (default from settings: one per core).")):
    """Serve the HTTP API and the chat widget (builds the index first if it is missing).

    Each worker is a process of its own that shares only the files: it loads the index and the
    encoder at start-up (before it accepts a request) and keeps its own database connection.
    uvicorn's supervisor restarts a worker that dies.
    """
    import uvicorn

    # The settings alone, not `api.deps`: with several workers this process only supervises,
    # and importing the app's modules here (numpy, faiss, jieba, bm25s, ...) kept ~65 MB
    # resident in it for nothing (bench/bench_memory.py).
    from api.settings import Settings

    settings = Settings()
    # Build (with a progress bar) before serving, in a child process: this process goes on to
    # supervise the workers, and a loaded index held here would stay resident for its whole life
    # (416 MB at 21,834 clauses, beside each worker's own).
    code = subprocess.call([sys.executable, "-m", "api.cli", "index", "--if-needed"])
    if code != 0:
        raise typer.Exit(code)
    count = workers or settings.workers
    address = f"http://{host or settings.host}:{port or settings.port}"
    console.print(f"serving on {address} with {count} worker{'s' if count > 1 else ''}")
    if count == 1:
        from api.app import create_app

        uvicorn.run(create_app(settings.model_copy(update={"workers": 1})),
                    host=host or settings.host, port=port or settings.port)
    else:  # worker processes build the app themselves from the same POLICY_ASSISTANT_* settings
        os.environ["POLICY_ASSISTANT_WORKERS"] = str(count)
        uvicorn.run("api.app:create_app", factory=True, workers=count,
                    host=host or settings.host, port=port or settings.port)


@app.command()
def services(folder: Path = typer.Option(Path("var/services"), help="Where the engines keep "
                                         "their data (kept between runs)."),
             postgres_port: int = typer.Option(5433, help="PostgreSQL's port on 127.0.0.1."),
             milvus_port: int = typer.Option(19530, help="Milvus Lite's port on 127.0.0.1.")):
    """Start a local PostgreSQL and Milvus Lite for development, print the settings that point
    the service at them, and stop both on Ctrl-C. Not for production (README, "Scale")."""
    import signal
    import threading

    from api.engines import EngineError, MilvusLiteServer, PostgresCluster

    try:
        postgres = PostgresCluster(folder.resolve() / "postgres", postgres_port).start()
    except EngineError as error:
        _fail(error)
    try:
        milvus = MilvusLiteServer(folder.resolve() / "milvus", milvus_port).start()
    except EngineError as error:
        postgres.stop()
        _fail(error)
    console.print("engines running; point replicas at them with:")
    sys.stdout.write(f"export POLICY_ASSISTANT_CONVERSATIONS_URL={postgres.url}\n"
                     f"export POLICY_ASSISTANT_CLAUSE_STORE=milvus\n"
                     f"export POLICY_ASSISTANT_MILVUS_URI={milvus.uri}\n")
    sys.stdout.flush()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        milvus.stop()
        postgres.stop()


@app.command("eval")
def evaluate(
    questions: Optional[Path] = typer.Option(None, help="JSONL question file (default: the "
                                              "development set eval/questions/dev.jsonl)."),
    conversations: Optional[Path] = typer.Option(None, help="JSONL conversations file "
                                                 "(default: eval/questions/conversations.jsonl)."),
    out: Path = typer.Option(Path("eval/out"), help="Folder for report.md, report.json, PNG."),
    url: Optional[str] = typer.Option(None, help="Evaluate a running service over HTTP."),
    corpus_docs: Optional[Path] = typer.Option(
        None, help="Corpus mode: a folder of documents of an external benchmark "
                   "(Legal-DC format), evaluated with --corpus-questions."),
    corpus_questions: Optional[Path] = typer.Option(
        None, help="Corpus mode: the benchmark's JSONL questions (id, question, title, gold, "
                   "class)."),
    index_dir: Optional[Path] = typer.Option(
        None, help="Corpus mode: where to build (or reuse) the benchmark's index."),
):
    """Run the evaluation: metrics per system and category, written as a report.

    With --corpus-docs and --corpus-questions it evaluates the product on an external
    benchmark instead, beside the BM25-over-500-character-chunks baseline.
    """
    try:
        if corpus_docs or corpus_questions:
            if not (corpus_docs and corpus_questions):
                raise typer.BadParameter("corpus mode needs both --corpus-docs and "
                                         "--corpus-questions")
            from api.deps import get_settings
            from eval.corpus_mode import run_corpus_evaluation

            settings = get_settings()
            run_corpus_evaluation(docs=corpus_docs, questions=corpus_questions, out=out,
                                  encoder=settings.encoder, index_dir=index_dir, url=url,
                                  console=console, sentence_vectors=settings.sentence_vectors)
            return
        from eval.runner import run_evaluation

        run_evaluation(questions=questions, conversations=conversations, out=out, url=url,
                       console=console)
    except PolicyAssistantError as error:
        _fail(error)


if __name__ == "__main__":
    app()
