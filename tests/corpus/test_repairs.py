"""Each text repair and structural rule, checked on the real shipped documents."""

from __future__ import annotations

import pytest


def clause(docs_by_id, clause_id):
    doc_id, key = clause_id.split("/", 1)
    found = docs_by_id[doc_id].clause(key)
    assert found is not None, f"missing clause {clause_id}"
    return found


@pytest.mark.parametrize("clause_id, joined", [
    ("sanmenxia-2019/2.1.9", "新培养高技能人才2000人以上"),
    ("sanmenxia-2019/2.1.13", "每年确定20个以上职业（工种）市级职业技能竞赛项目，推动1万人次参加"),
    ("sanmenxia-2019/2.3.1", "按每人每月200元的标准给予生产经营主体以工代训补贴，最长不超过6个月"),
    ("sanmenxia-2019/2.1.1", "新培养高技能人才7000人以上。（责任单位"),
    ("sanmenxia-2019/2.2.3", "培育发展壮大一批社会培训机构和评价机构"),
    ("sanmenxia-2019/3.2", "国家公布的新职业中涉及技能人才类的"),
    ("taierzhuang-2019/1.2", "（区人力资源社会保障局、区教育和体育局"),
    ("taierzhuang-2019/2.8", "享受税费减免、土地划转、金融扶持"),
    ("taierzhuang-2019/5.13", "全部向具备资质的培训机构开放"),
    ("taierzhuang-2019/7.19", "按上级要求组织开展好“技能齐鲁行”"),
])
def test_page_break_fragments_are_joined(docs_by_id, clause_id, joined):
    assert joined in clause(docs_by_id, clause_id).text


@pytest.mark.parametrize("clause_id, responsibility", [
    ("sanmenxia-2019/2.1.11", "（责任单位：市城管局、交通运输局、自然资源规划局、应急局、邮政管理局）"),
    ("sanmenxia-2019/2.1.12", "（责任单位：市司法局）"),
])
def test_standalone_responsibility_line_joins_the_clause_above(docs_by_id, clause_id, responsibility):
    text = clause(docs_by_id, clause_id).text
    assert text.endswith(responsibility)
    assert "\n" not in text  # joined as a continuation, not a paragraph of its own


def test_taierzhuang_numbers_run_straight_through_its_parts(docs_by_id):
    sixteen = clause(docs_by_id, "taierzhuang-2019/5.16")
    assert sixteen.section == "五、（十六）"
    assert sixteen.section_path == ("五、落实职业技能培训补贴政策", "（十六）实行特别职业技能培训补贴政策")
    assert "自主就业退役士兵" in sixteen.text
    sections = [c.section for c in docs_by_id["taierzhuang-2019"].clauses if c.kind == "clause"]
    assert sections[5] == "二、（六）" and sections[-1] == "七、（二十）"


def test_section_and_path_of_a_three_level_clause(docs_by_id):
    found = clause(docs_by_id, "sanmenxia-2019/2.3.1")
    assert found.section == "二、（三）1."
    assert found.section_path == ("二、重点工作及责任分工", "（三）完善培训补贴政策，提升补贴资金实效",
                                  "1.落实完善职业培训补贴政策")
    assert found.text.startswith("1.落实完善职业培训补贴政策。企业、农民专业合作社")
    assert found.heading == "落实完善职业培训补贴政策"


def test_headings_without_body_are_paths_not_clauses(docs_by_id):
    tianjin = docs_by_id["tianjin-2019"]
    assert tianjin.clause("3") is None and tianjin.clause("3.1") is None
    assert tianjin.clause("3.1.1").section_path[:2] == ("三、主要措施", "（一）加强重点群体职业技能培训")
    assert docs_by_id["sanmenxia-2019"].clause("2") is None


def test_heading_followed_by_body_is_a_clause(docs_by_id):
    goal = clause(docs_by_id, "tianjin-2019/1")
    assert goal.section == "一、"
    assert goal.text.startswith("一、总体要求\n以习近平新时代中国特色社会主义思想为指导")
    assert clause(docs_by_id, "baicheng-2019/5").text.startswith("五、加强资金管理\n各相关部门")


def test_baicheng_unnumbered_paragraphs_are_clauses_of_their_own(docs_by_id):
    baicheng = docs_by_id["baicheng-2019"]
    assert baicheng.clause("2.1") is None
    paragraphs = [c for c in baicheng.clauses if c.key.startswith("2.1.p")]
    assert [c.key for c in paragraphs] == [f"2.1.p{i}" for i in range(1, 8)]
    assert paragraphs[2].section == "二、（一）第3段"
    assert paragraphs[2].text.startswith("实施高危行业领域安全技能提升行动计划。")
    assert paragraphs[5].section_path[:2] == ("二、培训对象及内容", "（一）企业职工培训")
    assert len([c for c in baicheng.clauses if c.key.startswith("2.2.p")]) == 6
    assert len([c for c in baicheng.clauses if c.key.startswith("2.3.p")]) == 6


@pytest.mark.parametrize("clause_id, number", [
    ("tianjin-2019/3.1.1", "三年培训1.8万新型学徒"),
    ("sanmenxia-2019/1", "12.5万人次以上"),
    ("sanmenxia-2019/2.1.9", "3年培训1.1万人次以上"),
])
def test_numbers_inside_sentences_never_start_clauses(docs_by_id, clause_id, number):
    assert number in clause(docs_by_id, clause_id).text


def test_layout_whitespace_inside_chinese_is_removed_but_wording_kept(docs_by_id):
    text = clause(docs_by_id, "taierzhuang-2019/6.17").text
    assert text.startswith("(十七)建立成果积累和转换制度。鼓励企业职工就读职业院校,实行弹性学制")
    assert "  " not in text and "\u3000" not in text


