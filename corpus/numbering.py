"""Recognising clause numbers at the start of a line: 一、 （一） 1． (1) ① 第X章 第X条.

Only the shape of a number is decided here; whether a number really opens a clause (and not a
cross-reference such as "（三）项" or a decimal such as "1.8万") is checked both here (what
follows the number) and by the parser (numbers must run in sequence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "[零〇一二三四五六七八九十百]+"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Order matters: the chapter/article forms must win over nothing else, and "（一）" must be tried
# before "（1）" only for readability — the character classes do not overlap.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"^第({_CN_NUM}|\d+)章\s*")),
    ("article", re.compile(rf"^第({_CN_NUM}|\d+)条\s*")),
    ("cn", re.compile(rf"^({_CN_NUM})\s*[、，,．]\s*")),
    ("paren_cn", re.compile(rf"^[（(]\s*({_CN_NUM})\s*[）)]\s*")),
    # "1." must not be a decimal ("1.8万"): the dot may not be followed by a digit.
    ("arabic", re.compile(r"^(\d{1,2})\s*(?:[．.](?!\d)|、)\s*")),
    ("paren_arabic", re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*")),
    ("circled", re.compile(rf"^([{_CIRCLED}])\s*")),
)

# Level order used when a document does not reveal its own nesting (it always does here, but
# a kind first seen deeper keeps this order as a tie-breaker).
KIND_RANK = {kind: rank for rank, (kind, _) in enumerate(_PATTERNS)}

# What follows a number in a cross-reference ("按照第（三）项", "（二）款规定") rather than a heading.
_REFERENCE_TAIL = re.compile(r"^(项|款|条|目|号|章|节)(?=$|[的规中所之和及至、，。；）)])|^(的规定|规定)")


@dataclass(frozen=True)
class Heading:
    """A recognised clause number at the start of a line."""

    kind: str
    number: int
    label: str  # normalised as printed: 一、 （三） 1. （2） ① 第三条
    rest: str  # the text after the number


def chinese_to_int(text: str) -> int:
    """Convert 一 … 九十九 (and 一百…) to an int; ValueError when it is not a numeral."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        else:
            raise ValueError(f"not a Chinese numeral: {text}")
    return total + current


def int_to_chinese(number: int) -> str:
    """Inverse of `chinese_to_int` for 1–99 (used to print normalised labels)."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, units = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[units] if units else "")


def _label(kind: str, number: int) -> str:
    if kind == "cn":
        return f"{int_to_chinese(number)}、"
    if kind == "paren_cn":
        return f"（{int_to_chinese(number)}）"
    if kind == "arabic":
        return f"{number}."
    if kind == "paren_arabic":
        return f"（{number}）"
    if kind == "circled":
        return _CIRCLED[number - 1]
    if kind == "chapter":
        return f"第{int_to_chinese(number)}章"
    return f"第{int_to_chinese(number)}条"


def match_heading(line: str) -> Heading | None:
    """Return the clause number that opens `line`, or None."""
    stripped = line.strip()
    for kind, pattern in _PATTERNS:
        found = pattern.match(stripped)
        if not found:
            continue
        token = found.group(1)
        number = _CIRCLED.index(token) + 1 if kind == "circled" else chinese_to_int(token)
        rest = stripped[found.end():]
        if number == 0 or _REFERENCE_TAIL.match(rest):
            return None
        if kind == "cn" and stripped[found.end(1)] in "，,":
            # "一，" opens enumerations inside sentences far more often than headings.
            return None
        return Heading(kind=kind, number=number, label=_label(kind, number), rest=rest)
    return None
