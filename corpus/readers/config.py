"""The tunable numbers of the readers, in one frozen config object.

Each number says what chose it. Readers take a `ReaderConfig` argument (defaulting to
`DEFAULT_READER_CONFIG`) so that an office with unusual layouts can adjust them without touching
reader code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReaderConfig:
    # PDF running headers/footers: a line is layout when it recurs (digits ignored) among the
    # first/last `pdf_margin_lines` lines of at least this share of pages. 0.5 still catches
    # headers that alternate between odd and even pages; body lines almost never recur this often.
    pdf_repeat_share: float = 0.5
    # A header/footer must recur on at least this many pages: in a 1-page file nothing can.
    pdf_repeat_min_pages: int = 2
    # How many lines at the top and bottom of a page are looked at for headers, footers and
    # page numbers: government PDFs put at most a header line plus a date or number there.
    pdf_margin_lines: int = 2
    # A visual line "fills the width" when its right end is within this many character widths
    # of the text block's right edge: justified CJK lines end within about one character
    # (punctuation compression); ragged lines, as in the reportlab-made test fixture, within 1.5.
    pdf_fill_tolerance_chars: float = 1.5
    # A line starting this many character widths right of the block's left edge is indented,
    # i.e. opens a paragraph (Chinese official documents indent the first line by two).
    pdf_indent_chars: float = 1.0
    # The text block's right edge is this quantile of line ends: robust against a few lines
    # (tables, signatures) that run into the margin.
    pdf_right_edge_quantile: float = 0.9
    # Below this many non-blank characters per page on average a PDF has no text layer worth
    # reading (a scan with a stray OCR'd stamp or page number).
    pdf_min_chars_per_page: int = 10
    # HTML: when trafilatura's article has fewer characters than this, it is taken to have
    # missed the body and the lxml heuristic is used. 10 is below the shortest real notice body
    # ("请于6月30日前报送材料。" has 13) and above a lone "打印本页".
    html_min_article_chars: int = 10
    # Docx and PDF: a container title (core properties, PDF Info) counts only when it is printed
    # in the first lines of the body:
    # 48 of the 347 Legal-DC files carry a template's title ("法规修改决定电子报备格式标准及示例").
    title_search_lines: int = 8


DEFAULT_READER_CONFIG = ReaderConfig()
