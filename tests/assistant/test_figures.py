"""Whether a clause states the figure a question asks for (`assistant.figures`), on the real
clauses of the shipped plans, and the decision it feeds: a region is not answered with a clause
that lacks the figure when another region's clause on the same subject states one."""

from __future__ import annotations

import pytest

from assistant.decision import DecisionThresholds, gather
from assistant.answer import coverage
from assistant.figures import asked_unit, states_asked_figure, states_figure
from assistant.lead import asked_for
from assistant.records import Hit


@pytest.mark.parametrize("question, unit", [
    ("每人每年最多能享受几次补贴？", "次"), ("每个学徒一年补贴多少钱？", "元"),
    ("补贴多少万元？", "元"), ("计划培训多少人次？", "人次"), ("最长补几个月？", ""),
    ("补贴标准是多少？", ""),
])
def test_the_unit_a_question_asks_in(question, unit):
    assert asked_unit(question) == unit


def test_a_figure_counts_only_in_the_unit_asked():
    times, money = asked_for("每人每年最多享受几次？"), asked_for("每人补贴多少钱？")
    assert states_figure(times, "次", "原则上每人每年可享受不超过3次")
    assert not states_figure(times, "次", "按每人每月200元的标准给予补贴")
    assert states_figure(money, "元", "按每人每月200元的标准给予补贴")
    assert not states_figure(money, "元", "原则上每人每年可享受不超过3次")
    # A table's cell holds the figure; its unit is in the column's name.
    assert states_figure(asked_for("计划培训多少人次？"), "人次", "指导计划2020年：500")
    # …unless the column names another unit: a count of trainings (人次) is no number of times.
    row = "区：北辰区；补贴培训总数（人次）：9500；新型学徒制（人）：400"
    assert not states_figure(times, "次", row)
    assert states_figure(asked_for("计划培训多少人次？"), "人次", row)
    assert states_figure(asked_for("新型学徒制计划多少人？"), "人", row)
    # Any figure for an amount asked in no unit; a period for "how long", 学期 too.
    assert states_figure(asked_for("补贴标准是多少？"), "", "其中60%以上用于一线职工培训")
    how_long = asked_for("要学多长时间？")
    assert states_figure(how_long, "", "组织“两后生”参加1—2个学期的技能储备培训")
    assert not states_figure(how_long, "", "2019年培训18万人次以上")


def test_the_figure_must_stand_beside_a_key_term(docs_by_id):
    # Sanmenxia's 以工代训 clause states 200 元 a month, about 以工代训, not about apprentices.
    clause = docs_by_id["sanmenxia-2019"].clause("2.3.1").text
    question = "新型学徒制每个学徒一年补贴多少钱？"
    unit = asked_unit(question)
    assert not states_asked_figure(asked_for(question), unit, ["新型学徒制", "学徒"], clause)
    assert states_asked_figure(asked_for(question), unit, ["以工代训"], clause)


def _hit(document, section: str) -> Hit:
    return Hit(clause=document.clause(section), document=document, score=0.9, dense=0.5,
               clause_dense=0.5, lexical_raw=8.0)


def test_a_figure_only_another_region_sets_refuses_the_region(docs_by_id):
    question = "每人每年最多能享受几次职业培训补贴？"
    asked, unit, terms = asked_for(question), asked_unit(question), ["每人每年", "享受", "职业培训补贴"]

    def states(hit: Hit, min_terms: int) -> bool:
        return states_asked_figure(asked, unit, terms, hit.clause.text, min_terms=min_terms)

    # Sanmenxia's subsidy clauses set amounts, not a number of times; Qijiang's sets 3.
    own = [_hit(docs_by_id["sanmenxia-2019"], "2.3.1")]
    qijiang = [_hit(docs_by_id["qijiang-2019"], "4.2")]
    covered = [coverage(terms, hit) for hit in own]
    refused = gather(terms, own, covered, qijiang, depth=3, mentioned=lambda term: True,
                     states_figure=states)
    assert refused.figure_elsewhere and not DecisionThresholds().answers(refused)
    # The region that states it is answered; and with no test given, nothing is read.
    kept = gather(terms, qijiang, [coverage(terms, h) for h in qijiang], own, depth=3,
                  mentioned=lambda term: True, states_figure=states)
    assert not kept.figure_elsewhere
    assert not gather(terms, own, covered, qijiang, depth=3,
                      mentioned=lambda term: True).figure_elsewhere


