"""The evaluation report: one JSON document with every number, and a Markdown rendering of it.

`build_report` is the only place that decides the shape of `report.json`; the Markdown and the
chart are drawn from that dictionary alone, so whatever a reader sees in `report.md` can be
traced to a field in the JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from eval.metrics import METRIC_LABELS, RANKING_METRICS, figure_lead_states, first_gold_rank
from eval.records import AnswerOutcome, Conversation, Question

TOP_SHOWN = 5  # ranked clause ids kept per question and system in report.json


def _question_row(question: Question, rankings: Mapping[str, Mapping[str, Sequence[str]]],
                  scores: Mapping[str, Mapping[str, Mapping[str, float]]],
                  answers: Mapping[str, AnswerOutcome]) -> dict:
    row = {"id": question.qid, "question": question.question, "category": question.category,
           "answerable": question.answerable, "gold": list(question.gold),
           "region": question.region, "rankings": {}}
    for system, by_question in rankings.items():
        ranking = by_question.get(question.qid, ())
        entry = {"first_gold_rank": first_gold_rank(question, ranking) if question.answerable
                 else None, "top": list(ranking[:TOP_SHOWN])}
        entry.update(scores[system].get(question.qid, {}))
        row["rankings"][system] = entry
    outcome = answers.get(question.qid)
    if outcome is not None:
        row["answer"] = _outcome_row(outcome, question)
    return row


def _outcome_row(outcome: AnswerOutcome, question: Question) -> dict:
    return {"status": outcome.status, "resolved_question": outcome.resolved_question,
            "cited": list(outcome.cited), "marked": list(outcome.marked),
            "top_is_gold": bool(outcome.cited) and outcome.cited[0] in question.gold,
            "hit@5": any(g in outcome.cited[:5] for g in question.gold),
            "figure_lead": (figure_lead_states(outcome.text, question, outcome.cited)
                            if outcome.status == "answered" and question.answerable else None),
            "latency_ms": round(outcome.latency_ms, 2), "text": outcome.text,
            "error": outcome.error}


def build_report(*, meta: dict, questions: Sequence[Question],
                 conversations: Sequence[Conversation],
                 rankings: Mapping[str, Mapping[str, Sequence[str]]],
                 scores: Mapping[str, Mapping[str, Mapping[str, float]]],
                 ranking_summary: Mapping[str, dict], answers: Mapping[str, AnswerOutcome],
                 answer_summary: dict | None, turns: Mapping[str, AnswerOutcome],
                 multiturn_summary: dict | None, errors: Mapping[str, Mapping[str, str]]) -> dict:
    return {
        "meta": meta,
        "ranking": dict(ranking_summary),
        "answers": {"hybrid": answer_summary} if answer_summary else {},
        "multi_turn": multiturn_summary,
        "errors": {system: dict(found) for system, found in errors.items() if found},
        "questions": [_question_row(q, rankings, scores, answers) for q in questions],
        "conversations": [
            {"id": c.cid, "kind": c.kind, "turns": [
                {"turn": t.turn, "question": t.question, "answerable": t.answerable,
                 "gold": list(t.gold), "reference_resolved_question": t.reference_resolved,
                 **_outcome_row(turns[t.qid], t)} for t in c.turns if t.qid in turns]}
            for c in conversations],
    }


def write_json(report: dict, path: Path) -> None:
    # NaN (a category with no answerable question) is not JSON; null is.
    def clean(value):
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    path.write_text(json.dumps(clean(report), ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")


# -- Markdown --------------------------------------------------------------------------------
def fmt(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    # A | or a line break inside a question would end the cell or the row.
    lines += ["| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in row)
              + " |" for row in rows]
    return lines + [""]


ANSWER_ROWS = (
    ("citation_precision", "citation precision (all returned citations are gold)"),
    ("marked_citation_precision", "citation precision, citations marked [n] in the text"),
    ("marked_other_document_rate",
     "one-document questions citing [n] another document (another region for the seeds)"),
    ("asked_region_other_document_rate",
     "questions asked about one region citing [n] another region's document"),
    ("verbatim_segment_rate", "[n] segments quoting citation n word for word"),
    ("figure_lead_accuracy", "figure leads quoting the gold evidence's figure (answers to "
                             "questions whose evidence states one)"),
    ("section_accuracy", "section accuracy (top citation is a gold clause), answered answerable"),
    ("answered_with_gold_top", "answered with a gold top citation, all answerable"),
    ("not_found_precision", "not_found precision (positive class: unanswerable)"),
    ("not_found_recall", "not_found recall"),
    ("false_refusal_rate", "false-refusal rate on answerable"),
    ("refusals_citing_gold", "wrongly refused answerable questions whose refusal cites a gold "
                             "clause"),
    ("not_found_accuracy_unanswerable", "not_found accuracy on unanswerable"),
    ("decision_accuracy", "answered/not_found decision accuracy, all questions"),
)


def render_markdown(report: dict) -> str:
    meta = report["meta"]
    systems = list(report["ranking"])
    lines = ["# Evaluation report", ""]
    lines += [f"- run: {meta['started_at']} ({meta['seconds']:.1f} s), mode **{meta['mode']}**"
              + (f" against {meta['url']}" if meta.get("url") else ""),
              f"- encoder: `{meta['encoder']}`; index built {meta['index_built_at']}",
              f"- questions: `{meta['questions_file']}` ({meta['question_count']}, "
              f"{meta['answerable_count']} answerable); conversations: "
              f"`{meta['conversations_file']}` ({meta['conversation_count']}, "
              f"{meta['turn_count']} turns)"]
    for system, why in meta.get("skipped_systems", {}).items():
        lines.append(f"- **{system}** skipped: {why}")
    lines.append("")

    lines += [f"## Retrieval (answerable questions, n={meta['answerable_count']})", ""]
    lines += _table(["system", *(METRIC_LABELS[m] for m in RANKING_METRICS)],
                    [[s, *(fmt(report["ranking"][s]["overall"][m]) for m in RANKING_METRICS)]
                     for s in systems])
    floor = meta.get("regression_floor")
    if floor:
        verdict = "within" if floor["passed"] else "**outside**"
        bounds = "; ".join(
            f"{check['label']} {fmt(check['measured'])} ({check['side']} "
            f"{fmt(check['bound'])}{'' if check['passed'] else ', **failed**'})"
            for check in floor["checks"])
        lines += [f"The hybrid service is {verdict} its regression floors (`eval/floors.py`, set "
                  f"for the USE encoder): {bounds}.", ""]

    categories = sorted({c for s in systems for c in report["ranking"][s]["by_category"]})
    lines += ["## hit@5 / recall@5 per category", ""]
    first = systems[0] if systems else None
    lines += _table(
        ["category", "n", *systems],
        [[c, str(report["ranking"][first]["by_category"][c]["n"]) if first else "",
          *(f"{fmt(report['ranking'][s]['by_category'][c]['hit_rate@5'])} / "
            f"{fmt(report['ranking'][s]['by_category'][c]['recall@5'])}" for s in systems)]
         for c in categories])
    lines += ["![recall@5 per category](systems_by_category.png)", ""]

    answers = report["answers"].get("hybrid")
    if answers:
        lines += [f"## Answers (hybrid, {answers['answerable']} answerable, "
                  f"{answers['unanswerable']} unanswerable, "
                  f"{answers['answered_answerable']} answerable answered)", ""]
        lines += _table(["metric", "value"],
                        [[label, fmt(answers[key])] for key, label in ANSWER_ROWS])
        latency = answers["latency_ms"]
        where = "round trip of POST /ask" if meta["mode"] == "http" else "PolicyAssistant.answer"
        lines += ["## Latency", "",
                  f"Per question ({where}): median {fmt(latency['median_ms'], 1)} ms, "
                  f"p95 {fmt(latency['p95_ms'], 1)} ms, max {fmt(latency['max_ms'], 1)} ms "
                  f"over {latency['n']} questions.", ""]
        if answers["errors"]:
            lines += [f"Questions that failed with an error: {', '.join(answers['errors'])}", ""]

    multi = report.get("multi_turn")
    if multi:
        lines += [f"## Multi-turn ({multi['conversations']} conversations, "
                  f"{multi['turns']} turns)", ""]
        lines += _table(["turns", "n", "hit@5", "hit@1", "answered"],
                        [[label, str(multi[key]["n"]), fmt(multi[key]["hit@5"]),
                          fmt(multi[key]["hit@1"]), fmt(multi[key]["answered"])]
                         for key, label in (("first_turns", "first turns (answerable)"),
                                            ("follow_ups", "follow-ups, turn ≥ 2 (answerable)"))])
        lines += [f"Unanswerable turns answered not_found: "
                  f"{fmt(multi['unanswerable_turns']['not_found_accuracy'])} "
                  f"(n={multi['unanswerable_turns']['n']}).", ""]
        lines += _table(["turn", "question", "resolved by the service", "reference", "hit@5"],
                        [[f"{c['id']}#{t['turn']}", t["question"], t["resolved_question"],
                          t["reference_resolved_question"] or "—",
                          ("✓" if t["hit@5"] else "✗") if t["answerable"]
                          else f"({t['status']})"]
                         for c in report["conversations"] for t in c["turns"]])

    lines += _misses(report)
    return "\n".join(lines).rstrip() + "\n"


def _misses(report: dict) -> list[str]:
    """Where the hybrid service went wrong, so a reader can start from examples."""
    rows_missed, rows_decision = [], []
    for q in report["questions"]:
        hybrid = q["rankings"].get("hybrid")
        if q["answerable"] and hybrid and (hybrid["first_gold_rank"] or 99) > 5:
            rows_missed.append([q["id"], q["category"], q["question"], ", ".join(q["gold"]),
                                ", ".join(hybrid["top"][:3]) or "—"])
        answer = q.get("answer")
        if answer and ((answer["status"] == "not_found") == q["answerable"]
                       or answer["status"] == "error"):
            rows_decision.append([q["id"], q["category"], q["question"], answer["status"],
                                  ", ".join(answer["cited"][:3]) or "—"])
    lines = []
    if rows_missed:
        lines += ["## Hybrid retrieval misses (no gold clause in the top 5)", ""]
        lines += _table(["id", "category", "question", "gold", "top 3 retrieved"], rows_missed)
    if rows_decision:
        lines += ["## Wrong answered/not_found decisions", ""]
        lines += _table(["id", "category", "question", "status", "citations"], rows_decision)
    return lines


def write_markdown(report: dict, path: Path) -> None:
    path.write_text(render_markdown(report), encoding="utf-8")
