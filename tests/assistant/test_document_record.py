"""A document's number, issuing body and date, asked of one document, answered from the record
the parser read off its header and signature lines — on the shipped plans, through the real
assistant."""

from __future__ import annotations

import pytest

from assistant.document_record import asks_document_number, record_line
from assistant.entry_into_force import asks_enactment
from assistant.lead import responsible_body


@pytest.mark.parametrize(("question", "number", "enactment"), [
    ("三门峡的方案文号是多少？", True, False),
    ("这个文件的发文字号是什么", True, False),
    ("天津的方案是什么时候印发的？", False, True),
    ("这个通知是哪个部门发的？", False, True),
    ("台儿庄的实施意见是哪一年发布的？", False, True),
    ("该方案由哪个单位下发？", False, True),
    # what a document says, not a fact about it
    ("培训补贴什么时候发放？", False, False),
    ("企业字号变更要办什么手续？", False, False),
])
def test_what_a_question_asks_of_the_document_itself(question, number, enactment):
    assert asks_document_number(question) is number
    assert asks_enactment(question) is enactment


def test_the_record_states_what_it_holds_and_that_a_number_is_not_printed(docs_by_id):
    sanmenxia = record_line(docs_by_id["sanmenxia-2019"], number=True, enactment=False)
    assert "文号为三政办〔2019〕26号" in sanmenxia and "成文日期为2019年12月13日" in sanmenxia
    tianjin = record_line(docs_by_id["tianjin-2019"], number=True, enactment=False)
    assert "文本未载明文号" in tianjin and "天津市人民政府办公厅" in tianjin
    # A draft with no issuer or date printed: nothing to state for who or when.
    assert record_line(docs_by_id["baicheng-2019"], number=False, enactment=True) == ""


@pytest.mark.parametrize(("question", "stated", "document"), [
    ("三门峡的方案文号是多少？", "三政办〔2019〕26号", "sanmenxia-2019"),
    ("天津的方案是什么时候印发的？", "2019年8月14日", "tianjin-2019"),
    ("台儿庄的实施意见是哪一年发布的？", "2019年11月6日", "taierzhuang-2019"),
    ("綦江的通知是哪个部门发的？", "重庆市綦江区人民政府办公室", "qijiang-2019"),
])
def test_a_question_about_one_document_is_answered_from_its_record(hash_assistant, question,
                                                                   stated, document):
    answer = hash_assistant.answer(question)
    assert answer.status == "answered"
    assert stated in answer.text.splitlines()[0], answer.text
    assert answer.hits and answer.hits[0].document.doc_id == document


def test_a_question_over_several_documents_gets_no_record(hash_assistant):
    # No place named: five plans, none of whose records answers for the others.
    answer = hash_assistant.answer("这些方案的文号是多少？")
    assert "据文件的发文字号与落款" not in answer.text


def test_a_document_number_in_brackets_is_no_body_responsible(docs_by_id):
    preamble = docs_by_id["qijiang-2019"].clause("preamble")
    found = responsible_body([(1, [preamble.text], preamble.text)], ["通知", "部门"])
    assert found is None or "〔" not in found[1]


def test_a_fact_of_a_place_s_document_is_a_question_of_its_own(hash_assistant):
    # After a question about Tianjin's apprenticeships, the document itself is the subject:
    # not the previous question asked again in the same place.
    first = hash_assistant.ask("天津新型学徒制补贴标准是多少？")
    conversation = first.conversation_id
    when = hash_assistant.ask("天津的文件是哪年发的？", conversation_id=conversation).answer
    assert when.resolved_question == "天津的文件是哪年发的？"
    assert "2019年8月14日" in when.text.splitlines()[0]
    number = hash_assistant.ask("那三门峡的文号呢？", conversation_id=conversation).answer
    assert "文号" in number.resolved_question and "三门峡" in number.resolved_question
    assert "三政办〔2019〕26号" in number.text.splitlines()[0]