def test_a_number_no_clause_on_the_subject_states_refuses_the_question(docs_by_id):
    """Taierzhuang's apprentice clause grants the subsidy 按规定, with no amount: asked how much a
    year, the plan does not answer. Qijiang's states 4000元 a year and is answered; asked
    "by what standard" (no number asked for in so many words), the rule is not read."""
    question = "企业新型学徒制每个学徒一年补贴多少钱？"
    asked, unit, terms = asked_for(question), asked_unit(question), ["新型学徒制", "补贴"]
    assert asked.number

    def states(hit: Hit, min_terms: int) -> bool:
        return states_asked_figure(asked, unit, terms, hit.clause.text, min_terms=min_terms)

    def evidence(hits: list[Hit], asks_number: bool = True):
        return gather(terms, hits, [coverage(terms, h) for h in hits], [], depth=3,
                      mentioned=lambda term: True, states_figure=states,
                      asks_number=asks_number)

    taierzhuang = [_hit(docs_by_id["taierzhuang-2019"], "5.14")]
    missing = evidence(taierzhuang)
    assert missing.figure_missing and not DecisionThresholds().answers(missing)
    assert DecisionThresholds(refuse_without_figure=False).answers(missing)
    stated = evidence([_hit(docs_by_id["qijiang-2019"], "4.1")])
    assert not stated.figure_missing and DecisionThresholds().answers(stated)
    assert not evidence(taierzhuang, asks_number=False).figure_missing


def test_the_not_found_says_the_plan_sets_no_figure_and_cites_the_clause_on_it(hash_assistant):
    """Taierzhuang's plan encourages 高技能人才特殊津贴制度 and sets no amount; no other plan names
    such an allowance, so the refusal is this rule's, not the other-region one's."""
    question = "台儿庄高技能人才特殊津贴每月多少钱？"
    evidence = hash_assistant.weigh(hash_assistant.analyse(question)).evidence
    assert evidence.figure_missing and not evidence.figure_elsewhere and not evidence.absent
    answer = hash_assistant.answer(question)
    assert answer.status == "not_found", answer.text
    assert "没有写明" in answer.text and "具体数额" in answer.text
    assert answer.hits[0].clause.clause_id == "taierzhuang-2019/6.18"
    assert "特殊津贴" in answer.hits[0].clause.text
    # A plan that states the figure is answered with it.
    stated = hash_assistant.answer("綦江企业新型学徒制每个学徒一年补贴多少钱？")
    assert stated.status == "answered" and "4000元" in stated.text


def test_the_not_found_names_the_missing_figure_and_the_region_that_sets_it(hash_assistant):
    answer = hash_assistant.answer("三门峡每人每年最多能享受几次职业培训补贴？")
    assert answer.status == "not_found"
    assert "没有写明" in answer.text and "具体数额" in answer.text
    elsewhere = [h for h in answer.hits if h.document.doc_id != "sanmenxia-2019"]
    assert elsewhere and all("次" in hit.clause.text for hit in elsewhere)
    # Qijiang's plan sets the number of times: asked there, it is answered.
    assert hash_assistant.answer("綦江每人每年最多能享受几次职业培训补贴？").status == "answered"


def _hits(assistant, clause_ids):
    hits = []
    for rank, clause_id in enumerate(clause_ids):
        clause, document = assistant.clause(clause_id)
        hits.append(Hit(clause=clause, document=document, score=1.0 - rank / 10))
    return hits


