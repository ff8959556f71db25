"""The wrong-document refusal test (`eval.wrong_document`) on two real Legal-DC rules."""

from __future__ import annotations

import json

from eval.corpus_records import BenchmarkQuestion
from eval.wrong_document import asked_twice, summary


def _question(qid: str, text: str, gold: str) -> BenchmarkQuestion:
    return BenchmarkQuestion(qid=qid, question=text, title="", gold=(gold,), answer="",
                             category="其他", line=1)


def test_a_topic_question_is_asked_of_the_other_rule_and_a_whole_document_one_is_not(two_rules):
    licence = _question("q1", "《食品生产许可管理办法》规定的食品生产许可证有效期是多久？",
                        "食品生产许可证发证日期为许可决定作出的日期，有效期为5年。")
    purpose = _question("q2", "《食品生产许可管理办法》的立法目的是什么？", "为规范食品、食品添加剂生产许可活动")
    unnamed = _question("q3", "食品生产许可证有效期是多久？", "有效期为5年")
    results = {r.qid: r for r in asked_twice(two_rules, [licence, purpose, unnamed])}
    assert set(results) == {"q1", "q2"}  # a question naming no document is not this test's
    assert results["q1"].swapped == \
        "《互联网广告管理办法》规定的食品生产许可证有效期是多久？"
    assert results["q2"].swapped == ""  # any document states its purpose
    counts = summary(list(results.values()))
    assert counts["named"] == 2 and counts["swapped"] == 1
    assert counts["swapped_refused"] == float(results["q1"].swapped_refused)


def test_no_swap_to_a_rule_holding_the_gold_text(two_rules):
    # The gold text is in the other rule too: asking it there is no unanswerable question.
    shared = _question("q1", "《食品生产许可管理办法》对互联网广告有什么规定？",
                       "互联网广告")
    (result,) = asked_twice(two_rules, [shared])
    assert result.swapped == ""


def test_the_labelled_set_holds_each_question_as_written_and_asked_of_another_rule(
        two_rules, tmp_path):
    """`eval.tune_decision`'s wrong-document set: a question naming its rule is answerable as
    written and unanswerable once per seed asked of the other rule; one asking of its rule as a
    whole is only asked as written."""
    from eval.tune_decision import wrong_document_examples
    lines = [
        {"id": "q1", "question": "《互联网广告管理办法》对弹出广告有什么要求？",
         "title": "互联网广告管理办法", "gold": ["以弹出等形式发布互联网广告"], "answer": "",
         "category": "其他"},
        {"id": "q2", "question": "《食品生产许可管理办法》的立法目的是什么？",
         "title": "食品生产许可管理办法", "gold": ["为规范食品、食品添加剂生产许可活动"],
         "answer": "", "category": "其他"},
    ]
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
                         + "\n", encoding="utf-8")
    examples = wrong_document_examples(two_rules, questions, seeds=(7, 8))
    labels = {e.qid: (e.procedure, e.answerable) for e in examples}
    assert labels == {"q1": ("as_written", True), "q2": ("as_written", True),
                      "q1.swap7": ("swapped", False), "q1.swap8": ("swapped", False)}
    assert {e.dataset for e in examples} == {"wrong-document"}
    swapped = next(e for e in examples if e.qid == "q1.swap7").evidence
    # Asked of the food-licence rule, the advertising rule covers 弹出广告 better.
    assert swapped.named and swapped.elsewhere_gap > 0 and swapped.elsewhere_ratio > 1
