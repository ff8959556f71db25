"""A year of a plan (头一年, 第二年, 最后一年) read as the calendar year its documents state."""

from __future__ import annotations

from assistant.answer import answered_text
from assistant.lead import asked_for
from assistant.plan_years import calendar_years, document_period
from assistant.records import Hit


def test_a_plans_period_is_read_from_its_title_or_its_opening_clauses(docs_by_id):
    assert document_period(docs_by_id["tianjin-2019"]) == (2019, 2021)  # （2019—2021年） in the title
    # Qijiang's notice names no period in its title; its target clause does ("2019—2021年，持续
    # 开展…"), while its preamble's span lies inside the national plan's title, which it implements.
    assert document_period(docs_by_id["qijiang-2019"]) == (2019, 2021)


def test_an_ordinal_year_becomes_the_calendar_year_of_one_period():
    period = [(2019, 2021)]
    assert calendar_years("头一年培训多少人次？", period) == "2019年培训多少人次？"
    assert calendar_years("第二年计划培训多少人次", period) == "2020年计划培训多少人次"
    assert calendar_years("最后一年呢？", period) == "2021年呢？"
    assert calendar_years("第五年呢？", period) == "第五年呢？"  # past the period's end
    # Documents running over different periods, or one stating none: nothing to read it by.
    assert calendar_years("头一年呢？", [(2019, 2021), (2020, 2022)]) == "头一年呢？"
    assert calendar_years("头一年呢？", [(2019, 2021), None]) == "头一年呢？"
    assert calendar_years("一年最多补几次？", period) == "一年最多补几次？"  # no year of the plan


def test_the_question_is_searched_and_read_with_the_calendar_year(hash_assistant):
    analysis = hash_assistant.analyse("天津三年一共培训多少人次？头一年呢，计划多少？")
    assert "2019年" in analysis.searched and "2019" in analysis.terms
    assert analysis.question.endswith("头一年呢，计划多少？")  # shown as typed
    assert [part.text for part in analysis.asked.parts] == ["三年一共培训多少人次", "计划多少"]  # the place scopes, it asks nothing


def test_the_lead_gives_the_total_and_the_first_years_figure(docs_by_id):
    document = docs_by_id["tianjin-2019"]
    hit = Hit(clause=document.clause("2"), document=document, score=1.0)
    question = calendar_years("三年一共培训多少人次？头一年计划培训多少？", [(2019, 2021)])
    lead = answered_text(question, ["三年", "一共", "培训", "人次", "2019", "任务"], [hit],
                         asked_for(question)).split("\n")[0]
    assert "“三年共开展各类职业技能培训60万人次以上”……“其中2019年培训18万人次以上”[1]" in lead
