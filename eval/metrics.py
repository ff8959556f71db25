"""The numbers: ranking metrics (ranx), the answer / not_found decision, multi-turn, latency.

Ranking metrics count answerable questions only (an unanswerable question has no relevant
clause to rank). Rankings are handed to ranx with rank-derived scores rather than the systems'
own scores, because ranx re-sorts by score and a tie (every direct section reference scores
1.0) would otherwise let ranx, not the system, choose the order.
"""

from __future__ import annotations

import re
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from eval.records import AnswerOutcome, Conversation, Question

RANKING_METRICS = ("hit_rate@1", "hit_rate@5", "recall@5", "mrr@10", "ndcg@10")
# Short names for tables; report.json keeps ranx's names.
METRIC_LABELS = {"hit_rate@1": "hit@1", "hit_rate@5": "hit@5", "recall@5": "recall@5",
                 "mrr@10": "MRR@10", "ndcg@10": "nDCG@10"}


def first_gold_rank(question: Question, ranking: Sequence[str]) -> int | None:
    """1-based rank of the first gold clause, None when none was retrieved."""
    return next((n for n, cid in enumerate(ranking, 1) if cid in question.gold), None)


def per_question_ranking(questions: Sequence[Question],
                         rankings: Mapping[str, Sequence[str]]) -> dict[str, dict[str, float]]:
    """Every ranking metric for every answerable question, keyed by question id."""
    from ranx import Qrels, Run, evaluate  # imported late: ranx pulls in numba (seconds)

    answerable = [q for q in questions if q.answerable]
    if not answerable:
        return {}
    # ranx compiles its kernels (numba) for the string types of the ids, and the type includes
    # the longest id's length: fixed-width stand-ins keep it at one cached compilation instead
    # of ~40 s of compiling whenever a question file brings a longer id.
    doc_key: dict[str, str] = {}

    def key(clause_id: str) -> str:
        return doc_key.setdefault(clause_id, f"d{len(doc_key):09d}")

    query_key = {q.qid: f"q{n:09d}" for n, q in enumerate(answerable)}
    qrels = Qrels({query_key[q.qid]: {key(cid): 1 for cid in q.gold} for q in answerable})
    run_dict = {}
    for question in answerable:
        ranking = list(dict.fromkeys(rankings.get(question.qid, ())))  # ranx rejects duplicates
        run_dict[query_key[question.qid]] = {key(cid): float(len(ranking) - n)
                                             for n, cid in enumerate(ranking)}
    with warnings.catch_warnings():
        # ranx's compiled kernels warn about an integer cast that cannot matter at this size.
        warnings.filterwarnings("ignore", message=".*unsafe cast.*")
        scores = evaluate(qrels, Run(run_dict), list(RANKING_METRICS), return_mean=False,
                          make_comparable=True)
    # With return_mean=False ranx returns arrays in the order of its (sorted) query ids.
    position = {k: i for i, k in enumerate(qrels.keys())}
    return {q.qid: {metric: float(scores[metric][position[query_key[q.qid]]])
                    for metric in RANKING_METRICS} for q in answerable}


def _mean(rows: Sequence[Mapping[str, float]]) -> dict[str, float]:
    return {metric: float(np.mean([row[metric] for row in rows])) if rows else float("nan")
            for metric in RANKING_METRICS}


def summarise_ranking(questions: Sequence[Question],
                      per_question: Mapping[str, Mapping[str, float]]) -> dict:
    """Means overall and per category (answerable questions only)."""
    by_category: dict[str, list] = defaultdict(list)
    rows = []
    for question in questions:
        if question.qid in per_question:
            rows.append(per_question[question.qid])
            by_category[question.category].append(per_question[question.qid])
    return {"n": len(rows), "overall": _mean(rows),
            "by_category": {category: {"n": len(items), **_mean(items)}
                            for category, items in sorted(by_category.items())}}


_MARKER = re.compile(r"\[(\d+)\]")
_QUOTE = re.compile(r"“([^”]*)”")


def marked_ids(text: str, cited: Sequence[str]) -> tuple[str, ...]:
    """Clause ids the answer text refers to with its [n] markers, in order of first mention."""
    found: list[str] = []
    for match in _MARKER.finditer(text):
        n = int(match.group(1))
        if 1 <= n <= len(cited) and cited[n - 1] not in found:
            found.append(cited[n - 1])
    return tuple(found)


# A figure lead (`assistant.lead`): the document's title, then the figure quoted or the words
# saying there is none ("《…》：“…”[1]。", "《…》未写明具体数额…", "《…》所引条款未写明…"); the
# quote lines after it name a section between the title and the colon.
_FIGURE_LEAD = re.compile(r"^《[^》\n]+》(?:：“|未写明具体|所引条款未写明)")
_DIGIT = re.compile(r"\d")


