"""Which figure the lead quotes when a clause states several, on the seeds' real clauses: the
unit asked, the limit asked, the question's subject before its years, and one figure for each
part of a question asking several."""

from __future__ import annotations

from assistant.answer import answered_text
from assistant.figures import asked_unit, in_unit
from assistant.lead import asked_for
from assistant.records import Hit
from eval.metrics import verbatim_segments


def _lead(docs_by_id, question: str, terms: list[str], doc_id: str, section: str) -> str:
    document = docs_by_id[doc_id]
    hit = Hit(clause=document.clause(section), document=document, score=1.0)
    text = answered_text(question, terms, [hit], asked_for(question))
    good, total = verbatim_segments(text, [hit.clause.text])
    assert total > 0 and good == total  # every quote, the lead's too, is the clause's own
    return text.split("\n")[0]


def test_the_subject_not_the_year_tells_two_figures_of_one_sentence_apart(docs_by_id):
    # "到2021年底技能劳动者占…28%以上，高技能人才占技能劳动者比例达到31%以上": the year opens the
    # sentence for both figures; 高技能人才 says which one is asked.
    lead = _lead(docs_by_id, "到2021年底，高技能人才占技能劳动者的比例要达到多少？",
                 ["2021", "年底", "高技能人才", "技能劳动者", "比例"], "tianjin-2019", "2")
    assert "“高技能人才占技能劳动者比例达到31%以上”[1]" in lead
    assert "28%" not in lead


def test_the_sentence_holding_the_subject_gives_the_share(docs_by_id):
    # Qijiang 4.3 states 8% (a tax ceiling on the same funds) and 60% (the share for front-line
    # workers); the question's words beside the figure decide, and 至少 asks a lower limit.
    lead = _lead(docs_by_id, "职工教育经费中用于一线职工培训的比例至少是多少？",
                 ["职工教育经费", "一线职工", "培训", "比例"], "qijiang-2019", "4.3")
    assert "“其中60%以上用于一线职工培训”[1]" in lead


def test_a_limit_asked_for_is_led_with_the_limit(docs_by_id):
    # 20% of the equipment's value, at most 50万元 and 10万元: 最高 asks the limit, and 分别 pairs
    # the two figures, so the piece is not cut at the enumeration comma.
    lead = _lead(docs_by_id, "高技能人才培训基地和技能大师工作室的一次性补助最高是多少？",
                 ["高技能人才", "培训基地", "技能大师工作室", "一次性", "补助"],
                 "sanmenxia-2019", "2.2.1")
    assert "“最高分别不超过50万元、10万元”[1]" in lead


def test_each_part_of_a_question_asking_two_figures_gets_its_figure(docs_by_id):
    question = "企业购置实训设备，补助按多大比例，最高补助多少？"
    asked = asked_for(question)
    assert [part.asked.unit for part in asked.parts] == ["%", ""]
    assert [part.asked.bound for part in asked.parts] == ["", "upper"]
    lead = _lead(docs_by_id, question, ["企业", "购置", "实训设备", "补助", "比例"],
                 "sanmenxia-2019", "2.2.1")
    assert "20%" in lead and "最高分别不超过50万元、10万元" in lead
    assert lead.count("[1]") == 1  # two pieces of one citation, one marker


def test_the_sentence_with_the_figure_in_the_unit_asked_is_quoted(docs_by_id):
    # Sanmenxia 2.1.1 names the plan in its first sentences and states 3年培训4.75万人次 in its
    # third: the quote, and so the lead, must hold the figure in 人次.
    lead = _lead(docs_by_id, "先进制造业和新兴产业技能提升计划三年培训多少人次？",
                 ["先进", "制造业", "新兴产业", "技能提升", "计划", "三年", "培训", "人次"],
                 "sanmenxia-2019", "2.1.1")
    assert "“3年培训4.75万人次以上”[1]" in lead


def test_a_count_without_a_measure_word_is_a_figure(docs_by_id):
    # 三年培训1.8万新型学徒: a count of people written without 人 or 名.
    lead = _lead(docs_by_id, "三年要培训多少新型学徒？", ["三年", "培训", "新型学徒"],
                 "tianjin-2019", "3.1.1")
    assert "“三年培训1.8万新型学徒”[1]" in lead
    # …while the unit written out decides between sentences sharing as many words: 位 counts
    # people as 名 does.
    lead = _lead(docs_by_id, "要遴选多少位技能名师结对带徒？", ["遴选", "技能名师", "结对", "带徒"],
                 "tianjin-2019", "3.1.1")
    assert "“遴选1000名技能名师”[1]" in lead


def test_units_asked_in_other_words():
    assert asked_unit("一年最多能领几回补贴") == "次"
    assert asked_unit("要挑多少位师傅") == "位"
    assert asked_unit("先行拨付多大比例") == "%"
    assert asked_unit("行业标准包括哪几个环节") == ""  # 哪几: which ones, no number
    assert in_unit("位", "遴选1000名技能名师") == 2
    assert in_unit("人", "三年培训1.8万新型学徒") == 1
    assert in_unit("人", "最高分别不超过50万元") == 0  # 万元 is money, not a bare count
    assert in_unit("元", "三年培训1.8万新型学徒") == 0
