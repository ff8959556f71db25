"""Whether a document is in force: questions that ask it, and notes on answers that quote a text
that is not.

A citizen checking eligibility quotes what the answer quotes, so it matters whether the text is
a draft (送审稿, 征求意见稿), an older version of a title loaded in a newer one, or repealed, by
its own mark or by a loaded text that says "…发布的《X》同时废止" (`corpus.metadata`). Two uses:

- `status_note`: one line under an answer for each document it quotes that is not a final text
  in force ("注：《X》已被《Y》第三十二条废止……").
- `asks_document_status` and `status_line`: "天津的方案现在还有效吗", "白城的方案实施期限到哪一年",
  "《X暂行办法》废止了吗" are answered from the document's record: its status, the date it takes
  effect, the period its title sets (（2019—2021年）, and whether that period has ended), the text
  that repeals or replaces it. What the corpus cannot know is said as such: a text loaded as in
  force may have been repealed by one that is not loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Callable

from corpus import Clause, Document

from assistant.document_record import chinese_date

# What the question is about must be a document: a title in book-title marks that ends like a
# document's (《X办法》, 《X（2023版）》; not 《药品生产许可证》, a certificate whose 有效期 is its
# own), or a document's noun. Not 规定 or 法 before a period word: 规定期限, 执法期限 are periods
# inside a rule.
_TITLE_END = r"(?:法|条例|办法|规定|细则|决定|规则|意见|方案|通知|规划|纲要|计划|[）)])》"
_DOCUMENT = rf"(?:{_TITLE_END}|方案|文件|政策|通知|办法|条例|细则|意见|规章|法规|法律|(?<![执立违依合方用说做司犯守护])法|规定)[”\"]?"
_DOCUMENT_OF_PERIOD = rf"(?:{_TITLE_END}|方案|文件|政策|通知|办法|条例|细则|规章|法规)[”\"]?"
_NOW = r"(?:现在|目前|如今|当前|今年|眼下|现阶段)?"
_STILL = r"(?:还|仍|仍然|依然|是否|是不是|还是|是否还|是否仍)?"
_IN_FORCE = r"(?:有效|生效|适用|执行|施行|实施|在执行|在施行|在实施|管用|算数|作数)"
_ENDED = r"(?:废止|废除|失效|作废|过期|到期|取消|被替代|被取代|被替换)"
_ASKS_STATUS = re.compile(
    # 还有效吗, 是否仍然有效, 现在还执行吗
    rf"{_DOCUMENT}{_NOW}{_STILL}{_IN_FORCE}(?:吗|么|嘛|的吗|[？?]|(?:不|没|没有)[？?]?$|$)"
    rf"|{_DOCUMENT}{_NOW}是否{_STILL}{_IN_FORCE}(?:[？?，,。]|$)"
    # 有效期, 实施期限 (到哪一年)
    rf"|{_DOCUMENT_OF_PERIOD}的?(?:有效期|有效期限|实施期限|执行期限|施行期限|适用期限|实施期|执行期|"
    r"实施周期|期限)"
    rf"|{_DOCUMENT_OF_PERIOD}(?:执行|实施|施行|有效)?(?:到|至)(?:哪一?年|什么时候|何时|几几年)"
    rf"|{_DOCUMENT_OF_PERIOD}(?:哪一?年|什么时候|何时)(?:到期|结束|截止|失效|废止)"
    # 废止了吗, 是否已经失效, 有没有被取代
    rf"|{_DOCUMENT}{_NOW}(?:是否|是不是|有没有|已经|已|还)?(?:已经|已)?(?:被)?{_ENDED}")

# The period a plan's title sets: （2019—2021年）, (2021-2025年), 2019至2021年.
_TITLE_PERIOD = re.compile(r"(\d{4})\s*(?:—|–|－|-|~|～|至|到)+\s*(\d{4})\s*年")
# A clause saying when its own text applies or for how long: 本办法自…起施行, 本方案有效期…; a
# promulgation note or a notice above the text says 自…起施行 without naming it. A clause's
# 有效期 alone is of something the text regulates (许可证有效期为5年), not of the text.
_IN_FORCE_FROM = r"(?:自|从)[^。；]{0,30}?起(?:施行|实施|执行|生效)"
_OWN_VALIDITY = re.compile(
    r"本(?:法|条例|办法|规定|细则|方案|意见|通知|决定|规则|文件|政策|实施方案|实施意见|规范)"
    rf"(?!第)[^。；，,]{{0,20}}?(?:有效期|{_IN_FORCE_FROM}|(?:实施|执行|施行)期限)")
_NOTE_VALIDITY = re.compile(_IN_FORCE_FROM)
# Clauses above the text (a promulgation note, a preamble, a notice) speak of the whole text.
_ABOVE_THE_TEXT = ("preamble", "notice")


def asks_document_status(question: str) -> bool:
    """The question asks whether a document is still in force, or for how long it applies."""
    return bool(_ASKS_STATUS.search(re.sub(r"\s+", "", question)))


def title_period(title: str) -> tuple[int, int] | None:
    """The years a plan's title sets as its period ((2019, 2021)), None when it sets none."""
    found = _TITLE_PERIOD.search(title)
    if not found:
        return None
    start, end = int(found.group(1)), int(found.group(2))
    return (start, end) if start <= end else None


