"""Small text helpers shared by the parser: whitespace repair and line-end tests.

Repairs never rewrite wording: they only remove layout whitespace (page-break spaces, full-width
spaces, the padding inside "合    计") and join fragments that a page break cut apart.
"""

from __future__ import annotations

import re

# Whitespace between two characters is kept only when both are ASCII letters or digits
# ("USE v3", "2019 年" never occurs in these texts); anything touching Chinese is layout.
_SPACE_RUN = re.compile(r"[ \t\u3000\u00a0\u2002-\u200b]+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")

# A line ending in one of these is complete; anything else was probably cut by a page break.
TERMINAL_PUNCTUATION = "。；！？：:;!?）)」』】》…"

_DATE_ONLY = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(印发|发布|起施行)?$")


def squeeze_whitespace(text: str) -> str:
    """Remove layout whitespace inside Chinese text; keep single spaces between ASCII words."""

    def replace(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        before = text[start - 1] if start > 0 else ""
        after = text[end] if end < len(text) else ""
        if before and after and _ASCII_WORD.match(before) and _ASCII_WORD.match(after):
            return " "
        return ""

    return _SPACE_RUN.sub(replace, text).strip()


def join_fragments(left: str, right: str) -> str:
    """Join two pieces of one sentence that a line or page break separated."""
    if left and right and _ASCII_WORD.match(left[-1]) and _ASCII_WORD.match(right[0]):
        return f"{left} {right}"
    return left + right


def is_complete(line: str) -> bool:
    """True when a line ends like a finished sentence or bracketed note."""
    return bool(line) and line[-1] in TERMINAL_PUNCTUATION


def iso_date(year: str, month: str, day: str) -> str:
    """ "2019", "8", "14" → 2019-08-14."""
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def parse_date(line: str) -> tuple[str, str | None] | None:
    """Parse a line that is only a date ("2019年8月14日", "2019年12月13日印发").

    Returns (ISO date, trailing word such as 印发) or None.
    """
    found = _DATE_ONLY.match(squeeze_whitespace(line))
    if not found:
        return None
    year, month, day, tail = found.groups()
    return iso_date(year, month, day), tail


def first_sentence(text: str, *, limit: int = 60) -> str:
    """The text up to the first 。 (without it), used as a clause's own title."""
    head = text.split("。", 1)[0]
    return head if len(head) <= limit else head[:limit] + "…"
