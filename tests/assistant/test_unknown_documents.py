"""A question about a document that is not loaded is told so, not answered from other texts."""

from __future__ import annotations

from assistant.documents import DocumentResolver, is_document_title, quoted_titles
from corpus.gazetteer import default_gazetteer
from corpus.parser import parse_text


def test_quoted_titles_are_document_titles_only():
    assert is_document_title("中华人民共和国刑法")
    assert is_document_title("食品经营许可管理办法（2023年修订）")
    assert is_document_title("国务院办公厅关于印发职业技能提升行动方案（2019—2021年）的通知")
    assert not is_document_title("药品经营许可证")  # a certificate, not a document
    assert not is_document_title("工业产品质量安全风险管控清单")
    assert quoted_titles("《刑法》和《药品经营许可证》") == ("刑法",)


def test_unknown_titles_are_those_no_loaded_document_has(corpus_documents):
    resolver = DocumentResolver(corpus_documents)
    assert resolver.unknown_titles("《中华人民共和国刑法》第二十条怎么规定？") == ("中华人民共和国刑法",)
    # loaded, written with or without its edition note
    assert resolver.unknown_titles("《天津市职业技能提升行动实施方案（2019—2021年）》的目标任务是什么") == ()
    assert resolver.unknown_titles("《天津市职业技能提升行动实施方案》的目标任务是什么") == ()


def _unmarked(resolver: DocumentResolver, question: str) -> tuple[str, ...]:
    return resolver.unknown_titles(question, default_gazetteer().mentions(question))


def test_titles_written_without_marks_name_another_issuers_document(corpus_documents):
    resolver = DocumentResolver(corpus_documents)
    # the province's and the State Council's plans: only a city's (三门峡市…方案) is loaded
    assert _unmarked(resolver, "河南省职业技能提升行动方案对农民工培训有什么要求？") == (
        "河南省职业技能提升行动方案",)
    assert _unmarked(resolver, "国务院办公厅职业技能提升行动方案里企业职工培训怎么安排") == (
        "国务院办公厅职业技能提升行动方案",)
    # Taierzhuang's district opinion is loaded, not its city's
    assert _unmarked(resolver, "枣庄市人民政府关于推行终身职业技能培训制度的实施意见有哪些任务") == (
        "枣庄市人民政府关于推行终身职业技能培训制度的实施意见",)
    # a region with documents of its own is answered from them, however loosely the title is
    # written (Tianjin's is an 实施方案)
    assert _unmarked(resolver, "天津职业技能提升行动方案的目标是什么") == ()
    assert _unmarked(resolver, "三门峡市职业技能提升行动方案规定培训多少人次") == ()
    # no title: a place and a topic, or a kind too short to name one document (实施方案)
    assert _unmarked(resolver, "河南省的职业培训补贴标准是多少？") == ()
    assert _unmarked(resolver, "河南省实施方案什么时候出台") == ()
    # without the regions named, only quoted titles count
    assert resolver.unknown_titles("河南省职业技能提升行动方案的目标任务") == ()


def test_central_bodies_are_read_only_when_no_national_document_is_loaded():
    documents = [parse_text(f"{title}\n第一条　本办法所称示例，是指用于测试的内容。\n",
                            doc_id=doc_id, source_file=f"{title}.docx")
                 for title, doc_id in (("互联网广告管理办法", "ads"),
                                       ("上海市安全生产条例", "sh-safety"))]
    resolver = DocumentResolver(documents)
    # national documents are loaded: a ministry's name in front does not make another one
    assert _unmarked(resolver, "国家市场监督管理总局互联网广告管理办法怎么规定") == ()
    # a local regulation of another place is another document
    assert _unmarked(resolver, "北京市安全生产条例对企业有什么要求") == ("北京市安全生产条例",)
    assert _unmarked(resolver, "上海市安全生产条例对企业有什么要求") == ()


def test_a_plan_of_another_issuer_is_not_answered_from_a_loaded_one(hash_assistant):
    answer = hash_assistant.answer("河南省职业技能提升行动方案对农民工培训有什么要求？")
    assert answer.status == "not_found"
    assert answer.text.startswith("现有文件中没有《河南省职业技能提升行动方案》")
    # the same question about the city's own plan is answered
    assert hash_assistant.answer("三门峡市职业技能提升行动方案对农民工培训有什么要求？").status == \
        "answered"


def test_a_question_about_a_document_not_loaded_is_not_found(hash_assistant):
    question = "《中华人民共和国社会保险法》对职业培训补贴是怎么规定的？"
    answer = hash_assistant.answer(question)
    assert answer.analysis.unknown_documents == ("中华人民共和国社会保险法",)
    assert answer.status == "not_found"
    assert answer.text.startswith("现有文件中没有《中华人民共和国社会保险法》")
    # the same question without the title is answered from the plans that do cover it
    assert hash_assistant.answer("职业培训补贴是怎么规定的？").status == "answered"


def test_a_loaded_document_named_beside_it_is_answered(hash_assistant):
    question = ("《天津市职业技能提升行动实施方案（2019—2021年）》和《中华人民共和国社会保险法》"
                "对职业培训补贴是怎么规定的？")
    analysis = hash_assistant.analyse(question)
    assert analysis.unknown_documents == ("中华人民共和国社会保险法",)
    assert analysis.scope.documents == ("tianjin-2019",)
    assert not analysis.names_only_unknown_documents
    assert not hash_assistant.weigh(analysis).evidence.unknown_document


def test_a_section_of_a_document_not_loaded_is_not_read_in_another(hash_assistant):
    # Taierzhuang's opinion has a (二十); the criminal law's article 20 is not it
    analysis = hash_assistant.analyse("《中华人民共和国刑法》第二十条是怎么规定的？")
    assert analysis.referenced == ()
    assert hash_assistant.analyse("台儿庄第二十条是怎么规定的？").referenced


def test_the_api_says_which_document_is_missing(client):
    response = client.post("/ask", json={"question": "《中华人民共和国刑法》第二十条是怎么规定的？"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "not_found" and "《中华人民共和国刑法》" in body["answer"]