def test_tianjin_district_table_rows_carry_the_header(docs_by_id):
    tianjin = docs_by_id["tianjin-2019"]
    row = tianjin.clause("annex.row1")
    assert row.text == "区：滨海新区；补贴培训总数（人次）：50000；新型学徒制（人）：2400"
    assert row.section == "附件 滨海新区"
    assert row.section_path == ("附件", "2019年天津市职业技能提升行动分区培训计划", "滨海新区")
    assert tianjin.clause("annex.row2").text == "区：和平区；补贴培训总数（人次）：7000；新型学徒制（人）：200"
    rows = [c for c in tianjin.clauses if c.kind == "table_row"]
    assert len(rows) == 17
    assert tianjin.clause("annex.total").text == "总计；补贴培训总数（人次）：170000；新型学徒制（人）：6000"
    assert tianjin.clause("annex.note").text == "注：院校学生补贴培训10000人次未列入分区培训计划。"
    assert tianjin.attachments == ("2019年天津市职业技能提升行动分区培训计划",)


def test_qijiang_division_of_work_rows_merge_two_header_levels(docs_by_id):
    qijiang = docs_by_id["qijiang-2019"]
    first = qijiang.clause("annex.row1")
    assert first.text.startswith("序号：1；责任单位：区人力社保局；配合单位：领导小组成员单位、各街镇；工作职责：统筹协调")
    assert first.text.endswith("指导计划2019年：6700；指导计划2020年：7000；指导计划2021年：7500")
    # Row 6 has blank lines inside it in the source.
    six = qijiang.clause("annex.row6")
    assert "责任单位：区商务委" in six.text and "工作职责：引导超市" in six.text
    assert six.text.endswith("指导计划2019年：200；指导计划2020年：300；指导计划2021年：500")
    assert qijiang.clause("annex.row18").text.startswith("序号：18；责任单位：区市场监管局")
    total = qijiang.clause("annex.total")
    assert total.text == "合计；指导计划2019年：11400；指导计划2020年：14300；指导计划2021年：17000"
    assert first.section_path[1] == "綦江区大规模职业技能提升行动工作分工及指导计划（单位：人次）"


def test_front_matter_notice_and_preamble_are_clauses(docs_by_id):
    tianjin = docs_by_id["tianjin-2019"]
    assert tianjin.clause("notice").text.endswith("印发给你们，请照此执行。")
    assert tianjin.clause("notice").section == "印发通知"
    assert tianjin.clause("preamble").text.startswith("为全面提升劳动者职业技能")
    assert tianjin.clause("preamble").section == "前言"
    assert docs_by_id["qijiang-2019"].clause("notice") is None
    assert docs_by_id["qijiang-2019"].clause("preamble").text.endswith("通知如下。")


def test_signatures_and_distribution_lines_are_metadata_not_clauses(corpus_documents, docs_by_id):
    for document in corpus_documents:
        for found in document.clauses:
            assert not found.text.startswith(("抄送", "主办", "督办", "（此件"))
            assert "印发\n" not in found.text
    assert docs_by_id["sanmenxia-2019"].back_matter[0] == "主办：市人力资源社会保障局"
    assert docs_by_id["taierzhuang-2019"].back_matter[:2] == ("台儿庄区人民政府", "2019年11月6日")
    assert docs_by_id["qijiang-2019"].back_matter[0].startswith("抄送：区委办公室")


@pytest.mark.parametrize("doc_id, title, issuer, doc_number, date, region, status", [
    ("tianjin-2019", "天津市职业技能提升行动实施方案（2019—2021年）", "天津市人民政府办公厅", None,
     "2019-08-14", "天津市", "final"),
    ("qijiang-2019", "重庆市綦江区人民政府办公室关于切实做好全区职业技能提升行动工作的通知",
     "重庆市綦江区人民政府办公室", "綦江府办发〔2019〕39号", None, "重庆市綦江区", "final"),
    ("taierzhuang-2019", "台儿庄区人民政府关于推行终身职业技能培训制度的实施意见", "台儿庄区人民政府",
     "台政发〔2019〕11号", "2019-11-06", "山东省枣庄市台儿庄区", "final"),
    ("sanmenxia-2019", "三门峡市职业技能提升行动方案（2019—2021年）", "三门峡市人民政府办公室",
     "三政办〔2019〕26号", "2019-12-13", "河南省三门峡市", "final"),
    ("baicheng-2019", "白城市职业技能提升行动实施方案（2019—2021年）", None, None, None,
     "吉林省白城市", "draft"),
])
def test_document_metadata(docs_by_id, doc_id, title, issuer, doc_number, date, region, status):
    document = docs_by_id[doc_id]
    assert (document.title, document.issuer, document.doc_number, document.date,
            document.region.name, document.status) == (title, issuer, doc_number, date, region, status)


def test_region_levels_and_aliases(docs_by_id):
    taierzhuang = docs_by_id["taierzhuang-2019"].region
    assert (taierzhuang.province, taierzhuang.city, taierzhuang.district) == ("山东省", "枣庄市", "台儿庄区")
    assert {"台儿庄", "Taierzhuang"} <= set(taierzhuang.aliases)
    sanmenxia = docs_by_id["sanmenxia-2019"].region
    assert {"三门峡", "三门峡市", "Sanmenxia"} <= set(sanmenxia.aliases)
    assert docs_by_id["baicheng-2019"].status_label == "送审稿"
    assert docs_by_id["baicheng-2019"].notes == ("注：画线部分为我市创新内容",)
    assert docs_by_id["tianjin-2019"].source_file == "000_b1932add20961239.txt"
