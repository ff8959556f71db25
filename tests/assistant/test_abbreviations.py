"""Short forms the documents define (以下简称“两后生”) join the lexical query as synonyms."""

from __future__ import annotations

import jieba.posseg

from assistant.abbreviations import Abbreviations, _own_tagger, definitions, full_form
from assistant.service import AssistantConfig, PolicyAssistant

TWO_AFTER = "两后生"


def test_a_quoted_short_form_is_read_with_the_phrase_it_shortens():
    text = ("面向农村转移就业劳动者特别是新生代农民工，"
            "城乡未继续升学的初高中毕业生（以下简称“两后生”）等青年，下岗失业人员")
    [(short, full)] = definitions(text)
    assert short == TWO_AFTER and full.endswith("初高中毕业生") and "，" not in full
    # 以下称 and 以下统称 are the same definition.
    assert definitions("城乡未继续升学初高中毕业生（以下统称“两后生”）等青年")[0][0] == TWO_AFTER
    # The phrase starts after an article's heading, and after its last verb.
    assert full_form("第二条  专利代理师资格考试") == "专利代理师资格考试"
    assert full_form("对城乡未继续升学的初高中毕业生") == "升学的初高中毕业生"


def test_unquoted_short_names_and_titles_are_not_read():
    """An unquoted short name (以下简称考试, 以下简称企业) is an ordinary word that a law narrows
    for itself; expanding it across hundreds of laws cost Legal-DC hit@1 (0.621 → 0.613)."""
    assert definitions("专利代理师资格考试（以下简称考试）") == []
    assert definitions("《中华人民共和国外商投资法》（以下简称“外商投资法”）") == []


def test_the_seeds_define_the_two_after_students(hash_assistant):
    forms = Abbreviations(c.text for c in hash_assistant.index.clauses)
    assert TWO_AFTER in forms.full_forms and TWO_AFTER in forms.expandable
    assert all("初高中毕业生" in full for full in forms.full_forms[TWO_AFTER])


def test_the_other_form_is_added_only_where_the_documents_lack_the_question_s_form(
        hash_assistant):
    """台儿庄's plan says 城乡未继续升学的初、高中毕业生 and never 两后生; 三门峡's says 两后生."""
    docs = {d.doc_id: d for d in hash_assistant.documents}
    assert not any(TWO_AFTER in c.text for c in docs["taierzhuang-2019"].clauses)
    assert any(TWO_AFTER in c.text for c in docs["sanmenxia-2019"].clauses)
    asked_there = hash_assistant.analyse("台儿庄对“两后生”有哪些培训政策？")
    assert any("初高中毕业生" in form for form in asked_there.synonyms)
    asked_here = hash_assistant.analyse("三门峡对“两后生”有哪些培训政策？")
    assert not any("初高中毕业生" in form for form in asked_here.synonyms)
    everywhere = hash_assistant.analyse("“两后生”有哪些培训政策？")  # the corpus uses 两后生
    assert not any("初高中毕业生" in form for form in everywhere.synonyms)


def test_the_full_form_brings_up_the_clause_that_uses_it(hash_assistant):
    question = "台儿庄对“两后生”有哪些培训政策？"
    without = PolicyAssistant(hash_assistant.index, hash_assistant.retriever.encoder,
                              config=AssistantConfig(abbreviation_forms=0))
    assert without.analyse(question).synonyms == ()

    def rank(assistant) -> int:
        ids = [h.clause.clause_id for h in assistant.search(question, top_k=20)]
        return ids.index("taierzhuang-2019/1.3") if "taierzhuang-2019/1.3" in ids else 99

    assert rank(hash_assistant) < rank(without)


def test_the_tagger_abbreviations_load_and_drop_tags_as_jiebas_global_one():
    phrases = ["对城乡未继续升学的初高中毕业生", "建档立卡贫困劳动力", "可以提供培训的机构",
               "第二条  专利代理师资格考试", "经营者集中反垄断审查"]
    tagger = _own_tagger()
    assert tagger.tokenizer is not jieba.posseg.dt.tokenizer
    for phrase in phrases:
        assert [(p.word, p.flag) for p in tagger.lcut(phrase)] == \
            [(p.word, p.flag) for p in jieba.posseg.lcut(phrase)]
        assert full_form(phrase, tagger) == full_form(phrase)
