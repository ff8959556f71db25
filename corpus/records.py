"""Typed records handed from the corpus stage to the rest of the pipeline.

A `Document` is one policy text with its metadata; a `Clause` is the unit every citation points
at. Both are frozen so that later stages (indexes, retrieval, the API) can share them without
defensive copies. Clause ids are derived from the document id and the clause's numbering path
(``sanmenxia-2019/2.3.1``), never from list positions, so citations survive re-parsing.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Region:
    """An administrative region with its levels and the names a question may use for it."""

    name: str  # full name with levels, e.g. 河南省三门峡市
    province: str
    city: str | None = None
    district: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def short_name(self) -> str:
        """The most specific level, e.g. 三门峡市 or 綦江区."""
        return self.district or self.city or self.province


@dataclass(frozen=True)
class Clause:
    """One citable unit of a document: a numbered clause, a paragraph, a table row or front matter."""

    clause_id: str  # "<doc_id>/<key>", e.g. sanmenxia-2019/2.3.1
    doc_id: str
    key: str  # the part after the slash: 2.3.1, preamble, annex.row3, 2.1.p2
    section: str  # the number as printed, normalised: 二、（三）1.
    section_path: tuple[str, ...]  # headings above the clause and its own heading
    text: str  # the whole clause as in the source, joined across line and page breaks
    kind: str = "clause"  # clause | paragraph | preamble | notice | table_row | table_note
    order: int = 0  # reading order within the document
    heading: str = ""  # the clause's own title (text before the first 。), if any


@dataclass(frozen=True)
class Document:
    """A parsed policy text: metadata plus its clauses in reading order."""

    doc_id: str
    title: str
    issuer: str | None
    doc_number: str | None  # 文号, e.g. 三政办〔2019〕26号; None where the text prints none
    date: str | None  # ISO date of signature, None where none is printed
    region: Region
    status: str  # "final" or "draft"
    status_label: str  # as printed or implied: 送审稿, 正式文件
    source_file: str
    clauses: tuple[Clause, ...] = ()
    notes: tuple[str, ...] = ()  # editorial notes, e.g. 注：画线部分为我市创新内容
    attachments: tuple[str, ...] = ()  # titles of annexes listed by the document
    back_matter: tuple[str, ...] = ()  # signatures, 抄送, 印发 lines: metadata, not clauses
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def clause(self, key: str) -> Clause | None:
        for clause in self.clauses:
            if clause.key == key:
                return clause
        return None
