"""Inferring which documents a question names: 《中华人民共和国个人所得税法》, or 个人所得税法.

People cite a statute by its full title in book-title marks, by the title without the
"中华人民共和国" prefix, or without an edition note such as "（2023版）". Every such name is derived
from the loaded documents' own titles, so a new document is recognised as soon as it is added;
nothing here lists particular documents.

A document that is not loaded is named in book-title marks (《中华人民共和国刑法》), or without
them as an issuer followed by the rest of a title of the same kind as a loaded one: with only a
city's 职业技能提升行动方案 loaded, "河南省职业技能提升行动方案" and "国务院职业技能提升行动方案" are
the province's and the State Council's plans, which the corpus does not hold.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Callable, Sequence

from corpus import Document
from corpus.gazetteer import Mention, national_body_at

_BOOK_TITLE = re.compile(r"《([^《》]{2,80})》")
_STATE_PREFIX = "中华人民共和国"
# An edition or status note at the end of a title: （2023版）, (试行), （2018年修正文本）.
_EDITION = re.compile(r"[（(][^（）()]{1,20}[）)]$")
# A name shorter than this, written without book-title marks, is too likely to be an ordinary
# word inside another name (刑法 in 刑法修正案); it must be quoted as 《刑法》 to count.
_MIN_BARE_NAME = 4
# The rest of a title after its issuer, read as naming a document without book-title marks,
# is at least this long: 职业技能提升行动方案 and 安全生产条例 are specific, 实施方案 and 管理办法 are not.
_MIN_TITLE_TAIL = 6
# Between an issuer and the rest of its title: its government (河南省人民政府…方案) or 的.
_ISSUER_ORGAN = re.compile(r"(?:人民政府|政府)?(?:办公厅|办公室)?的?")
_TITLE_SPAN = 40  # the longest title tail looked for after an issuer, in characters
# What the title of a law, rule or policy document ends with (an edition note aside). Other
# things written in book-title marks — 《药品经营许可证》, 《风险管控清单》 — are not documents.
_DOCUMENT_KIND = re.compile(r"(?:法|条例|办法|规定|细则|决定|规则|方案|意见|通知|标准|准则|规范|纲要|"
                            r"规划|计划|决议|守则|章程|公告|指引|指南)$")


# Where a title may end inside running text: the kinds above, anywhere.
_KIND_IN_TEXT = re.compile(_DOCUMENT_KIND.pattern.removesuffix("$"))


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
        # Titles by their last two characters (方案, 条例, 意见): what a tail after an issuer is
        # compared with.
        endings: dict[str, set[str]] = defaultdict(set)
        for name in by_name:
            if _DOCUMENT_KIND.search(name):
                endings[name[-2:]].add(name)
        self._endings = {ending: tuple(names) for ending, names in endings.items()}
        # The regions that have documents of their own (a city's plan is not its province's),
        # and whether any document is national.
        self._issuing_regions = frozenset(d.region for d in documents)
        self._national = any(d.region.is_national for d in documents)

    def named(self, question: str) -> tuple[str, ...]:
        """Ids of the documents the question names (in order of mention; empty when none)."""
        found: list[str] = []
        text = re.sub(r"\s+", "", question)
        for quoted in _BOOK_TITLE.findall(text):
            name = self._loaded_name(quoted)
            if name is not None:
                found.extend(self._by_name[name])
        if self._bare is not None:
            for match in self._bare.finditer(_BOOK_TITLE.sub("", text)):
                found.extend(self._by_name[match.group(0)])
        return tuple(dict.fromkeys(found))

    def written(self, question: str) -> tuple[str, ...]:
        """The loaded documents' names as the question writes them (《中华人民共和国广告法》 with
        its marks, 广告法 without), in order of mention."""
        found = [match.group(0) for match in _BOOK_TITLE.finditer(question)
                 if self._loaded_name(re.sub(r"\s+", "", match.group(1))) is not None]
        if self._bare is not None:
            found += self._bare.findall(_BOOK_TITLE.sub("", question))
        return tuple(dict.fromkeys(found))

    def as_self_reference(self, question: str) -> str:
        """The question with each loaded document it names written as that document's text
        refers to itself: 本 and the kind of its title (本法, 本条例, 本办法, 本细则). Once the title
        has chosen the documents searched, it only draws the search to what repeats it — the
        title line, the articles quoting it — while the answer says 适用本办法, 本法所称….
        A title of no known kind (…清单) is left as written."""
        def own_name(name: str) -> str | None:
            kind = _kind(name)
            return "本" + kind if kind else None

        return self._renamed(question, own_name)

    def without_names(self, question: str) -> str:
        """The question with the loaded documents it names left out: what it asks of them."""
        return self._renamed(question, lambda name: "")

    def _renamed(self, question: str, renamed: Callable[[str], str | None]) -> str:
        """The question with each loaded document it names written as `renamed` says (None:
        as written)."""
        def rename(match: re.Match, name: str) -> str:
            new = renamed(name)
            return match.group(0) if new is None else new

        def quoted(match: re.Match) -> str:
            name = re.sub(r"\s+", "", match.group(1))
            loaded = self._loaded_name(name) is not None
            return rename(match, name) if loaded else match.group(0)

        text = _BOOK_TITLE.sub(quoted, question)
        if self._bare is not None:
            text = self._bare.sub(lambda m: rename(m, m.group(0)), text)
        return text

    def _loaded_name(self, quoted: str) -> str | None:
        """The way of writing a loaded title that a name quoted in book-title marks is (the
        name itself, without 中华人民共和国 or without its edition note); None when none is."""
        return next((name for name in (quoted, *_names(quoted)) if name in self._by_name), None)

    def unknown_titles(self, question: str,
                       mentions: Sequence[Mention] = ()) -> tuple[str, ...]:
        """Document titles the question quotes in book-title marks that name no loaded document
        ("《中华人民共和国刑法》第二十条…" when no criminal law is loaded); quoted names that are not
        document titles (《药品经营许可证》) are left out. With the regions the question names
        (`mentions`, positions in `question`), also the titles it writes without marks: an
        issuer with no document of its own, followed by the rest of a loaded title
        (`_unmarked_titles`)."""
        quoted = tuple(quoted for quoted in quoted_titles(question)
                       if not any(name in self._by_name for name in (quoted, *_names(quoted))))
        return tuple(dict.fromkeys(quoted + self._unmarked_titles(question, mentions)))

    def _unmarked_titles(self, question: str, mentions: Sequence[Mention]) -> tuple[str, ...]:
        """"河南省职业技能提升行动方案" with only 三门峡市职业技能提升行动方案 loaded: a region
        without documents of its own, or a central body when no national document is loaded,
        followed by at least `_MIN_TITLE_TAIL` characters that end a loaded title. A region
        with documents (天津职业技能提升行动方案, loosely written) is never read so: its own
        documents answer."""
        unmarked = _BOOK_TITLE.sub(lambda m: "　" * len(m.group(0)), question)
        issuers = [(m.start, m.start + len(m.alias)) for m in mentions
                   if m.region not in self._issuing_regions]
        if not self._national:
            issuers += [(start, start + len(body)) for start in range(len(unmarked))
                        if (body := national_body_at(unmarked[start:]))]
        found = []
        for start, end in issuers:
            end += _ISSUER_ORGAN.match(unmarked, end).end() - end
            tail = self._title_tail(unmarked[end:end + _TITLE_SPAN])
            if tail:
                found.append(unmarked[start:end] + tail)
        return tuple(found)

    def _title_tail(self, text: str) -> str:
        """The longest start of `text` that ends a loaded title and is long enough to name one
        ("" when none)."""
        for match in reversed(list(_KIND_IN_TEXT.finditer(text))):
            tail = text[:match.end()]
            if len(tail) >= _MIN_TITLE_TAIL and any(
                    name.endswith(tail) for name in self._endings.get(tail[-2:], ())):
                return tail
        return ""


def quoted_titles(question: str) -> tuple[str, ...]:
    """The document titles a question quotes in book-title marks, loaded or not."""
    quoted = _BOOK_TITLE.findall(re.sub(r"\s+", "", question))
    return tuple(dict.fromkeys(name for name in quoted if is_document_title(name)))


def is_document_title(name: str) -> bool:
    """Whether a name in book-title marks is the title of a law, rule or policy document."""
    return bool(_kind(re.sub(r"\s+", "", name)))


def _kind(title: str) -> str:
    """The kind a title ends with, its edition note aside (法, 条例, 办法…); empty for none."""
    kind = _DOCUMENT_KIND.search(_EDITION.sub("", title))
    return kind.group(0) if kind else ""


__all__ = ["DocumentResolver", "is_document_title", "quoted_titles"]
