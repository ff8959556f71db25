"""Clauses worded as an answer of the kind the question asks for: a small lift in retrieval.

A question's form says what kind of statement answers it (`lead.asked_for`): 有效期是多久 wants a
period, 由哪个部门负责 a body responsible, 需要满足哪些条件 a list. Within one law the answering
article and its neighbours share the topic's words, and the neighbour often ranks first
(食品经营许可证的有效期是多久: the article on renewing the licence before it expires, not 有效期为
5年). The article written in the asked form, about the question's topic, is the likelier answer:
one where a key term of the question is held

- by the sentence stating a figure of the kind asked (`figures.figure_sentences`) — a table's
  cell too, but only with a key term in its row (补贴培训总数（人次）：5000 for 培训): every row of
  a table states a figure, and which row is asked is for `tables.names_row` to say;
- by the sentence naming a body responsible (`lead.names_responsible`), or anywhere in the
  clause for a note ending it (（责任单位：市应急局）);
- by the lead-in of a list (应当具备下列条件：, 包括…、…), unless the question asks for bodies
  (哪些部门负责…), whose answer names them in a sentence.

Unlike the clause kinds that `retriever.prefer` lifts (a definition, an entry into force), these
forms are common — most articles of a law state some duty of some body — so each adds a small
share to the fused score rather than taking the top; the shares were chosen by cross-validation
(`eval.tune_fusion --answer-forms`, `FusionWeights.answer_*`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Sequence

from assistant.figures import figure_sentences
from assistant.lead import names_responsible
from assistant.records import Asked
from corpus import Clause

_SENTENCE = re.compile(r"[^。；！？\n]+")
# Where a list's lead-in ends: 下列…： / 以下…： / 如下：, or what a sentence says it 包括 before a
# colon or an enumeration comma. Found by these anchors first, then read back to the sentence's
# start: a pattern opening with "any run of characters" is tried from every position of every
# clause (a seeds question asking 哪些 went from 7 to 28 ms).
_LIST_ANCHOR = re.compile(r"(?:下列|以下|如下)[^。；：:\n]{0,16}[：:]|包括[^。；\n]*?[：:、]")
_SENTENCE_ENDS = "。；：:\n"
# A bracketed note ending a clause's item says who is responsible for all of it
# (（责任单位：市应急局）): its own sentence holds none of the question's words.
_NOTE = re.compile(r"^\s*[（(]")
KINDS = ("figure", "body", "listing")


@lru_cache(maxsize=16384)
def _sentences(text: str) -> tuple[str, ...]:
    return tuple(_SENTENCE.findall(text))


@lru_cache(maxsize=16384)
def _figures(text: str, asked: Asked) -> tuple[tuple[str, bool], ...]:
    """`figures.figure_sentences` of a clause for the figure `asked` (its kind and unit only:
    `_figure_kind`), kept for the next question asking the same kind."""
    return figure_sentences(asked, asked.unit, text)


def _figure_kind(asked: Asked) -> Asked:
    """What of `asked` decides which sentences state its figure."""
    return Asked(amount=asked.amount, period=asked.period, frequency=asked.frequency,
                 unit=asked.unit)


@lru_cache(maxsize=16384)
def _responsible(text: str) -> tuple[str, ...]:
    """The sentences of a clause naming who is responsible (`lead.names_responsible`); a
    note's, the whole clause's text, which the note is about. Not any sentence holding a body
    and 负责 or 主管 (国务院办公厅是…主管部门，负责…): that wider test lowered held-out Legal-DC
    hit@10 from 0.888 to 0.886, and the folds then gave the body a smaller share."""
    return tuple(text if _NOTE.match(sentence) else sentence
                 for sentence in _sentences(text) if names_responsible(sentence))


@lru_cache(maxsize=16384)
def _lead_ins(text: str) -> tuple[str, ...]:
    """The lead-ins of the lists of a clause, from the start of their sentence."""
    found = []
    for anchor in _LIST_ANCHOR.finditer(text):
        start = max(text.rfind(end, 0, anchor.start()) for end in _SENTENCE_ENDS) + 1
        found.append(text[start:anchor.end()])
    return tuple(found)


def answer_forms(asked: Asked,
                 terms: Sequence[str]) -> Callable[[Clause], tuple[int, int, int]] | None:
    """A test of a clause for each kind of `KINDS` the question asks for: 1 when a passage
    worded so holds a key term: a figure's sentence, a body's, a list's lead-in; None when the
    question asks for none of these kinds or has no key terms. One term, not half of them: requiring half lowered held-out Legal-DC
    hit@1 from 0.651–0.653 to 0.647–0.649 and the seeds' hit@5 from 0.981 to 0.974."""
    if not terms or not (asked.figure or asked.body or asked.listing):
        return None

    kind = _figure_kind(asked)
    # 哪些部门负责… asks for bodies, which an article names in a sentence, not in a list.
    lists = asked.listing and not asked.body

    def about(passages) -> int:
        return int(any(term in passage for passage in passages for term in terms))

    def forms(clause: Clause) -> tuple[int, int, int]:
        text = clause.text
        figure = about(sentence for sentence, _ in _figures(text, kind)) if asked.figure else 0
        body = about(_responsible(text)) if asked.body else 0
        listing = about(_lead_ins(text)) if lists else 0
        return figure, body, listing

    return forms


__all__ = ["KINDS", "answer_forms"]
