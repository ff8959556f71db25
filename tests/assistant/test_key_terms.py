"""Key terms: the content words of a question, question forms left out."""

from __future__ import annotations

import pytest

from assistant.answer import key_terms


@pytest.mark.parametrize("question, verb", [
    ("参加完创业培训，能不能申请创业担保贷款？", "申请"),
    ("退役军人享不享受职业培训补贴", "享受"),
    ("民办培训机构会不会被评估", "评估"),
    ("企业要不要提取职工教育经费", "提取"),
])
def test_an_a_not_a_question_leaves_its_verb_and_no_negation(hash_assistant, question, verb):
    terms = key_terms(question, hash_assistant.index.lexical.tokenizer)
    assert verb in terms
    # 能不能 is cut 能 / 不能 and 享不享受 享不 / 享受: neither half is a term
    assert not any(term.startswith(("不", "没")) or term.endswith(("不", "没")) for term in terms)


def test_a_closing_not_asks_and_is_no_term(hash_assistant):
    tokenizer = hash_assistant.index.lexical.tokenizer
    assert "没有" not in key_terms("有教人做电商的培训没有？", tokenizer)
    assert "没有" in key_terms("没有证书的人员怎么办？", tokenizer)


def test_a_demonstrative_with_a_classifier_is_no_term(hash_assistant):
    tokenizer = hash_assistant.index.lexical.tokenizer
    # jieba tags 这方面, 这件, 这部分 as numeral-classifier compounds: they point, like pronouns
    assert key_terms("技能竞赛这方面有什么激励？", tokenizer) == ["技能竞赛", "激励"]
    assert "这件" not in key_terms("负责统筹这件事的领导小组设在哪里", tokenizer)
    assert "这部分" not in key_terms("这部分人员能参加培训吗", tokenizer)


def test_a_negation_the_question_states_stays(hash_assistant):
    # not a question form: 不能 here is what the question is about
    terms = key_terms("哪些人员不能参加培训？", hash_assistant.index.lexical.tokenizer)
    assert "不能" in terms
