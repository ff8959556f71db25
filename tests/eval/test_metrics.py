"""Metrics on hand-made outcomes, where every number can be worked out on paper."""

from __future__ import annotations

import pytest

from eval.metrics import answer_metrics, figure_lead_states, first_gold_rank, marked_ids, \
    multiturn_metrics, per_question_ranking, quoted_segments, summarise_ranking, \
    verbatim_segments
from eval.records import AnswerOutcome, Conversation, Question


def _q(qid: str, gold: tuple[str, ...], category: str = "figure", turn: int = 0,
       region: str | None = None) -> Question:
    return Question(qid=qid, question="?", category=category, answerable=bool(gold), gold=gold,
                    evidence=gold, region=region, source="test", turn=turn)


def _a(qid: str, status: str, cited: tuple[str, ...] = (), marked=None) -> AnswerOutcome:
    return AnswerOutcome(qid=qid, status=status, text="", resolved_question="?", cited=cited,
                         marked=cited[:1] if marked is None else marked, latency_ms=10.0)


def test_ranking_metrics_per_question_and_category() -> None:
    questions = [_q("a", ("g1",)), _q("b", ("g2", "g3"), "table"), _q("c", ("g4",)),
                 _q("u", ())]
    rankings = {"a": ("x", "g1", "y"), "b": ("g2", "x", "y", "z", "w", "g3"), "c": (),
                "u": ("x",)}
    scores = per_question_ranking(questions, rankings)
    assert set(scores) == {"a", "b", "c"}  # the unanswerable question is not ranked
    assert scores["a"]["hit_rate@1"] == 0 and scores["a"]["hit_rate@5"] == 1
    assert scores["a"]["mrr@10"] == pytest.approx(0.5)
    assert scores["b"]["recall@5"] == pytest.approx(0.5) and scores["b"]["hit_rate@1"] == 1
    assert scores["c"]["hit_rate@5"] == 0
    summary = summarise_ranking(questions, scores)
    assert summary["n"] == 3
    assert summary["overall"]["hit_rate@5"] == pytest.approx(2 / 3)
    assert summary["by_category"]["table"]["n"] == 1
    assert first_gold_rank(questions[1], rankings["b"]) == 1
    assert first_gold_rank(questions[2], rankings["c"]) is None


def test_answer_metrics() -> None:
    questions = [_q("a", ("g1",)), _q("b", ("g2",)), _q("c", ("g3",)), _q("u1", ()),
                 _q("u2", ())]
    outcomes = {"a": _a("a", "answered", ("g1", "x", "y", "z")),
                "b": _a("b", "answered", ("x", "g2"), marked=("x", "g2")),
                "c": _a("c", "not_found", ("x",)),
                "u1": _a("u1", "not_found"), "u2": _a("u2", "answered", ("x",))}
    m = answer_metrics(questions, outcomes)
    assert m["citation_precision"] == pytest.approx((1 / 4 + 1 / 2) / 2)
    assert m["marked_citation_precision"] == pytest.approx((1 + 1 / 2) / 2)
    assert m["section_accuracy"] == pytest.approx(1 / 2)
    assert m["not_found_precision"] == pytest.approx(1 / 2)  # u1 right, c a false refusal
    assert m["not_found_recall"] == pytest.approx(1 / 2)
    assert m["false_refusal_rate"] == pytest.approx(1 / 3)
    assert m["not_found_accuracy_unanswerable"] == pytest.approx(1 / 2)
    assert m["latency_ms"]["median_ms"] == pytest.approx(10.0)


def test_answers_pointing_at_another_document_are_counted() -> None:
    questions = [_q("one", ("tianjin/1",)), _q("other", ("tianjin/2",)),
                 _q("both", ("tianjin/3", "qijiang/3"))]
    outcomes = {"one": _a("one", "answered", ("tianjin/1", "qijiang/1"), marked=("tianjin/1",)),
                "other": _a("other", "answered", ("tianjin/2", "qijiang/2"),
                            marked=("tianjin/2", "qijiang/2")),
                # a comparison: its gold spans two documents, so citing both is right
                "both": _a("both", "answered", ("tianjin/3", "qijiang/3"),
                           marked=("tianjin/3", "qijiang/3"))}
    m = answer_metrics(questions, outcomes)
    assert m["marked_other_document_rate"] == pytest.approx(1 / 2)
    assert m["asked_region_other_document_rate"] is None  # no question was asked about a region


def test_one_region_answers_citing_another_region_are_counted() -> None:
    questions = [_q("asked", ("tianjin/1",), region="tianjin"),
                 _q("strayed", ("tianjin/2",), region="tianjin"),
                 # asked about no region: citing several is an answer across regions
                 _q("open", ("tianjin/3",))]
    outcomes = {"asked": _a("asked", "answered", ("tianjin/1", "qijiang/1")),
                "strayed": _a("strayed", "answered", ("qijiang/2", "tianjin/2"),
                              marked=("qijiang/2", "tianjin/2")),
                "open": _a("open", "answered", ("qijiang/3", "tianjin/3"),
                           marked=("qijiang/3", "tianjin/3"))}
    m = answer_metrics(questions, outcomes)
    assert m["asked_region_other_document_rate"] == pytest.approx(1 / 2)
    assert m["marked_other_document_rate"] == pytest.approx(2 / 3)


