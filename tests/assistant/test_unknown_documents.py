"""A question about a document that is not loaded is told so, not answered from other texts."""

from __future__ import annotations

from assistant.documents import DocumentResolver, is_document_title, quoted_titles


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