def squash(text: str) -> str:
    """`text` without whitespace: quotes and evidence compared whatever their layout."""
    return re.sub(r"\s+", "", text)


def figure_lead_lines(text: str) -> list[str]:
    """The lines of an answer that lead with a figure, or say there is none."""
    return [line for line in text.split("\n") if _FIGURE_LEAD.match(line)]


def figure_lead_states(text: str, question: Question, cited: Sequence[str]) -> bool | None:
    """For an answer to a question whose gold evidence states a figure: whether its lead quotes
    that figure — a piece lying inside an evidence sentence of a gold clause (or holding it),
    marked with that clause's [n]. None when the evidence states no figure (a table row's gold
    evidence is its row name) or the answer has no figure lead."""
    evidence = {gold: squash(sentence) for gold, sentence in zip(question.gold, question.evidence)
                if _DIGIT.search(sentence)}
    if not evidence:
        return None
    leads = figure_lead_lines(text)
    if not leads:
        return None
    for line in leads:
        for n, passages in quoted_segments(line):
            sentence = evidence.get(cited[n - 1]) if 1 <= n <= len(cited) else None
            if sentence and any(squash(p) and (squash(p) in sentence or sentence in squash(p))
                                for p in passages):
                return True
    return False


def quoted_segments(text: str) -> list[tuple[int, list[str]]]:
    """Each [n] marker of an answer with the “…” passages written since the previous marker."""
    segments, start = [], 0
    for match in _MARKER.finditer(text):
        passages = _QUOTE.findall(text[start:match.start()])
        if passages:
            segments.append((int(match.group(1)), passages))
        start = match.end()
    return segments


def verbatim_segments(text: str, cited_texts: Sequence[str]) -> tuple[int, int]:
    """(segments whose every passage occurs in citation n's clause text, segments quoting)."""
    good = total = 0
    for n, passages in quoted_segments(text):
        total += 1
        if 1 <= n <= len(cited_texts):
            # Line breaks are layout: a clause quoted whole keeps its heading's line break.
            clause = cited_texts[n - 1].replace("\n", "")
            good += all(passage.replace("\n", "") in clause for passage in passages)
    return good, total


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def latency_summary(outcomes: Sequence[AnswerOutcome]) -> dict:
    values = np.array([o.latency_ms for o in outcomes if o.status != "error"], dtype=float)
    if values.size == 0:
        return {"n": 0, "median_ms": None, "p95_ms": None, "mean_ms": None, "max_ms": None}
    return {"n": int(values.size), "median_ms": float(np.median(values)),
            "p95_ms": float(np.percentile(values, 95)), "mean_ms": float(values.mean()),
            "max_ms": float(values.max())}


def _document_of(clause_id: str) -> str:
    return clause_id.split("/", 1)[0]


