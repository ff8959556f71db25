"""The `policy-assistant` command line: documents, clauses, index, search, ask, serve, eval.

A thin edge over the library: it reads one `Settings` object, calls the packages, prints JSON
(one object per line, or the API's JSON) for machines with `--json` and a readable form for
people otherwise, and turns `PolicyAssistantError`s into a message and exit code 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from corpus import Clause, Document, PolicyAssistantError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Clause-level policy assistant: parse, index, search and answer.")
console = Console()


def _fail(error: Exception) -> None:
    console.print(f"[red]error:[/red] {error}")
    raise typer.Exit(code=2)


def _documents() -> list[Document]:
    from api.deps import get_settings
    from corpus import load_corpus

    return load_corpus(get_settings().corpus_dir)


def _print_json_lines(rows: list[dict]) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


def document_summary(document: Document) -> dict:
    return {
        "doc_id": document.doc_id, "title": document.title, "doc_number": document.doc_number,
        "issuer": document.issuer, "region": document.region.name, "date": document.date,
        "status": document.status, "status_label": document.status_label,
        "clause_count": len(document.clauses), "source_file": document.source_file,
    }


def clause_row(document: Document, clause: Clause) -> dict:
    return {
        "clause_id": clause.clause_id, "doc_id": document.doc_id, "doc_title": document.title,
        "doc_number": document.doc_number, "region": document.region.name,
        "section": clause.section, "section_path": list(clause.section_path),
        "kind": clause.kind, "text": clause.text,
    }


@app.command()
def documents(as_json: bool = typer.Option(False, "--json", help="One JSON object per line.")):
    """List the documents of the corpus with their metadata."""
    try:
        docs = _documents()
    except PolicyAssistantError as error:
        _fail(error)
    if as_json:
        _print_json_lines([document_summary(doc) for doc in docs])
        return
    table = Table("doc_id", "标题", "文号", "地区", "日期", "状态", "条款数")
    for doc in docs:
        table.add_row(doc.doc_id, doc.title, doc.doc_number or "—", doc.region.name,
                      doc.date or "—", doc.status_label, str(len(doc.clauses)))
    console.print(table)


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
        _print_json_lines([clause_row(d, c) for d in docs for c in d.clauses])
        return
    for document in docs:
        console.rule(f"{document.title}  {document.doc_number or ''}")
        for clause in document.clauses:
            console.print(f"[bold cyan]{clause.section}[/bold cyan]  [dim]{clause.clause_id}[/dim]")
            console.print(clause.text, markup=False, highlight=False)
            console.print()
