"""Figures in policy text, and whether a text states the figure a question asks for.

A question asking 补贴多少钱, 最长多久 or 每年几次 wants a figure of one kind: money, a period,
or a count in the unit it names. The answer's lead (`lead`) quotes the piece of a clause that
states it; the answer decision (`decision`) asks whether the clauses found in the question's
own scope state one at all, when another region's clause on the same subject does — then the
question asks for something its region's text does not set, and the honest answer is "not
here, but there" (三门峡每人每年最多能享受几次职业培训补贴: Sanmenxia's plan sets no number of
times, Qijiang's sets 3).
"""

from __future__ import annotations

import re
from typing import Sequence

from assistant.records import Asked

NUMBER = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
# A figure in a table cell (指导计划2020年：500): the unit is in the column's name, in brackets
# when it is written (补贴培训总数（人次）：9500).
CELL = re.compile(r"[：:]\s*\d")
_CELL_UNIT = re.compile(r"[（(]([^（）()：:]{1,4})[）)]\s*[：:]\s*\d")
# An amount, strongest first: money, a share or a multiple; then a count with its measure word
# (人次, 家; 个 but not 个月) or a figure in a table cell (新型学徒制（人）：100).
MONEY = re.compile(rf"{NUMBER}\s*(?:万|亿)?(?:元|%|％|倍)|百分之{NUMBER}")
# A count of ten thousands may stand before the noun it counts without a measure word
# (三年培训1.8万新型学徒): digits only, as 千万 is also an adverb (千万不要).
_BARE_COUNT = r"\d+(?:\.\d+)?\s*(?:万|亿)(?=[\u4e00-\u9fff])(?![元人次个家所项名位户倍])"
COUNT = re.compile(rf"{NUMBER}\s*(?:万|亿)?(?:人次|人|个(?!月)|家|所|项|次|名|户)|"
                   rf"{_BARE_COUNT}|{CELL.pattern}")
# A period: a number and a unit of time. Four-digit numbers are years of the calendar
# (2019年), and 月 or 日 after a month is a date (5月1日), so neither counts. 1—2个学期 is a
# period too.
PERIOD = re.compile(r"(?<![\d月])(?:\d{1,3}|[一二两三四五六七八九十百半]+)\s*"
                    r"(?:个月|年|日|天|周|小时|学时|课时|工作日|个?学期|个?学年)")
# A bound (最长不超过6个月, 三年内, 至少保存两年) answers "how long"; a period without one is
# often a condition (就业6个月以上).
BOUND = re.compile(r"最长|最短|不超过|不得超过|不少于|至少|以内|之内|为期|期限|(?:个月|年|日|天|周)内")
# How often: 每年…一次, 按月报送, 季报 / 月报 / 年报 (a report made every quarter, month, year),
# 一年一次, 定期: what answers 多久…一次 (not the rate of 每人每年4000元).
FREQUENCY = re.compile(r"每(?:个)?(?:年|月|季度|季|半年|周|日|天)[^，,。；;]{0,12}?一次|"
                       r"按(?:年|月|季度|季|周)(?:报|上报|报送|统计|公布|公开)|"
                       r"(?:[年季月周]|季度|半年)报|[一两二三]年一次|定期")
# The measure word a question asks in (多少人次, 几个, 多少元, 多少钱): a figure in that unit
# answers it; 钱 is asked in 元, and 回, 趟 and 遍 count times as 次 does (领几回补贴).
# People are counted in 人, 名 or 位 alike (多少位老师傅 — 遴选1000名技能名师).
ASKED_UNIT = re.compile(r"(?:多少|(?<!哪)几)(万元|元|钱|人次|人|个(?!月)|家|所|项|次|回|趟|遍|名|位|户|倍)")
_MONEY_UNITS = ("万元", "元", "钱")
_TIMES_UNITS = ("回", "趟", "遍")
_PERSON_UNITS = ("人", "名", "位")
# Units that are not a count of things: a bare count (1.8万新型学徒) is in none of them.
_NOT_COUNTS = ("元", "%", "次", "倍")
_SENTENCE = re.compile(r"[^。；！？\n]+")


# A share asked for (多大比例, 比例是多少, 占比多少): a percentage answers it, not 50万元.
ASKED_SHARE = re.compile(r"(?:多[少大高]|几成|什么|哪个)(?:的)?(?:比例|比重|占比|百分比)|"
                         r"(?:比例|比重|占比|百分比)[^，,？?。]{0,6}多少|what percentage|what share")


