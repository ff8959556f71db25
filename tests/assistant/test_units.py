"""The assistant's rule-based parts on the real documents: regions, section references,
follow-up resolution, sentence selection and the answer decision."""

from __future__ import annotations

import pytest

from assistant.answer import best_sentences, split_sentences
from assistant.lead import asked_for
from assistant.followups import TurnContext, resolve
from assistant.tables import row_label
from assistant.records import Hit
from assistant.references import find_referenced
from assistant.regions import RegionResolver
from corpus import default_gazetteer
from corpus.errors import InputError


@pytest.fixture(scope="module")
def resolver(corpus_documents):
    return RegionResolver(corpus_documents)


@pytest.mark.parametrize(("question", "doc_ids"), [
    ("三门峡以工代训补贴标准是多少？", ("sanmenxia-2019",)),
    ("What is the work-for-training subsidy in Sanmenxia?", ("sanmenxia-2019",)),
    ("河南省的以工代训补贴", ("sanmenxia-2019",)),
    ("枣庄的生活费补贴", ("taierzhuang-2019",)),
    ("重庆綦江的新型学徒制", ("qijiang-2019",)),
    ("天津滨海新区培训多少人次", ("tianjin-2019",)),
    ("天津和白城新型学徒培养目标对比", ("tianjin-2019", "baicheng-2019")),
    ("以工代训补贴标准是多少？", ()),
])
def test_region_inference(resolver, question, doc_ids):
    scope = resolver.infer(question)
    assert scope.doc_ids == doc_ids
    assert not scope.unknown


@pytest.mark.parametrize(("question", "unknown"), [
    ("北京市的培训补贴标准", "北京市"),
    ("枣庄市薛城区培训期间生活费补贴给哪些人？", "薛城区"),
    ("重庆渝中区的分工计划", "渝中区"),
])
def test_regions_without_documents_are_unknown(resolver, question, unknown):
    scope = resolver.infer(question)
    assert not scope.restricted
    assert any(unknown in region.name for region in scope.unknown)


def test_explicit_region_filter(resolver):
    assert resolver.explicit("三门峡").doc_ids == ("sanmenxia-2019",)
    assert resolver.explicit("吉林省白城市").doc_ids == ("baicheng-2019",)
    with pytest.raises(InputError, match="北京"):
        resolver.explicit("北京")


@pytest.mark.parametrize(("question", "doc", "clause_id"), [
    ("三门峡方案二（三）1讲什么", "sanmenxia-2019", "sanmenxia-2019/2.3.1"),
    ("二(三)1.的内容", "sanmenxia-2019", "sanmenxia-2019/2.3.1"),
    ("台儿庄第（十六）条", "taierzhuang-2019", "taierzhuang-2019/5.16"),
    ("第十六条讲什么", "taierzhuang-2019", "taierzhuang-2019/5.16"),
    ("天津方案第三部分（二）2", "tianjin-2019", "tianjin-2019/3.2.2"),
    ("綦江第五部分第（一）条", "qijiang-2019", "qijiang-2019/5.1"),
])
def test_section_references(docs_by_id, question, doc, clause_id):
    found = find_referenced(question, [docs_by_id[doc]])
    assert found and found[0].clause_id == clause_id


@pytest.mark.parametrize("question", ["三门峡以工代训补贴1.8万人", "培训12.5万人次",
                                      "每人每月200元"])
def test_figures_are_not_section_references(docs_by_id, question):
    assert find_referenced(question, list(docs_by_id.values())) == []


def _context(question: str, regions: tuple[str, ...], topic: str, **extra) -> TurnContext:
    return TurnContext(resolved_question=question, region_words=regions, topic=topic, **extra)


SANMENXIA = _context("三门峡以工代训补贴标准是多少？", ("三门峡",), "以工代训补贴")


@pytest.mark.parametrize(("previous", "question", "must_contain", "must_not_contain"), [
    (SANMENXIA, "那綦江呢？", ["綦江", "以工代训补贴标准"], ["三门峡"]),
    (SANMENXIA, "What about Qijiang?", ["Qijiang", "以工代训补贴标准"], ["三门峡"]),
    (SANMENXIA, "最长能补多久？", ["三门峡", "以工代训补贴", "最长"], []),
    (_context("三门峡方案二（一）11讲什么？", ("三门峡",), "", focus_heading="实施城市管理从业人员技能提升计划"),
     "这项培训由哪个部门负责？", ["三门峡", "城市管理从业人员", "哪个部门负责"], ["这项"]),
    (_context("天津2019分区培训计划和平区？", ("天津",), "2019分区培训计划", focus_entity="和平区"),
     "新型学徒制呢？", ["天津", "和平区", "新型学徒制"], []),
    (_context("天津2019分区培训计划？", ("天津",), "2019分区培训计划", focus_entity="宁河区"),
     "其中和平区呢？", ["天津", "和平区"], ["宁河区"]),
    # A pronoun after a table row points at the row's unit, not at the previous topic.
    (_context("綦江分工表中区人力社保局负责哪些任务？", ("綦江",), "分工表任务",
              focus_entity="区人力社保局"),
     "它还要做什么？", ["綦江", "区人力社保局", "做什么"], ["分工表任务", "它"]),
    (SANMENXIA, "白城“吉林三姐”品牌培训是什么？", ["白城“吉林三姐”品牌培训是什么？"], ["以工代训"]),
    (SANMENXIA, "綦江新型学徒制企业能拿多少补贴？", ["綦江新型学徒制"], ["以工代训", "三门峡"]),
])
def test_followup_resolution(hash_assistant, previous, question, must_contain, must_not_contain):
    resolved = hash_assistant.resolve_followup(question, previous).question
    assert all(part in resolved for part in must_contain), resolved
    assert not any(part in resolved for part in must_not_contain), resolved


