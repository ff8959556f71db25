"""Word's automatic list numbering, rendered as the label a reader of the document sees.

`paragraph.text` in python-docx holds only the typed text: a paragraph whose "第一条" or "（一）"
comes from Word's numbering (``w:numPr``) would lose its clause number. This module resolves a
paragraph's numId/ilvl through the numbering part (``w:num`` → ``w:abstractNum``, level
overrides, start values, ``w:lvlRestart``) and the paragraph style chain, keeps the counters as
Word does (lists sharing an abstract definition continue each other unless a start override
restarts them) and renders ``w:lvlText`` with each level's ``w:numFmt`` (chineseCounting 一…十一,
ideographDigital 一〇, japaneseCounting, ideographTraditional 甲乙丙, decimal, roman, letters, ①).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from docx.oxml.ns import qn

_PLACEHOLDER = re.compile(r"%([1-9])")
_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_IDEOGRAPH_DIGITS = "〇一二三四五六七八九"
_TRADITIONAL = "甲乙丙丁戊己庚辛壬癸"
_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _chinese(number: int, digits: str = _CN_DIGITS, units: str = "十百千万",
             drop_leading_one: bool = True) -> str:
    """Chinese counting: 十, 十一, 二十, 一百零一, 一百一十, 一千零五 (what Word prints)."""
    if number <= 0:
        return digits[0]
    if number >= 10000:
        high, low = divmod(number, 10000)
        rest = _chinese(low, digits, units, drop_leading_one=False) if low else ""
        zero = digits[0] if low and low < 1000 else ""
        return _chinese(high, digits, units, drop_leading_one) + units[3] + zero + rest
    out, pending_zero, started = "", False, False
    for value, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit = number // value % 10
        if digit:
            if pending_zero:
                out += digits[0]
            out += digits[digit] + unit
            pending_zero, started = False, True
        elif started:
            pending_zero = True
    if drop_leading_one and number < 20 and out.startswith(digits[1] + units[0]):
        out = out[1:]  # 十一, not 一十一
    return out


def _japanese(number: int) -> str:
    """Japanese counting: no 一 before 十/百/千 and no 零 (十一, 百一, 百十)."""
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        digit = number // value % 10
        if digit:
            out += ("" if digit == 1 else _CN_DIGITS[digit]) + unit
    digit = number % 10
    return out + (_CN_DIGITS[digit] if digit else "") if number > 0 else "〇"


def _roman(number: int) -> str:
    out = ""
    for value, symbol in _ROMAN:
        while number >= value:
            out += symbol
            number -= value
    return out


def _letters(number: int) -> str:
    # Word repeats the letter past z: 27 → aa, 28 → bb.
    repeat, index = divmod(number - 1, 26)
    return chr(ord("a") + index) * (repeat + 1)


def format_number(number: int, fmt: str) -> str:
    """One level's counter in a numFmt; unknown formats fall back to decimal."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting",
               "taiwaneseCountingThousand"):
        return _chinese(number)
    if fmt == "chineseLegalSimplified":
        return _chinese(number, _CN_LEGAL_DIGITS, "拾佰仟万", drop_leading_one=False)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_IDEOGRAPH_DIGITS[int(d)] for d in str(number))
    if fmt in ("japaneseCounting", "japaneseLegal"):
        return _japanese(number)
    if fmt == "ideographTraditional":
        return _TRADITIONAL[(number - 1) % 10]
    if fmt == "ideographZodiac":
        return _ZODIAC[(number - 1) % 12]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= number <= 20:
        return chr(0x2460 + number - 1)
    if fmt == "decimalEnclosedParen" and 1 <= number <= 20:
        return chr(0x2474 + number - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= number <= 20:
        return chr(0x2488 + number - 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(d)) for d in str(number))
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt == "upperRoman":
        return _roman(number).upper()
    if fmt == "lowerRoman":
        return _roman(number)
    if fmt == "upperLetter":
        return _letters(number).upper()
    if fmt == "lowerLetter":
        return _letters(number)
    if fmt == "none":
        return ""
    return str(number)