@dataclass(frozen=True)
class StatusFacts:
    """What the corpus says of one document's standing, read by the caller from the index."""

    document: Document
    # The loaded text that repeals it and the clause saying so (`Document.repealed_by`).
    repealing: tuple[Document, Clause] | None = None
    # The newest loaded version of its title, where it is superseded.
    newer: Document | None = None


# A sentence of a clause, or of a promulgation note the parts between its brackets.
_SENTENCE = re.compile(r"[^。；;\n（）()]+")


def _sentence(clause: Clause, wanted: Callable[[str], bool]) -> str:
    """The first sentence of `clause` that `wanted` accepts, as written (the clause when none)."""
    return next((found.group(0).strip() for found in _SENTENCE.finditer(clause.text)
                 if wanted(found.group(0))), clause.text.strip())


def repeal_sentence(clause: Clause, title: str) -> str:
    """The sentence of `clause` that repeals the title."""
    return _sentence(clause, lambda sentence: title in re.sub(r"\s+", "", sentence))


def validity_sentence(clause: Clause) -> str:
    """The sentence of `clause` that says when its text applies or for how long."""
    pattern = _validity(clause)
    return _sentence(clause, lambda sentence: bool(pattern.search(sentence)))


def _cited(document: Document, clause: Clause) -> str:
    return f"《{document.title}》{clause.section}" if clause.section else f"《{document.title}》"


def _newer(newer: Document) -> str:
    """The newer version named with its date: 《X（2023年版）》（2023年1月1日）."""
    return f"《{newer.title}》" + (f"（{chinese_date(newer.date)}）" if newer.date else "")


def status_note(facts: StatusFacts) -> str:
    """The note under an answer quoting a document that is not a final text in force; "" for
    one that is."""
    document = facts.document
    title = f"《{document.title}》"
    if document.status == "draft":
        return (f"注：{title}是{document.status_label or '征求意见稿'}，尚未正式印发施行，"
                "所引条款可能与正式文本不同。")
    if document.status == "repealed":
        if facts.repealing is not None:
            return f"注：{title}已被{_cited(*facts.repealing)}废止，所引条款已不再施行。"
        return f"注：{title}已废止（据文件标注），所引条款已不再施行。"
    if document.status == "superseded" and facts.newer is not None:
        return f"注：{title}已有更新的版本{_newer(facts.newer)}，所引为旧版本的条款。"
    return ""


def status_line(facts: StatusFacts, today: date, *, states_validity: bool) -> str:
    """The answer to "is it still in force": its standing, when it took effect, the period its
    title sets and whether that has ended; `states_validity` says whether a clause the answer
    quotes states its term or entry into force (else the line says the text states none).
    A repeal is quoted by the caller (the repealing clause is the answer's citation)."""
    document = facts.document
    title = f"《{document.title}》"
    if document.status == "repealed" and facts.repealing is not None:
        repealer, clause = facts.repealing
        effective = (f"，《{repealer.title}》自{chinese_date(repealer.effective_date)}起施行"
                     if repealer.effective_date else "")
        return f"{title}已被废止：{_cited(repealer, clause)}写明其废止{effective}。"
    if document.status == "repealed":
        return f"{title}已废止（据文件标注）。"
    facts_said = []
    if document.status == "draft":
        facts_said.append(f"是{document.status_label or '征求意见稿'}，尚未正式印发施行")
    if document.status == "superseded" and facts.newer is not None:
        facts_said.append(f"已有更新的版本{_newer(facts.newer)}，应以新版本为准")
    if document.date:
        facts_said.append(f"成文日期为{chinese_date(document.date)}")
    if document.effective_date:
        facts_said.append(f"自{chinese_date(document.effective_date)}起施行")
    period = title_period(document.title)
    if period is not None:
        start, end = period
        ended = f"，按此已于{end}年底结束" if end < today.year else ""
        facts_said.append(f"标题写明实施期为{start}—{end}年{ended}")
    if not states_validity:
        facts_said.append("文件本身未写明有效期")
    if document.status == "final":
        facts_said.append("现有文件中没有废止或替代它的文件（未收入的文件无从核对）")
    return f"{title}" + "；".join(facts_said) + "。"


def _validity(clause: Clause) -> re.Pattern[str]:
    return _NOTE_VALIDITY if clause.kind in _ABOVE_THE_TEXT else _OWN_VALIDITY


def states_validity(clause: Clause) -> bool:
    """The clause says when its own text applies or for how long (本办法自…起施行, 本方案有效期…,
    a promulgation note's 自…起施行)."""
    return bool(_validity(clause).search(clause.text))


__all__ = ["StatusFacts", "asks_document_status", "repeal_sentence",
           "states_validity", "status_line", "status_note", "title_period",
           "validity_sentence"]
