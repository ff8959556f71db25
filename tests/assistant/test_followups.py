"""Follow-up phrasings written from general Chinese patterns, none taken from the development
conversations: a new aspect of the same subject, a pronoun for the clause just cited, a new
subject in the same place, and a comparison with another place.

The real follow-up resolver of the assistant over the shipped corpus (its clauses tell which
terms exist); the encoder plays no part in resolution.
"""

from __future__ import annotations

import re

import pytest

from assistant.followups import TurnContext

TIANJIN = TurnContext("天津新型学徒制补贴标准是多少？", ("天津",), "新型学徒制补贴",
                      focus_heading="", focus_region="天津")
SANMENXIA = TurnContext("三门峡以工代训补贴标准是多少？", ("三门峡",), "以工代训补贴",
                        focus_heading="开展以工代训", focus_region="三门峡")
_POINTERS = re.compile(r"这项|该项|此项|这个|这条|该条|此条|那条|那项|那个|上面|上述|它")

# A new aspect of the subject just discussed: place and subject carried over, the aspect's own
# words kept, pointing words dropped.
_ASPECTS = ("补贴期限多长？", "最多能补几个月？", "由哪个部门负责？", "申请需要什么材料？",
            "谁可以申请？", "资金从哪里来？", "什么时候开始实施？", "有没有名额限制？", "怎么申请？",
            "需要满足什么条件？", "它由哪个部门负责？", "这个补贴怎么申请？", "该政策什么时候截止？",
            "具体标准是多少？", "对企业有什么要求？", "那个补贴能领多久？", "它适用于哪些企业？",
            "可以重复领取吗？", "培训时间有要求吗？", "企业怎么申请？", "能补多少钱？", "有什么条件？",
            "资金谁出？", "那项补贴由谁负责？", "它的期限是多久？", "补贴发放到哪里？", "多久发一次？",
            "个人能申请吗？", "需要交钱吗？", "去哪里办理？", "有年龄限制吗？")


def _content(question: str) -> str:
    """The aspect's words that must survive: the question minus pointers and punctuation."""
    return _POINTERS.sub("", re.sub(r"[？?。]|吗$", "", question).strip())


@pytest.mark.parametrize("previous", [TIANJIN, SANMENXIA], ids=["tianjin", "sanmenxia"])
@pytest.mark.parametrize("question", _ASPECTS)
def test_a_new_aspect_keeps_place_and_subject(hash_assistant, previous, question):
    resolved = hash_assistant.resolve_followup(question, previous).question
    assert resolved.startswith(previous.region_words[0]), resolved
    assert previous.topic in resolved, resolved
    assert not _POINTERS.search(resolved.replace(previous.topic, "")), resolved
    # the aspect's own content words are searched with (first word enough: pointers cut mid-way)
    words = [w for w in re.split(r"[的是有吗么]", _content(question)) if len(w) >= 2]
    assert any(word in resolved for word in words), (resolved, words)


# Longer than a short follow-up, with no subject of its own (no two terms the documents use, no
# long one; numbers aside): still a new aspect of the subject carried over.
_SUBJECTLESS = ("到2021年一共要增加到多少？", "这种情况一般最晚多少天之内能办下来？",
                "从2020年开始每年大概能拿到多少？", "我想知道到底在哪儿才能办得了？",
                "一般来说大概多长时间之后能到账？", "要是中途不想干了钱还要退回去吗？")


@pytest.mark.parametrize("previous", [TIANJIN, SANMENXIA], ids=["tianjin", "sanmenxia"])
@pytest.mark.parametrize("question", _SUBJECTLESS)
def test_a_long_question_naming_no_subject_keeps_the_subject(hash_assistant, previous, question):
    resolution = hash_assistant.resolve_followup(question, previous)
    assert resolution.kind == "new_aspect", resolution
    assert resolution.question.startswith(previous.region_words[0] + previous.topic), resolution
    assert previous.topic in resolution.search, resolution


def test_a_long_question_with_a_subject_of_its_own_stands_alone(hash_assistant):
    for question in ("培训机构需要具备什么样的资质才行？", "创业补贴一般要怎么去申请？"):
        resolution = hash_assistant.resolve_followup(question, TIANJIN)
        assert resolution.kind == "own_question", resolution
        assert TIANJIN.topic not in resolution.question, resolution


# A new subject in the same place: the previous question about it, same place, same aspect.
_NEW_SUBJECTS = ("那生活费补贴呢？", "职业培训补贴呢？", "创业培训呢？", "那职业技能鉴定补贴呢？",
                 "生活费补贴呢", "那么职业培训补贴呢？")


@pytest.mark.parametrize("previous", [TIANJIN, SANMENXIA], ids=["tianjin", "sanmenxia"])
@pytest.mark.parametrize("question", _NEW_SUBJECTS)
def test_a_new_subject_replaces_the_old_one(hash_assistant, previous, question):
    subject = re.sub(r"^那么?|呢？?$", "", question)
    resolved = hash_assistant.resolve_followup(question, previous).question
    assert resolved == f"{previous.region_words[0]}{subject}标准是多少？", resolved


@pytest.mark.parametrize(("question", "expected"), [
    ("白城的职业培训补贴呢？", "白城职业培训补贴标准是多少？"),
    ("綦江生活费补贴呢？", "綦江生活费补贴标准是多少？"),
    ("那么台儿庄的创业培训呢", "台儿庄创业培训标准是多少？"),
])
def test_a_new_subject_in_a_new_place_replaces_both(hash_assistant, question, expected):
    assert hash_assistant.resolve_followup(question, TIANJIN).question == expected


# The same question about another place, said without repeating it.
_SAME_ELSEWHERE = ("{}有没有类似的？", "{}是不是也一样？", "{}也有吗？", "{}有类似的规定吗？",
                   "{}是否也如此？", "那{}也这样吗？", "{}有没有相同的政策？")


@pytest.mark.parametrize("place", ["白城", "綦江"])
@pytest.mark.parametrize("pattern", _SAME_ELSEWHERE)
def test_the_same_again_asks_the_previous_question_of_the_new_place(hash_assistant, pattern,
                                                                     place):
    resolved = hash_assistant.resolve_followup(pattern.format(place), SANMENXIA).question
    assert resolved == f"{place}以工代训补贴标准是多少？", resolved


def test_a_question_of_its_own_that_says_same_is_kept(hash_assistant):
    # 相同 here is part of what is asked, not "the same question again".
    resolved = hash_assistant.resolve_followup("民办机构能享受与公办相同的待遇吗？", SANMENXIA).question
    assert resolved == "三门峡民办机构能享受与公办相同的待遇吗？", resolved