def test_first_turn_is_kept_as_asked():
    assert resolve("  三门峡以工代训？ ", None, default_gazetteer().mentions("三门峡以工代训？"), lambda text: []).question == "三门峡以工代训？"


def test_row_label(docs_by_id):
    assert row_label(docs_by_id["tianjin-2019"].clause("annex.row2")) == "和平区"
    assert row_label(docs_by_id["qijiang-2019"].clause("annex.row11")) == "区应急局"
    assert row_label(docs_by_id["sanmenxia-2019"].clause("2.3.1")) == ""
    assert row_label(docs_by_id["tianjin-2019"].clause("annex.total")) == "总计"


def test_sentences_keep_the_source_wording(docs_by_id):
    clause = docs_by_id["sanmenxia-2019"].clause("2.1.11")
    sentences = split_sentences(clause.text)
    assert "".join(sentences) == clause.text
    assert sentences[-1].startswith("（责任单位：市城管局")


def test_best_sentences_pick_the_figure_and_the_owner(docs_by_id):
    document = docs_by_id["sanmenxia-2019"]
    hit = Hit(clause=document.clause("2.3.1"), document=document, score=1.0)
    figure = best_sentences(["以工代训", "补贴"], hit, asked_for("三门峡以工代训补贴标准是多少？"))
    assert any("每人每月200元" in s for s in figure)
    owner = best_sentences(["以工代训", "补贴"], hit, asked_for("以工代训补贴由哪个部门负责？"))
    assert owner[-1].startswith("（责任单位")


def test_a_quoted_lead_in_brings_its_items():
    from corpus.parser import parse_source
    from corpus.records import SourceText
    text = ("中华人民共和国示例税法\n第四条　下列各项个人所得，免征个人所得税：\n（一）国债利息；\n"
            "（二）保险赔款；\n（三）国务院规定的其他免税所得。\n前款第三项免税规定，报全国人民代表大会常务委员会备案。\n")
    document = parse_source(SourceText(lines=tuple(text.splitlines()), source_file="t.docx",
                                       format="docx"), doc_id="tax")
    hit = Hit(clause=document.clause("a4"), document=document, score=1.0)
    quoted = best_sentences(["所得", "免征", "个人所得税"], hit, asked_for("哪些所得免征个人所得税？"))
    assert quoted[0].endswith("免征个人所得税：")
    assert quoted[1:4] == ["（一）国债利息；", "（二）保险赔款；", "（三）国务院规定的其他免税所得。"]
    assert not any(s.startswith("前款") for s in quoted)  # the next 款 is not an item


# General ways Chinese switches the place of the last question, none taken from the development
# conversations: each must carry the topic over to the new place and drop the old one.
_REGION_SWITCHES = ("换成{}呢？", "{}那边呢？", "同样的问题，{}怎么样？", "那{}又如何？",
                    "那么在{}又是怎样？", "如果是{}呢？", "{}呢？", "换到{}看看", "{}的情况怎样？",
                    "一样的问题问{}", "{}怎么规定的？", "那在{}呢")


@pytest.mark.parametrize("place", ["白城", "綦江", "天津", "台儿庄"])
@pytest.mark.parametrize("pattern", _REGION_SWITCHES)
def test_region_switch_phrasings_keep_the_topic(hash_assistant, pattern, place):
    resolved = hash_assistant.resolve_followup(pattern.format(place), SANMENXIA).question
    assert resolved.startswith(place) and "以工代训补贴" in resolved, resolved
    assert "三门峡" not in resolved, resolved
    # nothing of the switching words is left to search with
    assert not any(word in resolved for word in ("换成", "换到", "看看", "同样", "一样的问题")), resolved


def test_a_guessed_word_no_clause_uses_gives_way_to_the_dictionary_words_in_it(hash_assistant):
    # jieba's HMM joins 人 and 建 of "的人建学习记录" into a word no dictionary or clause has;
    # 参训 is a guess too, but the documents use it, so it stays a key term.
    tokenizer = hash_assistant.index.lexical.tokenizer
    assert tokenizer.guessed("人建") and tokenizer.guessed("参训")
    assert not tokenizer.guessed("学习") and not tokenizer.guessed("以工代训")
    terms = hash_assistant.analyse("台儿庄给每个参训的人建学习记录，用什么来作为区分每个人的唯一凭据？").terms
    assert "人建" not in terms, terms
    assert {"参训", "学习", "记录", "唯一"} <= set(terms), terms
