"""Whether a document is in force: a text repealed by another loaded text ("《X》同时废止"), a
draft, a plan whose period has ended — marked when its clauses are quoted, and stated when the
question asks. Written texts for the corpus rule, the shipped plans and real Legal-DC rules
(linked, not copied) through the real assistant, index and API.
"""

from __future__ import annotations

from datetime import date

import pytest

from assistant.document_status import (StatusFacts, asks_document_status, status_line,
                                       title_period)
from corpus.metadata import mark_corpus_status, repealed_titles
from eval.metrics import verbatim_segments
from corpus.parser import parse_text
from tests.assistant.test_asked_kinds import LEGAL_DC, _assistant_over


@pytest.mark.parametrize("question", [
    "天津的方案现在还有效吗？",
    "这个方案还有效吗",
    "白城的方案实施期限到哪一年？",
    "《互联网广告管理暂行办法》废止了吗",
    "该办法是否仍然有效？",
    "食品安全法现在还适用吗",
    "这个通知现在还执行不",
    "方案的有效期是多久",
    "这个办法什么时候到期",
    "《示例管理办法（2019年版）》是不是已经失效了",
])
def test_questions_about_whether_a_document_is_in_force(question):
    assert asks_document_status(question)


@pytest.mark.parametrize("question", [
    "《中华人民共和国畜牧法》是否适用于养蜂？",  # what it applies to, not whether it does
    "《药品生产许可证》有效期是几年？",  # a certificate's term, not the text's
    "食品生产许可证的有效期是多久？",
    "在规定期限内未办理的怎么处罚",
    "执法期限是多久",
    "这个方案执行不力怎么办",
    "方案实施以来成效如何",
    "《互联网广告管理办法》何时开始施行？",  # when it took effect: `entry_into_force`
])
def test_other_questions_are_not(question):
    assert not asks_document_status(question)


def test_the_period_a_plan_title_sets():
    assert title_period("天津市职业技能提升行动实施方案（2019—2021年）") == (2019, 2021)
    assert title_period("某市“十四五”规划（2021-2025年）") == (2021, 2025)
    assert title_period("中华人民共和国广告法") is None


@pytest.mark.parametrize(("text", "titles"), [
    ("第三十二条　本办法自2023年5月1日起施行。2016年7月4日原国家工商行政管理总局令第87号公布的"
     "《互联网广告管理暂行办法》同时废止。", ["互联网广告管理暂行办法"]),
    ("2004年…公布的《A管理办法》和2015年…公布的《B监督规定》同时废止。", ["A管理办法", "B监督规定"]),
    # One article of a text, not the text.
    ("《C管理办法》第十条同时废止。", []),
    # A title holding the verb, in a promulgation note: it repeals nothing here.
    ("（1992年6月22日国务院令第100号发布　根据2011年1月8日《国务院关于废止和修改部分行政法规的决定》"
     "第一次修订）", []),
    ("发现该疫苗品种明显劣于其他疫苗品种的，应当注销该品种所有疫苗的药品注册证书并废止相应的国家药品标准。", []),
])
def test_the_titles_a_clause_repeals(text, titles):
    assert repealed_titles(text) == titles


def _rule(doc_id: str, text: str):
    return parse_text(text, doc_id=doc_id, source_file=f"{doc_id}.txt", overrides={"region": "全国"})


_OLD = _rule("old", "示例监督暂行办法\n（2016年7月4日某某总局令第1号公布）\n第一条　旧的规定。\n")
_NEW = _rule("new", "示例监督办法\n（2023年2月25日某某总局令第9号公布）\n第一条　新的规定。\n"
                    "第二条　本办法自2023年5月1日起施行。2016年7月4日某某总局令第1号公布的《示例监督暂行办法》"
                    "同时废止。\n")


def test_a_text_another_loaded_text_repeals_is_marked_repealed_and_restored_without_it():
    marked = {d.doc_id: d for d in mark_corpus_status([_OLD, _NEW])}
    assert marked["old"].status == "repealed" and marked["old"].status_label == "已废止"
    assert marked["old"].repealed_by == "new/a2"
    assert marked["new"].status == "final" and marked["new"].repealed_by is None
    # The repealing text removed (or a rebuild from stored documents): in force again.
    assert [(d.status, d.repealed_by) for d in mark_corpus_status([marked["old"]])] == \
        [("final", None)]


def test_a_text_does_not_repeal_itself_and_a_draft_repeals_nothing():
    # 商标印制管理办法 closes "…1996年…发布的《商标印制管理办法》同时废止": its own earlier version.
    own = _rule("own", "示例印制管理办法\n（2004年8月19日某某局令第15号公布）\n"
                       "第一条　本办法自2004年9月1日起施行。1996年9月5日发布的《示例印制管理办法》同时废止。\n")
    assert mark_corpus_status([own])[0].status == "final"
    draft = _rule("draft", "示例监督办法（征求意见稿）\n第一条　《示例监督暂行办法》同时废止。\n")
    assert {d.doc_id: d.status for d in mark_corpus_status([_OLD, draft])}["old"] == "final"