def test_an_unknown_subject_is_not_taken_for_a_new_one(hash_assistant):
    # No clause mentions 住房公积金: the follow-up keeps the subject, so the answer can say the
    # documents do not cover it rather than answer about another topic.
    resolved = hash_assistant.resolve_followup("那住房公积金呢？", TIANJIN).question
    assert "新型学徒制补贴" in resolved and "住房公积金" in resolved, resolved


# A comparison: the same question asked of both places.
_COMPARISONS = ("和{}比呢？", "与{}相比呢？", "跟{}对比呢？", "和{}比较一下", "同{}相比如何？")


@pytest.mark.parametrize("place", ["白城", "綦江"])
@pytest.mark.parametrize("pattern", _COMPARISONS)
def test_a_comparison_asks_about_both_places(hash_assistant, pattern, place):
    resolved = hash_assistant.resolve_followup(pattern.format(place), TIANJIN).question
    assert resolved == f"天津和{place}新型学徒制补贴标准是多少？", resolved
    names = [r.name for r in hash_assistant.scope_for(resolved, None).named]
    assert all(any(p in name for name in names) for p in ("天津", place)), names


# A pronoun for the clause just cited: its heading is searched with, the pronoun is not.
_CLAUSE_POINTERS = ("上面那条说的是什么？", "这条规定的对象是谁？", "这项培训由哪个部门负责？",
                    "该条的资金从哪里来？", "那一条什么时候开始？", "此项需要什么条件？")


@pytest.mark.parametrize("question", _CLAUSE_POINTERS)
def test_a_pointer_to_the_clause_uses_its_heading(hash_assistant, question):
    resolved = hash_assistant.resolve_followup(question, SANMENXIA).question
    assert resolved.startswith("三门峡开展以工代训"), resolved
    assert not _POINTERS.search(resolved), resolved


def test_at_least_sixty_phrasings_are_covered():
    from tests.assistant.test_units import _REGION_SWITCHES

    phrasings = {*_ASPECTS, *_NEW_SUBJECTS, *_COMPARISONS, *_CLAUSE_POINTERS, *_REGION_SWITCHES,
                 *_SWITCH_WORDS, *_PLACE_SITUATIONS, *_WHICH_MORE, *_WHICH_CLAUSE,
                 *_SAME_ELSEWHERE}
    assert len(phrasings) >= 60


# -- the clause in focus: carried as state, not through the rewritten text ------------------------
FOCUSED = TurnContext("三门峡以工代训补贴标准是多少？", ("三门峡",), "以工代训补贴",
                      focus_heading="开展以工代训", focus_region="三门峡",
                      focus_clause="sanmenxia-2019/2.3.1")


@pytest.mark.parametrize("question", _CLAUSE_POINTERS)
def test_a_pointer_to_the_clause_carries_the_clause_itself(hash_assistant, question):
    from assistant.followups import clause_in_focus

    assert clause_in_focus(question, FOCUSED, hash_assistant.gazetteer.mentions(question)) == "sanmenxia-2019/2.3.1"
    resolved = hash_assistant.resolve_followup(question, FOCUSED).question
    answer = hash_assistant.answer(resolved, focus="sanmenxia-2019/2.3.1")
    assert answer.status == "answered"
    assert [h.clause.clause_id for h in answer.hits] == ["sanmenxia-2019/2.3.1"]
    assert answer.hits[0].via == "followup_focus" and answer.text.endswith("[1]")


@pytest.mark.parametrize("question", ["那綦江呢？", "最长能补多久？", "生活费补贴呢？", "綦江这条呢？"])
def test_no_clause_is_carried_without_a_pointer_or_with_a_new_place(hash_assistant, question):
    from assistant.followups import clause_in_focus

    assert clause_in_focus(question, FOCUSED, hash_assistant.gazetteer.mentions(question)) == ""
    assert clause_in_focus(question, None, ()) == ""


def test_a_focus_outside_the_asked_region_is_dropped(hash_assistant):
    analysis = hash_assistant.analyse("綦江这项补贴标准是多少？", focus="sanmenxia-2019/2.3.1")
    assert analysis.focus is None
    kept = hash_assistant.analyse("三门峡这项补贴标准是多少？", focus="sanmenxia-2019/2.3.1")
    assert kept.focus is not None and kept.focus.clause_id == "sanmenxia-2019/2.3.1"


def test_a_conversation_turn_stores_the_clause_it_cited_first(hash_settings, tmp_path):
    """Through `ask` with a real SQLite store: the second turn's "这条" reads the first turn's
    first citation."""
    from api.deps import open_assistant
    from api.settings import Settings

    settings = Settings(encoder="hash", index_dir=hash_settings.index_dir,
                        db_path=tmp_path / "conversations.sqlite3")
    assistant, _ = open_assistant(settings)
    first = assistant.ask("三门峡以工代训补贴标准是多少？")
    cited = first.answer.hits[0].clause.clause_id
    stored = assistant.conversations.last_context(first.conversation_id)
    assert stored.focus_clause == cited
    second = assistant.ask("这条由哪个部门负责？", conversation_id=first.conversation_id)
    assert [h.clause.clause_id for h in second.answer.hits] == [cited]


# -- the scope: carried as state, however the previous turn set it --------------------------------
def _assistant_with_store(index_dir, tmp_path):
    from api.deps import open_assistant
    from api.settings import Settings

    assistant, _ = open_assistant(Settings(encoder="hash", index_dir=index_dir,
                                           db_path=tmp_path / "conversations.sqlite3"))
    return assistant


def test_a_region_field_scope_is_carried_to_a_follow_up_that_sets_none(hash_settings, tmp_path):
    assistant = _assistant_with_store(hash_settings.index_dir, tmp_path)
    first = assistant.ask("以工代训补贴标准是多少？", region="綦江")
    qijiang = first.answer.analysis.scope.doc_ids
    assert qijiang == ("qijiang-2019",)
    stored = assistant.conversations.last_context(first.conversation_id)
    assert stored.scope_doc_ids == qijiang and stored.scope_regions == ("重庆市綦江区",)
    # The follow-up's text names no place (no region word was written to inherit), yet it is
    # answered in 綦江's documents only.
    second = assistant.ask("最长能补多久？", conversation_id=first.conversation_id)
    assert second.answer.analysis.scope.doc_ids == qijiang
    if second.answer.status == "answered":  # else other regions may be pointed to, by name
        assert {h.document.doc_id for h in second.answer.hits} <= set(qijiang)
    else:
        assert second.answer.text.startswith("《重庆市綦江区"), second.answer.text
    # The same question opening a conversation searches everything.
    alone = assistant.ask("最长能补多久？")
    assert not alone.answer.analysis.scope.restricted