def test_a_figure_question_quotes_first_the_cited_clause_that_states_the_figure(hash_assistant):
    """Sanmenxia's funding-supervision clause says 补贴性培训 and states no number of
    trainees; its targets clause, cited lower, states 12.5万人次. The answer leads with the
    target instead of saying the plan sets no amount."""
    analysis = hash_assistant.analyse("三门峡三年里总共要搞多少人次的补贴性培训？")
    assert analysis.asked.amount
    hits = _hits(hash_assistant, ["sanmenxia-2019/2.3.3", "sanmenxia-2019/3.2",
                                  "sanmenxia-2019/2.2.2", "sanmenxia-2019/1"])
    covered = [coverage(list(analysis.terms), hit) for hit in hits]
    assert covered[3] >= covered[0]
    ordered, ordered_cover = hash_assistant._figure_first(hits, covered, analysis, top_k=5)
    assert [h.clause.clause_id for h in ordered] == [
        "sanmenxia-2019/1", "sanmenxia-2019/2.3.3", "sanmenxia-2019/3.2", "sanmenxia-2019/2.2.2"]
    assert ordered_cover == [covered[3]] + covered[:3]
    # Beyond the clauses the answer cites, nothing moves.
    assert hash_assistant._figure_first(hits, covered, analysis, top_k=3) == (hits, covered)


def test_nothing_moves_when_the_best_clause_states_the_figure_or_the_figure_is_elsewhere(
        hash_assistant):
    analysis = hash_assistant.analyse("三门峡三年里总共要搞多少人次的补贴性培训？")
    stated = _hits(hash_assistant, ["sanmenxia-2019/1", "sanmenxia-2019/2.3.3"])
    covered = [coverage(list(analysis.terms), hit) for hit in stated]
    assert hash_assistant._figure_first(stated, covered, analysis, top_k=5) == (stated, covered)
    # A clause holding fewer of the key terms is about something else, figure or not.
    fewer = _hits(hash_assistant, ["sanmenxia-2019/2.3.3", "sanmenxia-2019/1"])
    lower = [1.0, 0.2]
    assert hash_assistant._figure_first(fewer, lower, analysis, top_k=5) == (fewer, lower)
    # A table's rows state figures too; a question picks a row out by naming it.
    rows = _hits(hash_assistant, ["tianjin-2019/3.3.3", "tianjin-2019/annex.row8"])
    asked = hash_assistant.analyse("天津三年里总共要搞多少人次的补贴培训？")
    ones = [0.5, 0.5]
    assert hash_assistant._figure_first(rows, ones, asked, top_k=5) == (rows, ones)
    # A question asking for no figure is left alone.
    plain = hash_assistant.analyse("三门峡补贴性培训由谁负责监督？")
    assert hash_assistant._figure_first(fewer, [0.5, 0.5], plain, top_k=5) == (fewer, [0.5, 0.5])


def test_a_figure_question_does_not_quote_a_close_clause_that_states_no_figure(hash_assistant):
    """Baicheng's targets clause states the 人次 asked for; its funding clause, as close and
    holding a key term the targets lack, states none: asked how many, the answer quotes the
    targets alone (the other stays cited, unmarked); asked how it is arranged, both."""
    hits = _hits(hash_assistant, ["baicheng-2019/1", "baicheng-2019/4.2"])
    for question, expected in [
            ("白城政府补贴的培训2019到2021年共多少人次？", ["baicheng-2019/1"]),
            ("白城政府补贴的培训2019到2021年怎么安排？", ["baicheng-2019/1", "baicheng-2019/4.2"])]:
        analysis = hash_assistant.analyse(question)
        covered = [coverage(list(analysis.terms), hit) for hit in hits]
        quoted, cited = hash_assistant._select(hits, covered, analysis, top_k=5)
        assert [h.clause.clause_id for h in quoted] == expected, question
        assert [h.clause.clause_id for h in cited][:2] == ["baicheng-2019/1", "baicheng-2019/4.2"]
