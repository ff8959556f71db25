"""Questions naming a document by title or short name, and definition questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.definitions import asked_term, defines
from assistant.documents import DocumentResolver
from corpus.parser import parse_text


LEGAL_DC = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "legal-dc" / "docs"


def _law(title: str, doc_id: str):
    return parse_text(f"{title}\n第一条　本法所称示例，是指用于测试的内容。\n", doc_id=doc_id,
                      source_file=f"{title}.docx")


DOCUMENTS = [
    _law("中华人民共和国个人所得税法", "iit"),
    _law("中华人民共和国企业所得税法", "cit"),
    _law("肉制品生产许可审查细则（2023版）", "meat"),
    _law("互联网广告管理暂行办法", "ads-old"),
    _law("互联网广告管理办法", "ads"),
    _law("中华人民共和国刑法", "criminal"),
]


def test_full_title_in_book_marks_short_name_and_edition_free_name():
    resolver = DocumentResolver(DOCUMENTS)
    assert resolver.named("《中华人民共和国个人所得税法》第四条规定了什么？") == ("iit",)
    assert resolver.named("个人所得税法对居民个人怎么规定？") == ("iit",)
    assert resolver.named("肉制品生产许可审查细则适用于哪些产品？") == ("meat",)
    assert resolver.named("互联网广告管理办法和互联网广告管理暂行办法有何不同") == ("ads", "ads-old")


def test_short_names_need_book_marks_and_unnamed_questions_stay_open():
    resolver = DocumentResolver(DOCUMENTS)
    assert resolver.named("刑法修正案的内容") == ()  # too short to trust without 《》
    assert resolver.named("《刑法》关于正当防卫怎么规定") == ("criminal",)
    assert resolver.named("所得税怎么交？") == ()


def test_a_named_document_is_searched_as_it_names_itself():
    resolver = DocumentResolver(DOCUMENTS)
    assert resolver.as_self_reference("《中华人民共和国个人所得税法》的适用范围") == "本法的适用范围"
    assert resolver.as_self_reference("个人所得税法所称居民个人是指") == "本法所称居民个人是指"
    assert resolver.as_self_reference("肉制品生产许可审查细则（2023版）适用于哪些产品？") == \
        "本细则适用于哪些产品？"
    # two named documents, each by its own kind; a title that is not loaded stays as written
    assert resolver.as_self_reference("《刑法》和《互联网广告管理办法》有何关系") == "本法和本办法有何关系"
    assert resolver.as_self_reference("《中华人民共和国民法典》怎么规定") == "《中华人民共和国民法典》怎么规定"


def test_document_scope_wins_in_the_assistant(tmp_path):
    from assistant.service import PolicyAssistant
    from index.encoders import make_encoder
    from index.store import build_index
    encoder = make_encoder("hash")
    index = build_index(DOCUMENTS, encoder, tmp_path / "index", corpus_hash="t")
    assistant = PolicyAssistant(index, encoder)
    hits = assistant.search("企业所得税法所称示例是什么？", top_k=5)
    assert hits and {h.document.doc_id for h in hits} == {"cit"}


@pytest.mark.skipif(not LEGAL_DC.is_dir(), reason="needs ../shared/corpora/legal-dc")
def test_a_definition_with_a_short_form_note_between_term_and_meaning(tmp_path):
    # 能源效率标识（以下简称能效标识），是指…: the note kept the term 11 characters from 是指, and
    # the defining clause was not preferred (it ranked second for 什么是能源效率标识？).
    from corpus.loader import read_corpus
    (tmp_path / "能源效率标识管理办法.docx").symlink_to(LEGAL_DC / "能源效率标识管理办法.docx")
    clauses = read_corpus(tmp_path).documents[0].clauses
    defining = [c for c in clauses if defines(c.text, "能源效率标识")]
    assert [c.section for c in defining] == ["第二条"]
    assert "以下简称能效标识" in defining[0].text
    assert defines("能效标识（简称“标识”），是指…", "能效标识")
    assert not defines("能源效率标识（以下简称能效标识）应当标注在产品上。", "能源效率标识")


def test_definition_questions_and_definition_clauses():
    assert asked_term("什么是无人驾驶航空器？") == "无人驾驶航空器"
    assert asked_term("私募投资基金的定义是什么？") == "私募投资基金"
    assert asked_term("无障碍环境建设法所称的无障碍环境是什么？") == "无障碍环境"
    assert asked_term("三门峡以工代训补贴标准是多少？") is None
    assert defines("本条例所称无人驾驶航空器，是指没有机载驾驶员的航空器。", "无人驾驶航空器")
    assert defines("（一）空中交通管理机构，是指军队和民用航空管理部门内的机构。", "空中交通管理机构")
    assert not defines("无人驾驶航空器应当隔离飞行。", "无人驾驶航空器")
    # two terms defined together: "X和Y，是指…"
    assert defines("非医学需要的胎儿性别鉴定和选择性别人工终止妊娠，是指除经医学诊断以外所进行的鉴定。",
                   "非医学需要的胎儿性别鉴定")
    assert not defines("禁止实施非医学需要的胎儿性别鉴定和选择性别人工终止妊娠。",
                       "非医学需要的胎儿性别鉴定")
    # a keyword query: the noun that asks for a meaning, without 的
    assert asked_term("私募投资基金定义") == "私募投资基金"
    assert asked_term("外商投资含义") == "外商投资"
    assert asked_term("什么是无人驾驶航空器，条例里怎么规定的？") == "无人驾驶航空器"
    # a question word inside is no term: this asks which concepts
    assert asked_term("培训课程要讲哪些安全概念？") is None
    # which things the term covers, asked from the things' side, or by its kind
    assert asked_term("哪些机构被定义为金融机构？") == "金融机构"
    assert asked_term("什么样的企业算是小型微型企业？") == "小型微型企业"
    assert asked_term("农业机械具体指哪些设备？") == "农业机械"
    assert asked_term("哪些人可以申请职业培训补贴？") is None
    assert asked_term("哪些企业被称为哪类企业？") is None
    # a short form is defined where the text introduces it
    assert defines("依法设立的外商投资企业（以下简称“外资企业”）应当依法经营。", "外资企业")
    assert not defines("外资企业应当依法经营。", "外资企业")


def test_a_definition_question_asks_about_the_term_not_its_place(hash_assistant):
    # the place scopes the question; the term asked about is what follows it
    analysis = hash_assistant.analyse("天津“两后生”定义")
    assert analysis.asked.defined.strip("“”") == "两后生"


def test_national_documents_are_in_every_regional_scope():
    from assistant.regions import RegionResolver
    plan = parse_text("三门峡市人民政府办公室关于印发某方案的通知\n一、总则\n内容。\n", doc_id="smx",
                      source_file="smx.txt")
    resolver = RegionResolver([*DOCUMENTS, plan])
    scope = resolver.infer("三门峡的个人所得税怎么交？")
    assert "smx" in scope.doc_ids and "iit" in scope.doc_ids
    # A place with no document of its own is still answered from the national ones.
    taiwan = resolver.infer("台湾同胞投资企业可以贷款吗？")
    national = {d.doc_id for d in DOCUMENTS if d.region.is_national}
    # laws, and rule-form titles (…办法, …细则) that name no place: all six
    assert national == {"iit", "cit", "criminal", "ads", "ads-old", "meat"}
    assert not taiwan.unknown and set(taiwan.doc_ids) == national


def test_a_question_naming_a_rule_is_judged_on_its_own_words(two_rules):
    """The title chose the document; it is no key term of a question asking something in it,
    as every clause of the document is credited with its title's words. Asked of a rule that
    never mentions it, a subject is refused instead of answered with an article holding 办法."""
    topic = two_rules.analyse("《食品生产许可管理办法》对住房公积金有什么规定？")
    assert topic.scope.documents and "公积金" in topic.terms
    assert not {"食品生产", "许可管理", "办法"} & set(topic.terms), topic.terms
    # Only 规定 is found; with the title's words, every article held four of six key terms.
    evidence = two_rules.weigh(topic).evidence
    assert evidence.coverage <= 1 / 3 < two_rules.thresholds.strong_coverage
    # Its own words stay, the title's being left out only where the question writes it.
    licence = two_rules.analyse("《食品生产许可管理办法》规定的食品生产许可证有效期是多久？")
    assert "有效期" in licence.terms and "办法" not in licence.terms, licence.terms


@pytest.mark.parametrize("question", [
    "《食品生产许可管理办法》的适用范围是什么？",
    "《互联网广告管理办法》适用于哪些活动？",
    "《互联网广告管理办法》的立法目的是什么？",
    "《互联网广告管理办法》自何时起施行？",
])
def test_a_question_about_the_rule_as_a_whole_keeps_its_title_as_subject(two_rules, question):
    analysis = two_rules.analyse(question)
    title = two_rules.index.document(analysis.scope.documents[0]).title
    assert any(term in title for term in analysis.terms), analysis.terms
    assert two_rules.answer(question).status == "answered"


def test_what_a_document_applies_to_is_asked_of_the_document():
    from assistant.purpose import asks_application
    assert asks_application("《计量比对管理办法》的适用范围是什么？")
    assert asks_application("肉制品生产许可审查细则适用于哪些产品？")
    assert asks_application("《集贸市场计量监督管理办法》所适用的范围包括哪些？")
    assert asks_application("谁是《麻类纤维质量监督管理办法》的主要监管对象？")
    assert asks_application("哪些活动适用于生物安全法？")
    assert asks_application("全国专业标准化技术委员会管理办法适用什么人群？")
    assert not asks_application("《中华人民共和国畜牧法》是否适用于养蜂？")  # one subject of its own
    assert not asks_application("培训补贴的适用范围是什么？")  # no document asked about


def test_a_rule_asked_about_what_another_rule_covers_is_compared_with_it(two_rules):
    """"《食品生产许可管理办法》对互联网弹出广告有什么规定？" asks a law about a subject only the other
    law writes about: the other documents are compared under the named-document bars, and the
    refusal names the law that has it. Asked of the law that has it, it is answered."""
    wrong = "《食品生产许可管理办法》对互联网弹出广告有什么规定？"
    evidence = two_rules.weigh(two_rules.analyse(wrong)).evidence
    assert evidence.named and evidence.elsewhere_gap >= 0.5 and evidence.elsewhere_ratio > 2
    assert two_rules.thresholds.refuses_for_elsewhere(evidence)
    answer = two_rules.answer(wrong)
    assert answer.status == "not_found"
    assert "其他文件有相关规定：《互联网广告管理办法》第" in answer.text, answer.text
    assert "以下地区" not in answer.text
    right = two_rules.answer("《互联网广告管理办法》对互联网弹出广告有什么规定？")
    assert right.status == "answered" and right.hits[0].document.title == "互联网广告管理办法"
    # A question of the rule as a whole is not compared: any rule has a purpose.
    whole = two_rules.weigh(two_rules.analyse("《食品生产许可管理办法》的立法目的是什么？"))
    assert whole.evidence.named and whole.evidence.elsewhere_gap == 0.0