def test_a_follow_up_naming_a_place_or_a_region_field_sets_its_own_scope(hash_settings, tmp_path):
    assistant = _assistant_with_store(hash_settings.index_dir, tmp_path)
    first = assistant.ask("以工代训补贴标准是多少？", region="綦江")
    moved = assistant.ask("那白城呢？", conversation_id=first.conversation_id)
    assert moved.answer.analysis.scope.doc_ids == ("baicheng-2019",)
    asked = assistant.ask("最长能补多久？", conversation_id=first.conversation_id, region="天津")
    assert asked.answer.analysis.scope.doc_ids == ("tianjin-2019",)


def test_a_document_named_by_title_stays_the_scope_of_the_next_turn(tmp_path):
    from assistant.service import PolicyAssistant
    from assistant.sqlite_conversations import SQLiteConversationStore
    from corpus.parser import parse_text
    from index.encoders import make_encoder
    from index.store import build_index

    def law(title, doc_id, body):
        return parse_text(f"{title}\n第一条　{body}\n第二条　违反本法的，依法承担法律责任。\n",
                          doc_id=doc_id, source_file=f"{title}.docx")

    documents = [law("中华人民共和国个人所得税法", "iit", "居民个人从境内和境外取得的所得，依法缴纳个人所得税。"),
                 law("中华人民共和国企业所得税法", "cit", "在中国境内的企业为企业所得税的纳税人。")]
    encoder = make_encoder("hash")
    index = build_index(documents, encoder, tmp_path / "index", corpus_hash="t")
    assistant = PolicyAssistant(index, encoder, SQLiteConversationStore(tmp_path / "c.sqlite3"))
    first = assistant.ask("《个人所得税法》规定谁要纳税？")
    assert first.answer.analysis.scope.doc_ids == ("iit",)
    second = assistant.ask("违反了要承担什么责任？", conversation_id=first.conversation_id)
    assert second.answer.analysis.scope.doc_ids == ("iit",)
    assert second.answer.analysis.scope.documents == ("iit",)
    assert second.answer.hits and {h.document.doc_id for h in second.answer.hits} == {"iit"}
    # A national law's region is not written into the rewrite shown, once or twice over.
    third = assistant.ask("它的处罚规定在哪一条？", conversation_id=first.conversation_id)
    assert first.answer.hits[0].document.region.is_national
    for turn in (second, third):
        assert "全国" not in turn.answer.resolved_question, turn.answer.resolved_question


def test_a_context_stored_before_the_scope_fields_still_loads():
    from assistant.conversations import _context

    old = {"resolved_question": "天津新型学徒制补贴标准是多少？", "region_words": ["天津"],
           "topic": "新型学徒制补贴", "focus_heading": "", "focus_region": "天津"}
    context = _context(old)
    assert context.region_words == ("天津",) and context.scope_doc_ids == ()
    assert context.cited_clauses == ()
    assert _context({**old, "scope_doc_ids": ["tianjin-2019"]}).scope_doc_ids == ("tianjin-2019",)


# Another value of the same unit: the previous question asked again with the value replaced.
@pytest.mark.parametrize("previous, followup, expected", [
    ("天津2019年计划培训多少人次？", "2020年呢？", "天津2020年计划培训多少人次？"),
    ("天津2019年计划培训多少人次？", "那2021年呢？", "天津2021年计划培训多少人次？"),
    ("三门峡第一批试点企业有哪些？", "第二批呢？", "三门峡第二批试点企业有哪些？"),
    ("三门峡参加培训满6个月的补贴是多少？", "3个月呢？", "三门峡参加培训满3个月的补贴是多少？"),
    # the value followed by 的, a year by its last two digits, a pronoun before the value
    ("天津2019年计划培训多少人次？", "2020年的呢", "天津2020年计划培训多少人次？"),
    ("天津2019年计划培训多少人次？", "那20年的呢？", "天津2020年计划培训多少人次？"),
    ("天津2019年计划培训多少人次？", "它2021年呢", "天津2021年计划培训多少人次？"),
])
def test_another_value_of_the_same_unit(hash_assistant, previous, followup, expected):
    region = hash_assistant.gazetteer.mentions(previous)[0].alias
    context = TurnContext(previous, (region,), "", focus_region=region)
    assert hash_assistant.resolve_followup(followup, context).question == expected


# Two values of the unit (which one?), or another unit (人 is not 人次): no replacement; the
# value is carried by the general rules instead.
@pytest.mark.parametrize("previous, followup, replaced", [
    ("綦江2019年至2021年共培训多少人次？", "2020年呢？", "2020年至2021年"),
    ("綦江2019年至2021年共培训多少人次？", "2020年呢？", "2019年至2020年"),
    ("天津新型学徒制计划300人次？", "500人呢？", "500人次"),
])
def test_no_replacement_without_one_value_of_the_unit(hash_assistant, previous, followup,
                                                      replaced):
    region = hash_assistant.gazetteer.mentions(previous)[0].alias
    context = TurnContext(previous, (region,), "", focus_region=region)
    resolved = hash_assistant.resolve_followup(followup, context).question
    assert replaced not in resolved
    assert followup.removesuffix("呢？") in resolved


# -- "还有别的吗？": more on the same question, beyond what was cited ------------------------------
@pytest.mark.parametrize("question", ["还有别的吗？", "还有其他规定吗", "还有吗？", "其他的呢？",
                                      "那还有没有别的条款？", "还有更多的吗"])
def test_asking_for_more_repeats_the_question(hash_assistant, question):
    from assistant.followups import asks_for_more

    assert asks_for_more(question, SANMENXIA)
    assert hash_assistant.resolve_followup(question, SANMENXIA).question == SANMENXIA.resolved_question


@pytest.mark.parametrize("question", ["还有别的补贴吗？", "其他地区呢？", "还有生活费补贴吗？"])
def test_a_follow_up_naming_something_is_not_a_request_for_more(question):
    from assistant.followups import asks_for_more

    assert not asks_for_more(question, SANMENXIA)
    assert not asks_for_more("还有别的吗？", None)


