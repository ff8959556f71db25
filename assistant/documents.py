"""Inferring which documents a question names: 《中华人民共和国个人所得税法》, or 个人所得税法.

People cite a statute by its full title in book-title marks, by the title without the
"中华人民共和国" prefix, or without an edition note such as "（2023版）". Every such name is derived
from the loaded documents' own titles, so a new document is recognised as soon as it is added;
nothing here lists particular documents.
"""

from __future__ import annotations

import re
from collections import defaultdict

from corpus import Document

_BOOK_TITLE = re.compile(r"《([^《》]{2,80})》")
_STATE_PREFIX = "中华人民共和国"
# An edition or status note at the end of a title: （2023版）, (试行), （2018年修正文本）.
_EDITION = re.compile(r"[（(][^（）()]{1,20}[）)]$")
# A name shorter than this, written without book-title marks, is too likely to be an ordinary
# word inside another name (刑法 in 刑法修正案); it must be quoted as 《刑法》 to count.
_MIN_BARE_NAME = 4
# What the title of a law, rule or policy document ends with (an edition note aside). Other
# things written in book-title marks — 《药品经营许可证》, 《风险管控清单》 — are not documents.
_DOCUMENT_KIND = re.compile(r"(?:法|条例|办法|规定|细则|决定|规则|方案|意见|通知|标准|准则|规范|纲要|"
                            r"规划|计划|决议|守则|章程|公告|指引|指南)$")


def _names(title: str) -> set[str]:
    """The ways a title is written in a question."""
    title = re.sub(r"\s+", "", title)
    names = {title}
    for name in list(names):
        if name.startswith(_STATE_PREFIX) and len(name) > len(_STATE_PREFIX) + 1:
            names.add(name[len(_STATE_PREFIX):])
    for name in list(names):
        stripped = _EDITION.sub("", name)
        if len(stripped) >= 2:
            names.add(stripped)
    return names


class DocumentResolver:
    """Finds the documents a question names, by title or the usual short forms of it."""

    def __init__(self, documents: list[Document]):
        by_name: dict[str, list[str]] = defaultdict(list)
        for document in documents:
            for name in _names(document.title):
                by_name[name].append(document.doc_id)
        self._by_name = dict(by_name)
        bare = sorted((n for n in by_name if len(n) >= _MIN_BARE_NAME), key=len, reverse=True)
        self._bare = re.compile("|".join(map(re.escape, bare))) if bare else None

    def named(self, question: str) -> tuple[str, ...]:
        """Ids of the documents the question names (in order of mention; empty when none)."""
        found: list[str] = []
        text = re.sub(r"\s+", "", question)
        for quoted in _BOOK_TITLE.findall(text):
            for name in (quoted, *_names(quoted)):
                if name in self._by_name:
                    found.extend(self._by_name[name])
                    break
        if self._bare is not None:
            for match in self._bare.finditer(_BOOK_TITLE.sub("", text)):
                found.extend(self._by_name[match.group(0)])
        return tuple(dict.fromkeys(found))

    def unknown_titles(self, question: str) -> tuple[str, ...]:
        """Document titles the question quotes in book-title marks that name no loaded document
        ("《中华人民共和国刑法》第二十条…" when no criminal law is loaded); quoted names that are not
        document titles (《药品经营许可证》) are left out."""
        return tuple(quoted for quoted in quoted_titles(question)
                     if not any(name in self._by_name for name in (quoted, *_names(quoted))))


def quoted_titles(question: str) -> tuple[str, ...]:
    """The document titles a question quotes in book-title marks, loaded or not."""
    quoted = _BOOK_TITLE.findall(re.sub(r"\s+", "", question))
    return tuple(dict.fromkeys(name for name in quoted if is_document_title(name)))


def is_document_title(name: str) -> bool:
    """Whether a name in book-title marks is the title of a law, rule or policy document."""
    return bool(_DOCUMENT_KIND.search(_EDITION.sub("", re.sub(r"\s+", "", name))))


__all__ = ["DocumentResolver", "is_document_title", "quoted_titles"]