@dataclass(frozen=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart: 0 = never; None = after any shallower level
    legal: bool = False  # w:isLgl: every level printed as decimal
    suffix: str = "tab"
    style: str | None = None  # w:pStyle: a paragraph style this level is linked to


def _val(element, tag: str) -> str | None:
    child = element.find(qn(tag)) if element is not None else None
    return child.get(qn("w:val")) if child is not None else None


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _parse_level(element, base: _Level | None = None) -> _Level:
    level = base or _Level()
    changes: dict = {}
    if (start := _int(_val(element, "w:start"))) is not None:
        changes["start"] = start
    if (fmt := _val(element, "w:numFmt")) is not None:
        changes["fmt"] = fmt
    if (text := _val(element, "w:lvlText")) is not None:
        changes["text"] = text
    if (restart := _int(_val(element, "w:lvlRestart"))) is not None:
        changes["restart"] = restart
    if element.find(qn("w:isLgl")) is not None:
        changes["legal"] = _val(element, "w:isLgl") not in ("0", "false")
    if (suffix := _val(element, "w:suff")) is not None:
        changes["suffix"] = suffix
    if (style := _val(element, "w:pStyle")) is not None:
        changes["style"] = style
    return replace(level, **changes)


class WordNumbering:
    """Counters and definitions of one document's numbering; call `label` in reading order."""

    def __init__(self, numbering_element, styles_element) -> None:
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._abstract_style_link: dict[str, str] = {}
        self._nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self._style_numpr: dict[str, tuple[str | None, int | None]] = {}
        self._style_parent: dict[str, str] = {}
        self._counters: dict[object, list[int | None]] = {}
        self._restarted: set[str] = set()
        if styles_element is not None:
            self._read_styles(styles_element)
        if numbering_element is not None:
            self._read_numbering(numbering_element)

    def _read_styles(self, styles) -> None:
        for style in styles.iterfind(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            if not style_id:
                continue
            if (parent := _val(style, "w:basedOn")) is not None:
                self._style_parent[style_id] = parent
            ppr = style.find(qn("w:pPr"))
            numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
            if numpr is not None:
                self._style_numpr[style_id] = (_val(numpr, "w:numId"),
                                               _int(_val(numpr, "w:ilvl")))

    def _read_numbering(self, numbering) -> None:
        for abstract in numbering.iterfind(qn("w:abstractNum")):
            abstract_id = abstract.get(qn("w:abstractNumId"))
            levels = {}
            for lvl in abstract.iterfind(qn("w:lvl")):
                levels[_int(lvl.get(qn("w:ilvl")), 0)] = _parse_level(lvl)
            self._abstract[abstract_id] = levels
            # A list style's abstractNum only points at the style that holds the real list.
            if (link := _val(abstract, "w:numStyleLink")) is not None:
                self._abstract_style_link[abstract_id] = link
        for num in numbering.iterfind(qn("w:num")):
            starts: dict[int, int] = {}
            overrides: dict[int, _Level] = {}
            for override in num.iterfind(qn("w:lvlOverride")):
                ilvl = _int(override.get(qn("w:ilvl")), 0)
                if (start := _int(_val(override, "w:startOverride"))) is not None:
                    starts[ilvl] = start
                lvl = override.find(qn("w:lvl"))
                if lvl is not None:
                    overrides[ilvl] = lvl
            self._nums[num.get(qn("w:numId"))] = (_val(num, "w:abstractNumId"), starts, overrides)

    def _resolve_abstract(self, abstract_id: str | None, depth: int = 0) -> str | None:
        link = self._abstract_style_link.get(abstract_id or "")
        if link is None or depth > 4:
            return abstract_id
        num_id, _ = self._style_numpr.get(link, (None, None))
        if num_id in self._nums:
            return self._resolve_abstract(self._nums[num_id][0], depth + 1)
        return abstract_id

    def _levels(self, num_id: str) -> tuple[str, dict[int, _Level]] | None:
        entry = self._nums.get(num_id)
        if entry is None:
            return None
        abstract_id = self._resolve_abstract(entry[0])
        levels = dict(self._abstract.get(abstract_id or "", {}))
        for ilvl, element in entry[2].items():
            levels[ilvl] = _parse_level(element, levels.get(ilvl))
        for ilvl, start in entry[1].items():
            levels[ilvl] = replace(levels.get(ilvl, _Level()), start=start)
        return abstract_id or num_id, levels

    def paragraph_numpr(self, ppr) -> tuple[str | None, int]:
        """(numId, ilvl) of a paragraph: its own w:numPr, else its style chain's."""
        num_id: str | None = None
        ilvl: int | None = None
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is not None:
            num_id = _val(numpr, "w:numId")
            ilvl = _int(_val(numpr, "w:ilvl"))
        style = _val(ppr, "w:pStyle") if ppr is not None else None
        seen: set[str] = set()
        while num_id is None and style and style not in seen:
            seen.add(style)
            style_num, style_ilvl = self._style_numpr.get(style, (None, None))
            if style_num is not None:
                num_id = style_num
                if ilvl is None:
                    ilvl = style_ilvl
                if ilvl is None:
                    # A level linked to the style by w:pStyle says which level it is.
                    found = self._levels(style_num)
                    ilvl = next((i for i, lvl in (found[1].items() if found else ())
                                 if lvl.style == style), 0)
            style = self._style_parent.get(style)
        return num_id, ilvl or 0

    def label(self, num_id: str | None, ilvl: int) -> str | None:
        """Advance the counters for one numbered paragraph and return its rendered label.

        None for no numbering (numId 0 — which Word uses to switch numbering off), an unknown
        list, or bullets, whose glyphs carry no clause number.
        """
        if not num_id or num_id == "0":
            return None
        found = self._levels(num_id)
        if found is None:
            return None
        abstract_key, levels = found
        level = levels.get(ilvl)
        if level is None:
            return None
        # A num with a start override is its own list instance; others share the abstract's.
        key = ("num", num_id) if self._nums[num_id][1] else ("abstract", abstract_key)
        counters = self._counters.setdefault(key, [None] * 9)
        counters[ilvl] = level.start if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, 9):
            restart = levels.get(deeper, _Level()).restart
            restart = deeper if restart is None else restart
            if restart and ilvl < restart:
                counters[deeper] = None
        if level.fmt == "bullet":
            return None

        def render(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            source = levels.get(index, _Level())
            value = counters[index] if counters[index] is not None else source.start
            fmt = "decimal" if level.legal and source.fmt != "none" else source.fmt
            return format_number(value, fmt)

        text = _PLACEHOLDER.sub(render, level.text)
        if not text.strip():
            return None
        if level.suffix != "nothing" and not text[-1].isspace():
            text += " "  # Word's tab or space after the number
        return text
