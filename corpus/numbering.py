"""Recognising clause numbers at the start of a line: 第X编/章/节/条, 一、 （一） 1． (1) ①, and
the decimal numbers of standards and technical rules (GB/T 1.1: "1 范围", "3.1 依据标准").

Only the shape of a number is decided here; whether a number really opens a clause (and not a
cross-reference such as "（三）项" or a decimal such as "1.8万") is checked both here (what
follows the number) and by the parser (numbers must run in sequence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "[零〇一二三四五六七八九十百千两]+"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Order matters: the chapter/article forms must win over nothing else, and "（一）" must be tried
# before "（1）" only for readability — the character classes do not overlap.
# The statute levels 编 > 分编 > 章 > 节 > 条 come first; 第X条之一 is an article inserted by an
# amendment and numbered after its base article.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^第({_CN_NUM}|\d+)编(?!号|制|写|者|辑|排)\s*")),
    ("subpart", re.compile(rf"^第({_CN_NUM}|\d+)分编\s*")),
    ("chapter", re.compile(rf"^第({_CN_NUM}|\d+)章\s*")),
    ("section", re.compile(rf"^第({_CN_NUM}|\d+)节\s*")),
    ("article", re.compile(rf"^第({_CN_NUM}|\d+)条(?:之({_CN_NUM}))?\s*")),
    ("cn", re.compile(rf"^({_CN_NUM})\s*[、，,．]\s*")),
    ("paren_cn", re.compile(rf"^[（(]\s*({_CN_NUM})\s*[）)]\s*")),
    # "1." must not be a decimal ("1.8万"): the dot may not be followed by a digit.
    ("arabic", re.compile(r"^(\d{1,2})\s*(?:[．.](?!\d)|、)\s*")),
    ("paren_arabic", re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*")),
    ("circled", re.compile(rf"^([{_CIRCLED}])\s*")),
)

# A statute level's or an article's number as printed (第三章, 第十条之一), what follows aside:
# the parser keeps the gap a law prints after it.
STATUTE_NUMBER = rf"第(?:{_CN_NUM}|\d+)(?:分编|编|章|节|条(?:之{_CN_NUM})?)"

# GB/T 1.1 numbering: a chapter is a bare number followed by a space ("1 抽样方法"), its
# subclauses add a dot per level ("3.1 依据标准", "5.1.1 重伤一级"; Word often drops the space
# after a dotted number: "3.2判定原则"). Each depth is a kind of its own (decimal1 … decimal4) so
# that the outline nests them like any other numbering; the parser checks that a subclause's
# leading numbers are those of the open clause above it.
DECIMAL_KINDS = ("decimal1", "decimal2", "decimal3", "decimal4")
_DECIMAL = re.compile(r"^(\d{1,2}(?:[.．]\d{1,2}){0,3})(?![.．]?\d)([\s\u3000]*)")
# What a number followed by these is: a quantity or a percentage ("1.5%", "3.2 m"), not a clause.
_NOT_DECIMAL_TEXT = re.compile(r"^[%％‰℃°′″.．,，、:：;；)）\]\-—~～×/+*=<>≤≥A-Za-z]")

# Level order used when a document does not reveal its own nesting (it always does here, but
# a kind first seen deeper keeps this order as a tie-breaker).
KIND_RANK = {kind: rank for rank, kind in enumerate([kind for kind, _ in _PATTERNS[:5]]
                                                    + list(DECIMAL_KINDS)
                                                    + [kind for kind, _ in _PATTERNS[5:]])}
# Kinds that structure a statute; an article (条) holds everything numbered below it as its
# 款 and 项 — "（一）" inside an article is an item of that article, never a new clause.
STATUTE_HEADINGS = ("part", "subpart", "chapter", "section")

# What follows a number in a cross-reference ("按照第（三）项", "（二）款规定") rather than a heading.
_REFERENCE_TAIL = re.compile(r"^(项|款|条|目|号|章|节)(?=$|[的规中所之和及至、，。；）)])|^(的规定|规定)")


@dataclass(frozen=True)
class Heading:
    """A recognised clause number at the start of a line."""

    kind: str
    number: int
    label: str  # normalised as printed: 一、 （三） 1. （2） ① 第三条 第十条之一
    rest: str  # the text after the number
    sub: int = 0  # 之一 → 1 for an inserted article, else 0
    parents: tuple[int, ...] = ()  # a decimal number's leading parts: 3.1.2 → (3, 1)


_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_to_int(text: str) -> int:
    """Convert a Chinese numeral (一 … 九千九百九十九, 一千零一, 两百) or digits to an int.

    ValueError when it is not a numeral.
    """
    if text.isdigit():
        return int(text)
    if not text:
        raise ValueError("empty numeral")
    total, current = 0, 0
    for char in text:
        if char in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[char]
            current = 0
        elif char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        else:
            raise ValueError(f"not a Chinese numeral: {text}")
    return total + current


def int_to_chinese(number: int) -> str:
    """Inverse of `chinese_to_int` for 1–9999, written as statutes print them.

    十二 (not 一十二) at the start, 一百一十二 inside, 零 for a skipped place: 一千零一, 一百零五.
    """
    if not 0 < number < 10000:
        raise ValueError(f"cannot write {number} as a clause number (1–9999)")
    digits = "零一二三四五六七八九"
    parts: list[str] = []
    pending_zero = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, unit_value)
        if digit:
            if pending_zero:
                parts.append("零")
                pending_zero = False
            lead = "" if unit == "十" and digit == 1 and not parts else digits[digit]
            parts.append(lead + unit)
        elif parts:
            pending_zero = True
    return "".join(parts)


_STATUTE_WORD = {"part": "编", "subpart": "分编", "chapter": "章", "section": "节"}


def _label(kind: str, number: int, sub: int = 0) -> str:
    if kind in _STATUTE_WORD:
        return f"第{int_to_chinese(number)}{_STATUTE_WORD[kind]}"
    if kind == "article":
        return f"第{int_to_chinese(number)}条" + (f"之{int_to_chinese(sub)}" if sub else "")
    if kind == "cn":
        return f"{int_to_chinese(number)}、"
    if kind == "paren_cn":
        return f"（{int_to_chinese(number)}）"
    if kind == "arabic":
        return f"{number}."
    if kind == "paren_arabic":
        return f"（{number}）"
    if kind in DECIMAL_KINDS:
        return str(number)
    return _CIRCLED[number - 1]


def _decimal_heading(stripped: str) -> Heading | None:
    """A GB/T 1.1 clause number ("1 范围", "3.1 依据标准", "3.2判定原则"), or None.

    A bare number needs a space after it and a title after that (a short line without sentence
    punctuation): "1 份；" in a form or a line "10 个工作日内…" wrapped from a PDF are text. A
    dotted number needs text after it, not a unit or a digit, and a title when no space
    separates them. The parser then checks the sequence and the leading numbers.
    """
    found = _DECIMAL.match(stripped)
    if not found:
        return None
    parts = tuple(int(part) for part in re.split(r"[.．]", found.group(1)))
    rest = stripped[found.end():]
    if not rest or _NOT_DECIMAL_TEXT.match(rest) or rest[0].isdigit() or 0 in parts:
        return None
    spaced = bool(found.group(2))
    titled = len(rest) <= _DECIMAL_TITLE_MAX and not re.search(r"[。；;，,：:！？]", rest)
    if len(parts) == 1 and not spaced:
        return None
    if (len(parts) == 1 or not spaced) and not titled:
        # Without the space, only a heading's words may follow a dotted number: "1.8万人次，…"
        # at the start of a line wrapped from a PDF is a quantity.
        return None
    label = ".".join(str(part) for part in parts)
    return Heading(kind=DECIMAL_KINDS[len(parts) - 1], number=parts[-1], label=label, rest=rest,
                   parents=parts[:-1])


# A GB/T chapter's title ("规范性引用文件", "检验方法") is short.
_DECIMAL_TITLE_MAX = 30


def match_heading(line: str) -> Heading | None:
    """Return the clause number that opens `line`, or None."""
    stripped = line.strip()
    if decimal := _decimal_heading(stripped):
        return decimal
    for kind, pattern in _PATTERNS:
        found = pattern.match(stripped)
        if not found:
            continue
        token = found.group(1)
        try:
            number = _CIRCLED.index(token) + 1 if kind == "circled" else chinese_to_int(token)
            sub = chinese_to_int(found.group(2)) if kind == "article" and found.group(2) else 0
        except ValueError:  # "第十十条": a shape that is not a number
            return None
        rest = stripped[found.end():]
        if not 0 < number < 10000 or _REFERENCE_TAIL.match(rest):
            return None
        if kind in _STATUTE_WORD or kind == "article":
            # "第一条规定的…", "第三章所列": a reference at the start of a sentence, not a heading.
            spaced = found.group(0)[-1:].isspace()
            if not spaced and re.match(r"^(规定|所列|所称|的|至|和|及|或|、|，|。)", rest):
                return None
        if kind == "cn" and stripped[found.end(1)] in "，,":
            # "一，" opens enumerations inside sentences far more often than headings.
            return None
        return Heading(kind=kind, number=number, label=_label(kind, number, sub), rest=rest,
                       sub=sub)
    return None


def is_list_item(text: str) -> bool:
    """Whether `text` opens with an item's number (（一） 一、 1. (1) ①), not a statute level's
    or an article's: inside an article such a number is one item of a list."""
    heading = match_heading(text)
    return heading is not None and heading.kind not in (*STATUTE_HEADINGS, "article")