def test_multiturn_splits_first_turns_from_follow_ups() -> None:
    turns = (_q("c#1", ("g1",), turn=1), _q("c#2", ("g2",), turn=2), _q("c#3", (), turn=3))
    outcomes = {"c#1": _a("c#1", "answered", ("g1",)),
                "c#2": _a("c#2", "answered", ("a", "b", "c", "d", "e", "g2")),
                "c#3": _a("c#3", "not_found")}
    m = multiturn_metrics([Conversation("c", "region_switch", turns)], outcomes)
    assert m["first_turns"] == {"n": 1, "hit@5": 1.0, "hit@1": 1.0, "answered": 1.0}
    assert m["follow_ups"]["hit@5"] == 0.0  # gold only at rank 6
    assert m["unanswerable_turns"] == {"n": 1, "not_found_accuracy": 1.0}


def test_marked_ids_follow_the_answer_text() -> None:
    assert marked_ids("甲[2]。乙[1][2]。丙[9]", ("a", "b", "c")) == ("b", "a")


def test_each_marker_owns_the_quotes_written_since_the_previous_one() -> None:
    text = ("《甲》一、（一）：“每人每月200元。”……“期限6个月。”[1]\n"
            "《乙》二、：“按规定给予补贴。”[2]其他地区见[3]。")
    assert quoted_segments(text) == [(1, ["每人每月200元。", "期限6个月。"]),
                                     (2, ["按规定给予补贴。"])]  # [3] quotes nothing


def test_a_quote_counts_only_when_its_own_citation_holds_it() -> None:
    clauses = ("一、标题\n每人每月200元。期限6个月。", "按规定给予补贴。")
    text = "“每人每月200元。”……“期限6个月。”[1]“一、标题\n每人每月200元。”[1]“每人每月200元。”[2]"
    # the third segment quotes clause 1's words but points at clause 2
    assert verbatim_segments(text, clauses) == (2, 3)
    assert verbatim_segments("“按规定给予补贴。”[9]", clauses) == (0, 1)  # no citation 9


def test_answer_metrics_report_the_verbatim_share() -> None:
    questions = [_q("a", ("g1",)), _q("b", ("g2",))]
    outcomes = {
        "a": AnswerOutcome(qid="a", status="answered", text="“甲乙。”[1]", resolved_question="?",
                           cited=("g1",), marked=("g1",), latency_ms=1.0, cited_texts=("甲乙。丙。",)),
        "b": AnswerOutcome(qid="b", status="answered", text="“丁。”[1]“戊。”[2]",
                           resolved_question="?", cited=("g2", "x"), marked=("g2", "x"),
                           latency_ms=1.0, cited_texts=("丁。", "己。"))}
    assert answer_metrics(questions, outcomes)["verbatim_segment_rate"] == pytest.approx(2 / 3)


def test_turns_asked_about_one_region_citing_another_are_counted() -> None:
    turns = (_q("c#1", ("tianjin/1",), turn=1, region="tianjin"),
             _q("c#2", ("qijiang/2",), turn=2, region="qijiang"),
             _q("c#3", ("qijiang/3",), turn=3))
    outcomes = {"c#1": _a("c#1", "answered", ("tianjin/1",)),
                # the switch to Qijiang still points at Tianjin's clause: a stray
                "c#2": _a("c#2", "answered", ("tianjin/1", "qijiang/2"),
                          marked=("tianjin/1", "qijiang/2")),
                "c#3": _a("c#3", "answered", ("tianjin/3",))}
    m = multiturn_metrics([Conversation("c", "region_switch", turns)], outcomes)
    assert m["asked_region_turns"] == {"n": 2, "other_document_rate": 0.5}


def test_a_figure_lead_counts_when_it_quotes_the_gold_evidence_with_its_citation() -> None:
    def question(qid: str, evidence: str) -> Question:
        return Question(qid=qid, question="?", category="figure", answerable=True, gold=("g1",),
                        evidence=(evidence,), region=None, source="test", turn=0)

    def answer(qid: str, lead: str, cited=("g1", "x")) -> AnswerOutcome:
        text = lead + "\n《方案》二、：“三年培训60万人次，其中2019年培训18万人次。”[1]"
        return AnswerOutcome(qid=qid, status="answered", text=text, resolved_question="?",
                             cited=cited, marked=cited[:1], latency_ms=1.0)

    questions = [question("right", "其中2019年培训18万人次"), question("wrong", "其中2019年培训18万人次"),
                 question("other", "其中2019年培训18万人次"), question("none", "其中2019年培训18万人次"),
                 question("row", "和平区"), question("no-lead", "其中2019年培训18万人次")]
    outcomes = {
        "right": answer("right", "《方案》：“其中2019年培训18万人次”[1]。"),
        "wrong": answer("wrong", "《方案》：“三年培训60万人次”[1]。"),
        # the evidence's words, but marked with another clause's [n]
        "other": answer("other", "《方案》：“其中2019年培训18万人次”[2]。"),
        "none": answer("none", "《方案》所引条款未写明具体数额。"),
        # a table row's evidence is its name, no figure: not a figure question to judge
        "row": answer("row", "《方案》：“补贴培训总数（人次）：9000”[1]。"),
        # no lead line: the first line is the clause's quote, which names its section
        "no-lead": AnswerOutcome(qid="no-lead", status="answered",
                                 text="《方案》二、：“其中2019年培训18万人次”[1]", resolved_question="?",
                                 cited=("g1",), marked=("g1",), latency_ms=1.0)}
    found = {q.qid: figure_lead_states(outcomes[q.qid].text, q, outcomes[q.qid].cited)
             for q in questions}
    assert found == {"right": True, "wrong": False, "other": False, "none": False, "row": None,
                     "no-lead": None}
    metrics = answer_metrics(questions, outcomes)
    assert metrics["figure_leads"] == 4 and metrics["figure_lead_accuracy"] == pytest.approx(1 / 4)
