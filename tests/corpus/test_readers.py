"""Readers: every supported format read into a `SourceText`, on real files and real libraries.

Real Legal-DC Word files (skipped when ../shared/corpora is absent), a Word file with automatic
numbering built here with python-docx, a committed PDF with running headers, page numbers and
page-end breaks (tests/fixtures/make_policy_pdf.py made it), a saved government web page, text in
GBK and UTF-16, a LawRefBook-style Markdown file, and files that must be refused with a message
naming them.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest

from corpus.errors import CorpusError
from corpus.readers import read_source as readers_read_source
from corpus.readers.common import date_from_name
from corpus.readers.numbering import format_number
from corpus.reading import decode_bytes, read_source, read_source_bytes

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
LEGAL_DC = REPO.parent / "shared" / "corpora" / "legal-dc" / "docs"
LAWREFBOOK = REPO.parent / "shared" / "corpora" / "lawrefbook" / "laws"
needs_legal_dc = pytest.mark.skipif(not LEGAL_DC.exists(),
                                    reason="../shared/corpora/legal-dc is not present")


def body(lines) -> list[str]:
    return [line for line in lines if line and not line.startswith("\t")]


def cells(lines) -> list[str]:
    return [line[1:] for line in lines if line.startswith("\t")]


# ---------------------------------------------------------------- text and encodings

TEXT = "某某市实施方案\r\n一、总体要求\r\n\t区\r\n\t人数\r\n\r\n第一条　为了规范管理，制定本办法。\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_text_in_every_common_encoding_reads_the_same(encoding):
    source = read_source_bytes(TEXT.encode(encoding), "方案.txt")
    assert source.lines == ("某某市实施方案", "一、总体要求", "\t区", "\t人数", "",
                            "第一条　为了规范管理，制定本办法。")
    assert source.format == "txt"
    assert source.sha256 == hashlib.sha256(TEXT.encode(encoding)).hexdigest()


def test_decode_bytes_keeps_working_for_gbk_and_utf16_without_bom():
    assert decode_bytes("第一条　总则\r\n".encode("gbk")) == "第一条　总则\n"
    assert decode_bytes("Article 1 总则\n".encode("utf-16-le")) == "Article 1 总则\n"


def test_binary_and_undecodable_text_name_the_file():
    with pytest.raises(CorpusError, match=r"broken\.txt"):
        read_source_bytes(bytes([0x81, 0x30, 0xFF, 0xFF, 0x00, 0x9F]) * 20, "broken.txt")


@pytest.mark.parametrize("name, expected", [
    ("宁夏回族自治区某某条例(2019-03-29).md", "2019-03-29"),
    ("关于印发方案的通知2020年6月8日.docx", "2020-06-08"),
    ("notice_20190814.pdf", "2019-08-14"),
    ("某某办法(2021.1.5).html", "2021-01-05"),
    ("肉制品生产许可审查细则（2023版）.docx", None),
    ("三政办〔2019〕26号.txt", None),
])
def test_date_hint_from_the_file_name(name, expected):
    assert date_from_name(name) == expected


# ---------------------------------------------------------------- markdown

LAWREF_STYLE = """---
title: 某某省电梯安全条例
tags: [地方法规]
---
# 某某省电梯安全条例

2019年3月29日 某某省第十三届人民代表大会常务委员会第十次会议通过

<!-- INFO END -->

## 第一章 总则

**第一条** 为了加强电梯安全管理，根据《中华人民共和国特种设备安全法》，制定本条例。

