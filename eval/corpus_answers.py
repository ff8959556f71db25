"""Answers on a Legal-DC-format benchmark: does the product answer, and quote what answers?

Retrieval figures say whether the gold clause is among the hits; a citizen reads the answer.
Each question is asked once more, the way the service answers it (`PolicyAssistant.answer`
in-process, `POST /ask` over HTTP), and three things are read off the answer:

- whether it answers at all (every benchmark question is answerable from the loaded laws, so a
  `not_found` is a false refusal);
- whether its first citation is a gold clause (every gold string inside that clause's text);
- when it is, how much of the gold the answer quotes from it: the share of the gold's
  sentences (split at 。 and ；) found in the passages quoted for citation 1. The gold is the
  part of the article that answers; an answer that quotes the article's other sentence (the
  repeal beside the entry into force, the neighbouring definition) scores low here while its
  retrieval scores full;
- when it is, and the answer opens with a figure lead (`assistant.lead`: the amount or period
  asked, or "未写明具体期限"), whether the lead quotes a figure from inside the gold: a lead
  saying the clause states none, of a gold clause, misleads (the gold answers the question).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.numbering import match_heading
from eval.corpus_metrics import normalise
from eval.corpus_records import BenchmarkQuestion
from eval.metrics import figure_lead_lines

_GOLD_SENTENCE = re.compile(r"[^。；]+[。；]?")
_MIN_SENTENCE = 5  # characters: shorter pieces (a bare item number) say nothing alone


@dataclass(frozen=True)
class Answered:
    """One answer as the benchmark reads it."""

    qid: str
    status: str  # answered | not_found | error
    first_cited: str  # the first citation's whole clause text ("" when none)
    first_quoted: tuple[str, ...]  # the passages the answer quotes from citation 1
    latency_ms: float
    error: str | None = None
    # The pieces its figure lead quotes: () when the lead says no figure is stated, None when
    # the answer has no figure lead.
    lead_quoted: tuple[str, ...] | None = None
    # The body its "写明的负责单位" lead names ("" when the answer has no such lead).
    body_led: str = ""


def quoted_from(text: str, label: str) -> tuple[str, ...]:
    """The passages an answer quotes on the line of the citation labelled `label` (《title》
    section, as `answer.cite` writes it): “a”……“b”[n]. Read by the line's frame, not by quote
    marks, since a law's text has quotes of its own (名称为“中国能效标识”)."""
    for line in text.split("\n"):
        if line.startswith(f"{label}：“"):
            body = line[len(label) + 2:]
            end = body.rfind("”[")
            return tuple(body[:end].split("”……“")) if end >= 0 else ()
    return ()


# A figure lead's quoted pieces: “…”[n] or “…”…… (a law's text has quotes of its own inside).
_LEAD_PIECE = re.compile(r"“(.+?)”(?=\[\d+\]|……)")


def lead_quoted(text: str) -> tuple[str, ...] | None:
    """The pieces the answer's first figure lead quotes (() when it says no figure is stated),
    None when it has no figure lead."""
    leads = figure_lead_lines(text)
    return tuple(_LEAD_PIECE.findall(leads[0])) if leads else None


# The body leads `assistant.lead` writes: 《title》写明的负责单位：“body”[n]。, and for who made
# the document, 《title》写明的通过或发布机关：“body”[n]。
_BODY_LEAD = re.compile(r"^《[^》\n]+》写明的(?:负责单位|通过或发布机关)：“(.+?)”\[\d+\]",
                        re.MULTILINE)


def body_led(text: str) -> str:
    """The body the answer's first body lead names, "" when it has none."""
    found = _BODY_LEAD.search(text)
    return found.group(1) if found else ""


def gold_sentences(question: BenchmarkQuestion) -> list[str]:
    """The gold's sentences, an article's number taken off the first (第十一条食盐生产经营者…):
    the answer's citation gives the number and its quote starts after it."""
    sentences = []
    for gold in question.gold:
        for sentence in _GOLD_SENTENCE.findall(normalise(gold)):
            heading = match_heading(sentence)
            if heading is not None and heading.kind == "article" and heading.rest:
                sentence = heading.rest
            if len(sentence) >= _MIN_SENTENCE:
                sentences.append(sentence)
    return sentences


