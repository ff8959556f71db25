"""Standards and technical rules numbered the GB/T 1.1 way ("1 范围", "3.1 依据标准"): written
examples, and the one Legal-DC document and one LawRefBook standard that use the numbering
(read from ../shared, skipped where it is absent)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from corpus.numbering import match_heading
from corpus.parser import parse_source, parse_text
from corpus.reading import read_source

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
LEGAL_DC = SHARED / "legal-dc"
TEA = "茶叶包装产品质量国家监督抽查实施细则（2023年版）"

STANDARD = """示例产品质量监督抽查实施细则
1\u00a0抽样方法
以随机抽样的方式在待销产品中抽取。
每批次抽取样品2件，其中1件作为检验样品。
2 检验依据
表1 检验项目
\t序号
\t检验项目
\t检验方法

\t1
\t感官要求
\tGB 4806.7—2016

\t2
\t重金属
\tGB 31604.9—2016

执行企业标准的产品，检验项目参照上述内容执行。
3 判定规则
3.1 依据标准
GB 4806.7—2016 食品接触用塑料材料及制品
3.2判定原则
检验项目全部合格，判定为合格。
3.2.1 复检
微生物项目不进行复检。
4 附则
本细则首次发布。
"""


def _parse(text: str):
    return parse_text(text, doc_id="std", source_file="std.txt", overrides={"region": "全国"})


def test_decimal_numbers_are_recognised_with_their_depth():
    chapter = match_heading("1\u00a0抽样方法")
    assert (chapter.kind, chapter.label, chapter.rest) == ("decimal1", "1", "抽样方法")
    sub = match_heading("3.2判定原则")  # Word often drops the space after a dotted number
    assert (sub.kind, sub.number, sub.parents, sub.label) == ("decimal2", 2, (3,), "3.2")
    assert match_heading("5.1.1 重伤一级").parents == (5, 1)


@pytest.mark.parametrize("line", [
    "1 份；",  # a form's line: a bare number needs a title after its space
    "10 个工作日内作出决定。",  # a sentence wrapped from a PDF
    "1.8万人次以上，其中技能提升培训占比50%以上",  # a quantity, no space, not a title
    "3.5%以上",
    "2019 年",
])
def test_quantities_and_sentences_are_not_decimal_headings(line):
    heading = match_heading(line)
    assert heading is None or not heading.kind.startswith("decimal"), heading


def test_a_standard_is_read_into_numbered_clauses():
    document = _parse(STANDARD)
    assert document.title == "示例产品质量监督抽查实施细则"
    by_key = {clause.key: clause for clause in document.clauses}
    assert list(by_key) == ["1", "2", "3.1", "3.2", "3.2.1", "4"]
    # A numbered clause is cited whole, its paragraphs together, as an article is.
    assert by_key["1"].text == ("1 抽样方法\n以随机抽样的方式在待销产品中抽取。\n"
                                "每批次抽取样品2件，其中1件作为检验样品。")
    assert by_key["3.2"].section == "3.2"
    assert by_key["3.2.1"].section_path == ("3 判定规则", "3.2 判定原则", "3.2.1 复检")
    # The table inside clause 2 is read row by row with its header, not cell by cell.
    assert "序号：2；检验项目：重金属；检验方法：GB 31604.9—2016" in by_key["2"].text
    assert "执行企业标准的产品" in by_key["2"].text


def test_decimals_inside_a_plan_never_open_clauses():
    text = ("某市职业技能提升行动方案\n一、主要目标\n三年培训人员。\n"
            "1.8万人次\n二、保障措施\n加强领导。\n")
    document = _parse(text)
    assert [clause.key for clause in document.clauses] == ["1.p1", "1.p2", "2"]
    assert document.clause("1.p2").text == "1.8万人次"
    assert document.clause("1.p2").section == "一、第2段"


def test_a_subclause_must_follow_its_own_chapter():
    text = "示例细则\n1 范围\n本细则适用于示例。\n2 要求\n1.1 错位的编号\n内容。\n"
    document = _parse(text)
    assert [clause.key for clause in document.clauses] == ["1", "2"]
    assert "1.1 错位的编号" in document.clause("2").text


@pytest.mark.skipif(not LEGAL_DC.exists(), reason="../shared/corpora/legal-dc is not present")
def test_the_legal_dc_standard_loses_no_text_and_holds_its_gold_clauses():
    source = read_source(LEGAL_DC / "docs" / f"{TEA}.docx")
    document = parse_source(source, doc_id="tea")
    assert document.title == TEA
    assert [c.key for c in document.clauses] == ["1", "2", "3.1", "3.2", "4"]
    texts = [re.sub(r"\s", "", clause.text) for clause in document.clauses]
    questions = [json.loads(line) for line in
                 (LEGAL_DC / "questions-dev.jsonl").read_text(encoding="utf-8").splitlines()]
    golds = [re.sub(r"\s|\\n", "", gold) for question in questions
             if question["title"] == TEA for gold in question["gold"]]
    assert len(golds) == 3
    assert all(any(gold in text for text in texts) for gold in golds)


@pytest.mark.skipif(not (SHARED / "lawrefbook").exists(), reason="../shared/corpora/lawrefbook is absent")
def test_subclauses_whose_chapter_numbers_were_dropped_keep_their_whole_numbers(caplog):
    caplog.set_level(logging.ERROR)
    path = next((SHARED / "lawrefbook" / "laws").rglob("人体损伤程度鉴定标准*.md"))
    document = parse_source(read_source(path), doc_id="injury")
    keys = [clause.key for clause in document.clauses]
    assert len(keys) == len(set(keys))
    assert "5.1.1" in keys and "6.19" in keys
    assert document.clause("5.1.1").section_path == ("5.1 颅脑、脊髓", "5.1.1 重伤一级")


def test_a_question_can_cite_a_decimal_clause():
    from assistant.references import find_referenced
    document = _parse(STANDARD)
    assert [c.key for c in find_referenced("第3.2条讲什么？", [document])][:1] == ["3.2"]
    assert [c.key for c in find_referenced("3.2.1条怎么规定的", [document])] == ["3.2.1"]
    assert find_referenced("补贴提高1.5倍吗", [document]) == []


AMENDMENT = """示例法修正案（十一）
2020年12月26日 第十三届全国人民代表大会常务委员会第二十四次会议通过
一、将示例法第十七条修改为：“已满十六周岁的人犯罪，应当负刑事责任。
“已满十四周岁不满十六周岁的人，犯故意杀人罪的，应当负刑事责任。
“因不满十六周岁不予刑事处罚的，责令其父母加以管教。”
二、本修正案自2021年3月1日起施行。
"""


def test_a_heading_that_is_a_sentence_keeps_the_paragraphs_it_introduces():
    document = parse_text(AMENDMENT, doc_id="amend", source_file="amend.md",
                          overrides={"region": "全国"}, lines_are_paragraphs=True)
    first = document.clause("1")
    # The amending sentence and the article it quotes are one clause; before, the sentence
    # survived only as a heading and each quoted paragraph was a clause of its own.
    assert first.text.startswith("一、将示例法第十七条修改为：“已满十六周岁的人犯罪")
    assert first.text.endswith("责令其父母加以管教。”")
    assert [c.key for c in document.clauses] == ["front", "1", "2"]


CHARGES = """关于执行《示例法》确定罪名的补充规定
2007年10月25日 最高人民法院、最高人民检察院公告公布
根据示例法修正案的规定，现对罪名补充如下：
\t法律条文
\t罪名

