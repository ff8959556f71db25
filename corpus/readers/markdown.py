"""Markdown files (.md) as legal-text collections such as LawRefBook publish them.

The marks are layout, not wording: a YAML front-matter block, HTML comments (``<!-- INFO END -->``,
``<!-- TABLE -->``), heading hashes, emphasis, list bullets, links and images are removed, while a
heading's text stays on its own line because "第一章 总则" is structure the parser needs.
Pipe tables become the tab-led cell lines the parser reads. The first ``# `` heading is the
title hint; a date in the file name (``…条例(2019-03-29).md``) is the date hint.
"""

from __future__ import annotations

import re

from corpus.readers.common import date_from_name, sha256_hex, table_lines, tidy_lines
from corpus.readers.text import decode_text
from corpus.records import SourceText

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = (
    re.compile(r"\*\*(.+?)\*\*"),
    re.compile(r"__(.+?)__"),
    re.compile(r"~~(.+?)~~"),
    re.compile(r"`([^`]+)`"),
)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.I)


def _inline(text: str) -> str:
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    return _ESCAPE.sub(r"\1", text)


def _cells(row: str) -> list[str]:
    body = row.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells = re.split(r"(?<!\\)\|", body)
    return [_inline(_HTML_BREAK.sub("\n", cell)).replace("\\|", "|").strip() for cell in cells]


def markdown_lines(text: str) -> tuple[list[str], str | None]:
    """Markdown text → (plain lines, first level-1 heading)."""
    text = _FRONT_MATTER.sub("", text, count=1)
    text = _COMMENT.sub("", text)
    title: str | None = None
    lines: list[str] = []
    table: list[list[str]] = []
    raw_lines = text.split("\n")
    for index, raw in enumerate(raw_lines):
        if _TABLE_ROW.match(raw):
            if not _TABLE_SEPARATOR.match(raw):
                table.append(_cells(raw))
            continue
        if table:
            lines.extend(table_lines(table))
            table = []
        heading = _HEADING.match(raw)
        if heading:
            content = _inline(heading.group(2)).strip()
            if len(heading.group(1)) == 1 and title is None and content:
                title = content
            # A heading is its own line even where the source has no blank line around it.
            lines.extend(["", content, ""])
            continue
        if _SETEXT_UNDERLINE.match(raw) and lines and lines[-1].strip() and index > 0 \
                and not _TABLE_ROW.match(raw_lines[index - 1]):
            if raw.strip().startswith("=") and title is None:
                title = lines[-1].strip()
            continue
        if _RULE.match(raw):
            continue
        line = _QUOTE.sub("", raw)
        line = _BULLET.sub("", line)
        lines.append(_inline(line))
    if table:
        lines.extend(table_lines(table))
    return lines, title


def read_markdown(data: bytes, filename: str) -> SourceText:
    text = decode_text(data, name=filename)
    lines, title = markdown_lines(text)
    return SourceText(lines=tidy_lines(lines), source_file=filename, format="md",
                      title_hint=title, date_hint=date_from_name(filename),
                      sha256=sha256_hex(data))