def test_more_quotes_the_rest_of_the_clause_then_the_clauses_not_yet_cited(hash_settings,
                                                                            tmp_path):
    from assistant.answer import split_sentences
    from eval.metrics import verbatim_segments

    assistant = _assistant_with_store(hash_settings.index_dir, tmp_path)
    first = assistant.ask("天津“师带徒”计划要选多少技能名师？")
    cited = [h.clause.clause_id for h in first.answer.hits]
    focus = first.answer.hits[0].clause
    assert len(split_sentences(focus.text)) > 3, "the first clause must say more than is quoted"
    # First, what the clause just cited says beyond what its answer quoted.
    more = assistant.ask("还有别的吗？", conversation_id=first.conversation_id)
    assert more.answer.resolved_question == "天津“师带徒”计划要选多少技能名师？"
    assert more.answer.status == "answered" and "还写明" in more.answer.text
    assert [h.clause.clause_id for h in more.answer.hits] == [focus.clause_id]
    good, total = verbatim_segments(more.answer.text, [focus.text])
    assert total and good == total
    first_quotes = {q for q in first.answer.text.split("“") if "”" in q}
    assert not {q for q in more.answer.text.split("“") if "”" in q} & first_quotes
    # Then the clauses after those cited: none of the first turn's comes back.
    again = assistant.ask("还有吗？", conversation_id=first.conversation_id)
    later = [h.clause.clause_id for h in again.answer.hits]
    assert later and not set(later) & set(cited), (cited, later)
    if again.answer.status == "not_found":
        assert again.answer.text.startswith("除已引用的条款外"), again.answer.text
    # A third "more" leaves out every turn's citations.
    stored = assistant.conversations.last_context(again.conversation_id)
    assert set(cited) | set(later) <= set(stored.cited_clauses)
    third = assistant.ask("还有吗？", conversation_id=first.conversation_id)
    assert not {h.clause.clause_id for h in third.answer.hits} & (set(cited) | set(later))


def test_the_next_clause_after_more_reads_on_from_the_clause_quoted(hash_settings, tmp_path):
    """"还有别的吗？" quotes the rest of the clause just cited; the clause stays in focus, so
    "下一条呢？" then reads the clause after it, and a second "还有别的吗？" searches instead of
    quoting the same clause again. Each turn quoting the Baicheng draft says it is a draft."""
    assistant = _assistant_with_store(hash_settings.index_dir, tmp_path)
    draft = "注：《白城市职业技能提升行动实施方案（2019—2021年）》是送审稿"
    first = assistant.ask("白城“展翅行动”是支持什么人的？")
    focus = first.answer.hits[0].clause
    assert focus.doc_id == "baicheng-2019" and draft in first.answer.text
    more = assistant.ask("还有别的吗？", conversation_id=first.conversation_id)
    assert [h.via for h in more.answer.hits] == ["followup_more"]
    assert "还写明" in more.answer.text and draft in more.answer.text
    stored = assistant.conversations.last_context(first.conversation_id)
    assert stored.focus_clause == focus.clause_id and stored.focus_whole
    following = assistant.ask("下一条呢？", conversation_id=first.conversation_id)
    hit = following.answer.hits[0]
    assert hit.via == "followup_neighbour"
    document = assistant.index.document("baicheng-2019")
    assert document.clauses.index(hit.clause) == document.clauses.index(focus) + 1
    assert draft in following.answer.text
    # In another conversation, a second "还有别的吗？" searches for other clauses.
    other = assistant.ask("白城“展翅行动”是支持什么人的？")
    assistant.ask("还有别的吗？", conversation_id=other.conversation_id)
    again = assistant.ask("还有别的吗？", conversation_id=other.conversation_id)
    assert focus.clause_id not in {h.clause.clause_id for h in again.answer.hits}


def test_more_after_the_next_clause_asks_the_conversations_subject_again(hash_settings,
                                                                           tmp_path):
    """"下一条呢？" is asked with the clause's label, which names no subject: "还有别的吗？" after
    it searches the conversation's question again, past every clause cited so far, and a
    "下一条呢？" after that reads on from the clause last read, whatever the search found."""
    assistant = _assistant_with_store(hash_settings.index_dir, tmp_path)
    first = assistant.ask("白城“展翅行动”是支持什么人的？")
    conversation = first.conversation_id
    focus = first.answer.hits[0].clause
    assistant.ask("还有别的吗？", conversation_id=conversation)
    following = assistant.ask("下一条呢？", conversation_id=conversation)
    neighbour = following.answer.hits[0].clause
    assert following.answer.hits[0].via == "followup_neighbour"
    stored = assistant.conversations.last_context(conversation)
    assert stored.resolved_question == first.answer.resolved_question
    assert stored.focus_clause == neighbour.clause_id
    seen = {h.clause.clause_id for h in first.answer.hits} | {neighbour.clause_id}
    assert seen <= set(stored.cited_clauses)
    again = assistant.ask("还有别的吗？", conversation_id=conversation)
    assert again.answer.resolved_question == first.answer.resolved_question
    assert "下一条" not in again.answer.resolved_question
    assert not {h.clause.clause_id for h in again.answer.hits} & seen
    last = assistant.ask("下一条呢？", conversation_id=conversation)
    read_on = last.answer.hits[0]
    document = assistant.index.document("baicheng-2019")
    # The clause last read: the search's first, or the neighbour when it found nothing.
    last_read = again.answer.hits[0].clause if again.answer.status == "answered" else neighbour
    assert read_on.via == "followup_neighbour"
    assert read_on.clause.doc_id == last_read.doc_id == focus.doc_id
    assert document.clauses.index(read_on.clause) == document.clauses.index(last_read) + 1


def test_more_after_a_table_row_goes_on_to_other_clauses(hash_settings, tmp_path):
    # A row of figures is quoted whole: "more" has nothing left in it and reads other clauses.
    assistant = _assistant_with_store(hash_settings.index_dir, tmp_path)
    first = assistant.ask("天津红桥区的培训任务是多少？")
    assert first.answer.hits[0].clause.kind == "table_row", first.answer.hits[0].clause
    cited = {h.clause.clause_id for h in first.answer.hits}
    more = assistant.ask("还有别的吗？", conversation_id=first.conversation_id)
    assert "还写明" not in more.answer.text
    assert not {h.clause.clause_id for h in more.answer.hits} & cited


# -- a shift marker with a question of its own: only the place is carried ----------------------
@pytest.mark.parametrize(("previous", "question", "expected"), [
    (SANMENXIA, "那綦江的生活费补贴标准是多少？", "綦江生活费补贴标准是多少？"),
    (TIANJIN, "那三门峡计划培训多少退役军人？", "三门峡计划培训多少退役军人？"),
    (SANMENXIA, "那职业技能鉴定补贴怎么申请？", "三门峡职业技能鉴定补贴怎么申请？"),
    (TIANJIN, "要是培训机构的话有什么要求？", "天津培训机构的话有什么要求？"),
])
def test_a_shift_to_a_question_of_its_own_carries_only_the_place(hash_assistant, previous,
                                                                 question, expected):
    assert hash_assistant.resolve_followup(question, previous).question == expected


@pytest.mark.parametrize("question", ["那培训时间有要求吗？", "那么它由哪个部门负责？",
                                      "那要交什么材料？"])
