"""Clauses of the kind a question asks for: the entry into force, the statement of purpose, the
article that sets a penalty, and articles cited by number."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.crossrefs import cited_keys, follow_citations
from assistant.entry_into_force import (asks_enactment, asks_entry_into_force,
                                        states_entry_into_force)
from assistant.penalties import asks_penalty, states_penalty
from assistant.purpose import asks_purpose, states_purpose
from assistant.records import Hit
from corpus.parser import parse_text

LEGAL_DC = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "legal-dc" / "docs"


def _assistant_over(tmp_path: Path, *names: str, encoder_name: str = "hash"):
    """The product over real Legal-DC documents (linked, not copied), with the hash encoder
    unless told: only the lexical channels and the preferences read meaning."""
    from assistant.service import PolicyAssistant
    from corpus.loader import read_corpus
    from index.encoders import make_encoder
    from index.store import build_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in names:
        (corpus / name).symlink_to(LEGAL_DC / name)
    encoder = make_encoder(encoder_name)
    index = build_index(read_corpus(corpus).documents, encoder, tmp_path / "index",
                        corpus_hash="t")
    return PolicyAssistant(index, encoder)


@pytest.mark.parametrize("question", [
    "《中华人民共和国煤炭法》自何时起施行？",
    "农产品质量安全法的实施日期是什么时候？",
    "最新版《计量授权管理办法》的施行时间？",
    "长江保护法什么时候开始实施？",
    "这个政策从哪天开始执行？",
    "《某某条例》于何时生效",
])
def test_questions_about_when_a_document_applies(question):
    assert asks_entry_into_force(question)


@pytest.mark.parametrize("question", [
    "合同何时生效？",  # a contract's effect: a rule inside a law, not the law's own date
    "以工代训补贴什么时候发放？",
    "《煤炭法》规定了哪些处罚？",
])
def test_other_questions_with_time_words_are_not(question):
    assert not asks_entry_into_force(question)


def test_entry_into_force_clauses_in_their_drafting_forms():
    assert states_entry_into_force("第六十七条　本法自1996年12月1日起施行。")
    assert states_entry_into_force("（2023年2月25日国家市场监督管理总局令第72号公布　自2023年5月1日起施行）")
    assert states_entry_into_force("本方案自印发之日起实施。")
    assert not states_entry_into_force("第四条　本法施行前已经设立的企业，应当在一年内补办手续。")


def test_cited_articles_of_the_same_document_in_order():
    assert cited_keys("违反本办法第二十八条的规定，未按规定记录保存的") == ["a28"]
    assert cited_keys("违反本法第十条、第十二条规定的") == ["a10", "a12"]
    assert cited_keys("依照本条例第五条至第七条的规定") == ["a5", "a6", "a7"]
    assert cited_keys("本法第二十四条之一规定的情形") == ["a24-1"]
    # another law's articles are not this document's
    assert cited_keys("依照《中华人民共和国刑法》第一百五十七条的规定追究刑事责任") == []
    # a sweeping range is not the other half of a rule
    assert cited_keys("本法第一条至第三十条") == ["a1", "a30"]


def _hit(document, key, score):
    clause = document.clause(key)
    return Hit(clause=clause, document=document, score=score)


def test_a_cited_article_follows_the_hit_that_cites_it():
    law = parse_text("示例办法\n第一条　生产者应当如实记录召回情况。\n第二条　监督部门应当检查。\n"
                     "第三条　违反本办法第一条的规定的，处二千元以上二万元以下罚款。\n",
                     doc_id="law", source_file="示例办法.docx")
    clauses = {c.clause_id: c for c in law.clauses}
    ranked = [_hit(law, "a3", 0.9), _hit(law, "a2", 0.5), _hit(law, "a1", 0.4)]
    followed = follow_citations(ranked, clauses.get, depth=1, per_hit=1, top_k=3)
    assert [h.clause.key for h in followed] == ["a3", "a1", "a2"]
    assert followed[1].via == "cross_reference" and followed[1].score == 0.9
    # off: the ranking as it was
    unchanged = follow_citations(ranked, clauses.get, depth=0, per_hit=1, top_k=3)
    assert [h.clause.key for h in unchanged] == ["a3", "a2", "a1"]


@pytest.mark.skipif(not LEGAL_DC.is_dir(), reason="needs ../shared/corpora/legal-dc")
def test_a_real_law_answers_when_it_takes_effect(tmp_path):
    assistant = _assistant_over(tmp_path, "中华人民共和国煤炭法.docx", "食品召回管理办法.docx")
    top = assistant.search("《中华人民共和国煤炭法》何时开始实施？", top_k=3)[0]
    assert "煤炭法" in top.document.title and "起施行" in top.clause.text


@pytest.mark.parametrize("question", [
    "《中华人民共和国畜牧法》的立法目的是什么？",
    "《牙膏监督管理办法》的主要目的是什么？",
    "什么是《规章制定程序条例》的主要目的？",
    "为何需要制定《中华人民共和国大气污染防治法》？",
    "食盐专营办法的主要目的是什么？",
    "这个实施方案的宗旨是什么",
    "《某某管理条例》的主要目标是什么？",  # a law's aim is its purpose
])
def test_questions_about_why_a_document_was_made(question):
    assert asks_purpose(question)


@pytest.mark.parametrize("question", [
    "合同行政监督管理的目的是什么？",  # the aim of an activity, not of a document
    "天津职业技能提升行动的主要目标是什么？",  # a plan's targets have their own section
    "《天津市职业技能提升行动实施方案（2019—2021年）》的主要目标是什么？",
    "为什么要参加职业技能培训？",
])
def test_other_questions_about_aims_are_not(question):
    assert not asks_purpose(question)


def test_purpose_clauses_in_their_drafting_forms(docs_by_id):
    assert states_purpose("第一条　为了保障农产品质量安全，维护公众健康，促进农业和农村经济发展，制定本法。")
    assert states_purpose("第一条 为加强药品监督管理，根据《中华人民共和国药品管理法》，制定本办法。")
    # the shipped plans open the same way (为…，根据…，结合我市实际，制定本实施方案)
    assert states_purpose(docs_by_id["tianjin-2019"].clause("preamble").text)
    assert not states_purpose("第五条　县级以上人民政府应当制定本行政区域的发展规划。")
    assert not states_purpose("为了提高培训质量，各区要加强监管。")


@pytest.mark.skipif(not LEGAL_DC.is_dir(), reason="needs ../shared/corpora/legal-dc")
def test_a_real_law_answers_what_it_was_made_for(tmp_path):
    assistant = _assistant_over(tmp_path, "中华人民共和国大气污染防治法.docx",
                                "中华人民共和国煤炭法.docx")
    question = "为何需要制定《中华人民共和国大气污染防治法》？"
    top = assistant.search(question, top_k=3)[0]
    assert "大气污染防治法" in top.document.title and states_purpose(top.clause.text)
    # without the preference the opening article is not what the search puts first
    plain = assistant.retriever.search(question, doc_ids=(top.document.doc_id,), top_k=1,
                                       weights=replace(assistant.retriever.weights, definition=0))
    assert plain[0].clause.clause_id != top.clause.clause_id


@pytest.mark.parametrize("question", [
    "茧丝经营者销售以假充真的茧丝应该受到什么惩罚？",
    "超量使用食品添加剂的食品生产者应该受到什么处罚？",
    "擅自引进畜禽新品种要承担什么法律责任？",
    "伪造认证证书的行为有何处罚措施？",
    "骗取培训补贴的机构怎么处罚？",
    "演出时假唱应受什么处罚？",
    "哪些行为会因违反本办法而受到处罚？",
])
def test_questions_about_a_penalty(question):
    assert asks_penalty(question)


@pytest.mark.parametrize("question", [
    "发现检查结果异常应该怎么处理？",  # a procedure
    "销售者对产品质量有哪些责任？",  # a duty
    "当事人在市场监督管理行政处罚中有哪些权利？",
    "受到处罚后能申请行政复议吗？",
])
def test_questions_about_duties_and_procedures_are_not(question):
    assert not asks_penalty(question)


def test_penalty_clauses_in_their_drafting_forms():
    assert states_penalty("第二十二条　违反本办法第十条规定，以假充真的，由市场监督管理部门责令改正，"
                          "处一万元以上三万元以下罚款。")
    assert states_penalty("第二十五条 违反本办法第十条规定，未显著标明的，按照《中华人民共和国广告法》"
                          "第五十九条处罚。")
    assert states_penalty("构成犯罪的，依法追究刑事责任。")
    assert not states_penalty("第十条　茧丝经营者不得以假充真、以次充好。")


@pytest.mark.skipif(not LEGAL_DC.is_dir(), reason="needs ../shared/corpora/legal-dc")
def test_a_real_rule_answers_with_the_article_that_sets_the_penalty(tmp_path):
    assistant = _assistant_over(tmp_path, "娱乐场所管理条例.docx")
    question = "娱乐场所设置具有赌博功能的电子游戏机机型的会受到哪些处罚？"
    top = assistant.search(question, top_k=3)[0]
    assert states_penalty(top.clause.text) and top.clause.text.startswith("第四十五条")
    # Without the preference the article of the duty itself (不得设置…), shorter and closer to
    # the wording, is right behind it (it came first before long clauses were also read by
    # sentence); the preference puts the articles that set a penalty ahead of it.
    def ranked(weights):
        return [h.clause.text for h in assistant.retriever.search(question, top_k=3,
                                                                  weights=weights)]
    plain = ranked(replace(assistant.retriever.weights, definition=0))
    preferred = ranked(assistant.retriever.weights)
    assert "不得设置" in plain[1] and not states_penalty(plain[1])
    assert all(states_penalty(text) for text in preferred[:2])


@pytest.mark.skipif(not LEGAL_DC.is_dir(), reason="needs ../shared/corpora/legal-dc")
def test_a_penalty_answer_quotes_the_sanction_not_only_the_conduct(tmp_path):
    from assistant.answer import best_sentences, quoted_passages
    from assistant.lead import asked_for
    from corpus.loader import read_corpus

    (tmp_path / "娱乐场所管理条例.docx").symlink_to(LEGAL_DC / "娱乐场所管理条例.docx")
    rule = read_corpus(tmp_path).documents[0]
    article = next(c for c in rule.clauses if c.text.startswith("第四十五条"))
    question = "娱乐场所设置具有赌博功能的电子游戏机机型的会受到哪些处罚？"
    asked = asked_for(question)
    assert asked.penalty
    hit = Hit(clause=article, document=rule, score=1.0)
    terms = ["娱乐场所", "赌博", "电子游戏机", "机型"]
    chosen = best_sentences(terms, hit, asked)
    assert any(states_penalty(sentence) for sentence in chosen)  # 没收…并处…罚款
    assert any("电子游戏机" in sentence for sentence in chosen)  # and the conduct asked about
    assert all(passage in article.text.replace("\n", "")
               for passage in quoted_passages(chosen, article.text))
    # read as an ordinary question, the item with the question's words is quoted with its
    # lead-in, never alone: the lead-in is what says the conduct is sanctioned
    plain = best_sentences(terms, hit, replace(asked, penalty=False))
    item = next(s for s in plain if "电子游戏机" in s)
    assert plain.index(item) > 0 and plain[plain.index(item) - 1].endswith("：")


@pytest.mark.parametrize(("question", "kind"), [
    ("《中华人民共和国煤炭法》的立法目的是什么？", "purpose"),
    ("什么是《中华人民共和国煤炭法》的主要目的？", "purpose"),
    ("什么是职业技能等级认定？", "defined"),
    ("《中华人民共和国煤炭法》自何时起施行？", "entry_into_force"),
    ("骗取培训补贴的会受到什么处罚？", "penalty"),
    ("三门峡以工代训补贴标准是多少？", None),
])
def test_the_kind_of_clause_asked_for_is_read_once_into_the_analysis(hash_assistant, question,
                                                                      kind):
    """`Asked` carries every kind of clause the question's form asks for; retrieval reads it
    from the analysis instead of parsing the question again, and ranks the same either way."""
    from assistant.lead import asked_for

    asked = hash_assistant.analyse(question).asked
    assert asked == asked_for(question)
    kinds = {"purpose": asked.purpose, "defined": bool(asked.defined),
             "entry_into_force": asked.entry_into_force, "penalty": asked.penalty}
    assert [k for k, on in kinds.items() if on] == ([kind] if kind else [])
    if kind == "defined":
        assert asked.defined == "职业技能等级认定"
    given = hash_assistant.retriever.search(question, top_k=5, asked=asked)
    read_again = hash_assistant.retriever.search(question, top_k=5)
    assert [h.clause.clause_id for h in given] == [h.clause.clause_id for h in read_again]


def test_a_definition_is_of_the_term_itself_not_of_a_compound_ending_in_it():
    from assistant.definitions import defines

    assert defines("本条例所称野生植物，是指原生地天然生长的珍贵植物。", "野生植物")
    assert defines("第二条　计量授权是指县级以上人民政府计量行政部门依法授权。", "计量授权")
    assert defines("（二）产品质量安全是指工业产品符合强制性国家标准。", "产品质量安全")
    assert defines("本规定中的野生植物是指原生地天然生长的植物。", "野生植物")
    assert not defines("地方重点保护野生植物，是指国家重点保护野生植物以外的野生植物。", "野生植物")


def test_a_definition_of_the_term_as_asked_outranks_one_of_a_narrower_thing():
    from assistant.definitions import definition_strength

    assert definition_strength("本条例所称农业机械，是指用于农业生产的机械。", "农业机械") == 2
    assert definition_strength("相关市场是指经营者进行竞争的商品范围。", "相关市场") == 2
    # A short form introduced on the spot, quoted or not.
    assert definition_strength("能源效率标识（以下简称能效标识），是指表示能源效率的标识。",
                               "能效标识") == 2
    assert definition_strength("必须经过认证（以下简称强制性产品认证），方可出厂。",
                               "强制性产品认证") == 2
    # The civil code's form: an article opening "X是…".
    assert definition_strength("第九百三十七条　物业服务合同是物业服务人提供服务的合同。",
                               "物业服务合同") == 2
    assert definition_strength("第九百三十七条　物业服务合同是指…", "物业服务合同") == 2
    # Narrower things the term is part of.
    assert definition_strength("本条例所称危及人身财产安全的农业机械，是指可能造成损害的农业机械。",
                               "农业机械") == 1
    assert definition_strength("本法所称档案的利用，是指对档案的阅览、复制和摘录。", "档案") == 1
    assert definition_strength("本条例所称非法集资人，是指组织实施非法集资的单位。", "非法集资") == 1
    assert definition_strength("国家鼓励使用先进的农业机械。", "农业机械") == 0
    # A document leaves out the qualifier its title carries.
    assert definition_strength("本办法所称能力验证，是指实验室间比对。", "检验检测机构能力验证",
                               "检验检测机构能力验证管理办法") == 1
    assert definition_strength("本办法所称能力验证，是指实验室间比对。", "检验检测机构能力验证",
                               "计量比对管理办法") == 0


@pytest.mark.skipif(not LEGAL_DC.is_dir(), reason="needs ../shared/corpora/legal-dc")
@pytest.mark.parametrize("names, question, starts", [
    # Defines 农业机械 in article 2 and 危及人身财产安全的农业机械 in article 57.
    (("农业机械安全监督管理条例.docx",), "什么是农业机械？", "本条例所称农业机械，是指"),
    (("检验检测机构能力验证管理办法.docx", "能源效率标识管理办法.docx"),
     "什么是检验检测机构能力验证？", "本办法所称能力验证，是指"),
    (("能源效率标识管理办法.docx", "中国质量奖管理办法.docx"), "什么是能效标识？",
     "能源效率标识（以下简称能效标识），是指"),
])
@pytest.mark.slow
def test_a_real_law_answers_what_a_term_means_with_its_own_definition(tmp_path, names,
                                                                      question, starts):
    assistant = _assistant_over(tmp_path, *names, encoder_name="use")
    top = assistant.search(question, top_k=3)[0]
    assert starts in top.clause.text.replace(" ", "").replace("\u3000", ""), top.clause.text


@pytest.mark.slow
@pytest.mark.skipif(not LEGAL_DC.is_dir(), reason="needs ../shared/corpora/legal-dc")
def test_a_question_naming_its_law_finds_the_article_not_the_title_line(tmp_path):
    # The title chose the law; searched as typed, it also drew the search to what repeats its
    # words (here 第三条 本办法所称计量比对…; among all 347 Legal-DC laws, the title line). The
    # law says 适用本办法: the question's lexical channels read 本办法的适用范围.
    assistant = _assistant_over(tmp_path, "计量比对管理办法.docx",
                                "零售商品称重计量监督管理办法.docx", encoder_name="use")
    question = "《计量比对管理办法》的适用范围是什么？"
    assert assistant.analyse(question).searched == "本办法的适用范围是什么？"
    top = assistant.search(question, top_k=3)[0]
    assert top.document.title == "计量比对管理办法"
    assert top.clause.key != "front" and "适用本办法" in top.clause.text
    # Who made it and when is the title line's to say: that question keeps the title.
    made = "《计量比对管理办法》是什么时间发布的？"
    assert assistant.analyse(made).searched == made
    assert assistant.search(made, top_k=3)[0].clause.key == "front"


@pytest.mark.parametrize("question, asks", [
    ("《中华人民共和国境外非政府组织境内活动管理法》是由哪个机构颁布的？", True),
    ("谁负责制定《行政法规制定程序条例》？", True),
    ("《某某管理办法》是什么时间发布的？", True),
    ("这个规定的发布机关是哪个？", True),
    ("《中华人民共和国民用航空法》首次颁布和施行分别是什么时间？", True),  # both dates at once
    ("《某某法》颁布和实施以来取得了哪些成效？", False),
    ("《互联网广告管理办法》禁止发布哪些互联网广告？", False),  # 发布 is what the text rules on
    ("违反《广告法》发布虚假广告的如何处罚？", False),
    ("《行政法规制定程序条例》对起草有什么要求？", False),  # 制定 inside the title
])
def test_questions_about_who_made_a_document_and_when(question, asks):
    assert asks_enactment(question) is asks


@pytest.mark.skipif(not LEGAL_DC.is_dir(), reason="needs ../shared/corpora/legal-dc")
def test_a_long_named_law_is_read_whole_for_the_clause_asked_for(tmp_path):
    # 体育法 has 122 articles and only its title in common with the question: its last article
    # (本法自2023年1月1日起施行) ranked below the best 100, among which the kind of clause asked
    # for is looked for in an open search. A question naming the law looks at all of it.
    assistant = _assistant_over(tmp_path, "中华人民共和国体育法.docx", "中华人民共和国煤炭法.docx")
    hits = assistant.search("《中华人民共和国体育法》何时开始实施？", top_k=3)
    assert "本法自2023年1月1日起施行" in hits[0].clause.text


@pytest.mark.skipif(not LEGAL_DC.is_dir(), reason="needs ../shared/corpora/legal-dc")
def test_a_real_law_answers_who_made_it_from_its_promulgation_note(tmp_path):
    assistant = _assistant_over(tmp_path, "中华人民共和国境外非政府组织境内活动管理法.docx",
                                "互联网广告管理办法.docx")
    answer = assistant.answer("《中华人民共和国境外非政府组织境内活动管理法》是由哪个机构颁布的？")
    assert answer.status == "answered"
    assert answer.hits[0].clause.clause_id.endswith("/front"), answer.hits[0].clause.clause_id
    assert "写明的通过或发布机关：“全国人民代表大会常务委员会”[1]" in answer.text, answer.text
    # A repeal article naming another text's order number is not this text's note.
    answer = assistant.answer("《互联网广告管理办法》由谁发布？")
    assert answer.hits[0].clause.clause_id.endswith("/front"), answer.hits[0].clause.clause_id
    assert "“国家市场监督管理总局”[1]" in answer.text, answer.text


def test_who_makes_rules_under_a_text_is_no_question_about_its_note(hash_assistant):
    # 实施规则 is named by no loaded title: the promulgation note is not preferred.
    from assistant.retriever import wanted_clause
    from corpus import Clause

    question = "水效标识的实施规则由谁制定？"
    asked = hash_assistant.analyse(question).asked
    note = Clause(clause_id="d/front", doc_id="d", key="front", section="", section_path=(),
                  text="（2023年2月25日国家市场监督管理总局令第72号公布）", kind="preamble")
    assert wanted_clause(question, asked, names_document=False)(note) == 0
    assert wanted_clause(question, asked, names_document=True)(note) == 1
