"""The wrong-document refusal test (`eval.wrong_document`) on two real Legal-DC rules."""

from __future__ import annotations

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