def test_a_shift_to_an_aspect_keeps_the_subject(hash_assistant, question):
    resolved = hash_assistant.resolve_followup(question, SANMENXIA).question
    assert resolved.startswith("三门峡以工代训补贴"), resolved


def test_a_new_place_takes_the_old_one_s_position_in_the_question(hash_assistant):
    previous = TurnContext("我是自主就业退役士兵，在台儿庄培训能领生活费吗？", ("台儿庄",),
                           "自主就业退役士兵培训生活费")
    resolved = hash_assistant.resolve_followup("那在三门峡呢？", previous).question
    assert resolved == "我是自主就业退役士兵，在三门峡培训能领生活费吗？"


# -- the search is built from state; the rewrite is only shown -----------------------------------
def test_a_new_place_searches_the_previous_search_with_the_new_place(hash_assistant):
    # The previous turn was shown as an English rewrite; its search text is what is carried.
    previous = TurnContext("What about Sanmenxia? (following: …)", ("三门峡",), "以工代训补贴",
                           search_text="以工代训补贴标准是多少？",
                           topic_terms=("以工代训", "补贴", "标准"))
    resolution = hash_assistant.resolve_followup("那綦江呢？", previous)
    assert resolution.kind == "same_question"
    assert resolution.search == "綦江以工代训补贴标准是多少？"
    assert resolution.places == ("綦江",)
    assert resolution.carried == ("以工代训", "补贴", "标准")


def test_a_first_question_is_searched_as_typed(hash_assistant):
    resolution = hash_assistant.resolve_followup("我在台儿庄培训能领生活费吗？", None)
    assert resolution.search == resolution.question == "我在台儿庄培训能领生活费吗？"
    assert resolution.places == ("台儿庄",) and resolution.kind == "standalone"


def test_carried_subject_terms_stay_key_terms_of_the_follow_up(hash_settings, tmp_path):
    assistant = _assistant_with_store(hash_settings.index_dir, tmp_path)
    first = assistant.ask("三门峡以工代训补贴标准是多少？")
    context = assistant.conversations.last_context(first.conversation_id)
    assert context.search_text == "以工代训补贴标准是多少？"
    assert "以工代训" in context.topic_terms
    second = assistant.ask("最长能补多久？", conversation_id=first.conversation_id)
    analysis = second.answer.analysis
    assert "以工代训" in analysis.terms
    assert analysis.question.startswith("三门峡") and "以工代训" in analysis.question
    assert second.answer.resolved_question == "三门峡以工代训补贴标准最长能补多久？"


def test_an_english_follow_up_is_shown_in_english_and_searched_with_the_subject(hash_assistant):
    previous = TurnContext("How much is Sanmenxia's work-based training subsidy?", ("Sanmenxia",),
                           "以工代训补贴", search_text="How much is 's work-based training subsidy?",
                           topic_terms=("以工代训", "补贴"))
    resolution = hash_assistant.resolve_followup("Who is responsible for it?", previous)
    assert not re.search(r"[\u4e00-\u9fff]", resolution.question), resolution.question
    assert resolution.question.startswith("Who is responsible for it?")
    assert "以工代训补贴" in resolution.search and resolution.places == ("Sanmenxia",)


# Demonstratives with a classifier ("this kind of", "this part") point at the subject discussed.
_DEMONSTRATIVES = ("这类人能参加吗？", "这种做法怎么申请？", "这方面由谁牵头？", "这笔资金从哪里出？",
                   "剩下的这部分怎么办？", "这事由谁来办？", "那类企业能申请吗？")


@pytest.mark.parametrize("question", _DEMONSTRATIVES)
def test_a_demonstrative_carries_the_subject(hash_assistant, question):
    resolution = hash_assistant.resolve_followup(question, SANMENXIA)
    assert resolution.kind == "new_aspect", resolution
    assert resolution.question.startswith("三门峡以工代训补贴"), resolution.question
    assert not re.search(r"这(类|种|方面|笔|部分|事)|那类", resolution.question)


@pytest.mark.parametrize("question", ["职业院校这块有什么政策？", "创业培训这方面有什么规定？"])
def test_a_demonstrative_after_its_own_noun_points_at_nothing_earlier(hash_assistant, question):
    resolution = hash_assistant.resolve_followup(question, SANMENXIA)
    assert resolution.kind == "own_question", resolution
    assert resolution.question == f"三门峡{question}"
    assert "以工代训" not in resolution.search


# "綦江那边呢，…", "白城那边…": a place and a word for "over there" open a follow-up about it.
@pytest.mark.parametrize("question", ["綦江那边呢，谁负责？", "綦江那边谁负责？", "綦江这边呢，由谁负责？"])
def test_a_place_over_there_carries_the_subject_to_it(hash_assistant, question):
    resolution = hash_assistant.resolve_followup(question, SANMENXIA)
    assert resolution.places == ("綦江",)
    assert resolution.question.startswith("綦江以工代训补贴"), resolution.question
    assert "那边" not in resolution.question and "这边" not in resolution.question
    assert "负责" in resolution.question


def test_a_new_place_with_a_subject_of_its_own_carries_only_the_place(hash_assistant):
    resolution = hash_assistant.resolve_followup("白城那边办不办创业培训？", SANMENXIA)
    assert resolution.kind == "own_question", resolution
    assert resolution.places == ("白城",) and "以工代训" not in resolution.search


@pytest.mark.parametrize("question", ["跟綦江比，期限有什么不同？", "和綦江相比呢，期限有啥区别？"])
def test_a_comparison_with_an_aspect_asks_it_of_both_places(hash_assistant, question):
    resolution = hash_assistant.resolve_followup(question, SANMENXIA)
    assert resolution.kind == "comparison"
    assert resolution.places == ("三门峡", "綦江")
    assert resolution.question.startswith("三门峡和綦江以工代训补贴"), resolution.question
    assert "期限" in resolution.search


@pytest.mark.parametrize("followup, expected", [
    ("到2022年呢？", "綦江到2022年计划培训多少人次？"),
    ("那截至2020年呢", "綦江截至2020年计划培训多少人次？"),
])
def test_another_value_after_a_preposition(hash_assistant, followup, expected):
    context = TurnContext("綦江2019年计划培训多少人次？", ("綦江",), "", focus_region="綦江")
    assert hash_assistant.resolve_followup(followup, context).question == expected


