"""`policy-assistant eval`: run every system over the question sets and write the report.

Order of work: read and validate both question files (fail before any slow work), open the
systems (in-process over the configured index, or a running service with `--url`), resolve
gold against that corpus, rank with every system, answer and converse with the hybrid service,
compute the metrics and write `report.json`, `report.md` and `systems_by_category.png`.
"""

from __future__ import annotations

import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from eval.chart import write_chart
from eval.floors import FLOORS_BY_FILE, check_floors
from eval.metrics import (
    METRIC_LABELS,
    RANKING_METRICS,
    answer_metrics,
    multiturn_metrics,
    per_question_ranking,
    summarise_ranking,
)
from eval.questions import (
    DEFAULT_CONVERSATIONS,
    DEFAULT_QUESTIONS,
    read_conversations,
    read_questions,
)
from eval.records import Conversation
from eval.report import ANSWER_ROWS, build_report, fmt, write_json, write_markdown

REPORT_JSON = "report.json"
REPORT_MD = "report.md"
CHART_PNG = "systems_by_category.png"


def _open_systems(url: str | None, settings, client, workdir: Path, progress: Progress):
    if url:
        from eval.remote import RemoteSystems

        return RemoteSystems(url, client=client)
    from api.deps import get_settings, open_assistant
    from eval.systems import LocalSystems

    settings = settings or get_settings()
    task = progress.add_task("index", total=None)
    assistant, rebuilt = open_assistant(
        settings, with_conversations=False,
        progress=lambda done, total: progress.update(task, completed=done, total=total,
                                                     description="building the index"))
    progress.remove_task(task)
    if rebuilt:
        params = assistant.index.params
        progress.console.print(f"index built ({rebuilt}): {params.clause_count} clauses, "
                               f"{params.build_seconds:.1f} s", highlight=False)
    # A private conversation store: evaluation turns must not land in the users' database.
    return LocalSystems(assistant, workdir / "conversations.sqlite3")


def _shipped_floors(path: Path) -> tuple:
    """The floors of one of the project's own question or conversations files; () for others."""
    shipped = path.resolve().parent == DEFAULT_QUESTIONS.resolve().parent
    return FLOORS_BY_FILE.get(path.name, ()) if shipped else ()


def _floor(meta: dict, ranking: dict, answers: dict, multi_turn: dict, questions_path: Path,
           conversations_path: Path) -> dict | None:
    """The regression floors only mean something for the project's own question files (the
    development set, the independent questions) with the USE encoder; the floors of the
    conversations file run beside them are checked with them."""
    floors = _shipped_floors(questions_path)
    if "hybrid" not in ranking or not str(meta["encoder"] or "").startswith("use-") or \
            not floors:
        return None
    return check_floors(ranking, answers, floors + _shipped_floors(conversations_path),
                        multi_turn)


