"""Section references in questions: "三门峡方案二（三）1讲什么", "台儿庄第（十六）条", "第三部分（二）2",
and a standard's decimal clauses ("第3.2条", "5.1.1条").

A reference is turned into the normalised labels the parser prints (二、 / （三） / 1.), then
matched against clause sections: exactly, as the tail of a section (Taierzhuang's （十六） is
五、（十六）), or as a parent whose clauses are returned together (二（三） → 二、（三）1., 2., 3.).
"""

from __future__ import annotations

import re

from corpus import Clause, Document
from corpus.numbering import chinese_to_int, int_to_chinese

_CN = "[一二三四五六七八九十]+"
_FULL = re.compile(
    rf"(?:第\s*)?(?P<top>{_CN})\s*(?:部分|、|，)?\s*第?\s*[（(]\s*(?P<mid>{_CN})\s*[）)]\s*"
    rf"(?:第?\s*(?P<low>\d{{1,2}})(?![\d.万千百%％]|\s*年|\s*月|\s*个|\s*人|\s*元))?")
_MID_ONLY = re.compile(rf"第\s*[（(]\s*(?P<mid>{_CN})\s*[）)]\s*(?:条|项|款)?|[（(]\s*(?P<mid2>{_CN})\s*[）)]\s*(?:条|项|款)")
_ARTICLE = re.compile(rf"第\s*(?P<num>{_CN}|\d{{1,3}})\s*条")
_PART = re.compile(rf"第\s*(?P<top>{_CN})\s*部分")
# A GB/T 1.1 clause number needs its 条/款/节 word: a bare "1.5" in a question is a quantity.
_DECIMAL = re.compile(r"(?<![\d.．])(?P<num>\d{1,2}(?:[.．]\d{1,2}){1,3})\s*(?:条|款|节)")


def reference_labels(question: str) -> list[str] | None:
    """The labels a question refers to, e.g. ["二、", "（三）", "1."], or None."""
    found = _FULL.search(question)
    if found:
        labels = [f"{int_to_chinese(chinese_to_int(found['top']))}、",
                  f"（{int_to_chinese(chinese_to_int(found['mid']))}）"]
        if found["low"]:
            labels.append(f"{int(found['low'])}.")
        return labels
    found = _DECIMAL.search(question)
    if found:
        return [found["num"].replace("．", ".")]
    found = _MID_ONLY.search(question)
    if found:
        return [f"（{int_to_chinese(chinese_to_int(found['mid'] or found['mid2']))}）"]
    found = _ARTICLE.search(question)
    if found:
        number = int(found["num"]) if found["num"].isdigit() else chinese_to_int(found["num"])
        return [f"第{int_to_chinese(number)}条", f"（{int_to_chinese(number)}）"]
    found = _PART.search(question)
    if found:
        return [f"{int_to_chinese(chinese_to_int(found['top']))}、"]
    return None


def find_referenced(question: str, documents: list[Document]) -> list[Clause]:
    """Clauses the question points at by number, most exact match first; [] if none."""
    labels = reference_labels(question)
    return clauses_for_labels(labels, documents) if labels else []


def clauses_for_labels(labels: list[str], documents: list[Document]) -> list[Clause]:
    """Clauses with the labels `reference_labels` read, most exact match first; [] if none."""
    if labels[0].startswith("第") and labels[0].endswith("条"):
        # "第十六条": an article where the document has articles, else its （十六） clause.
        article = [c for d in documents for c in d.clauses if c.section.endswith(labels[0])]
        return article or _match(labels[1:], documents)
    return _match(labels, documents)


def _match(labels: list[str], documents: list[Document]) -> list[Clause]:
    target = "".join(labels)
    clauses = [c for d in documents for c in d.clauses if c.kind in ("clause", "paragraph")]
    for test in (lambda s: s == target, lambda s: s.endswith(target),
                 lambda s: s.startswith(target)):
        found = [c for c in clauses if test(c.section) or
                 (c.kind == "paragraph" and test(re.sub(r"第\d+段$", "", c.section)))]
        if found:
            return found
    return []