# Another unit of the table row just discussed: the rest of the question kept.
@pytest.mark.parametrize("followup, expected", [
    ("区应急局呢？", "綦江区应急局2020年的培训指导计划是多少人次？"),
    ("那区司法局同一年呢", "綦江区司法局2020年的培训指导计划是多少人次？"),
    ("司法局的呢", "綦江区司法局2020年的培训指导计划是多少人次？"),
])
def test_another_unit_of_the_row_discussed(hash_assistant, followup, expected):
    context = TurnContext("綦江区人力社保局2020年的培训指导计划是多少人次？", ("綦江区",), "",
                          focus_region="綦江", focus_entity="区人力社保局")
    resolution = hash_assistant.resolve_followup(followup, context)
    assert (resolution.question, resolution.kind) == (expected, "another_unit")


def test_a_unit_alone_is_no_other_unit_without_a_row_in_focus(hash_assistant):
    # The previous answer cited no table row: 区应急局 is then a subject of its own.
    context = TurnContext("綦江区人力社保局2020年的培训指导计划是多少人次？", ("綦江区",), "",
                          focus_region="綦江")
    assert hash_assistant.resolve_followup("区应急局呢？", context).kind != "another_unit"


def test_a_unit_follow_up_asked_in_a_conversation_cites_its_row(hash_assistant):
    first = hash_assistant.ask("綦江区人力社保局2020年的培训指导计划是多少人次？")
    assert first.answer.hits[0].clause.clause_id == "qijiang-2019/annex.row1"
    followup = hash_assistant.ask("区应急局呢？", conversation_id=first.conversation_id)
    assert followup.answer.resolved_question.startswith("綦江区应急局2020年")
    from assistant.tables import row_label
    assert row_label(followup.answer.hits[0].clause) == "区应急局"


def test_a_long_run_of_bare_follow_ups_does_not_grow_the_search(hash_settings, tmp_path):
    # Schemathesis found it: the subject joined with the terms inside it doubled every turn
    # ("6byet0" → "6byet06byet0" → …), until one turn took minutes.
    assistant = _assistant_with_store(hash_settings.index_dir, tmp_path)
    conversation = assistant.ask("6BYet{P}").conversation_id
    for _ in range(25):
        assistant.ask("0", conversation_id=conversation)
    context = assistant.conversations.last_context(conversation)
    assert len(context.search_text) < 60, context.search_text
    assert all(len(term) < 60 for term in context.topic_terms), context.topic_terms


def test_a_shared_place_name_is_read_in_the_conversation_s_places(hash_settings, tmp_path):
    # 和平区 is Tianjin's and Shenyang's, 蓟州区's pinyin also Hebei's 冀州区 and Jiangxi's 吉州区:
    # alone they name no region; after a question about Tianjin they name its districts.
    assistant = _assistant_with_store(hash_settings.index_dir, tmp_path)
    assert assistant.analyse("和平区的新型学徒计划是多少？").scope.named == ()
    first = assistant.ask("天津各区2019年新型学徒计划是多少？")
    second = assistant.ask("那和平区呢？", conversation_id=first.conversation_id)
    assert [r.name for r in second.answer.analysis.scope.named] == ["天津市和平区"]
    assert second.answer.resolved_question.startswith("和平区")
    third = assistant.ask("What about Jizhou District?", conversation_id=first.conversation_id)
    assert [r.name for r in third.answer.analysis.scope.named] == ["天津市蓟州区"]
    assert third.answer.analysis.scope.doc_ids == ("tianjin-2019",)


# "两边", "两地": the last two places the conversation discussed, compared.
def test_both_places_are_the_last_two_discussed(hash_assistant):
    context = TurnContext("綦江是按月报还是按季报", ("綦江",), "", focus_region="綦江",
                          places_discussed=("綦江", "三门峡"))
    resolution = hash_assistant.resolve_followup("两边哪个报送频率高", context)
    assert resolution.places == ("三门峡", "綦江") and resolution.kind == "comparison"
    assert resolution.question.startswith("三门峡和綦江"), resolution.question
    # with one place discussed there is no pair to compare
    alone = TurnContext("綦江是按月报还是按季报", ("綦江",), "", focus_region="綦江",
                        places_discussed=("綦江",))
    assert hash_assistant.resolve_followup("两边哪个报送频率高", alone).places == ("綦江",)


def test_a_conversation_remembers_its_places_and_compares_both(hash_assistant):
    first = hash_assistant.ask("三门峡以工代训补贴标准是多少？")
    second = hash_assistant.ask("綦江呢？", conversation_id=first.conversation_id)
    context = hash_assistant.conversations.last_context(first.conversation_id)
    assert context.places_discussed[:2] == ("綦江", "三门峡")
    third = hash_assistant.ask("两地有什么不同？", conversation_id=second.conversation_id)
    assert set(third.answer.scope.doc_ids) == {"sanmenxia-2019", "qijiang-2019"}
    assert third.answer.resolved_question.startswith("三门峡和綦江")


def test_a_turn_stored_before_places_were_remembered_reads_its_own_places():
    from assistant.conversations import _context

    old = {"resolved_question": "綦江以工代训补贴标准是多少？", "region_words": ["綦江"],
           "topic": "以工代训补贴", "focus_heading": "", "focus_region": "綦江"}
    from assistant.followups import places_discussed
    assert places_discussed(("白城",), _context(old)) == ("白城", "綦江")


def test_two_names_of_one_place_are_one_place_discussed(hash_assistant):
    from assistant.followups import places_discussed

    before = TurnContext("綦江区以工代训补贴标准是多少？", ("綦江区",), "",
                         places_discussed=("綦江区", "三门峡"))
    # 綦江 and 綦江区 name one district: the pair to compare stays 綦江 and 三门峡
    assert places_discussed(("綦江",), before, hash_assistant._place_named) == ("綦江", "三门峡")
    assert places_discussed(("綦江",), before) == ("綦江", "綦江区", "三门峡")


# -- a body the previous answer named: 他们, 该部门 --------------------------------------------------
_AFTER_BODY = TurnContext("白城职业技能培训归哪个部门负责？", ("白城",), "职业技能培训",
                          focus_region="白城", focus_body="市人社局")


@pytest.mark.parametrize(("question", "expected"), [
    ("他们的电话是多少", "白城市人社局的电话是多少？"),
    ("该部门还负责什么", "白城市人社局还负责什么？"),
    ("这个单位2020年的任务是多少人次？", "白城市人社局2020年的任务是多少人次？"),
    ("那她们的办公地点在哪", "白城市人社局的办公地点在哪？"),
])
def test_a_word_for_the_body_just_named_asks_about_that_body(hash_assistant, question,
                                                             expected):
    resolution = hash_assistant.resolve_followup(question, _AFTER_BODY)
    assert resolution.kind == "body_pointer"
    assert resolution.question == expected
    assert resolution.asked.startswith("市人社局")


