"""Questions across the rows of a table of figures, on the shipped plans' real annex tables:
which row is highest or lowest, what the rows named add up to, how far two differ — asked
alone and as follow-ups. The expected figures are read off the parsed rows here, independently
of the code under test, so each test checks that every row was compared."""

from __future__ import annotations

import re

import pytest

from assistant.followups import TurnContext
from assistant.row_comparisons import (DIFFERENCE, EACH, LEAST, MOST, SUM, asks_across_rows,
                                       compare, compared_terms, table_rows)
from eval.metrics import verbatim_segments

TIANJIN_ROWS = "tianjin-2019/annex.row1"
QIJIANG_ROWS = "qijiang-2019/annex.row1"


@pytest.fixture(scope="module")
def clauses(corpus_documents):
    return {c.clause_id: c for d in corpus_documents for c in d.clauses}


def _rows(clauses, any_row: str):
    row = clauses[any_row]
    return table_rows(row, [c for c in clauses.values() if c.doc_id == row.doc_id])


def _column(rows, header: str) -> dict[str, float]:
    """label → figure of a column, the total row left out, read with a regex of its own."""
    values = {}
    for row in rows:
        if row.key.endswith(".total"):
            continue
        label = re.search(r"(?:区|责任单位)：([^；]+)", row.text).group(1)
        values[label] = float(re.search(re.escape(header) + r"：([\d.]+)", row.text).group(1))
    return values


@pytest.mark.parametrize(("question", "kind"), [
    ("天津哪个区的新型学徒制人数最多？", MOST),
    ("哪一个区补贴培训的人次最高", MOST),
    ("綦江哪个单位2021年的指导计划最少？", LEAST),
    ("新型学徒制最少的是哪些区", LEAST),
    ("红桥区和河北区加起来培训多少人次？", SUM),
    ("东丽区、西青区、津南区合计多少", SUM),
    ("河西区比南开区多培训多少人次？", DIFFERENCE),
    ("区妇联和团区委的指导计划相差多少", DIFFERENCE),
    ("各区的补贴培训人次分别是多少？", EACH),
    ("每个单位2020年各有多少指导计划", EACH),
    ("新型学徒制排名前三的区", MOST),
    ("补贴培训最少的两个区是哪两个", LEAST),
    ("倒数第一是哪个区", LEAST),
    # a period (前三年), and adding up every row (the total row answers it)
    ("前三年培训了多少人次？", ""),
    ("各区加起来培训多少人次？", SUM),
    # a limit asked (最多 with no 哪), a total asked of the table itself: nothing across rows
    ("一年最多能享受几次培训补贴？", ""),
    ("最高补贴多少钱？", ""),
    ("以工代训补贴的标准是多少？", ""),
])
def test_what_a_question_asks_across_rows(question, kind):
    assert asks_across_rows(question) == kind


def test_the_largest_figure_is_found_among_all_rows(clauses):
    rows = _rows(clauses, TIANJIN_ROWS)
    column = _column(rows, "新型学徒制（人）")
    question = "天津哪个区的新型学徒制人数最多？"
    # Ranked first is a row far from the largest (红桥区): every row must be read.
    found = compare(MOST, question, ["新型学徒制", "人数"], [clauses["tianjin-2019/annex.row7"]],
                    lambda row: _rows(clauses, row.clause_id))
    assert len(found) == 1
    comparison = found[0]
    assert comparison.header == "新型学徒制（人）"
    assert [f.label for f in comparison.figures] == [max(column, key=column.get)]
    assert comparison.result == max(column.values())
    assert comparison.compared == len(column)


def test_ties_for_the_smallest_are_all_named_in_each_year(clauses):
    # No year named: each of the three yearly columns is answered, every tied row named.
    found = compare(LEAST, "綦江哪个单位的指导计划最少？", ["指导计划"],
                    [clauses["qijiang-2019/annex.row5"]], lambda row: _rows(clauses, row.clause_id))
    assert [c.header for c in found] == ["指导计划2019年", "指导计划2020年", "指导计划2021年"]
    for comparison in found:
        column = _column(_rows(clauses, QIJIANG_ROWS), comparison.header)
        lowest = min(column.values())
        assert {f.label for f in comparison.figures} == \
            {label for label, value in column.items() if value == lowest}
    # A year named picks its column; 序号 (1, 2, 3…) is never a column compared.
    dated = compare(MOST, "綦江哪个单位2021年的指导计划最多？", ["2021", "指导计划"],
                    [clauses["qijiang-2019/annex.row5"]], lambda row: _rows(clauses, row.clause_id))
    assert [c.header for c in dated] == ["指导计划2021年"]


def test_rows_named_are_added_up_and_subtracted_in_the_order_asked(clauses):
    column = _column(_rows(clauses, TIANJIN_ROWS), "补贴培训总数（人次）")
    rows_of = lambda row: _rows(clauses, row.clause_id)  # noqa: E731
    hit = [clauses["tianjin-2019/annex.row3"]]
    total = compare(SUM, "河西区、红桥区和南开区加起来培训多少人次？", ["培训", "人次"], hit, rows_of)
    assert [f.label for f in total[0].figures] == ["河西区", "红桥区", "南开区"]
    assert total[0].result == column["河西区"] + column["红桥区"] + column["南开区"]
    difference = compare(DIFFERENCE, "红桥区比河西区多培训多少人次？", ["培训", "人次"], hit, rows_of)
    assert difference[0].result == column["红桥区"] - column["河西区"]


