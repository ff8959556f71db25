"""PDF files with a text layer: visual lines → the document's lines, layout noise removed.

pdfplumber gives each page's visual lines with their positions and its ruled tables. Running
headers and footers (a line recurring at the top or bottom of most pages, digits ignored) and page
numbers ("- 3 -", "第3页", "3/10", or a bare number that advances with the page) are dropped;
ruled tables become the tab-led cell lines the parser reads. Visual lines of one paragraph are
joined when a line fills the text block's width, does not end a sentence and the next line is
neither indented nor a clause number — also across a page end, which is where a clause is most
often cut. A PDF without a text layer (a scan) is refused with a request to run OCR first.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from corpus.errors import CorpusError
from corpus.readers.common import (date_from_name, ends_sentence, is_page_number, printed_title,
                                   sha256_hex, starts_clause, table_lines, tidy_lines)
from corpus.readers.config import DEFAULT_READER_CONFIG, ReaderConfig
from corpus.records import SourceText
from corpus.text import join_fragments

_BARE_NUMBER = re.compile(r"^\d{1,4}$")
# Rounds of header/footer removal: a footer or header of up to three margin-sized layers.
_LAYOUT_ROUNDS = 3
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    rows: list[list[str]] | None = None  # set for a table, which stands in the flow as one item

    @property
    def is_table(self) -> bool:
        return self.rows is not None


@dataclass
class _Page:
    items: list[_Line] = field(default_factory=list)

    def text_positions(self) -> list[int]:
        return [i for i, item in enumerate(self.items) if not item.is_table]


def _inside(line: dict, bbox: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = bbox
    middle = (line["top"] + line["bottom"]) / 2
    return top <= middle <= bottom and line["x0"] < x1 and line["x1"] > x0


def _on_baseline(char: dict, height: float) -> dict:
    """The char boxed as `height` above its baseline, for grouping chars into lines.

    A glyph's box comes from its font and size: Word and LibreOffice set Chinese quotes (“ ”) in
    a smaller Latin font whose box top stands 5 points below the Chinese text's on the same
    baseline, and grouped by box tops they left their line ("加印 样币 字样" and a line "“ ”").
    """
    matrix = char.get("matrix")
    if not matrix or not char.get("upright", True):
        return char
    baseline = char["top"] + (char["y1"] - matrix[5])
    return {**char, "top": baseline - height, "bottom": baseline}


_WHITE = {(1,), (1, 1, 1), (0, 0, 0, 0)}  # grey, RGB and CMYK white


def _draws(obj: dict) -> bool:
    """False for a box filled in the page's white and not stroked: it rules nothing.

    Word's paragraph and run shading (w:shd fill FFFFFF) is exported as such boxes, one per
    run, and a table finder reads their edges as the ruling of small tables over the text.
    """
    if obj.get("object_type") != "rect" or obj.get("stroke") or not obj.get("fill"):
        return True
    colour = obj.get("non_stroking_color")
    colour = tuple(colour) if isinstance(colour, (list, tuple)) else (colour,)
    return tuple(round(float(part), 3) for part in colour) not in _WHITE


def _is_grid(rows: list[list[str]]) -> bool:
    """Ruled cells that hold a table: most rows with text fill two cells or more.

    Paragraph or run shading exported from Word is boxes down the page, which pdfplumber reads
    as a table of one wide cell per line (now and then split at a gap: "第三条" | its text);
    taken for a table, the text inside was dropped and 12 of 108 Legal-DC laws exported by
    LibreOffice read as scans.
    """
    filled = [sum(1 for cell in row if cell.strip()) for row in rows]
    with_text = [count for count in filled if count]
    multi = sum(1 for count in with_text if count >= 2)
    return multi >= 2 and multi * 2 >= len(with_text)


def _read_page(page) -> _Page:
    from pdfplumber.utils.text import chars_to_textmap

    tables = []
    for table in page.filter(_draws).find_tables():
        rows = [[cell or "" for cell in row] for row in table.extract()]
        if _is_grid(rows):
            tables.append((table.bbox, rows))
    items: list[_Line] = []
    height = statistics.median_high(char["size"] for char in page.chars) if page.chars else 1.0
    chars = [_on_baseline(char, height) for char in page.chars]
    textmap = chars_to_textmap(chars, layout_bbox=page.bbox, layout_width=page.width,
                               layout_height=page.height)
    for line in textmap.extract_text_lines(strip=True, return_chars=False):
        text = line["text"].strip()
        if text and not any(_inside(line, bbox) for bbox, _ in tables):
            items.append(_Line(text, line["x0"], line["x1"], line["top"], line["bottom"]))
    for bbox, rows in tables:
        items.append(_Line("", bbox[0], bbox[2], bbox[1], bbox[3], rows=rows))
    items.sort(key=lambda item: (round(item.top), item.x0))
    return _Page(items)


def _margin_indexes(page: _Page, count: int) -> list[int]:
    positions = page.text_positions()
    return sorted(set(positions[:count] + positions[-count:]))


def _remove_layout(pages: list[_Page], config: ReaderConfig) -> int:
    """Drop running headers/footers and page numbers from the top and bottom of every page.

    Returns how many lines were dropped: a footer of three lines ("1", a mark, "…发布") is
    peeled in rounds, as the page number only reaches the margin once the lines under it went.
    """
    margin = [_margin_indexes(page, config.pdf_margin_lines) for page in pages]

    def key(text: str) -> str:
        return _DIGITS.sub("#", _SPACE.sub("", text))

    seen = Counter(k for page, indexes in zip(pages, margin, strict=True)
                   for k in {key(page.items[i].text) for i in indexes})
    needed = max(config.pdf_repeat_min_pages, config.pdf_repeat_share * len(pages))
    repeated = {k for k, n in seen.items() if n >= needed}

    # A bare number is a page number only when it advances with the page index (a table cell
    # or a lone figure at the foot of a page does not).
    bare = [(p, i, int(pages[p].items[i].text)) for p, indexes in enumerate(margin)
            for i in indexes if _BARE_NUMBER.match(pages[p].items[i].text.strip())]
    offsets = Counter(value - p for p, _, value in bare)
    offset, agreeing = offsets.most_common(1)[0] if offsets else (None, 0)
    bare_ok = agreeing >= 2 or offset in (0, 1)

    dropped = 0
    for p, indexes in enumerate(margin):
        drop = set()
        for i in indexes:
            text = pages[p].items[i].text.strip()
            if key(text) in repeated or is_page_number(text):
                drop.add(i)
            elif bare_ok and _BARE_NUMBER.match(text) and int(text) - p == offset:
                drop.add(i)
        pages[p].items = [item for i, item in enumerate(pages[p].items) if i not in drop]
        dropped += len(drop)
    return dropped


@dataclass(frozen=True)
class _Block:
    """The text block's geometry, measured over the whole document's lines."""

    left: float
    right: float
    char: float

    def fills(self, line: _Line, config: ReaderConfig) -> bool:
        return line.x1 >= self.right - config.pdf_fill_tolerance_chars * self.char

    def indented(self, line: _Line, config: ReaderConfig) -> bool:
        return line.x0 > self.left + config.pdf_indent_chars * self.char


def _block(pages: list[_Page], config: ReaderConfig) -> _Block | None:
    lines = [item for page in pages for item in page.items if not item.is_table]
    if not lines:
        return None
    ends = sorted(line.x1 for line in lines)
    right = ends[min(len(ends) - 1, int(config.pdf_right_edge_quantile * len(ends)))]
    left = Counter(round(line.x0) for line in lines).most_common(1)[0][0]
    left = min(left, statistics.median(line.x0 for line in lines))
    char = statistics.median(line.bottom - line.top for line in lines) or 1.0
    return _Block(left=left, right=right, char=char)


def _continues(previous: _Line, following: _Line, block: _Block | None,
               config: ReaderConfig) -> bool:
    """True when `following` carries on the sentence `previous` was cut in."""
    if previous.is_table or following.is_table:
        return False
    if ends_sentence(previous.text) or starts_clause(following.text):
        return False
    if block is None:
        return True
    return block.fills(previous, config) and not block.indented(following, config)


def _lines(pages: list[_Page], config: ReaderConfig) -> list[str]:
    block = _block(pages, config)
    out: list[str] = []
    previous: _Line | None = None
    for page in pages:
        for item in page.items:
            if item.is_table:
                out.append("")
                out.extend(table_lines(item.rows or []))
                previous = item
                continue
            if previous is not None and out and _continues(previous, item, block, config):
                out[-1] = join_fragments(out[-1], item.text)
            else:
                out.append(item.text)
            previous = item
    return out


def _scanned(filename: str) -> CorpusError:
    return CorpusError(f"cannot read {filename}: it is a scanned PDF with no text layer; run OCR "
                       "on it first (e.g. ocrmypdf, or your scanner's OCR) and add the OCR'd PDF "
                       "or its text")


def read_pdf(data: bytes, filename: str,
             config: ReaderConfig = DEFAULT_READER_CONFIG) -> SourceText:
    # Imported here so that reading text or Word files never needs pdfplumber.
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if b"%PDF" not in data[:1024]:
        raise CorpusError(f"cannot read {filename}: it is not a PDF file (no %PDF header); "
                          "check the file, or save the document again as PDF")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_read_page(page) for page in pdf.pages]
            title = (pdf.metadata or {}).get("Title")
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise CorpusError(f"cannot read {filename}: the PDF is password-protected; save an "
                          "unprotected copy and add it again") from exc
    except Exception as exc:  # pdfminer raises many types for damaged files: never a traceback
        raise CorpusError(f"cannot read {filename}: the PDF is damaged or cannot be parsed "
                          f"({type(exc).__name__}: {exc}); save or print it again as PDF") from exc
    text_chars = sum(len(item.text.replace(" ", "")) for page in pages for item in page.items)
    if not pages or text_chars < config.pdf_min_chars_per_page * len(pages):
        raise _scanned(filename)
    for _ in range(_LAYOUT_ROUNDS):
        if not _remove_layout(pages, config):
            break
    lines = tidy_lines(_lines(pages, config))
    if isinstance(title, bytes):
        title = title.decode("utf-8", "replace")
    return SourceText(lines=lines, source_file=filename, format="pdf",
                      title_hint=printed_title(title if isinstance(title, str) else None, lines,
                                               filename, config.title_search_lines),
                      date_hint=date_from_name(filename), sha256=sha256_hex(data))