def asked_unit(question: str) -> str:
    """The unit the question asks its figure in ("" when it names none); 钱 reads as 元, a
    share as %."""
    found = ASKED_UNIT.search(question)
    if not found:
        return "%" if ASKED_SHARE.search(question.lower()) else ""
    unit = found.group(1)
    return "元" if unit in _MONEY_UNITS else "次" if unit in _TIMES_UNITS else unit


def _counts(piece: str, unit: str) -> bool:
    """A count in `piece`: a number of times (3次) only for a question asking in 次; a limit on
    how often (每人每年可享受不超过3次) is not the amount of a subsidy or a target."""
    return any(not match.group(0).endswith("次") or match.group(0).endswith("人次")
               or unit == "次" for match in COUNT.finditer(piece))


def states_amount(unit: str, piece: str) -> bool:
    """Whether `piece` states an amount for a question asking in `unit` ("" for none), in any
    unit but times (`_counts`): the answer's lead ranks pieces in the asked unit first."""
    return bool(MONEY.search(piece)) or _counts(piece, unit)


def _cell_in_unit(piece: str, unit: str) -> bool:
    """A table cell of `piece` holds a figure in `unit`: any cell when no unit is asked, the
    general classifier 个 is, or the column names none; else one whose column's unit begins
    with it (人 for 人次; but a number of times, 次, is not a count of trainings, 人次)."""
    if not CELL.search(piece):
        return False
    units = _CELL_UNIT.findall(piece)
    return unit in ("", "个") or len(units) < len(CELL.findall(piece)) or \
        any(re.match(_written(unit), found) for found in units)


def states_in_unit(unit: str, text: str) -> bool:
    """`text` states a figure in `unit` written in digits (3年培训4.75万人次, 补贴培训总数（人次）：
    9500), the unit the question asks in, or a count standing bare before its noun (1.8万新型
    学徒) for a unit that counts things (`in_unit`)."""
    return in_unit(unit, text) > 0


def in_unit(unit: str, text: str) -> int:
    """2 when `text` writes a figure in `unit` (or a table cell of its column), 1 when it has
    only a bare count (1.8万新型学徒) and `unit` counts things, 0 otherwise."""
    if not unit:
        return 0
    if re.search(rf"\d\s*(?:万|亿)?{_written(unit)}", text) or _cell_in_unit(text, unit):
        return 2
    return int(unit not in _NOT_COUNTS and bool(re.search(_BARE_COUNT, text)))


def _written(unit: str) -> str:
    """How a text may write a figure in `unit`: a person as 人, 名 or 位, a share as % or ％."""
    return "(?:人|名|位)" if unit in _PERSON_UNITS else "[%％]" if unit == "%" else unit


def states_figure(asked: Asked, unit: str, piece: str) -> bool:
    """Whether `piece` states a figure of the kind asked: a period for "how long"; for "how
    much" a figure in the asked `unit` (money for 元) or a table cell, any amount when the
    question names no unit."""
    if asked.frequency:
        return bool(FREQUENCY.search(piece) or PERIOD.search(piece))
    if asked.period:
        return bool(PERIOD.search(piece))
    if not asked.amount:
        return False
    if not unit:
        return states_amount(unit, piece)
    if unit == "元":
        return bool(MONEY.search(piece))
    return bool(re.search(rf"{NUMBER}\s*(?:万|亿)?{_written(unit)}", piece)
                or _cell_in_unit(piece, unit))


def figure_sentences(asked: Asked, unit: str, text: str) -> tuple[tuple[str, bool], ...]:
    """The sentences of `text` stating a figure of the kind the question asks for, in `unit`
    (`asked_unit`, `states_figure`), each with whether it is a table's cell in that unit
    (指导计划2020年：500), which holds no key term itself: its column's name does."""
    return tuple((sentence, _cell_in_unit(sentence, unit)) for sentence in _SENTENCE.findall(text)
                 if states_figure(asked, unit, sentence))


def states_asked_figure(asked: Asked, unit: str, terms: Sequence[str], text: str, *,
                        min_terms: int = 1) -> bool:
    """Whether some sentence of `text` holding at least `min_terms` of the question's key
    `terms` states a figure of the kind the question asks for, in `unit` (`asked_unit`,
    `states_figure`). A figure in a sentence about something else (the months of 以工代训
    beside a question on apprentices) does not count. A table's cell (指导计划2020年：500)
    holds no key term, its column's name does: a cell's figure counts on its own."""
    return any(cell or sum(term in sentence for term in terms) >= min_terms
               for sentence, cell in figure_sentences(asked, unit, text))


__all__ = ["BOUND", "COUNT", "FREQUENCY", "MONEY", "NUMBER", "PERIOD", "asked_unit", "states_amount",
           "in_unit", "states_in_unit",
           "figure_sentences", "states_asked_figure", "states_figure"]
