"""Follow-ups in a conversation about laws: another document named with nothing else asked
("那《互联网广告管理办法》呢？") asks the previous question of it, and after a question about the
document itself (when it took effect, who made it) the document, not that aspect, is the subject
carried. Real Legal-DC laws (linked, not copied), the real index with the hash encoder and a real
SQLite conversation store.
"""

from __future__ import annotations

import pytest

from tests.assistant.test_asked_kinds import LEGAL_DC, _assistant_over

pytestmark = pytest.mark.skipif(not LEGAL_DC.is_dir(), reason="needs ../shared/corpora/legal-dc")

_LAWS = ("中华人民共和国广告法.docx", "互联网广告管理办法.docx", "中华人民共和国煤炭法.docx")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.sqlite_conversations import SQLiteConversationStore

    folder = tmp_path_factory.mktemp("laws")
    built = _assistant_over(folder, *_LAWS)
    built.conversations = SQLiteConversationStore(folder / "conversations.sqlite3")
    return built


@pytest.mark.parametrize("followup", ["那《互联网广告管理办法》呢？", "那互联网广告管理办法呢",
                                      "《互联网广告管理办法》的规定呢", "换成《互联网广告管理办法》呢"])
def test_another_document_named_alone_is_asked_the_previous_question(assistant, followup):
    first = assistant.ask("《中华人民共和国广告法》由谁负责监督管理？")
    second = assistant.ask(followup, conversation_id=first.conversation_id)
    assert second.answer.resolved_question == "《互联网广告管理办法》由谁负责监督管理？", \
        second.answer.resolved_question
    assert {hit.document.title for hit in second.answer.hits} == {"互联网广告管理办法"}


def test_another_document_with_a_question_of_its_own_is_not_a_repeat(assistant):
    first = assistant.ask("《中华人民共和国广告法》由谁负责监督管理？")
    second = assistant.ask("那《中华人民共和国煤炭法》的立法目的是什么？",
                           conversation_id=first.conversation_id)
    assert "监督管理" not in second.answer.resolved_question
    assert {hit.document.title for hit in second.answer.hits} == {"中华人民共和国煤炭法"}


@pytest.mark.parametrize(("question", "aspect"), [
    ("《中华人民共和国广告法》什么时候开始施行？", "施行"),
    ("《中华人民共和国广告法》的立法目的是什么？", "立法"),
])
def test_after_a_question_about_the_document_itself_the_document_is_the_subject(
        assistant, question, aspect):
    first = assistant.ask(question)
    second = assistant.ask("谁负责监督管理？", conversation_id=first.conversation_id)
    resolved = second.answer.resolved_question
    assert "广告法" in resolved and aspect not in resolved, resolved
    assert {hit.document.title for hit in second.answer.hits} == {"中华人民共和国广告法"}


def test_more_after_a_clause_asked_by_number_does_not_quote_it_again(assistant):
    first = assistant.ask("《中华人民共和国煤炭法》第三条说了什么")
    quoted = first.answer.hits[0].clause.clause_id
    assert quoted.endswith("/a3") and first.answer.hits[0].via == "section_reference"
    context = assistant.conversations.last_context(first.conversation_id)
    assert context.focus_whole
    more = assistant.ask("还有别的吗", conversation_id=first.conversation_id)
    assert quoted not in [hit.clause.clause_id for hit in more.answer.hits]
    assert "还写明" not in more.answer.text


@pytest.mark.parametrize(("followups", "articles"), [
    (("下一条呢", "再往下一条", "上一条呢"), ("/a4", "/a5", "/a4")),
    (("后面一条说了什么", "前面那条"), ("/a4", "/a3")),
])
def test_the_next_or_previous_clause_of_the_one_in_focus(assistant, followups, articles):
    first = assistant.ask("《中华人民共和国煤炭法》第三条说了什么")
    assert first.answer.hits[0].clause.clause_id.endswith("/a3")
    for followup, article in zip(followups, articles):
        turn = assistant.ask(followup, conversation_id=first.conversation_id)
        hit = turn.answer.hits[0]
        assert hit.clause.clause_id.endswith(article), (followup, hit.clause.clause_id)
        assert hit.via == "followup_neighbour" and turn.answer.status == "answered"
        # the whole clause, under its document and article
        assert f"《中华人民共和国煤炭法》{hit.clause.section}：“" in turn.answer.text
        assert hit.clause.text.split("　", 1)[-1][:20] in turn.answer.text
        assert turn.answer.resolved_question == f"《中华人民共和国煤炭法》{hit.clause.section}"


def test_no_neighbour_without_a_clause_in_focus(assistant):
    from assistant.followups import TurnContext, neighbour_step

    assert neighbour_step("下一条呢", None) == 0
    assert neighbour_step("下一条呢", TurnContext("…", (), "")) == 0
    focused = TurnContext("…", (), "", focus_clause="x/a3")
    assert neighbour_step("下一条呢", focused) == 1 and neighbour_step("上一条", focused) == -1
    # a question about "the following items" is no move
    assert neighbour_step("下一条规定的对象是谁？", focused) == 0


@pytest.mark.parametrize(("followup", "expected", "article"), [
    ("这部法律什么时候施行", "《中华人民共和国煤炭法》什么时候施行", "/a67"),
    ("该法的立法目的是什么", "《中华人民共和国煤炭法》的立法目的是什么", "/a1"),
    ("这部法律是由哪个机构颁布的", "《中华人民共和国煤炭法》是由哪个机构颁布的", "/front"),
])
def test_a_word_for_the_document_discussed_names_it(assistant, followup, expected, article):
    first = assistant.ask("《中华人民共和国煤炭法》谁负责监督管理？")
    turn = assistant.ask(followup, conversation_id=first.conversation_id)
    assert turn.answer.resolved_question == expected
    assert turn.answer.hits[0].clause.clause_id.endswith(article), turn.answer.hits[0].clause
    assert "负责单位" not in turn.answer.text


def test_a_word_for_a_document_after_a_place_names_the_place_s_document(hash_assistant):
    # The previous turn was scoped to one document by its place, not by its title.
    first = hash_assistant.ask("三门峡以工代训补贴标准是多少？")
    turn = hash_assistant.ask("这个方案是哪个部门印发的", conversation_id=first.conversation_id)
    assert turn.answer.resolved_question == \
        "《三门峡市职业技能提升行动方案（2019—2021年）》是哪个部门印发的"
    assert {hit.document.doc_id for hit in turn.answer.hits} == {"sanmenxia-2019"}


@pytest.mark.parametrize("followup", ["这个规定适用于哪些企业？", "这项政策谁负责"])
def test_a_word_for_the_provision_is_not_taken_for_the_document(hash_assistant, followup):
    first = hash_assistant.ask("三门峡以工代训补贴标准是多少？")
    turn = hash_assistant.ask(followup, conversation_id=first.conversation_id)
    assert "《" not in turn.answer.resolved_question, turn.answer.resolved_question