def test_a_text_repeals_no_text_dated_after_it():
    # 反间谍法 (2014) closes "1993年…通过的《中华人民共和国国家安全法》同时废止": the loaded
    # 国家安全法 of 2015 is not the one it repeals.
    later = _rule("later", "示例安全法\n（2015年7月1日某某会议通过）\n第一条　新的安全法。\n")
    earlier = _rule("earlier", "示例反间谍法\n（2014年11月1日某某会议通过）\n"
                               "第一条　1993年2月22日通过的《示例安全法》同时废止。\n")
    assert {d.doc_id: d.status for d in mark_corpus_status([later, earlier])}["later"] == "final"


def test_an_older_version_is_noted_with_the_newer_one():
    from assistant.document_status import status_note
    from corpus.metadata import newest_versions

    old = _rule("v2019", "示例管理办法（2019年版）\n（2019年1月1日某某部令第1号公布）\n第一条　旧的规定。\n")
    new = _rule("v2023", "示例管理办法（2023年版）\n（2023年1月1日某某部令第9号公布）\n第一条　新的规定。\n")
    documents = mark_corpus_status([old, new])
    newer = newest_versions(documents)
    assert {doc_id: d.doc_id for doc_id, d in newer.items()} == {"v2019": "v2023"}
    superseded = next(d for d in documents if d.doc_id == "v2019")
    note = status_note(StatusFacts(superseded, newer=newer["v2019"]))
    assert note == ("注：《示例管理办法（2019年版）》已有更新的版本《示例管理办法（2023年版）》（2023年1月1日），"
                    "所引为旧版本的条款。")
    assert status_note(StatusFacts(newer["v2019"])) == ""


def test_the_status_line_of_a_plan_whose_period_has_ended(docs_by_id):
    tianjin = status_line(StatusFacts(docs_by_id["tianjin-2019"]), date(2026, 11, 29),
                          states_validity=False)
    assert "标题写明实施期为2019—2021年，按此已于2021年底结束" in tianjin
    assert "成文日期为2019年8月14日" in tianjin and "未写明有效期" in tianjin
    # Asked in its own period, it has not ended.
    assert "已于" not in status_line(StatusFacts(docs_by_id["tianjin-2019"]), date(2020, 6, 1),
                                     states_validity=False)
    baicheng = status_line(StatusFacts(docs_by_id["baicheng-2019"]), date(2026, 11, 29),
                           states_validity=False)
    assert "送审稿，尚未正式印发施行" in baicheng


def test_a_status_question_about_a_shipped_plan(hash_assistant):
    answer = hash_assistant.answer("天津的方案现在还有效吗？")
    assert answer.status == "answered"
    assert {hit.document.doc_id for hit in answer.hits} == {"tianjin-2019"}
    assert "实施期为2019—2021年" in answer.text.splitlines()[0], answer.text
    # Not a row of its annex, as the search for 有效 ranked first before.
    assert all(hit.clause.kind != "table_row" for hit in answer.hits)


def test_a_status_question_about_two_places_answers_each_document(hash_assistant, client):
    question = "白城和綦江的文件还有效吗？"
    answer = hash_assistant.answer(question)
    assert answer.status == "answered"
    assert [hit.document.doc_id for hit in answer.hits] == ["baicheng-2019", "qijiang-2019"]
    lines = answer.text.splitlines()
    # Each document: its standing, then its clause quoted verbatim under its own number.
    assert lines[0].startswith("《白城市职业技能提升行动实施方案（2019—2021年）》是送审稿")
    assert lines[2].startswith("《重庆市綦江区人民政府办公室关于切实做好全区职业技能提升行动工作的通知》")
    for n, line in enumerate(lines[1::2], start=1):
        assert line.endswith(f"[{n}]")
    assert verbatim_segments(answer.text, [hit.clause.text for hit in answer.hits]) == (2, 2)
    # The standing is said in the answer: no note repeats it under it.
    assert "注：" not in answer.text
    body = client.post("/ask", json={"question": question}).json()
    assert [c["doc_id"] for c in body["citations"]] == ["baicheng-2019", "qijiang-2019"]