第二条 本条例适用于本省行政区域内电梯的生产、使用和[监督管理](http://example.gov.cn)。

<!-- TABLE -->
| 违法行为 | 罚款（元） |
|-----|-----|
| 未按规定维护保养 | 一万至五万 |
| 拒绝检查 \\| 阻碍检查 | 二万至十万 |
<!-- TABLE END -->

### 第一节 一般规定
"""


def test_markdown_in_the_lawrefbook_style_loses_its_marks_not_its_text():
    source = read_source_bytes(LAWREF_STYLE.encode("utf-8"), "某某省电梯安全条例(2019-03-29).md")
    assert source.format == "md"
    assert source.title_hint == "某某省电梯安全条例"
    assert source.date_hint == "2019-03-29"
    text = "\n".join(body(source.lines))
    for mark in ("---", "tags:", "<!--", "INFO END", "#", "**", "](", "|"):
        assert mark not in text, mark
    lines = body(source.lines)
    assert lines[0] == "某某省电梯安全条例"
    assert "第一章 总则" in lines and "第一节 一般规定" in lines
    assert "第一条 为了加强电梯安全管理，根据《中华人民共和国特种设备安全法》，制定本条例。" in lines
    assert "第二条 本条例适用于本省行政区域内电梯的生产、使用和监督管理。" in lines
    start = source.lines.index("\t违法行为")
    assert source.lines[start:start + 9] == (
        "\t违法行为", "\t罚款（元）", "",
        "\t未按规定维护保养", "\t一万至五万", "",
        "\t拒绝检查 | 阻碍检查", "\t二万至十万", "")


@pytest.mark.skipif(not LAWREFBOOK.exists(), reason="../shared/corpora/lawrefbook is not present")
def test_a_real_lawrefbook_file_with_a_table():
    path = next(LAWREFBOOK.glob("司法解释/*确定罪名的补充规定（二）(2003-08-15).md"))
    source = read_source(path)
    assert source.title_hint.startswith("最高人民法院、最高人民检察院关于执行")
    assert source.date_hint == "2003-08-15"
    assert not any(line.startswith(("<!--", "|", "#")) for line in source.lines)
    assert "\t刑法条文" in source.lines and "\t雇用童工从事危重劳动罪" in source.lines


# ---------------------------------------------------------------- docx: real Legal-DC files

@needs_legal_dc
def test_a_real_law_reads_article_by_article():
    path = LEGAL_DC / "中华人民共和国个人所得税法.docx"
    source = read_source(path)
    assert source.format == "docx" and source.source_file == path.name
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    lines = body(source.lines)
    assert lines[0].replace(" ", "") == "中华人民共和国个人所得税法"
    articles = [line for line in lines if re.match(r"^第[一二三四五六七八九十]+条", line)]
    assert articles[0].startswith("第一条") and len(articles) == 22
    # Its core title is a template's ("法规修改决定电子报备格式标准及示例"): not a title hint.
    assert source.title_hint is None


@needs_legal_dc
def test_a_core_title_printed_in_the_document_is_the_title_hint():
    assert read_source(LEGAL_DC / "中华人民共和国安全生产法.docx").title_hint == \
        "中华人民共和国安全生产法"


@needs_legal_dc
def test_real_automatic_article_numbers_and_tables_in_document_order():
    source = read_source(LEGAL_DC / "肉制品生产许可审查细则（2023版）.docx")
    lines = body(source.lines)
    # "第一条" is not typed in this file: Word's numbering (第%1条, chineseCountingThousand) is.
    numbers = [re.match(r"^第([一二三四五六七八九十]+)条", line) for line in lines]
    labels = [found.group(1) for found in numbers if found]
    assert labels[:12] == ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                           "十一", "十二"]
    assert lines[1] == "第一章 总则"
    assert lines[2].startswith("第一条\u3000为了加强肉制品生产许可审查工作")
    # The table stands right after the paragraph that announces it, not at the end.
    table_title = source.lines.index("表1 肉制品常规生产场所")
    assert source.lines[table_title + 1:table_title + 4] == ("", "\t产品类别名称", "\t常规生产场所")
    assert "第十一条" in source.lines[table_title - 1]


@needs_legal_dc
def test_real_decimal_lists_restart_inside_table_cells():
    source = read_source(LEGAL_DC / "重点管控新污染物清单（2023年版）.docx")
    measures = [cell for cell in cells(source.lines) if cell.startswith("1. ")]
    assert measures and all("2. " in cell for cell in measures[:3])
    assert "（1） 半导体制造中的光刻或蚀刻工艺；（2） 用于胶卷的摄影涂料；" in measures[1]
    # Page numbers a PDF-to-Word conversion typed into the body ("— 3 —") are gone.
    assert not any(re.fullmatch(r"[—-]\s*\d+\s*[—-]", line) for line in source.lines)


@needs_legal_dc
def test_every_legal_dc_file_reads(tmp_path):
    names = sorted(LEGAL_DC.glob("*.docx"))[:40]
    for path in names:
        source = read_source(path)
        assert body(source.lines), path.name
        assert all(line == line.strip() or line.startswith("\t") for line in source.lines)


# ---------------------------------------------------------------- docx: numbering built here

def _numbered_docx(core_title: str) -> bytes:
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    levels = [("chineseCounting", "第%1条", 1), ("chineseCounting", "（%2）", 1),
              ("decimal", "%3.", 1)]
    abstract = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:suff w:val="space"/></w:lvl>'
        for i, (fmt, text, start) in enumerate(levels))
    definitions = [
        f'<w:abstractNum {w} w:abstractNumId="90">{abstract}</w:abstractNum>',
        f'<w:abstractNum {w} w:abstractNumId="91"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="ideographTraditional"/><w:lvlText w:val="%1、"/>'
        '<w:suff w:val="nothing"/></w:lvl></w:abstractNum>',
        f'<w:abstractNum {w} w:abstractNumId="92"><w:lvl w:ilvl="0"><w:start w:val="9"/>'
        '<w:numFmt w:val="japaneseCounting"/><w:lvlText w:val="%1、"/>'
        '<w:suff w:val="nothing"/></w:lvl></w:abstractNum>',
        f'<w:num {w} w:numId="50"><w:abstractNumId w:val="90"/></w:num>',
        f'<w:num {w} w:numId="51"><w:abstractNumId w:val="91"/></w:num>',
        f'<w:num {w} w:numId="52"><w:abstractNumId w:val="92"/></w:num>',
        # A second list on abstract 90 restarting at 第十条 through a start override.
        f'<w:num {w} w:numId="53"><w:abstractNumId w:val="90"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="10"/></w:lvlOverride></w:num>',
    ]
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for index, xml in enumerate(definitions):
        element = parse_xml(xml)
        # Schema order: abstract definitions before the w:num instances that use them.
        numbering.insert(index, element) if "abstractNum " in xml else numbering.append(element)

    def para(text: str, num_id: int | None = None, ilvl: int = 0):
        paragraph = document.add_paragraph(text)
        if num_id is not None:
            ppr = paragraph._p.get_or_add_pPr()
            ppr.append(parse_xml(f'<w:numPr {w}><w:ilvl w:val="{ilvl}"/>'
                                 f'<w:numId w:val="{num_id}"/></w:numPr>'))
        return paragraph

    para("某某市数据管理办法")
    para("总则", 51)
    para("为了规范数据管理，制定本办法。", 50)
    para("")  # an empty paragraph: skipped
    para("本办法所称数据包括：", 50)
    para("政务数据；", 50, 1)
    para("公共数据，包括：", 50, 1)
    para("供水数据；", 50, 2)
    para("供电数据。", 50, 2)
    para("社会数据。", 50, 1)
    para("本办法由市大数据局解释。", 50)  # level 0 again: （…） and 1. restart below it
    para("委托处理的数据适用本办法。", 50, 1)
    para("附则", 51)
    table = document.add_table(rows=2, cols=2)
    for row, values in zip(table.rows, (("类别", "责任单位"), ("政务数据", "市大数据局")), strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    para("本条之后接着编号。", 50)
    para("数据安全", 52)
    para("本条重新从第十条起编号。", 53)
    para("被取消编号的段落。", 0)
    document.core_properties.title = core_title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_word_automatic_numbering_is_rendered_into_the_text():
    source = read_source_bytes(_numbered_docx("Microsoft Word - 新建文档.doc"), "数据管理办法.docx")
    assert source.lines == (
        "某某市数据管理办法",
        "甲、总则",
        "第一条 为了规范数据管理，制定本办法。",
        "第二条 本办法所称数据包括：",
        "（一） 政务数据；",
        "（二） 公共数据，包括：",
        "1. 供水数据；",
        "2. 供电数据。",
        "（三） 社会数据。",
        "第三条 本办法由市大数据局解释。",
        "（一） 委托处理的数据适用本办法。",
        "乙、附则",
        "",
        "\t类别", "\t责任单位", "",
        "\t政务数据", "\t市大数据局", "",
        "第四条 本条之后接着编号。",
        "九、数据安全",
        "第十条 本条重新从第十条起编号。",
        "被取消编号的段落。",
    )
    assert source.title_hint is None  # "Microsoft Word - …" is no title


def test_a_core_title_that_the_document_prints_is_kept():
    source = read_source_bytes(_numbered_docx("某某市数据管理办法"), "x.docx")
    assert source.title_hint == "某某市数据管理办法"


@pytest.mark.parametrize("number, fmt, expected", [
    (11, "chineseCounting", "十一"), (20, "chineseCounting", "二十"),
    (101, "chineseCountingThousand", "一百零一"), (110, "chineseCountingThousand", "一百一十"),
    (1261, "chineseCountingThousand", "一千二百六十一"), (10, "ideographDigital", "一〇"),
    (110, "japaneseCounting", "百十"), (3, "ideographTraditional", "丙"),
    (27, "lowerLetter", "aa"), (14, "upperRoman", "XIV"), (3, "decimalEnclosedCircleChinese", "③"),
])
def test_number_formats(number, fmt, expected):
    assert format_number(number, fmt) == expected


# ---------------------------------------------------------------- pdf

def test_pdf_headers_page_numbers_and_page_end_breaks_are_handled():
    path = FIXTURES / "policy-paged.pdf"
    source = read_source(path)
    assert source.format == "pdf" and source.source_file == "policy-paged.pdf"
    assert source.title_hint == "某某市职业技能提升行动实施方案"
    text = "\n".join(source.lines)
    assert "某某市人民政府办公室文件" not in text  # the running header of all three pages
    assert not re.search(r"^-\s*\d+\s*-$", text, re.M)  # "- 1 -" … "- 3 -"
    lines = body(source.lines)
    assert lines[:2] == ["某某市职业技能提升行动实施方案", "一、总体要求"]
    # The end of page 1 cut this sentence after "到二〇二一年底"; page 2 goes on with "技能劳动者".
    assert any("到二〇二一年底技能劳动者占就业人员总量的比例达到百分之二十八以上" in line
               for line in lines)
    # Page 2 ends inside （二）, after "面向农村劳动力、".
    assert "（二）加强就业重点群体职业技能培训。面向农村劳动力、城乡未继续升学的初高中毕业生、" \
           "退役军人和就业困难人员，持续开展就业技能培训和创业培训。" in lines
    # Visual lines of one paragraph are one line; headings and clauses stay apart.
    assert lines[2].startswith("以习近平") and lines[2].endswith("着力提升培训的针对性和有效性。")
    assert "三、主要措施" in lines and "二、目标任务" in lines
    assert [line[:4] for line in lines if line.startswith("（")] == ["（一）大", "（二）加", "（三）强"]
    start = source.lines.index("\t区")
    assert source.lines[start:start + 8] == ("\t区", "\t补贴培训总数（人次）", "\t新型学徒制（人）", "",
                                             "\t滨海新区", "\t50000", "\t2400", "")
    assert lines[-1] == "本方案自印发之日起施行。"


def test_quotes_set_in_a_smaller_latin_font_stay_in_their_line():
    """LibreOffice's export of a Word file whose quotes fall back to a 10.5 pt Latin font inside
    16 pt Chinese text (tests/fixtures/make_office_exports.py): grouped by glyph-box tops, the quotes
    formed lines of their own ("加印 样币 字样" then "“ ”"); grouped by baseline they stay put.
    Legal-DC's 人民币管理条例 exported the same way lost the quotes of 4 articles."""
    from corpus.parser import parse_source
    document = parse_source(read_source(FIXTURES / "office-export.pdf"), doc_id="coins")
    assert document.title == "某某市纪念币管理办法"
    assert document.clause("a2").text.endswith("纪念币样币上应当加印“样币”字样。")
    assert "加盖“假币”字样的戳记，并登记造册；" in document.clause("a3").text
    assert document.clause("a4").text == "第四条 本办法所称“流通纪念币”，是指具有法定货币地位、可以流通的纪念币。"
    assert [c.key for c in document.clauses if c.kind == "article"] == ["a1", "a2", "a3", "a4", "a5"]


def test_shaded_paragraphs_are_text_and_a_three_line_footer_is_dropped():
    """LibreOffice's export of a Word file whose paragraphs are shaded white and whose footer is
    page number, mark and issuer (tests/fixtures/make_office_exports.py). The shading boxes read as
    one ruled table with empty cells, and the page's text inside it was dropped: 12 of 108
    Legal-DC laws exported this way were refused as scans. The page number, third line from
    the bottom, stayed in the text ("…《中1") until the footer was peeled in rounds."""
    from corpus.parser import parse_source
    source = read_source(FIXTURES / "office-shaded.pdf")
    text = "\n".join(source.lines)
    for layout in ("某某市人民政府规章", "某某市人民政府发布", "X"):
        assert layout not in text
    assert not any(line.strip().isdigit() for line in source.lines)
    document = parse_source(source, doc_id="ads")
    articles = [c for c in document.clauses if c.kind == "article"]
    assert [c.section for c in articles][-1] == "第十三条" and len(articles) == 13
    assert articles[7].text.endswith("应当显著标明“广告”。")
    # Each article is one paragraph: those that ran over a page end were joined again.
    assert all(c.text.count("。") == 1 or "；" in c.text for c in articles)
    assert not any(re.search(r"[\u4e00-\u9fff]\d$", c.text) for c in articles)


def test_shading_boxes_are_not_tables():
    from corpus.readers.pdf import _draws, _is_grid
    white_box = {"object_type": "rect", "fill": True, "stroke": False,
                 "non_stroking_color": (1.0, 1.0, 1.0)}
    assert not _draws(white_box)
    assert _draws({**white_box, "non_stroking_color": (0.8, 0.8, 0.8)})  # grey shading shows
    assert _draws({**white_box, "stroke": True})  # a ruled cell
    # Boxes of grey run shading read as a "table": one wide cell per line, now and then split
    # at a gap (外商投资电信企业管理规定 exported by LibreOffice) — not a grid.
    lines = [["第三条", "外商投资电信企业从事"]] + [["经营的业务范围", "", ""]] * 5
    assert not _is_grid(lines)
    assert _is_grid([["区", "人次"], ["滨海新区", "50000"], ["和平区", "7000"]])


def _minimal_pdf(content: bytes) -> bytes:
    """A one-page PDF whose page draws `content` (no fonts: so no text layer)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body_bytes in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body_bytes + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def test_a_pdf_without_text_layer_asks_for_ocr():
    scan = _minimal_pdf(b"0 0 0 rg 72 72 451 698 re f")  # a page-sized black box, no text
    with pytest.raises(CorpusError, match=r"scan\.pdf.*scanned PDF with no text layer.*OCR"):
        read_source_bytes(scan, "scan.pdf")


@pytest.mark.parametrize("data", [
    b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n" + b"\x00garbage" * 50,
    b"this is not a pdf at all",
    (FIXTURES / "policy-paged.pdf").read_bytes()[:900],
])
def test_a_damaged_pdf_is_a_clear_error(data):
    with pytest.raises(CorpusError, match=r"broken\.pdf"):
        read_source_bytes(data, "broken.pdf")


# ---------------------------------------------------------------- html

NAVIGATION = ["首页", "政务公开", "政民互动", "当前位置", "市政府办公室文件", "无障碍浏览", "搜索",
              "分享到", "相关文件", "就业创业补贴资金管理办法", "网站地图", "联系我们", "ICP",
              "主办单位", "打印本页", "浏览次数", "var _hmt"]


@pytest.mark.parametrize("encoding", ["utf-8", "gb2312"])
def test_a_government_page_yields_the_article_only(encoding):
    html = (FIXTURES / "gov-notice.html").read_text(encoding="utf-8")
    data = html.replace('charset="utf-8"', f'charset="{encoding}"').encode(
        "gb18030" if encoding == "gb2312" else encoding)
    source = read_source_bytes(data, "gov-notice.html")
    assert source.format == "html"
    title = "某某市人民政府办公室关于印发某某市以工代训实施办法的通知"
    assert source.title_hint == title
    text = "\n".join(source.lines)
    for noise in NAVIGATION:
        assert noise not in text, noise
    lines = body(source.lines)
    assert lines[0] == title
    assert lines[1] == "各县（市、区）人民政府，市人民政府各部门："
    # <br> keeps the signature and the date on lines of their own; the indent is layout.
    assert lines[3:5] == ["某某市人民政府办公室", "2020年6月18日"]
    assert "（一）中小微企业吸纳就业困难人员、零就业家庭成员就业并开展以工代训的，根据吸纳人数给予" \
           "企业职业培训补贴。" in lines
    assert lines[-1] == "三、本办法自印发之日起施行，有效期至2020年12月31日。"
    start = source.lines.index("\t企业类型")
    assert source.lines[start:start + 8] == ("\t企业类型", "\t补贴标准（元/人/月）", "\t最长期限（月）",
                                             "", "\t中小微企业", "\t500", "\t6", "")


def test_a_stale_title_property_of_a_saved_word_file_is_not_the_title():
    """A Word file saved as a web page by LibreOffice (tests/fixtures/make_office_exports.py)
    whose <title> is its template's title property, shown nowhere on the page: put in front
    as the first line, it was read as the start of the title (6 of 29 Legal-DC laws)."""
    from corpus.parser import parse_source
    source = read_source(FIXTURES / "office-saved.html")
    # Nor are the running header and footer, which LibreOffice writes into the page as blocks
    # ("国家市场监督管理总局规章" had joined the title of 2 of 29 Legal-DC laws).
    for furniture in ("法规修改决定电子报备格式标准及示例", "某某市人民政府规章", "某某市人民政府发布"):
        assert furniture not in "\n".join(source.lines)
    document = parse_source(source, doc_id="coins")
    assert document.title == "某某市纪念币管理办法"
    assert len([c for c in document.clauses if c.kind == "article"]) == 5


SHORT_PAGE = ("<html><head><title>通知_某某县政府</title></head><body>"
              "<div class='nav'><a href='/'>首页</a><a href='/x'>政务公开</a></div>"
              "<div class='con'><p>各乡镇：</p><p>请于6月30日前报送材料。</p></div>"
              "<div class='footer'>版权所有 某某县人民政府</div></body></html>")


def test_a_short_notice_is_still_an_article():
    source = read_source_bytes(SHORT_PAGE.encode("utf-8"), "short.htm")
    assert source.title_hint == "通知"  # <title> without the site name
    assert source.lines == ("通知", "各乡镇：", "请于6月30日前报送材料。")


def test_the_fallback_extractor_drops_navigation_too():
    from corpus.readers.webpage import main_block_lines

    html = (FIXTURES / "gov-notice.html").read_text(encoding="utf-8")
    lines = [line for line in main_block_lines(html) if line]
    assert "各县（市、区）人民政府，市人民政府各部门：" in lines
    assert "\t中小微企业" in lines
    for noise in ("首页", "当前位置", "市政府办公室文件", "分享到", "网站地图", "ICP", "var _hmt"):
        assert not any(noise in line for line in lines), noise
    assert [line for line in main_block_lines(SHORT_PAGE) if line] == [
        "各乡镇：", "请于6月30日前报送材料。"]


# ---------------------------------------------------------------- refused files

@pytest.mark.parametrize("name, advice", [
    ("旧文件.doc", r"legacy Word \.doc.*save it as \.docx"),
    ("通知.wps", r"WPS.*\.docx"),
    ("统计表.xls", r"spreadsheets"),
    ("扫描件.png", r"image.*OCR"),
    ("全部文件.zip", r"unpack"),
    ("数据.parquet", r"\.parquet is not supported"),
])
def test_unsupported_formats_name_the_file_and_what_to_do(name, advice):
    with pytest.raises(CorpusError, match=re.escape(name) + ".*" + advice):
        read_source_bytes(b"\xd0\xcf\x11\xe0 not read anyway", name)


@pytest.mark.parametrize("data", [
    b"PK\x03\x04 truncated zip",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,  # an OLE .doc renamed to .docx
])
def test_a_damaged_docx_is_a_clear_error(data):
    with pytest.raises(CorpusError, match=r"损坏的文件\.docx.*\.docx"):
        read_source_bytes(data, "损坏的文件.docx")


def test_a_zip_that_is_not_a_word_document_is_a_clear_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(CorpusError, match=r"notword\.docx"):
        read_source_bytes(buffer.getvalue(), "notword.docx")


def test_reading_module_delegates_to_the_readers(tmp_path):
    path = tmp_path / "方案(2019-08-14).md"
    path.write_text("# 某某方案\n\n一、总体要求\n", encoding="utf-8")
    assert read_source(path) == readers_read_source(path)
    assert read_source(path).date_hint == "2019-08-14"
    with pytest.raises(CorpusError, match="missing.docx"):
        read_source(tmp_path / "missing.docx")
