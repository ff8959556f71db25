"""Parsing small files the tests write: encodings, empty files, unusual numbering."""

from __future__ import annotations

import pytest

from corpus import CorpusError, SHIPPED_CORPUS, load_document, parse_text

PLAN = """三门峡市职业技能提升行动方案
（2019—2021年）
为做好培训，制定本方案。
一、目标任务
三年培训1000人次以上。
二、主要措施
(一)加强培训
1.开展企业职工培训。三年培训
1.8万人次。
2．开展农民培训。按照第（三）项的规定执行，具体按
（三）项规定执行。
（二）落实补贴
1、补贴标准为每人每月200元。
"""


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def keys(document):
    return [c.key for c in document.clauses]


def test_empty_file_is_a_clear_error_naming_the_file(tmp_path):
    path = write(tmp_path, "empty.txt", b"")
    with pytest.raises(CorpusError, match="empty.txt is empty"):
        load_document(path, doc_id="empty-doc")
    blank = write(tmp_path, "blank.txt", "\n \u3000\n\t\n".encode())
    with pytest.raises(CorpusError, match="blank.txt is empty"):
        load_document(blank, doc_id="blank-doc")


def test_undecodable_file_is_a_clear_error_naming_the_file(tmp_path):
    path = write(tmp_path, "broken.txt", bytes([0x81, 0x30, 0xFF, 0xFF, 0x00, 0x9F]) * 20)
    with pytest.raises(CorpusError, match="broken.txt"):
        load_document(path, doc_id="broken-doc")


def test_text_without_numbering_becomes_paragraph_clauses(tmp_path):
    text = "三门峡市关于培训的通知\n\n第一段说明培训对象。\n第二段说明补贴标准，每人200元。\n第三段说明责任单位。\n"
    document = load_document(write(tmp_path, "plain.txt", text.encode()), doc_id="plain-doc")
    assert keys(document) == ["p1", "p2", "p3"]
    assert document.clauses[1].text == "第二段说明补贴标准，每人200元。"
    assert document.clauses[1].section == "第2段"
    assert document.title == "三门峡市关于培训的通知"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_encodings_and_crlf_parse_identically(tmp_path, encoding):
    reference = parse_text(PLAN, doc_id="plan-doc", source_file="plan.txt")
    data = PLAN.replace("\n", "\r\n").encode(encoding)
    document = load_document(write(tmp_path, f"plan-{encoding}.txt", data), doc_id="plan-doc",
                             source_file="plan.txt")
    assert document.clauses == reference.clauses
    assert document.title == "三门峡市职业技能提升行动方案（2019—2021年）"


def test_mixed_half_and_full_width_numbering(tmp_path):
    document = parse_text(PLAN, doc_id="plan-doc", source_file="plan.txt")
    assert keys(document) == ["preamble", "1", "2.1.1", "2.1.2", "2.2.1"]
    assert [c.section for c in document.clauses[2:]] == ["二、（一）1.", "二、（一）2.", "二、（二）1."]


def test_decimals_and_cross_references_do_not_become_headings(tmp_path):
    document = parse_text(PLAN, doc_id="plan-doc", source_file="plan.txt")
    first = document.clause("2.1.1")
    assert first.text == "1.开展企业职工培训。三年培训1.8万人次。"
    second = document.clause("2.1.2")
    assert second.text == "2．开展农民培训。按照第（三）项的规定执行，具体按（三）项规定执行。"


def test_out_of_sequence_number_is_text_not_a_heading():
    text = "一、总则\n（一）第一项。内容如下：\n（五）年内完成。\n（二）第二项。\n"
    document = parse_text(text + "", doc_id="seq-doc", source_file="seq.txt",
                          overrides={"region": "三门峡市", "title": "测试"})
    assert keys(document) == ["1.1", "1.2"]
    assert "（五）年内完成。" in document.clause("1.1").text


def test_unknown_region_loads_with_a_warning(caplog):
    document = parse_text("某地关于培训的通知\n一、总则\n内容。\n", doc_id="nowhere",
                          source_file="x.txt")
    assert document.region.level == "unknown"
    assert "cannot tell which region" in caplog.text
    assert [c.text for c in document.clauses] == ["一、总则\n内容。"]


def test_clause_ids_survive_edits_elsewhere_in_the_document():
    original = (SHIPPED_CORPUS / "seeds" / "sanmenxia-2019.txt").read_text(encoding="utf-8")
    reference = parse_text(original, doc_id="sanmenxia-2019", source_file="s.txt")
    edited = original.replace("（此件", "（此件").replace(
        "3年培训3000人次以上，其中技能提升培训占比50%以上，新培养高技能人才500人以上。（责任单位：市民政局",
        "3年培训3500人次以上，其中技能提升培训占比50%以上，新培养高技能人才500人以上。（责任单位：市民政局")
    edited = edited.replace("2. 实施就业重点群体技能提升计划。",
                            "2. 实施就业重点群体技能提升计划。新增一句说明。\n\n")
    changed = parse_text(edited, doc_id="sanmenxia-2019", source_file="s.txt")
    assert keys(changed) == keys(reference)
    assert [c.section for c in changed.clauses] == [c.section for c in reference.clauses]
    assert "3500人次" in changed.clause("2.1.4").text
