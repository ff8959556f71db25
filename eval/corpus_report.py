"""The corpus-mode report: `report.json` with every number, `report.md` and a console table from it.

`build_corpus_report` alone decides the JSON's shape; the Markdown and the console summary are
drawn from that dictionary, so every figure a reader sees can be traced to a field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from corpus import LoadFailure

from eval.corpus_metrics import CUTOFFS, GoldPlacement, QuestionScore
from eval.corpus_records import BenchmarkQuestion, Retrieved

REPORT_JSON = "report.json"
REPORT_MD = "report.md"
TOP_SHOWN = 5  # returned ids kept per question and system in report.json
RATE_KEYS = tuple(f"hit@{k}" for k in CUTOFFS) + tuple(f"clause_hit@{k}" for k in CUTOFFS)


def retrieval_table(summaries: Mapping[str, dict]) -> list[tuple[str, str, dict]]:
    """(system, class or "overall", rates) rows in a stable order, for the report tables."""
    rows = []
    for system, summary in summaries.items():
        rows.append((system, "overall", summary["overall"]))
        rows.extend((system, category, rates) for category, rates in summary["by_class"].items())
    return rows


def _question_row(question: BenchmarkQuestion, placement: GoldPlacement,
                  scores: Mapping[str, Mapping[str, QuestionScore]],
                  retrieved: Mapping[str, Mapping[str, Retrieved]]) -> dict:
    row = {"id": question.qid, "class": question.category, "title": question.title,
           "question": question.question, "gold_count": len(question.gold),
           "gold_in_document": list(placement.in_document),
           "gold_in_corpus": list(placement.in_corpus), "systems": {}}
    for system, by_qid in scores.items():
        score, found = by_qid[question.qid], retrieved[system][question.qid]
        row["systems"][system] = {"hit_rank": score.hit_rank,
                                  "clause_hit_rank": score.clause_hit_rank,
                                  "top": list(found.ids[:TOP_SHOWN]),
                                  "latency_ms": round(found.latency_ms, 2),
                                  "error": found.error}
    return row


def build_corpus_report(*, meta: dict, timings: dict, corpus: dict,
                        failures: Sequence[LoadFailure], containment: dict,
                        retrieval: Mapping[str, dict], latency: Mapping[str, dict],
                        questions: Sequence[BenchmarkQuestion],
                        placements: Sequence[GoldPlacement],
                        scores: Mapping[str, Mapping[str, QuestionScore]],
                        retrieved: Mapping[str, Mapping[str, Retrieved]],
                        answers: dict | None = None) -> dict:
    by_qid = {p.qid: p for p in placements}
    return {
        "meta": meta,
        "timings": {**timings, "query_latency_ms": dict(latency)},
        "corpus": {**corpus, "load_failure_count": len(failures),
                   "load_failures": [{"file": f.file, "reason": f.reason} for f in failures]},
        "containment": containment,
        "retrieval": dict(retrieval),
        # The product's answers (`eval.corpus_answers`): answered, first citation gold, gold quoted.
        "answers": answers,
        "errors": {system: {qid: r.error for qid, r in by.items() if r.error}
                   for system, by in retrieved.items()
                   if any(r.error for r in by.values())},
        "questions": [_question_row(q, by_qid[q.qid], scores, retrieved) for q in questions],
    }


def _clean(value):
    # NaN is not JSON; null is.
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def fmt(value, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _seconds(value) -> str:
    return "–" if value is None else f"{value:.1f} s"


def write_corpus_json(report: dict, path: Path) -> None:
    path.write_text(json.dumps(_clean(report), ensure_ascii=False, indent=1), encoding="utf-8")


def markdown(report: dict) -> str:
    meta, corpus, contain = report["meta"], report["corpus"], report["containment"]
    timings = report["timings"]
    lines = [
        f"# Corpus-mode evaluation: {meta['questions_file']}",
        "",
        f"Documents `{meta['docs_dir']}` · {meta['question_count']} questions scored"
        + (f" ({len(meta['unscorable_questions'])} with blank gold skipped: "
           f"{', '.join(meta['unscorable_questions'])})" if meta["unscorable_questions"] else "")
        + f" · encoder "
        f"`{meta['encoder']}` · product via {meta['mode']}"
        + (f" ({meta['url']})" if meta.get("url") else "") + f" · {meta['started_at']}",
        "",
        "Scored as the benchmark's README says: whitespace (U+3000 included) and literal "
        "backslash-n removed from both sides; **hit@k**: every gold string inside the "
        "concatenated top-k texts; **clause-hit@k**: every gold string inside one of the top-k "
        "texts. The baseline is plain jieba BM25 over 500-character chunks (50 overlap) of each "
        "file's text.",
        "",
        "## Retrieval",
        "",
        "| system | class | n | " + " | ".join(k.replace("_", "-") for k in RATE_KEYS) + " |",
        "| --- | --- | ---: | " + " | ".join("---:" for _ in RATE_KEYS) + " |",
    ]
    for system, category, rates in retrieval_table(report["retrieval"]):
        label = f"**{category}**" if category == "overall" else category
        lines.append(f"| {system} | {label} | {rates['n']} | "
                     + " | ".join(fmt(rates[k]) for k in RATE_KEYS) + " |")
    answers = report.get("answers")
    if answers:
        lines += [
            "",
            "## Answers (the product's, `eval.corpus_answers`)",
            "",
            "| measure | value |",
            "| --- | ---: |",
            f"| answered (every question is answerable: the rest are false refusals), of "
            f"{answers['n']} | {fmt(answers['answered'])} |",
            f"| first citation a gold clause, of the answered | "
            f"{fmt(answers['first_cited_gold'])} |",
            f"| gold sentences quoted from it (mean share) / all of them quoted | "
            f"{fmt(answers['gold_sentences_quoted'])} / {fmt(answers['gold_quoted_whole'])} |",
            f"| figure leads quoting a figure inside the gold, of the "
            f"{answers.get('figure_leads', 0)} leading a gold first citation | "
            f"{fmt(answers.get('figure_leads_in_gold'))} |",
            f"| body leads (写明的负责单位) naming a body the gold names, of the "
            f"{answers.get('body_leads', 0)} leading a gold first citation | "
            f"{fmt(answers.get('body_leads_in_gold'))} |",
        ]
    lines += [
        "",
        "## Parsing",
        "",
        "| measure | value |",
        "| --- | ---: |",
        f"| documents loaded / files failed | {corpus['documents']} / "
        f"{corpus['load_failure_count']} |",
        f"| clauses | {corpus['clauses']} |",
        f"| clause containment, question's document ({contain['in_document']}/"
        f"{contain['gold_strings']} gold strings) | {fmt(contain['containment_document'])} |",
        f"| clause containment, whole corpus ({contain['in_corpus']}/"
        f"{contain['gold_strings']}) | {fmt(contain['containment_corpus'])} |",
        f"| questions with every gold inside a clause of their document | "
        f"{contain['questions_fully_contained']}/{contain['questions']} |",
        f"| questions whose `title` names no loaded document | "
        f"{len(contain['questions_without_document'])} |",
        f"| title equal to the file's title | {fmt(corpus['title_accuracy'])} |",
        f"| documents with an issue date | {fmt(corpus['with_date'])} |",
        f"| documents with an effective date | {fmt(corpus['with_effective_date'])} |",
        "",
        "## Timings",
        "",
        "| step | time |",
        "| --- | ---: |",
        f"| load and parse the documents | {_seconds(timings['load_seconds'])} |",
        f"| product index ({timings['index_status']}) | {_seconds(timings['index_seconds'])} |",
        f"| baseline: read files, chunk, BM25 | {_seconds(timings['baseline_build_seconds'])} |",
    ]
    for system, latency in timings["query_latency_ms"].items():
        lines.append(f"| {system}: query latency median / p95 | {fmt(latency['median_ms'], 1)} / "
                     f"{fmt(latency['p95_ms'], 1)} ms |")
    lines.append(f"| whole run | {_seconds(timings['total_seconds'])} |")
    if corpus["load_failures"]:
        lines += ["", "## Files that failed to load", ""]
        lines += [f"- `{f['file']}`: {f['reason']}" for f in corpus["load_failures"]]
    if corpus["title_mismatches"]:
        lines += ["", f"## Titles that differ from the file's title "
                      f"({corpus['title_mismatch_count']}; first "
                      f"{len(corpus['title_mismatches'])})", "",
                  "| file title | parsed title |", "| --- | --- |"]
        lines += [f"| {m['file_title']} | {m['parsed_title']} |"
                  for m in corpus["title_mismatches"]]
    if report["errors"]:
        lines += ["", "## Errors", ""]
        for system, found in report["errors"].items():
            lines.append(f"- {system}: {len(found)} questions failed, e.g. "
                         f"{next(iter(found.values()))}")
    return "\n".join(lines) + "\n"


def write_corpus_markdown(report: dict, path: Path) -> None:
    path.write_text(markdown(report), encoding="utf-8")


def print_corpus_summary(report: dict, console: Console, out: Path) -> None:
    meta, contain, corpus = report["meta"], report["containment"], report["corpus"]
    table = Table(title=f"Legal-DC-format retrieval, {meta['question_count']} questions "
                        f"({meta['encoder']})")
    table.add_column("system")
    table.add_column("class")
    table.add_column("n", justify="right")
    for key in RATE_KEYS:
        table.add_column(key.replace("_", "-"), justify="right")
    previous = None
    for system, category, rates in retrieval_table(report["retrieval"]):
        if previous is not None and system != previous:
            table.add_section()
        previous = system
        table.add_row(system if category == "overall" else "", category, str(rates["n"]),
                      *(fmt(rates[k]) for k in RATE_KEYS))
    console.print(table)
    answers = report.get("answers")
    if answers:
        console.print(
            f"answers: answered {fmt(answers['answered'])} of {answers['n']} · first citation "
            f"gold {fmt(answers['first_cited_gold'])} · gold sentences quoted from it "
            f"{fmt(answers['gold_sentences_quoted'])} (all {fmt(answers['gold_quoted_whole'])}) · "
            f"figure leads inside the gold {fmt(answers.get('figure_leads_in_gold'))} "
            f"of {answers.get('figure_leads', 0)} · body leads inside the gold "
            f"{fmt(answers.get('body_leads_in_gold'))} of {answers.get('body_leads', 0)}",
            highlight=False)
    timings = report["timings"]
    latency = " · ".join(f"{system} {fmt(v['median_ms'], 1)} ms"
                         for system, v in timings["query_latency_ms"].items())
    console.print(
        f"containment {fmt(contain['containment_document'])} (own document), "
        f"{fmt(contain['containment_corpus'])} (corpus) · titles {fmt(corpus['title_accuracy'])}"
        f" · dated {fmt(corpus['with_date'])} · {corpus['documents']} documents, "
        f"{corpus['load_failure_count']} failed", highlight=False)
    console.print(
        f"load {_seconds(timings['load_seconds'])} · index {_seconds(timings['index_seconds'])} "
        f"({timings['index_status']}) · baseline {_seconds(timings['baseline_build_seconds'])} · "
        f"median query: {latency}", highlight=False)
    console.print(f"report: {out / REPORT_MD}, {out / REPORT_JSON} "
                  f"({timings['total_seconds']:.1f} s)", highlight=False)