def run_evaluation(*, questions: Path | None = None, conversations: Path | None = None,
                   out: Path = Path("eval/out"), url: str | None = None,
                   console: Console | None = None, settings=None, client=None) -> dict:
    """Evaluate and write the report into `out`; returns the report dictionary.

    `settings` (an `api.settings.Settings`) defaults to the process's configuration; tests
    pass one with a hash encoder and a temporary index folder. `client` (an `httpx.Client`
    whose base URL is `url`) replaces the default HTTP client, e.g. FastAPI's `TestClient`.
    """
    console = console or Console()
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    clock = time.perf_counter()
    questions_path = Path(questions) if questions else DEFAULT_QUESTIONS
    conversations_path = Path(conversations) if conversations else DEFAULT_CONVERSATIONS
    question_specs = read_questions(questions_path)
    conversation_specs = read_conversations(conversations_path)

    with tempfile.TemporaryDirectory(prefix="policy-eval-") as workdir, \
            Progress(console=console, transient=True) as progress:
        systems = _open_systems(url, settings, client, Path(workdir), progress)
        try:
            catalog = systems.catalog()
            items = [catalog.resolve_spec(spec) for spec in question_specs]
            dialogues = [Conversation(c.cid, c.kind, tuple(catalog.resolve_spec(t)
                                                           for t in c.turns))
                         for c in conversation_specs]
            rankings = {}
            for name in systems.systems:
                task = progress.add_task(f"ranking · {name}", total=len(items))
                rankings[name] = systems.rank(name, items,
                                              advance=lambda t=task: progress.advance(t))
            task = progress.add_task("answering · hybrid", total=len(items))
            answers = systems.answer(items, advance=lambda: progress.advance(task))
            turn_task = progress.add_task("conversations · hybrid",
                                          total=sum(len(c.turns) for c in dialogues))
            turns = systems.converse(dialogues, advance=lambda: progress.advance(turn_task))
            info = systems.info()
        finally:
            systems.close()

    scores = {name: per_question_ranking(items, ranking) for name, ranking in rankings.items()}
    ranking_summary = {name: summarise_ranking(items, scores[name]) for name in rankings}
    meta = {
        "started_at": started_at, "mode": systems.mode, "url": url, **info,
        "questions_file": str(questions_path), "conversations_file": str(conversations_path),
        "question_count": len(items), "answerable_count": sum(q.answerable for q in items),
        "conversation_count": len(dialogues), "turn_count": sum(len(c.turns) for c in dialogues),
        "systems": list(systems.systems), "skipped_systems": dict(systems.skipped),
    }
    answer_summary = answer_metrics(items, answers)
    multiturn_summary = multiturn_metrics(dialogues, turns)
    meta["regression_floor"] = _floor(meta, ranking_summary, {"hybrid": answer_summary},
                                      multiturn_summary, questions_path, conversations_path)
    meta["seconds"] = round(time.perf_counter() - clock, 2)
    report = build_report(
        meta=meta, questions=items, conversations=dialogues, rankings=rankings, scores=scores,
        ranking_summary=ranking_summary, answers=answers,
        answer_summary=answer_summary, turns=turns,
        multiturn_summary=multiturn_summary, errors=systems.errors)

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_json(report, out / REPORT_JSON)
    write_markdown(report, out / REPORT_MD)
    write_chart(report, out / CHART_PNG)
    print_summary(report, console, out)
    return report


def print_summary(report: dict, console: Console, out: Path) -> None:
    meta = report["meta"]
    table = Table(title=f"Retrieval, {meta['answerable_count']} answerable questions "
                        f"({meta['encoder']})")
    table.add_column("system")
    for metric in RANKING_METRICS:
        table.add_column(METRIC_LABELS[metric], justify="right")
    for system, summary in report["ranking"].items():
        table.add_row(system, *(fmt(summary["overall"][m]) for m in RANKING_METRICS))
    console.print(table)
    skipped = meta["skipped_systems"]
    for why in dict.fromkeys(skipped.values()):
        names = ", ".join(name for name, reason in skipped.items() if reason == why)
        console.print(f"[dim]{names} skipped: {why}[/dim]")
    floor = meta.get("regression_floor")
    if floor:
        for check in floor["checks"]:
            mark = "[green]ok[/green]" if check["passed"] else "[red]OUT OF BOUNDS[/red]"
            console.print(f"{escape(check['label'])} {fmt(check['measured'])} "
                          f"(floor {check['side']} {fmt(check['bound'])}): {mark}")

    answers = report["answers"].get("hybrid")
    if answers:
        table = Table("answer metric (hybrid)", "value", title="Answers")
        for key, label in ANSWER_ROWS:
            table.add_row(escape(label), fmt(answers[key]))
        latency = answers["latency_ms"]
        table.add_row("latency median / p95 (ms)",
                      f"{fmt(latency['median_ms'], 1)} / {fmt(latency['p95_ms'], 1)}")
        if answers["errors"]:
            table.add_row("[red]errors[/red]", ", ".join(answers["errors"]))
        console.print(table)
    multi = report.get("multi_turn")
    if multi:
        table = Table("turns", "n", "hit@5", "hit@1", "answered", title="Multi-turn")
        for key, label in (("first_turns", "first (answerable)"),
                           ("follow_ups", "follow-ups (answerable)")):
            group = multi[key]
            table.add_row(label, str(group["n"]), fmt(group["hit@5"]), fmt(group["hit@1"]),
                          fmt(group["answered"]))
        console.print(table)
        unanswerable = multi["unanswerable_turns"]
        console.print(f"unanswerable turns answered not_found: "
                      f"{fmt(unanswerable['not_found_accuracy'])} (n={unanswerable['n']})")
        strays = multi["asked_region_turns"]
        console.print(f"turns asked about one region citing \\[n] another region: "
                      f"{fmt(strays['other_document_rate'])} (n={strays['n']})")
    console.print(f"report: {out / REPORT_MD}, {out / REPORT_JSON}, {out / CHART_PNG} "
                  f"({meta['seconds']:.1f} s)", highlight=False)