def answer_metrics(questions: Sequence[Question],
                   outcomes: Mapping[str, AnswerOutcome]) -> dict:
    """How good the answers and the answered / not_found decision are.

    Citation precision counts every returned citation; "marked" precision counts only the
    citations the answer text refers to with [n], i.e. the ones a reader is pointed at.
    Not_found is the positive class of the decision metrics.
    """
    answerable = [q for q in questions if q.answerable]
    unanswerable = [q for q in questions if not q.answerable]
    answered = [(q, outcomes[q.qid]) for q in answerable if outcomes[q.qid].status == "answered"]
    refused = sum(outcomes[q.qid].status == "not_found" for q in answerable)
    caught = sum(outcomes[q.qid].status == "not_found" for q in unanswerable)
    missed = len(unanswerable) - caught

    def precision(ids: Sequence[str], gold: Sequence[str]) -> float:
        return sum(cid in gold for cid in ids) / len(ids)

    cited = [precision(o.cited, q.gold) for q, o in answered if o.cited]
    marked = [precision(o.marked, q.gold) for q, o in answered if o.marked]
    top_right = sum(bool(o.cited) and o.cited[0] in q.gold for q, o in answered)
    # One-document questions (the gold lies in one document, i.e. one region for the seeds)
    # whose answer points the reader [n] at a clause of another document.
    single = [(q, o) for q, o in answered if len({_document_of(g) for g in q.gold}) == 1]
    elsewhere = sum(any(_document_of(c) != _document_of(q.gold[0]) for c in o.marked)
                    for q, o in single)
    # Questions asked about one region (the question file's `region`): the issue's "never
    # another region's clause in a one-region answer". A question naming no region may be
    # answered from several, even when its gold happens to lie in one document.
    _, asked_elsewhere_rate = _stray_rate(answered)
    # Every [n] segment must quote citation n word for word (only checkable with the texts).
    quoting = [verbatim_segments(o.text, o.cited_texts) for _, o in answered if o.cited_texts]
    leads = [found for found in (figure_lead_states(o.text, q, o.cited) for q, o in answered)
             if found is not None]
    # A wrong refusal still helps when its "相关条款可参考" pointer names the clause that answers.
    refused_pointing = sum(any(c in q.gold for c in outcomes[q.qid].cited) for q in answerable
                           if outcomes[q.qid].status == "not_found")
    errors = [qid for qid, o in outcomes.items() if o.status == "error"]
    return {
        "questions": len(questions), "answerable": len(answerable),
        "unanswerable": len(unanswerable), "answered_answerable": len(answered),
        "citation_precision": float(np.mean(cited)) if cited else None,
        "marked_citation_precision": float(np.mean(marked)) if marked else None,
        "marked_other_document_rate": _ratio(elsewhere, len(single)),
        "asked_region_other_document_rate": asked_elsewhere_rate,
        "verbatim_segment_rate": _ratio(sum(g for g, _ in quoting), sum(t for _, t in quoting)),
        "figure_leads": len(leads),
        "figure_lead_accuracy": _ratio(sum(leads), len(leads)),
        "section_accuracy": _ratio(top_right, len(answered)),
        "answered_with_gold_top": _ratio(top_right, len(answerable)),
        "not_found_precision": _ratio(caught, caught + refused),
        "not_found_recall": _ratio(caught, caught + missed),
        "false_refusal_rate": _ratio(refused, len(answerable)),
        # Nothing wrongly refused leaves nothing pointing astray: 1.0, not a missing value
        # that a floor reads as a failure.
        "refusals_citing_gold": _ratio(refused_pointing, refused) if refused else 1.0,
        "not_found_accuracy_unanswerable": _ratio(caught, len(unanswerable)),
        "decision_accuracy": _ratio(len(answered) + caught, len(questions)),
        "errors": errors,
        "latency_ms": latency_summary([outcomes[q.qid] for q in questions]),
    }


def _stray_rate(answered: Sequence[tuple[Question, AnswerOutcome]]) -> tuple[int, float | None]:
    """(answers to questions asked about one region, the share of them whose [n] cite another
    region's document)."""
    asked_one = [(q, o) for q, o in answered if q.region]
    strays = sum(any(_document_of(c) != q.region for c in o.marked) for q, o in asked_one)
    return len(asked_one), _ratio(strays, len(asked_one))


def _turn_group(turns: Sequence[Question], outcomes: Mapping[str, AnswerOutcome]) -> dict:
    hits5 = [any(g in outcomes[t.qid].cited[:5] for g in t.gold) for t in turns]
    hits1 = [bool(outcomes[t.qid].cited) and outcomes[t.qid].cited[0] in t.gold for t in turns]
    answered = [outcomes[t.qid].status == "answered" for t in turns]
    return {"n": len(turns), "hit@5": _ratio(sum(hits5), len(turns)),
            "hit@1": _ratio(sum(hits1), len(turns)),
            "answered": _ratio(sum(answered), len(turns))}


def multiturn_metrics(conversations: Sequence[Conversation],
                      outcomes: Mapping[str, AnswerOutcome]) -> dict:
    """hit@5 of the citations on first turns and on follow-ups (answerable turns only)."""
    turns = [t for c in conversations for t in c.turns]
    unanswerable = [t for t in turns if not t.answerable]
    caught = sum(outcomes[t.qid].status == "not_found" for t in unanswerable)
    return {
        "conversations": len(conversations), "turns": len(turns),
        "first_turns": _turn_group([t for t in turns if t.answerable and t.turn == 1], outcomes),
        "follow_ups": _turn_group([t for t in turns if t.answerable and t.turn >= 2], outcomes),
        "unanswerable_turns": {"n": len(unanswerable),
                               "not_found_accuracy": _ratio(caught, len(unanswerable))},
        # Turns asked about one region (a switch to 綦江 included) whose answer cites another.
        "asked_region_turns": dict(zip(("n", "other_document_rate"), _stray_rate(
            [(t, outcomes[t.qid]) for t in turns
             if t.answerable and outcomes[t.qid].status == "answered"]))),
        "errors": [t.qid for t in turns if outcomes[t.qid].status == "error"],
        "latency_ms": latency_summary([outcomes[t.qid] for t in turns]),
    }