def test_a_district_body_is_not_shown_after_its_district_twice(hash_assistant):
    previous = TurnContext("綦江区退役军人的技能培训由哪个部门组织", ("綦江区",), "退役军人培训",
                           focus_region="綦江区", focus_body="区退役军人事务局")
    resolution = hash_assistant.resolve_followup("他们三年一共要培训多少人", previous)
    assert resolution.question == "綦江区退役军人事务局三年一共要培训多少人？"
    assert resolution.asked == "区退役军人事务局三年一共要培训多少人？"


@pytest.mark.parametrize("question", ["他们能领生活费补贴吗？", "他们要交学费吗"])
def test_without_a_body_named_they_are_the_people_discussed(hash_assistant, question):
    # After a question about a group of people, 他们 are those people: nothing to put in.
    previous = TurnContext("白城对贫困劳动力有什么培训安排？", ("白城",), "贫困劳动力培训",
                           focus_region="白城")
    resolution = hash_assistant.resolve_followup(question, previous)
    assert resolution.kind != "body_pointer"
    assert "人社局" not in resolution.question


def test_a_follow_up_naming_a_place_is_not_about_the_body(hash_assistant):
    resolution = hash_assistant.resolve_followup("那綦江他们归哪个部门", _AFTER_BODY)
    assert resolution.kind != "body_pointer"
    assert "市人社局" not in resolution.question


def test_the_body_a_which_body_answer_names_is_carried_to_they(hash_settings, tmp_path):
    """Through `ask` with a real SQLite store: the lead's body is stored with the turn and read
    by the next turn's 他们, and kept while the turns ask about it."""
    assistant = _assistant_with_store(hash_settings.index_dir, tmp_path)
    first = assistant.ask("綦江的退役军人技能培训由哪个部门组织？")
    assert "写明的负责单位：“区退役军人事务局”" in first.answer.text
    assert first.answer.named_body == "区退役军人事务局"
    conversation = first.conversation_id
    assert assistant.conversations.last_context(conversation).focus_body == "区退役军人事务局"
    second = assistant.ask("他们明年要培训多少人", conversation_id=conversation)
    assert second.answer.resolved_question.startswith("綦江退役军人事务局明年") or \
        second.answer.resolved_question.startswith("綦江区退役军人事务局明年")
    third = assistant.ask("他们的配合单位是谁", conversation_id=conversation)
    assert third.answer.resolved_question.startswith("綦江区退役军人事务局")


# -- a new place with a figure of another kind -----------------------------------------------------
_PERIOD_ASKED = TurnContext("三门峡以工代训补贴最长能补几个月？", ("三门峡",), "以工代训补贴",
                            focus_region="三门峡")


def test_a_new_place_asking_another_kind_of_figure_asks_that_figure(hash_assistant):
    resolution = hash_assistant.resolve_followup("綦江那块每月能补多少钱", _PERIOD_ASKED)
    assert resolution.kind == "new_aspect"
    assert "补多少钱" in resolution.question and "几个月" not in resolution.question
    assert resolution.question.startswith("綦江")


@pytest.mark.parametrize("question", ["那綦江呢", "綦江那边最长补几个月", "綦江能补多久"])
def test_a_new_place_asking_the_same_kind_of_figure_asks_the_same_question(hash_assistant,
                                                                        question):
    resolution = hash_assistant.resolve_followup(question, _PERIOD_ASKED)
    assert resolution.kind == "same_question"
    assert resolution.question == "綦江以工代训补贴最长能补几个月？"


def test_a_new_place_after_a_comparison_leaves_no_dangling_and(hash_assistant):
    previous = TurnContext("台儿庄和綦江技能大师工作室补助有什么区别？", ("台儿庄", "綦江"),
                           "技能大师工作室补助", focus_region="台儿庄")
    resolution = hash_assistant.resolve_followup("那白城呢", previous)
    assert resolution.question == "白城技能大师工作室补助有什么区别？"


# -- words that only switch the place, a place's "situation", two places compared, which clause ---
_SWITCH_WORDS = ("换个地方，{}的呢", "换个地区，{}呢？", "改成{}", "换一个城市，{}怎么样？",
                 "改到{}问问")
_PLACE_SITUATIONS = ("那{}的情况呢？", "{}的政策又如何？", "{}那边的规定呢", "如果是{}的做法呢",
                     "{}的情况是怎样的？", "在{}的安排呢")


@pytest.mark.parametrize("place", ["白城", "綦江", "天津"])
@pytest.mark.parametrize("pattern", _SWITCH_WORDS + _PLACE_SITUATIONS)
def test_a_switch_or_a_place_s_situation_asks_the_previous_question_there(hash_assistant,
                                                                        pattern, place):
    # 地方 and 情况 are words the texts use: read as the question's subject, they turned the
    # previous question into "…标准换个地方，的？" or "…情况是多少？".
    resolution = hash_assistant.resolve_followup(pattern.format(place), SANMENXIA)
    assert resolution.question == f"{place}以工代训补贴标准是多少？", resolution.question
    assert resolution.kind == "same_question"


@pytest.mark.parametrize("question", ["白城的培训补贴政策呢", "白城创业培训的情况呢？"])
def test_a_place_s_situation_with_a_subject_of_its_own_asks_about_that_subject(hash_assistant,
                                                                              question):
    resolution = hash_assistant.resolve_followup(question, SANMENXIA)
    assert resolution.question.startswith("白城"), resolution.question
    assert "以工代训" not in resolution.question, resolution.question


_WHICH_MORE = ("{}和{}哪个标准高？", "{}与{}谁补得多？", "{}跟{}哪边期限长？", "{}和{}哪个地方补得更多")


@pytest.mark.parametrize("pattern", _WHICH_MORE)
def test_two_places_named_and_asked_which_is_more_are_compared(hash_assistant, pattern):
    resolution = hash_assistant.resolve_followup(pattern.format("白城", "綦江"), SANMENXIA)
    assert resolution.kind == "comparison"
    assert resolution.question.startswith("白城和綦江"), resolution.question
    assert "以工代训补贴" in resolution.question and "三门峡" not in resolution.question
    assert "和和" not in resolution.question and not resolution.question.startswith("白城和綦江和")
    names = [r.name for r in hash_assistant.scope_for(resolution.question, None).named]
    assert any("白城" in n for n in names) and any("綦江" in n for n in names), names


def test_one_place_asked_which_is_more_is_no_comparison_of_named_places(hash_assistant):
    # One place named: 哪个 asks something of that place (which of its subsidies is higher).
    resolution = hash_assistant.resolve_followup("白城哪个补贴标准高？", SANMENXIA)
    assert not resolution.question.startswith("三门峡和"), resolution.question


_WHICH_CLAUSE = ("具体是第几条规定的？", "这是出自哪个文件？", "原文怎么写的？", "是哪一条？",
                 "出处在哪")


