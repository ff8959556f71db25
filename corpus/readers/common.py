"""Helpers every reader shares: file facts, table cell lines, clause-start tests.

Readers differ in how they find text, but they hand the parser the same shape of lines, so the
conventions live here once: a table is one cell per line starting with a tab and a blank line
after each row; a date in the file name (``…条例(2019-03-29).md``, ``2019年3月29日``) becomes an ISO
``date_hint``; a line that opens with a clause number is never glued to the line before it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import date

from corpus.numbering import match_heading
from corpus.text import TERMINAL_PUNCTUATION

# Dates as file names carry them; the year is anchored to 19xx/20xx so that a 文号 number or a
# version such as "2023版" is not read as a date.
_NAME_DATES = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-_./]\s*(\d{1,2})\s*[-_./]\s*(\d{1,2})(?!\d)"),
    re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)"),
)

# Higher levels than `corpus.numbering` knows (编, 节) and annex markers also open a new block.
_EXTRA_STARTS = re.compile(r"^\s*(第[零〇一二三四五六七八九十百千\d]+[编节]|附件\s*\d*\s*[:：]?$|附\s*件)")

_DASHES = "-—–－~～_"
# Page numbers that say they are page numbers: "- 3 -", "—3—", "第3页", "第 3 页 共 10 页", "3/10".
PAGE_NUMBER = re.compile(
    rf"^(?:[{_DASHES}]+\s*\d{{1,4}}\s*[{_DASHES}]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"
    r"|(?i:page)\s*\d{1,4}(?:\s*(?i:of)\s*\d{1,4})?)$"
)
_WHITESPACE = re.compile(r"[\s\u3000\u00a0]+")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def date_from_name(filename: str) -> str | None:
    """The first valid calendar date written in a file name, as ISO ``YYYY-MM-DD``."""
    for pattern in _NAME_DATES:
        for found in pattern.finditer(filename):
            year, month, day = (int(part) for part in found.groups())
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                continue
    return None


def starts_clause(line: str) -> bool:
    """True when a line opens with a clause or heading number (第X条, 一、, （一）, 1., 第X节 …)."""
    return match_heading(line) is not None or bool(_EXTRA_STARTS.match(line))


def ends_sentence(line: str) -> bool:
    stripped = line.rstrip()
    return bool(stripped) and stripped[-1] in TERMINAL_PUNCTUATION


def normalise_cell(text: str) -> str:
    """One table cell on one line: inner line breaks and layout whitespace collapsed."""
    parts = [part.strip() for part in text.replace("\r", "\n").split("\n")]
    joined = ""
    for part in (p for p in parts if p):
        # Chinese text wrapped inside a cell joins without a space; ASCII words keep one.
        if joined and joined[-1].isascii() and joined[-1].isalnum() and part[0].isascii() \
                and part[0].isalnum():
            joined += " "
        joined += part
    return _WHITESPACE.sub(" ", joined).strip()


def table_lines(rows: Iterable[Sequence[str]]) -> list[str]:
    """Lay a table out the way the parser reads tables: tab-led cell lines, a blank after each row."""
    lines: list[str] = []
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue  # a spacer row carries no cell the parser could align
        lines.extend("\t" + normalise_cell(cell) for cell in row)
        lines.append("")
    return lines


def tidy_lines(lines: Iterable[str]) -> tuple[str, ...]:
    """Strip trailing whitespace, keep tab-led cell lines intact, collapse runs of blank lines."""
    result: list[str] = []
    for line in lines:
        line = line.rstrip(" \u3000\u00a0\r")
        if line.startswith("\t"):
            result.append("\t" + line[1:].strip())
            continue
        # A first-line indent is layout; only a leading tab means "table cell" to the parser.
        line = line.strip(" \t\u3000\u00a0")
        if not line:
            if result and result[-1] == "":
                continue
            result.append("")
            continue
        result.append(line)
    while result and result[0] == "":
        result.pop(0)
    while result and result[-1] == "":
        result.pop()
    return tuple(result)


def same_text(left: str, right: str) -> bool:
    """Equal once whitespace (layout) is ignored."""
    return _WHITESPACE.sub("", left) == _WHITESPACE.sub("", right)


def printed_title(title: str | None, lines: Sequence[str], filename: str,
                  search_lines: int) -> str | None:
    """A container's title (docx core properties, PDF Info) only when the document prints it.

    Templates leave stale titles behind ("Microsoft Word - 新建文档", another document's name),
    so a title counts when it is the file's name or appears in the first `search_lines` lines.
    """
    if not title or not title.strip():
        return None
    title = title.strip()
    if title.lower().startswith("microsoft word"):
        return None
    compact = _WHITESPACE.sub("", title)
    head = _WHITESPACE.sub("", "".join(lines[:search_lines]))
    if same_text(title, filename.rsplit(".", 1)[0]) or compact in head:
        return title
    return None


def is_page_number(line: str) -> bool:
    """A line that is only a page number in a form that says so ("- 3 -", "第3页", "3/10")."""
    return bool(PAGE_NUMBER.match(line.strip()))
