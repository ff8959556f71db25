"""Facts about a document that its parsed record holds: its number (文号), its date and the body
that issued it, which the parser read off the header and signature lines (`corpus.metadata`).

People ask "三门峡的方案文号是多少", "天津的方案是什么时候印发的", "这个通知是哪个部门发的". A plan's
clauses rarely say these things: its notice says "现将…印发给你们", and the number and date stand
above and below the text, outside every clause. When a question asks for them of one document,
`record_line` states what the record holds — or that the text prints no number — naming where it
comes from; the clauses the answer quotes follow, as for any question. A law's promulgation note
(…第二十次会议通过, …令第12号公布) is a clause and says who and when itself: then the record adds
nothing (`entry_into_force.states_enactment`).
"""

from __future__ import annotations

import re

from corpus import Document

# 文号 and what offices call it (发文字号, 文件编号); not 字号 alone (a firm's name).
_ASKS_NUMBER = re.compile(r"文号|发文字号|文件字号|文件编号|发文编号")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def asks_document_number(question: str) -> bool:
    """The question asks for a document's number (文号)."""
    return bool(_ASKS_NUMBER.search(question))


def chinese_date(iso: str) -> str:
    """2019-08-14 → 2019年8月14日 (anything else as it is)."""
    found = _ISO_DATE.fullmatch(iso)
    if not found:
        return iso
    year, month, day = found.groups()
    return f"{year}年{int(month)}月{int(day)}日"


def record_line(document: Document, *, number: bool, enactment: bool) -> str:
    """What the document's record says of the facts asked: its number, and for who made it or
    when, its issuing body and date; "" when the record holds none of them and no number was
    asked (the text may still say it in a clause)."""
    facts = []
    if number:
        facts.append(f"文号为{document.doc_number}" if document.doc_number else "文本未载明文号")
    if enactment or number:
        if document.issuer:
            facts.append(f"发文机关为{document.issuer}")
        if document.date:
            facts.append(f"成文日期为{chinese_date(document.date)}")
    if not facts:
        return ""
    return f"《{document.title}》{'，'.join(facts)}（据文件的发文字号与落款）。"


__all__ = ["asks_document_number", "chinese_date", "record_line"]
