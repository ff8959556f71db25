"""Clauses worded as the kind of answer a question asks for (`assistant.answer_forms`) and the
small lift retrieval gives them (`retriever.lift_answer_forms`): on written rules, on the
shipped plans through the service, and on a real Legal-DC rule through the real index."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from assistant.answer import coverage
from assistant.answer_forms import answer_forms
from assistant.lead import asked_for
from assistant.retriever import FusionWeights, lift_answer_forms
from corpus.parser import parse_text
from tests.assistant.test_asked_kinds import LEGAL_DC, _assistant_over

_RULE = parse_text(
    "示例许可管理办法\n"
    "第一条　为了规范示例许可，制定本办法。\n"
    "第二条　示例许可证有效期为5年。\n"
    "第三条　示例许可证有效期届满需要延续的，应当在届满30个工作日前提出申请。\n"
    "第四条　县级以上市场监督管理部门负责本行政区域内的示例许可管理工作。\n"
    "第五条　申请示例许可，应当具备下列条件：\n（一）有固定场所；\n（二）有专业人员。\n"
    "第六条　罚没款项应当上缴国库，处罚期限为3个月。\n"
    "第七条　实施培训计划。（责任单位：市人社局）\n",
    doc_id="rule", source_file="rule.txt", overrides={"region": "全国"})
_BY_KEY = {clause.key: clause for clause in _RULE.clauses}


def _forms(question: str, terms: tuple[str, ...], key: str) -> tuple[int, int, int]:
    forms = answer_forms(asked_for(question), terms)
    assert forms is not None
    return forms(_BY_KEY[key])


def test_a_figure_of_the_kind_asked_about_a_key_term():
    question = "示例许可证的有效期是多久？"
    assert _forms(question, ("许可证", "有效期"), "a2") == (1, 0, 0)
    # A period about something else (处罚期限) states no figure about the question's words.
    assert _forms(question, ("许可证", "有效期"), "a6") == (0, 0, 0)
    assert _forms(question, ("许可证", "有效期"), "a1") == (0, 0, 0)


def test_a_body_responsible_in_a_sentence_or_a_note_ending_the_clause():
    question = "示例许可管理工作由哪个部门负责？"
    assert _forms(question, ("示例", "许可", "管理工作"), "a4") == (0, 1, 0)
    assert _forms(question, ("示例", "许可", "管理工作"), "a2") == (0, 0, 0)
    # The note's own sentence holds no key term: the clause it ends does.
    assert _forms("培训计划谁负责？", ("培训计划",), "a7") == (0, 1, 0)


def test_a_list_whose_lead_in_holds_a_key_term():
    question = "申请示例许可需要满足哪些条件？"
    assert _forms(question, ("申请", "示例", "许可", "条件"), "a5") == (0, 0, 1)
    assert _forms(question, ("申请", "示例", "许可", "条件"), "a3") == (0, 0, 0)
    # A lead-in about other things than the question's words.
    assert _forms("哪些人员可以参加？", ("参加",), "a5") == (0, 0, 0)


def test_no_test_when_the_question_asks_no_such_kind_or_has_no_key_terms():
    assert answer_forms(asked_for("什么是示例许可？"), ("示例许可",)) is None
    assert answer_forms(asked_for("示例许可证的有效期是多久？"), ()) is None


def test_the_lift_keeps_scores_in_range_and_order_outside_the_pool():
    weights = FusionWeights()
    scores = np.array([0.9, 0.8, 0.7, 0.1])
    forms = {0: (0, 0, 0), 1: (1, 1, 0), 2: (0, 0, 1), 3: (1, 1, 1)}
    lifted = lift_answer_forms(scores, lambda position: forms[position],
                               dataclasses.replace(weights, definition_pool=3))
    # Position 1 (a figure and a body) passes position 0; position 3, outside the best
    # three, is not lifted.
    assert list(np.argsort(-lifted)) == [1, 0, 2, 3]
    assert lifted.max() <= 1.0 and lifted[3] < lifted[2]
    off = dataclasses.replace(weights, answer_figure=0.0, answer_body=0.0, answer_listing=0.0)
    assert lift_answer_forms(scores, lambda position: forms[position], off) is scores


@pytest.fixture(scope="module")
def food_licences(tmp_path_factory):
    if not LEGAL_DC.is_dir():
        pytest.skip("needs ../shared/corpora/legal-dc")
    return _assistant_over(tmp_path_factory.mktemp("food-licences"), "食品经营许可管理办法.docx")


def test_real_rule_the_article_stating_the_period_is_found_first(food_licences):
    question = "食品经营许可证有效期多长时间"
    assert food_licences.search(question, top_k=1)[0].clause.key == "a19"  # 有效期为5年
    # Without the lift, the article on changing a licence's particulars ranks first.
    weights = food_licences.retriever.weights
    try:
        food_licences.retriever.weights = dataclasses.replace(
            weights, answer_figure=0.0, answer_body=0.0, answer_listing=0.0)
        assert food_licences.search(question, top_k=1)[0].clause.key != "a19"
    finally:
        food_licences.retriever.weights = weights
    answer = food_licences.answer(question)
    assert answer.status == "answered" and answer.hits[0].clause.key == "a19"
    assert "有效期为5年" in answer.text


def test_shipped_plans_a_figure_beside_more_of_the_question_s_words_leads(hash_assistant):
    """Retrieval lifts every clause stating a figure beside a key term, and in a plan 培训 is
    beside most figures: when the best hit's figure stands beside that one word only, a cited
    clause stating the figure beside two or more key terms is quoted first (the USE encoder
    ranked the share of training income (2.2.2) above the 2019 target (1) this way)."""
    analysis = hash_assistant.analyse("三门峡三年补贴性培训2019年多少？")
    share, target = (hash_assistant._direct_hit(hash_assistant.index.clauses[
        hash_assistant.index.position(clause_id)], "test")
        for clause_id in ("sanmenxia-2019/2.2.2", "sanmenxia-2019/1"))
    hits = [share, target]
    covered = [coverage(list(analysis.terms), hit) for hit in hits]
    assert covered[1] >= covered[0]
    reordered, _ = hash_assistant._figure_first(hits, covered, analysis, 5)
    assert [hit.clause.clause_id for hit in reordered] == ["sanmenxia-2019/1",
                                                          "sanmenxia-2019/2.2.2"]
