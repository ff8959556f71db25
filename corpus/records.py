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
    code: str | None = None  # the official 6-digit division code, where known

    @property
    def short_name(self) -> str:
        """The most specific level, e.g. 三门峡市 or 綦江区."""
        return self.district or self.city or self.province

    @property
    def level(self) -> str:
        """national | province | city | county | unknown."""
        if self.name == NATIONAL_NAME:
            return "national"
        if self.name == UNKNOWN_NAME:
            return "unknown"
        return "county" if self.district else "city" if self.city else "province"

    @property
    def is_national(self) -> bool:
        return self.name == NATIONAL_NAME


# A national document (laws, State Council regulations) is in scope for every region; a document
# whose region cannot be told still loads, with this placeholder and a warning.
NATIONAL_NAME = "全国"
UNKNOWN_NAME = "未知地区"
NATIONAL = Region(name=NATIONAL_NAME, province=NATIONAL_NAME, aliases=("全国", "国家"))
UNKNOWN_REGION = Region(name=UNKNOWN_NAME, province=UNKNOWN_NAME)


@dataclass(frozen=True)
class SourceText:
    """A file read into text lines, with what the file itself says about the document.

    Every reader (txt/md, docx, pdf, html) produces one. `lines` are in reading order with layout
    noise already removed (page numbers, running headers, markdown marks, navigation). A table is
    written the way the shipped texts lay tables out: one cell per line, each cell line starting
    with a tab, and a blank line after every row.
    """

    lines: tuple[str, ...]
    source_file: str  # the file name as given (used in messages and as the fallback title)
    format: str  # txt | md | docx | pdf | html
    title_hint: str | None = None  # a title the container states: md '# ', docx core title, html h1
    date_hint: str | None = None  # ISO date the file name or container states, e.g. (2019-03-29)
    sha256: str = ""  # of the file's bytes: tells a changed file from an unchanged one


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
    date: str | None  # ISO date of issue (signature/promulgation), None where none is printed
    region: Region
    status: str  # draft | final (in force) | superseded | repealed
    status_label: str  # as printed or implied: 送审稿, 正式文件, 已废止
    source_file: str
    clauses: tuple[Clause, ...] = ()
    notes: tuple[str, ...] = ()  # editorial notes, e.g. 注：画线部分为我市创新内容
    attachments: tuple[str, ...] = ()  # titles of annexes listed by the document
    back_matter: tuple[str, ...] = ()  # signatures, 抄送, 印发 lines: metadata, not clauses
    effective_date: str | None = None  # ISO date it takes effect (施行), where printed
    # The clause id of a loaded text that repeals this one ("…发布的《X》同时废止"), set
    # corpus-wide (`metadata.mark_repealed`); None when no loaded text does.
    repealed_by: str | None = None
    source_sha256: str = ""  # of the file the document was read from
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def clause(self, key: str) -> Clause | None:
        for clause in self.clauses:
            if clause.key == key:
                return clause
        return None