def test_the_first_so_many_include_rows_tied_with_the_last(clauses):
    column = _column(_rows(clauses, TIANJIN_ROWS), "新型学徒制（人）")
    found = compare(MOST, "天津新型学徒制排名前三的区", ["新型学徒制"], [clauses[TIANJIN_ROWS]],
                    lambda row: _rows(clauses, row.clause_id))[0]
    third = sorted(column.values(), reverse=True)[2]
    assert {f.label for f in found.figures} == {k for k, v in column.items() if v >= third}
    assert found.count == 3 and len(found.figures) >= 3
    values = [f.value for f in found.figures]
    assert values == sorted(values, reverse=True)


def test_each_row_is_listed_with_the_table_s_total(clauses):
    rows = _rows(clauses, QIJIANG_ROWS)
    column = _column(rows, "指导计划2021年")
    found = compare(EACH, "綦江各单位2021年的指导计划分别是多少？", ["2021", "指导计划"],
                    [clauses[QIJIANG_ROWS]], lambda row: _rows(clauses, row.clause_id))
    assert len(found) == 1
    assert {f.label: f.value for f in found[0].figures} == column
    total = next(r for r in rows if r.key.endswith(".total"))
    assert found[0].total.row == total
    assert f"指导计划2021年：{number(found[0].total.value)}" in total.text


def number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


@pytest.mark.parametrize("question", [
    "天津哪个区最低工资最高？",  # no word of the table's title or headers
    "天津哪项补贴最高？",  # 哪项 names no row of a district table
    "和平区的新型学徒制加起来多少？",  # one row named: nothing to add up
])
def test_a_table_the_question_is_not_about_is_not_compared(clauses, question):
    analysed = [t for t in ("最低工资", "补贴", "新型学徒制") if t in question]
    assert compare(asks_across_rows(question) or SUM, question, analysed,
                   [clauses[TIANJIN_ROWS]], lambda row: _rows(clauses, row.clause_id)) == []


def test_the_subject_carried_is_the_column_compared(clauses):
    rows = [clauses["tianjin-2019/annex.row2"], clauses["tianjin-2019/annex.row4"]]
    assert compared_terms(["和平区", "新型学徒制", "起来"], rows) == ("新型学徒制",)
    assert compared_terms(["2020", "指导计划", "单位"], [clauses[QIJIANG_ROWS]]) == \
        ("2020", "指导计划")


@pytest.mark.parametrize(("question", "row", "stated"), [
    ("天津哪个区的新型学徒制计划人数最多？", "tianjin-2019/annex.row1", "2400"),
    ("天津各区的新型学徒制计划分别是多少？", "tianjin-2019/annex.row1", "蓟州区“100”[16]"),
    ("天津补贴培训总数最少的两个区是哪两个？", "tianjin-2019/annex.row7", "宁河区“5000”[2]"),
    ("天津和平区和河西区的补贴培训总数加起来是多少？", "tianjin-2019/annex.row2", "16000"),
    ("天津河西区比和平区的补贴培训总数多多少？", "tianjin-2019/annex.row4", "多2000"),
])
def test_an_answer_states_the_figure_and_quotes_every_cell_it_rests_on(hash_assistant, question,
                                                                       row, stated):
    answer = hash_assistant.answer(question)
    assert answer.status == "answered"
    assert answer.hits[0].clause.clause_id == row
    lead = answer.text.splitlines()[0]
    assert stated in lead, lead
    good, total = verbatim_segments(answer.text, [h.clause.text for h in answer.hits])
    assert total >= 2 and good == total, answer.text


_ROW_TURN = TurnContext("天津和平区补贴培训总数是多少？", ("天津和平区",), "补贴培训总数",
                        focus_region="天津市", focus_entity="和平区",
                        topic_terms=("补贴培训总数",))


@pytest.mark.parametrize(("followup", "expected"), [
    ("哪个区最多？", "天津市补贴培训总数哪个区最多？"),
    ("那哪个区最少呢", "天津市补贴培训总数哪个区最少？"),
    ("和平区和河西区加起来呢？", "天津市和平区和河西区补贴培训总数加起来是多少？"),
    ("河西区比和平区多多少？", "天津市河西区补贴培训总数比和平区多多少？"),
    ("各区分别是多少？", "天津市各区补贴培训总数分别是多少？"),
    ("排名前三的呢？", "天津市补贴培训总数排名前三的是多少？"),
])
def test_a_follow_up_across_rows_asks_the_subject_of_the_table(hash_assistant, followup,
                                                               expected):
    resolution = hash_assistant.resolve_followup(followup, _ROW_TURN)
    assert (resolution.question, resolution.kind) == (expected, "across_rows")


def test_comparing_places_is_not_a_question_across_rows(hash_assistant):
    total = TurnContext("綦江三年一共培训多少人次", ("綦江",), "培训", focus_region="綦江区",
                        focus_entity="合计", topic_terms=("培训",))
    assert hash_assistant.resolve_followup("跟白城相比差多少", total).kind == "comparison"


def test_a_conversation_across_a_table_carries_the_column_not_the_rows(hash_assistant):
    first = hash_assistant.ask("綦江区人力社保局2020年的指导计划是多少？")
    conversation = first.conversation_id
    most = hash_assistant.ask("哪个单位最多？", conversation_id=conversation).answer
    column = _column(_rows({c.clause_id: c for c in hash_assistant.index.clauses}, QIJIANG_ROWS),
                     "指导计划2020年")
    assert most.hits[0].clause.clause_id == QIJIANG_ROWS
    assert f"指导计划2020年：{int(max(column.values()))}" in most.text
    added = hash_assistant.ask("区妇联和团区委加起来呢？", conversation_id=conversation).answer
    expected = int(column["区妇联"] + column["团区委"])
    assert f"合计{expected}" in added.text, added.text
    assert "2020" in added.resolved_question and "单位" not in added.resolved_question
