"""A refusal says "no provision on X" only of words the documents searched never use."""

from __future__ import annotations

import re

from assistant.answer import unused_terms


def test_unused_terms_are_the_words_the_documents_lack_naming_words_first():
    used = {"参加", "培训"}.__contains__
    found = unused_terms(["快要", "参加", "军装", "培训", "离开", "三年", "部队"], used)
    assert set(found) == {"快要", "军装", "离开", "部队"}  # 三年 is a quantity, not a word lacking
    assert found[:2] == ["军装", "部队"]  # nouns name what is missing; 快要, 离开 come after


def test_a_refusal_names_only_words_no_clause_uses(hash_assistant):
    answer = hash_assistant.answer("个人所得税的起征点是多少？")
    assert answer.status == "not_found"
    named = re.search(r"没有关于“([^”]+)”的明确规定", answer.text)
    assert named, answer.text
    words = named.group(1).split("、")
    assert "个人所得税" in words
    assert not any(hash_assistant.mentioned(word) for word in words)
