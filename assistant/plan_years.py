"""The calendar year a question means by a year of a plan: 头一年, 第二年, 最后一年.

A plan runs over a period it states (天津市职业技能提升行动实施方案（2019—2021年）, "2019—2021年，
持续开展…"), and people ask about its years by their place in it ("三年一共培训多少？头一年呢？").
The texts say 2019年, never 头一年. `calendar_years` writes such a year as the calendar year
when every document the question searches runs over the same period; the key terms, the form of
the question and the lexical search then read 2019年. The period is the one a document's title
states, else the one its opening clauses state most often (spans inside another document's
title in book-title marks aside: 《…行动方案（2019—2021年）》 is what it implements, not its own
period). Nothing here comes from a question set: the periods are the documents' own.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

from corpus import Document

# 第一年, 头一年, 第2年, 第二个年头, 首年, 头年; 最后一年, 末年.
_ORDINAL_YEAR = re.compile(r"(?:第|头)\s*([一二三四五六七八九十\d])\s*(?:个)?年(?:头)?|(首年|头年)|"
                           r"(最后一年|最后1年|末年)")
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
             "十": 10}
_SPAN = re.compile(r"((?:19|20)\d{2})\s*年?\s*(?:—|–|-|－|~|～|至|到)\s*((?:19|20)\d{2})\s*年")
_OTHER_TITLE = re.compile(r"《[^《》]*》")
# Clauses read for a period when the title states none: a plan states it in its preamble or
# its first section (目标任务).
_OPENING_CLAUSES = 10


def document_period(document: Document) -> tuple[int, int] | None:
    """The years a document's plan runs over (first, last), or None when it states none."""
    found = _spans(document.title)
    if not found:
        counts = Counter(span for clause in document.clauses[:_OPENING_CLAUSES]
                         for span in set(_spans(_OTHER_TITLE.sub("", clause.text))))
        found = [counts.most_common(1)[0][0]] if counts else []
    return found[0] if found else None


def _spans(text: str) -> list[tuple[int, int]]:
    return [(int(first), int(last)) for first, last in _SPAN.findall(text)
            if int(first) < int(last)]


def mentions_plan_year(question: str) -> bool:
    return bool(_ORDINAL_YEAR.search(question))


def calendar_years(question: str, periods: Sequence[tuple[int, int] | None]) -> str:
    """`question` with each year of a plan written as the calendar year ("头一年培训多少人次" →
    "2019年培训多少人次"), when `periods` (those of the documents searched) are one period; as
    typed otherwise, and for a year past the period's end."""
    known = set(periods)
    if len(known) != 1 or None in known:
        return question
    first, last = known.pop()

    def year(match: re.Match) -> str:
        if match.group(3):
            return f"{last}年"
        place = 1 if match.group(2) else _place(match.group(1))
        calendar = first + place - 1
        return f"{calendar}年" if first <= calendar <= last else match.group(0)

    return _ORDINAL_YEAR.sub(year, question)


def _place(numeral: str) -> int:
    return int(numeral) if numeral.isdigit() else _NUMERALS[numeral]


__all__ = ["calendar_years", "document_period", "mentions_plan_year"]