\t第134条第2款
\t强令违章冒险作业罪

\t第135条之一
\t大型群众性活动重大安全事故罪
"""


def test_a_document_without_numbering_keeps_its_table_rows_as_clauses():
    document = parse_text(CHARGES, doc_id="charges", source_file="charges.md",
                          overrides={"region": "全国"}, lines_are_paragraphs=True)
    texts = [clause.text for clause in document.clauses]
    assert "法律条文：第135条之一；罪名：大型群众性活动重大安全事故罪" in texts
    assert document.title == "关于执行《示例法》确定罪名的补充规定"
    assert document.date == "2007-10-25"
    assert any("现对罪名补充如下" in text for text in texts)


def test_a_line_after_a_table_in_a_pdf_text_is_not_glued_to_its_last_row():
    # Plain text and PDF lines are joined when the line before does not end a sentence; a
    # table's last row never ends with one, and the next table's caption was read as its tail.
    text = STANDARD.replace("执行企业标准的产品，检验项目参照上述内容执行。", "表2 复检项目")
    document = parse_text(text, doc_id="std", source_file="std.pdf",
                          overrides={"region": "全国"}, lines_are_paragraphs=False)
    lines = document.clause("2").text.split("\n")
    assert "序号：2；检验项目：重金属；检验方法：GB 31604.9—2016" in lines
    assert "表2复检项目" in lines
