"""Word files (.docx): body paragraphs and tables in document order, with Word's list numbers.

The body XML is walked child by child (paragraphs, tables, content controls) so that a table stays
where it stands in the text, rather than python-docx's `doc.paragraphs` then `doc.tables`. Text is
taken from runs (including hyperlinks, insertions, field results) and never from deleted text,
field codes or hidden runs; a paragraph numbered by Word (``w:numPr``) gets its rendered label
("第一条", "（一）", "1.") in front, because the label is not in the text and the parser needs it.
The core-properties title is used as the title hint only when the body prints it: templates leave
titles such as "Microsoft Word - …" or another document's name behind.
"""

from __future__ import annotations

import io
import zipfile

from corpus.errors import CorpusError
from corpus.readers.common import (date_from_name, is_page_number, printed_title, sha256_hex,
                                   table_lines, tidy_lines)
from corpus.readers.config import DEFAULT_READER_CONFIG, ReaderConfig
from corpus.readers.numbering import WordNumbering
from corpus.records import SourceText

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Subtrees whose text is not part of what the document reads: tracked deletions, field codes,
# the fallback copy of drawings, text boxes and footnote marks (anchored layout, not body text).
_SKIP = {f"{_W}{tag}" for tag in ("del", "moveFrom", "instrText", "delText", "pPr", "rPr",
                                  "txbxContent", "fldData", "footnoteReference",
                                  "endnoteReference", "commentReference")} | {_MC_FALLBACK}


def _is_hidden(run) -> bool:
    rpr = run.find(f"{_W}rPr")
    vanish = rpr.find(f"{_W}vanish") if rpr is not None else None
    return vanish is not None and vanish.get(f"{_W}val") not in ("0", "false")


def _text(element) -> str:
    """The visible text of a paragraph (or run container), with soft breaks as newlines."""
    parts: list[str] = []

    def walk(node) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == f"{_W}r" and _is_hidden(child):
                continue
            if tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag == f"{_W}tab":
                # A tab inside a paragraph is alignment; a leading tab would read as a table cell.
                parts.append(" ")
            elif tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                parts.append("-")
            elif tag == f"{_W}p":
                if parts and parts[-1] != "\n":
                    parts.append("\n")
                walk(child)
            else:
                walk(child)

    walk(element)
    return "".join(parts)


class _BodyReader:
    def __init__(self, numbering: WordNumbering) -> None:
        self.numbering = numbering
        self.lines: list[str] = []
        self.paragraphs: list[str] = []  # body paragraph texts, for the title check

    def paragraph_text(self, paragraph) -> str:
        ppr = paragraph.find(f"{_W}pPr")
        num_id, ilvl = self.numbering.paragraph_numpr(ppr)
        label = self.numbering.label(num_id, ilvl)
        text = _text(paragraph)
        if label and text.strip():
            return label + text.lstrip(" \u3000\t")
        return text if text.strip() else ""

    def block(self, element) -> None:
        tag = element.tag
        if tag == f"{_W}p":
            text = self.paragraph_text(element)
            for line in text.split("\n"):
                # "— 35 —" paragraphs are page numbers a PDF-to-Word conversion left in the body.
                if line.strip() and not is_page_number(line):
                    self.lines.append(line)
                    self.paragraphs.append(line)
        elif tag == f"{_W}tbl":
            self.lines.append("")
            self.lines.extend(table_lines(self.table_rows(element)))
        elif tag in (f"{_W}sdt", f"{_W}customXml", f"{_W}sdtContent", f"{_W}smartTag"):
            for child in element:
                if child.tag != f"{_W}sdtPr":
                    self.block(child)

    def cell_text(self, cell) -> str:
        pieces: list[str] = []
        for child in cell.iter(f"{_W}p"):
            text = self.paragraph_text(child).strip()
            if text:
                pieces.append(text)
        return "\n".join(pieces)

    def table_rows(self, table) -> list[list[str]]:
        rows: list[list[str]] = []
        above: dict[int, str] = {}  # grid column → text of the cell a vertical merge continues
        for tr in table.iterfind(f"{_W}tr"):
            row: list[str] = []
            column = 0
            for tc in tr.iterfind(f"{_W}tc"):
                tcpr = tc.find(f"{_W}tcPr")
                span_el = tcpr.find(f"{_W}gridSpan") if tcpr is not None else None
                span = int(span_el.get(f"{_W}val", "1")) if span_el is not None else 1
                merge = tcpr.find(f"{_W}vMerge") if tcpr is not None else None
                if merge is not None and merge.get(f"{_W}val") != "restart":
                    # A vertically merged cell repeats its value in every row it spans, so each
                    # row stays complete when the parser pairs it with the header.
                    text = above.get(column, "")
                else:
                    text = self.cell_text(tc)
                above[column] = text
                # A horizontally merged cell fills its grid columns with empty cells, keeping
                # every row as wide as the header.
                row.extend([text] + [""] * (span - 1))
                column += span
            rows.append(row)
        return rows


def read_docx(data: bytes, filename: str,
              config: ReaderConfig = DEFAULT_READER_CONFIG) -> SourceText:
    # Imported here so that reading text or PDF files never needs python-docx.
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise CorpusError(f"cannot read {filename}: it is not a valid .docx file (not a zip "
                          "package; it may be a legacy .doc renamed, or damaged). Open it in "
                          "Word/LibreOffice and save it as .docx")
    try:
        document = docx.Document(io.BytesIO(data))
        part = document.part
        try:
            numbering_element = part.numbering_part.element
        except (KeyError, NotImplementedError):
            numbering_element = None  # a document without any lists has no numbering part
        styles_element = part.styles.element if part.styles is not None else None
        reader = _BodyReader(WordNumbering(numbering_element, styles_element))
        for child in document.element.body:
            reader.block(child)
        core_title = document.core_properties.title
    except CorpusError:
        raise
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise CorpusError(f"cannot read {filename}: the .docx package is damaged or incomplete "
                          f"({type(exc).__name__}: {exc}). Open it in Word/LibreOffice and save "
                          "it again as .docx") from exc
    except Exception as exc:  # lxml syntax errors and python-docx internals: never a traceback
        raise CorpusError(f"cannot read {filename}: its Word XML cannot be parsed "
                          f"({type(exc).__name__}: {exc}). Open it in Word/LibreOffice and save "
                          "it again as .docx") from exc
    return SourceText(lines=tidy_lines(reader.lines), source_file=filename, format="docx",
                      title_hint=printed_title(core_title, reader.paragraphs, filename,
                                               config.title_search_lines),
                      date_hint=date_from_name(filename), sha256=sha256_hex(data))