def test_a_status_question_over_a_wider_scope_is_searched(hash_settings):
    """Past `status_documents` documents in scope, the question is searched like any other:
    the records of a province's hundreds of regulations are no answer."""
    from api.deps import open_assistant
    from assistant.service import AssistantConfig, PolicyAssistant

    assistant, _ = open_assistant(hash_settings)
    narrow = PolicyAssistant(assistant.index, assistant.retriever.encoder,
                             config=AssistantConfig(status_documents=1))
    answer = narrow.answer("白城和綦江的文件还有效吗？")
    assert all(hit.via != "document_status" for hit in answer.hits)
    assert narrow.answer("白城的文件还有效吗？").hits[0].via == "document_status"


def test_an_answer_quoting_a_draft_says_so_and_one_quoting_a_final_text_does_not(hash_assistant):
    draft = hash_assistant.answer("白城对两后生开展什么培训？")
    assert draft.status == "answered" and draft.hits[0].document.status == "draft"
    assert draft.text.splitlines()[-1].startswith("注：《白城市职业技能提升行动实施方案"), draft.text
    assert "送审稿" in draft.text.splitlines()[-1]
    final = hash_assistant.answer("三门峡以工代训补贴标准是多少？")
    assert final.status == "answered" and "注：" not in final.text


def test_a_status_question_in_a_conversation_and_for_another_place(hash_assistant):
    first = hash_assistant.ask("天津的职业培训补贴有哪些？")
    second = hash_assistant.ask("这个方案还有效吗？", conversation_id=first.conversation_id)
    assert {hit.document.doc_id for hit in second.answer.hits} == {"tianjin-2019"}
    assert "实施期为2019—2021年" in second.answer.text
    third = hash_assistant.ask("那三门峡的呢？", conversation_id=first.conversation_id)
    assert {hit.document.doc_id for hit in third.answer.hits} == {"sanmenxia-2019"}
    assert "《三门峡市职业技能提升行动方案（2019—2021年）》" in third.answer.text.splitlines()[0]
    assert "实施期为2019—2021年" in third.answer.text


def test_the_api_marks_a_cited_draft(client):
    body = client.post("/ask", json={"question": "白城对两后生开展什么培训？"}).json()
    statuses = {c["doc_id"]: (c["doc_status"], c["doc_status_label"]) for c in body["citations"]}
    assert statuses["baicheng-2019"] == ("draft", "送审稿")


_ADVERTISING = ("互联网广告管理办法.docx", "互联网广告管理暂行办法.docx")


@pytest.fixture(scope="module")
def advertising(tmp_path_factory):
    if not LEGAL_DC.is_dir():
        pytest.skip("needs ../shared/corpora/legal-dc")
    return _assistant_over(tmp_path_factory.mktemp("advertising"), *_ADVERTISING)


def test_real_rules_a_repealed_text_is_answered_with_the_clause_repealing_it(advertising):
    old = next(d for d in advertising.index.documents if d.title == "互联网广告管理暂行办法")
    assert old.status == "repealed"
    answer = advertising.answer("《互联网广告管理暂行办法》现在还有效吗？")
    assert answer.status == "answered"
    assert answer.text.startswith("《互联网广告管理暂行办法》已被废止：《互联网广告管理办法》第三十二条")
    assert "自2023年5月1日起施行" in answer.text.splitlines()[0]
    hit = answer.hits[0]
    assert hit.document.title == "互联网广告管理办法" and hit.clause.key == "a32"
    quoted = answer.text.splitlines()[1].split("“", 1)[1].split("”", 1)[0]
    assert quoted in hit.clause.text and "《互联网广告管理暂行办法》同时废止" in quoted


def test_real_rules_a_clause_of_the_repealed_text_carries_a_note(advertising):
    answer = advertising.answer("《互联网广告管理暂行办法》对互联网广告发布者有什么要求？")
    assert answer.status == "answered"
    assert {hit.document.title for hit in answer.hits[:1]} == {"互联网广告管理暂行办法"}
    assert "注：《互联网广告管理暂行办法》已被《互联网广告管理办法》第三十二条废止" in answer.text


def test_real_rules_the_text_in_force_states_when_it_took_effect(advertising):
    answer = advertising.answer("《互联网广告管理办法》还有效吗")
    first, quote = answer.text.splitlines()[:2]
    assert "自2023年5月1日起施行" in first and "没有废止或替代它的文件" in first
    # The promulgation note's sentence, quoted as written.
    quoted = quote.split("“", 1)[1].split("”", 1)[0]
    assert "自2023年5月1日起施行" in quoted and quoted in answer.hits[0].clause.text


def test_real_rules_the_repealed_text_page_links_to_the_clause_repealing_it(advertising):
    from api.pages import render_document_page

    old = next(d for d in advertising.index.documents if d.title == "互联网广告管理暂行办法")
    new = next(d for d in advertising.index.documents if d.title == "互联网广告管理办法")
    page = render_document_page(old)
    assert "本文件已废止" in page and f'href="/documents/{new.doc_id}#a32"' in page
    assert "本文件已废止" not in render_document_page(new)