@pytest.mark.parametrize("question", _WHICH_CLAUSE)
def test_asking_which_clause_reads_the_clause_in_focus(hash_assistant, question):
    from assistant.followups import clause_in_focus

    mentions = hash_assistant.gazetteer.mentions(question)
    assert clause_in_focus(question, FOCUSED, mentions) == "sanmenxia-2019/2.3.1"
    resolution = hash_assistant.resolve_followup(question, FOCUSED)
    assert resolution.kind == "which_clause", resolution
    # the previous question, asked again of the clause in focus
    assert resolution.question.startswith("三门峡以工代训补贴标准是多少"), resolution.question
    assert resolution.search == "三门峡以工代训补贴标准是多少？", resolution.search
    answer = hash_assistant.answer(resolution.question, resolution=resolution,
                                   focus="sanmenxia-2019/2.3.1")
    assert answer.status == "answered"
    assert [h.clause.clause_id for h in answer.hits] == ["sanmenxia-2019/2.3.1"]
    # the citation names the clause by document and section, quoting what the question asked
    assert "《三门峡市职业技能提升行动方案（2019—2021年）》二、（三）1.：" in answer.text
    assert "200元" in answer.text


def test_asking_which_clause_in_a_new_place_carries_no_clause(hash_assistant):
    from assistant.followups import clause_in_focus

    question = "綦江是第几条规定的？"
    assert clause_in_focus(question, FOCUSED, hash_assistant.gazetteer.mentions(question)) == ""


@pytest.mark.parametrize("question", ["哪项补贴标准最高？", "哪个文件规定了生活费补贴？"])
def test_which_subsidy_or_which_text_is_no_question_about_the_clause_in_focus(hash_assistant,
                                                                           question):
    from assistant.followups import clause_in_focus

    assert clause_in_focus(question, FOCUSED, hash_assistant.gazetteer.mentions(question)) == ""
    assert hash_assistant.resolve_followup(question, FOCUSED).kind not in (
        "clause_pointer", "which_clause")


@pytest.mark.parametrize("question", ["綦江的培训补贴改成按月发放了吗？", "綦江改革培训补贴了吗"])
def test_switch_words_inside_a_question_are_its_own(hash_assistant, question):
    resolution = hash_assistant.resolve_followup(question, SANMENXIA)
    assert "按月" in resolution.question or "改革" in resolution.question, resolution.question


@pytest.mark.parametrize("question", ["綦江那边的标准呢", "那綦江的补贴呢？", "綦江的补贴标准呢"])
def test_a_new_place_with_a_bare_word_of_the_previous_question_asks_it_again(hash_assistant,
                                                                             question):
    # 标准 is a word the texts use, but the previous question holds it: no new subject.
    resolution = hash_assistant.resolve_followup(question, TIANJIN)
    assert resolution.question == "綦江新型学徒制补贴标准是多少？", resolution.question


def test_a_new_place_asking_with_a_word_of_the_previous_question_is_not_a_repeat(hash_assistant):
    # 享受 is in the previous question, but the turn asks something of its own about it.
    previous = TurnContext("在綦江培训拿了证，一年最多能享受几次培训补贴？", ("綦江",), "培训补贴",
                           focus_region="綦江")
    resolution = hash_assistant.resolve_followup("我户口不在白城，在白城打工能享受吗", previous)
    assert "几次" not in resolution.question, resolution.question


def test_which_clause_is_answered_from_the_stored_turn_s_first_citation(hash_settings, tmp_path):
    """Through `ask` with a real SQLite store: 第几条 reads the clause the first turn cited first
    and quotes it again with its section; a later place switch asks the first question there."""
    assistant = _assistant_with_store(hash_settings.index_dir, tmp_path)
    first = assistant.ask("三门峡以工代训补贴标准是多少？")
    cited = first.answer.hits[0].clause.clause_id
    second = assistant.ask("具体是第几条规定的？", conversation_id=first.conversation_id)
    assert [h.clause.clause_id for h in second.answer.hits] == [cited]
    assert second.answer.hits[0].via == "followup_focus"
    assert second.answer.resolved_question.startswith("三门峡以工代训补贴标准是多少")
    third = assistant.ask("那綦江呢", conversation_id=first.conversation_id)
    assert third.answer.resolved_question.startswith("綦江以工代训补贴标准是多少")
    assert third.answer.hits[0].document.region.name.endswith("綦江区")


# -- another column of the table row just discussed -----------------------------------------------
_ROW_ASKED = TurnContext("河西区补贴培训总数是多少？", ("河西区",), "补贴培训总数",
                         focus_region="天津", focus_entity="河西区",
                         topic_terms=("补贴", "培训", "总数"))


@pytest.mark.parametrize("followup", ["新型学徒制呢？", "那新型学徒制呢", "新型学徒制的呢"])
def test_a_bare_noun_after_a_row_asks_that_row_s_other_column(hash_assistant, followup):
    resolution = hash_assistant.resolve_followup(followup, _ROW_ASKED)
    assert (resolution.question, resolution.kind) == ("河西区新型学徒制是多少？", "row_column")


def test_another_column_asked_in_a_conversation_cites_the_same_row(hash_assistant):
    first = hash_assistant.ask("天津河西区补贴培训总数是多少？")
    assert first.answer.hits[0].clause.clause_id == "tianjin-2019/annex.row4"
    followup = hash_assistant.ask("新型学徒制呢", conversation_id=first.conversation_id)
    assert followup.answer.resolved_question.endswith("河西区新型学徒制是多少？")
    assert followup.answer.hits[0].clause.clause_id == "tianjin-2019/annex.row4"


def test_a_new_place_after_a_quoted_title_drops_the_title(hash_assistant):
    # 三门峡 inside 《三门峡市…方案》 names that document: replaced by 綦江 it made a title no
    # document has, which the answer then refused as a document not loaded.
    previous = TurnContext("《三门峡市职业技能提升行动方案（2019—2021年）》中以工代训补贴标准是多少？",
                           ("三门峡市",), "以工代训补贴", focus_region="三门峡")
    resolution = hash_assistant.resolve_followup("那綦江呢", previous)
    assert resolution.question == "綦江以工代训补贴标准是多少？", resolution.question
    assert "《" not in resolution.search


def test_a_row_s_unit_that_is_also_the_place_is_written_once(hash_assistant):
    previous = TurnContext("河西区新型学徒制是多少？", ("河西区",), "新型学徒制",
                           focus_region="天津", focus_entity="河西区", topic_terms=("新型学徒制",))
    resolution = hash_assistant.resolve_followup("要求是什么", previous)
    assert resolution.question.count("河西区") == 1, resolution.question
