"""Which line is a document's title: not a promulgation note a layout broke over lines, and in
Markdown the level-1 heading (LawRefBook, read from ../shared where present)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from corpus.parser import parse_source, parse_text
from corpus.reading import read_source
from corpus.readers import read_source_bytes

LAWREFBOOK = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "lawrefbook"

NOTES_UNDER_TITLE = """某省华侨权益保护条例
2015年7月31日 某省第十二届人民代表大会常务委员会第十九次会议通过
2021年9月29日 某省第十三届人民代表大会常务委员会第三十五次会议《关于修改〈某省城镇房屋租赁条例〉等九项地方性法规的决定》修正）
第一条 为了保护华侨的合法权益，制定本条例。
第二条 本条例自公布之日起施行。
"""


def test_a_dated_note_broken_from_its_bracket_is_not_the_title():
    document = parse_text(NOTES_UNDER_TITLE, doc_id="law", source_file="law.txt",
                          overrides={"region": "全国"})
    assert document.title == "某省华侨权益保护条例"
    # The notes are kept, in the document's 题注, not dropped.
    assert "第三十五次会议" in document.clause("front").text


def test_markdown_level_one_heading_is_the_title():
    markdown = ("# 某市示例案例选编\n\n## 基本案情\n\n原告诉称其权益受损。\n\n## 典型意义\n\n"
                "本案明确了经营者的责任。\n").encode()
    document = parse_source(read_source_bytes(markdown, "cases.md"), doc_id="cases")
    assert document.title == "某市示例案例选编"


def _normal(title: str) -> str:
    # LawRefBook's file names drop 中华人民共和国 and brackets that the texts print.
    return re.sub(r"\s|中华人民共和国|[()（）]", "", title)


@pytest.mark.skipif(not LAWREFBOOK.exists(), reason="../shared/corpora/lawrefbook is not present")
def test_titles_of_a_sample_of_lawrefbook_files_are_their_own(caplog):
    """Every 20th file: the title names the file (measured on all 3,471: 346 wrong before the
    '# ' heading counted as the title, 36 after — case reports whose heading is their holding)."""
    caplog.set_level(logging.ERROR)
    files = [path for path in sorted((LAWREFBOOK / "laws").rglob("*.md"))
             if not path.name.startswith("_")][::20]
    wrong = []
    for path in files:
        document = parse_source(read_source(path), doc_id="lrb")
        stem = re.sub(r"(\(\d{4}-\d{1,2}-\d{1,2}\))?$", "", path.stem)
        if _normal(document.title) != _normal(stem):
            wrong.append((stem, document.title))
    assert len(files) > 150
    assert len(wrong) <= 3, wrong
