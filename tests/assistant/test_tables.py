"""Rows of figures in annex tables are quoted only when the question asks for them; a row the
question names by its label is what retrieval prefers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.tables import asks_for_row, is_figures_row, names_row

DEV = Path(__file__).resolve().parents[2] / "eval" / "questions" / "dev.jsonl"


@pytest.fixture(scope="module")
def rows(corpus_documents):
    return {c.clause_id: c for d in corpus_documents for c in d.clauses if c.kind == "table_row"}


def test_rows_of_figures_and_rows_of_text(rows):
    # Tianjin's district plan: every cell but the district is a number; the total row too.
    assert is_figures_row(rows["tianjin-2019/annex.row7"])
    assert is_figures_row(rows["tianjin-2019/annex.total"])
    # Qijiang's division of work: a unit's duties are text, a row like any clause.
    assert not is_figures_row(rows["qijiang-2019/annex.row1"])
    assert is_figures_row(rows["qijiang-2019/annex.total"])


@pytest.mark.parametrize(("question", "row", "asked"), [
    ("天津新型学徒制补贴标准是多少？", "tianjin-2019/annex.row7", False),
    ("红桥区新型学徒制计划多少人？", "tianjin-2019/annex.row7", True),
    ("天津各区的培训任务是多少？", "tianjin-2019/annex.row7", True),
    ("哪个区的补贴培训人次最多？", "tianjin-2019/annex.row1", True),
    ("补贴培训总计多少人次？", "tianjin-2019/annex.total", True),
    ("补贴培训总计多少人次？", "tianjin-2019/annex.row7", False),
    ("指导计划合计多少？", "qijiang-2019/annex.total", True),
    # asking for a total picks out the total row, whatever it is labelled
    ("三年指导计划一共多少人次？", "qijiang-2019/annex.total", True),
    ("各区加起来培训多少人次？", "tianjin-2019/annex.total", True),
    ("三年指导计划一共多少人次？", "qijiang-2019/annex.row3", False),
    # 补贴培训总数 names a column of every row, not the total
    ("和平区补贴培训总数是多少？", "tianjin-2019/annex.total", False),
])
def test_a_question_asks_for_a_row_by_naming_it_or_asking_across_rows(rows, question, row, asked):
    assert asks_for_row(question, [], rows[row]) is asked


def test_answers_quote_rows_of_figures_only_when_asked(hash_assistant):
    questions = [json.loads(line)["question"] for line in DEV.read_text("utf-8").splitlines()
                 if line.strip()]
    questions += ["天津新型学徒制补贴标准是多少？", "天津补贴培训总数是多少？", "红桥区新型学徒制计划多少人？"]
    checked = 0
    for question in questions:
        answer = hash_assistant.answer(question)
        if answer.status != "answered":
            continue
        marked = [answer.hits[int(n) - 1] for n in dict.fromkeys(re.findall(r"\[(\d+)\]", answer.text))]
        if all(is_figures_row(h.clause) for h in answer.hits):
            continue  # nothing else to quote
        for hit in marked:
            if is_figures_row(hit.clause):
                # An English question's places count by their Chinese names (`place_names`).
                picks = answer.analysis.terms + answer.analysis.place_names
                assert asks_for_row(question, picks, hit.clause), (question, hit)
        checked += 1
    assert checked > 100


def test_a_question_names_a_row_by_its_label_not_by_a_unit_that_only_assists(rows):
    question = "区司法局今年的培训任务是多少人次"
    named = [key for key, row in rows.items() if names_row(question, row)]
    # 区司法局 leads one row of Qijiang's division of work; rows where it assists do not count
    assert named == ["qijiang-2019/annex.row12"]
    assert "区司法局" in rows["qijiang-2019/annex.row12"].text
    assert names_row("合计是多少", rows["qijiang-2019/annex.total"])
    # a 序号 (digits) or a one-character label names nothing
    assert not names_row("序号1的单位", rows["qijiang-2019/annex.row1"])


def test_the_row_a_question_names_is_preferred(hash_assistant):
    """With the hash encoder only the lexical channels read meaning; 区人力社保局 is named in most
    rows of the table (as 配合单位), and leads only row 1."""
    from dataclasses import replace

    question = "区人力社保局承担哪些工作？"
    top = hash_assistant.search(question, top_k=1)[0]
    assert top.clause.clause_id == "qijiang-2019/annex.row1"
    plain = hash_assistant.retriever.search(
        question, top_k=1, weights=replace(hash_assistant.retriever.weights, definition=0))
    assert plain[0].clause.clause_id != "qijiang-2019/annex.row1"