def score_answer(question: BenchmarkQuestion, answered: Answered) -> dict:
    """The three readings of one answer (None where they do not apply)."""
    if answered.status != "answered":  # an error is no answer either way: counted apart
        return {"answered": None if answered.status == "error" else False,
                "first_cited_gold": None, "gold_quoted": None, "figure_lead_in_gold": None,
                "body_lead_in_gold": None}
    clause = normalise(answered.first_cited)
    first_gold = bool(question.gold) and all(normalise(g) in clause for g in question.gold)
    quoted = normalise("".join(answered.first_quoted))
    sentences = gold_sentences(question)
    share = (sum(s in quoted for s in sentences) / len(sentences)) if first_gold and \
        sentences else None
    lead = None
    if first_gold and answered.lead_quoted is not None:
        gold = normalise("".join(question.gold))
        lead = bool(answered.lead_quoted) and all(normalise(piece) in gold
                                                  for piece in answered.lead_quoted)
    # A body lead on a gold first citation: whether the body it names is one the gold names.
    body = normalise(answered.body_led) in normalise("".join(question.gold)) \
        if first_gold and answered.body_led else None
    return {"answered": True, "first_cited_gold": first_gold, "gold_quoted": share,
            "figure_lead_in_gold": lead, "body_lead_in_gold": body}


def summarise_answers(questions: Sequence[BenchmarkQuestion],
                      answers: dict[str, Answered]) -> dict:
    rows = [score_answer(q, answers[q.qid]) for q in questions if q.qid in answers]
    asked = [r for r in rows if r["answered"] is not None]
    answered = [r for r in asked if r["answered"]]
    quoted = [r["gold_quoted"] for r in answered if r["gold_quoted"] is not None]
    leads = [r["figure_lead_in_gold"] for r in answered if r["figure_lead_in_gold"] is not None]
    bodies = [r["body_lead_in_gold"] for r in answered if r["body_lead_in_gold"] is not None]

    def share(count: float, total: int) -> float | None:
        return round(count / total, 4) if total else None

    return {
        "n": len(asked),
        "answered": share(len(answered), len(asked)),
        "first_cited_gold": share(sum(r["first_cited_gold"] for r in answered), len(answered)),
        "gold_sentences_quoted": share(sum(quoted), len(quoted)),
        "gold_quoted_whole": share(sum(q == 1.0 for q in quoted), len(quoted)),
        "figure_leads": len(leads),
        "figure_leads_in_gold": share(sum(leads), len(leads)),
        "body_leads": len(bodies),
        "body_leads_in_gold": share(sum(bodies), len(bodies)),
        "errors": len(rows) - len(asked),
    }


def answer_in_process(assistant, qid: str, question: str) -> Answered:
    """`PolicyAssistant.answer`, the path `POST /ask` takes for a first turn."""
    from assistant.answer import cite

    started = time.perf_counter()
    try:
        answer = assistant.answer(question)
    except Exception as error:  # noqa: BLE001 — one failing question is a finding
        return Answered(qid, "error", "", (), (time.perf_counter() - started) * 1000,
                        f"{type(error).__name__}: {error}")
    latency = (time.perf_counter() - started) * 1000
    first = answer.hits[0] if answer.hits else None
    return Answered(qid, answer.status, first.clause.text if first else "",
                    quoted_from(answer.text, cite(first)) if first else (), latency,
                    lead_quoted=lead_quoted(answer.text), body_led=body_led(answer.text))


def answer_over_http(client, qid: str, question: str) -> Answered:
    """`POST /ask` of a running deployment; only the response's fields count."""
    started = time.perf_counter()
    try:
        response = client.post("/ask", json={"question": question})
        latency = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"POST /ask answered {response.status_code}: "
                               f"{response.text[:200]}")
        body = response.json()
    except Exception as error:  # noqa: BLE001
        return Answered(qid, "error", "", (), (time.perf_counter() - started) * 1000,
                        f"{type(error).__name__}: {error}")
    citations = body.get("citations") or []
    first = citations[0] if citations else None
    label = f"《{first['doc_title']}》{first['section']}" if first else ""
    return Answered(qid, body["status"], first["text"] if first else "",
                    quoted_from(body["answer"], label) if first else (), latency,
                    lead_quoted=lead_quoted(body["answer"]), body_led=body_led(body["answer"]))
