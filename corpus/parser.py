"""The clause parser: policy text → `Document` with attributed `Clause` records.

The text is cut into front matter (titles, notice, preamble), the numbered body, annexes
(tables) and back matter (signatures, 抄送, 印发). The body becomes an outline from its numbering
— the nesting of 一、 / （一） / 1． is learnt from the order in which kinds appear, and numbers
must run in sequence (1 or previous+1 at their level, which also accepts Taierzhuang's
（一）…（二十） running straight through its parts) so that cross-references and decimals never
open clauses. Lines cut by page breaks are joined, a standalone "（责任单位：…）" line joins the
clause above it, and a heading followed by several unnumbered paragraphs yields one clause per
paragraph. Standards number their clauses the GB/T 1.1 way ("1 范围", "3.1 依据标准"); such a
clause is kept whole, as an article is, and a table inside the body is read row by row with its
header.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace

from corpus.errors import CorpusError
from corpus.frontmatter import (
    BACK_MATTER,
    FrontMatter,
    is_signature,
    issuer_from_title,
    read_front_matter,
)
from corpus.gazetteer import Gazetteer, default_gazetteer
from corpus.numbering import (
    DECIMAL_KINDS,
    KIND_RANK,
    STATUTE_HEADINGS,
    STATUTE_NUMBER,
    Heading,
    match_heading,
)
from corpus.metadata import in_force_date, is_repealed, read_promulgation
from corpus.records import NATIONAL, UNKNOWN_REGION, Clause, Document, Region, SourceText
from corpus.tables import is_cell_line, parse_table, row_text
from corpus.text import first_sentence, is_complete, join_fragments, parse_date, squeeze_whitespace

_ANNEX = re.compile(r"^附\s*件\s*(\d*|[一二三四五六七八九十]*)\s*(?:[:：]\s*(.*))?$")
# A bracketed line that only says who is responsible belongs to the clause above it.
_RESPONSIBILITY = re.compile(r"^[（(].*(责任|负责|牵头|配合).*[）)]$")
log = logging.getLogger(__name__)
# Part of the corpus hash: a change here that alters the clauses or records parsed from
# unchanged files bumps it, so that a stored index is re-read at the next start instead of
# serving the old ones. 2: the gap after 第X条 / 第X章 kept as printed; 3: a text another loaded
# text repeals by title is marked repealed (`metadata.mark_repealed`, `Document.repealed_by`).
PARSER_VERSION = 3


@dataclass
class _Node:
    heading: Heading
    numbers: tuple[int, ...]
    labels: tuple[str, ...]
    titles: tuple[str, ...]
    first_line: str  # the heading line as printed (whitespace-squeezed)
    paragraphs: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.titles[-1]

    @property
    def is_article(self) -> bool:
        return self.heading.kind == "article"

    @property
    def has_inline_body(self) -> bool:
        rest = self.heading.rest
        return "。" in rest and bool(rest.split("。", 1)[1].strip())

    @property
    def lead_in(self) -> bool:
        """The node's last text introduces a list ("下列情形之一的：")."""
        last = self.paragraphs[-1] if self.paragraphs else self.first_line
        return last.endswith(("：", ":"))

    @property
    def text(self) -> str:
        return "\n".join([self.first_line, *self.paragraphs])


@dataclass
class _Line:
    raw: str
    text: str  # whitespace-squeezed


# A standard's clause number is set off from its title by a space alone ("1 范围", "3.1 依据标准"),
# and a statute prints a full-width space after its article or chapter number ("第一条　为了…",
# "第一章　总则"): that one gap is kept, as printed, where other layout whitespace inside Chinese
# text is squeezed out, so that a clause quoted in a citation reads as the law prints it.
_LEADING_NUMBER_GAP = re.compile(rf"^(\d{{1,2}}(?:[.．]\d{{1,2}}){{0,3}}|{STATUTE_NUMBER})(\s+)(?=\S)")


def _line_text(raw: str) -> str:
    stripped = raw.strip()
    found = _LEADING_NUMBER_GAP.match(stripped)
    if found:
        gap = "\u3000" if "\u3000" in found.group(2) else " "
        return f"{found.group(1)}{gap}{squeeze_whitespace(stripped[found.end():])}"
    return squeeze_whitespace(raw)


def _joined(label: str, text: str) -> str:
    """A label and what follows it: "3.1 依据标准" keeps the space a bare number needs."""
    return f"{label} {text}" if label[-1:].isdigit() and text else f"{label}{text}"


def _heading_title(heading: Heading) -> str:
    if heading.kind == "article":
        # An article has no title of its own: its first sentence is text, not a heading.
        return ""
    return first_sentence(heading.rest) if heading.rest else ""


class _Outline:
    """Builds the numbered outline of a document body, line by line."""

    def __init__(self) -> None:
        self.roots: list[_Node] = []
        self.stack: list[_Node] = []
        self.last_number: dict[str, tuple[int, int]] = {}
        self.loose: list[str] = []  # paragraphs before any heading

    def open_article(self) -> _Node | None:
        return next((node for node in reversed(self.stack) if node.is_article), None)

    def absorbs(self, heading: Heading) -> bool:
        """True when `heading` numbers an item (项/目) inside the open article, not a new clause.

        Only a kind that is not already an ancestor of the article counts: "二、" after articles
        grouped under "一、" is the next group, while "（二）" inside an article is its item.
        """
        article = self.open_article()
        if article is None or heading.kind in STATUTE_HEADINGS or heading.kind == "article":
            return False
        above = {node.heading.kind for node in self.stack[:self.stack.index(article)]}
        return heading.kind not in above

    def _decimal_parent(self, heading: Heading) -> _Node | None:
        """The open clause a decimal subclause belongs to: 3.1 needs 3 (or "3." ) open."""
        depth = len(heading.parents)
        kinds = (DECIMAL_KINDS[depth - 1], "arabic") if depth == 1 else (DECIMAL_KINDS[depth - 1],)
        parent = next((node for node in reversed(self.stack) if node.heading.kind in kinds), None)
        if parent is None or _decimal_path(parent) != heading.parents:
            return None
        return parent

    def accepts(self, heading: Heading) -> bool:
        previous, previous_sub = self.last_number.get(heading.kind, (0, 0))
        if heading.kind in DECIMAL_KINDS and (
                not heading.parents or self._decimal_parent(heading) is None):
            # A standard numbers its chapters from the top: "1 范围" never nests inside another
            # numbering, and "3.2" needs its chapter 3 open ("1.8万" in a plan's text has none)
            # where the standard prints its chapters; where no chapter number was ever printed
            # ("## 程度分级" then "5.1"), 5.1 is the top.
            nested = any(node.heading.kind not in DECIMAL_KINDS for node in self.stack)
            chapters_printed = any(kind in self.last_number
                                   for kind in DECIMAL_KINDS[:len(heading.parents)])
            if nested or (heading.parents and chapters_printed):
                return False
        if heading.sub:  # 第十条之一 follows 第十条 (or 第十条之一 → 之二)
            return heading.number == previous and heading.sub == previous_sub + 1
        if heading.kind in STATUTE_HEADINGS or heading.kind == "article":
            # Statute numbers may skip (an article lost to a conversion, an excerpt); the
            # reference-tail test in `match_heading` already keeps citations out. The first of
            # its kind may carry any number: one book of a code (民法典·合同编 opens at 第四百六十三条),
            # an amendment continuing its predecessors' numbering (宪法修正案 第三十二条).
            if heading.kind not in self.last_number:
                return True
            return heading.number == 1 or previous < heading.number <= previous + _MAX_SKIP
        return heading.number in (1, previous + 1)

    def open(self, heading: Heading, line: str) -> None:
        kinds = [node.heading.kind for node in self.stack]
        if heading.kind in kinds:
            del self.stack[kinds.index(heading.kind):]
        elif heading.kind in STATUTE_HEADINGS or heading.kind == "article":
            # A statute level closes every deeper statute level and anything an article held.
            rank = KIND_RANK[heading.kind]
            while self.stack and KIND_RANK.get(self.stack[-1].heading.kind, 99) >= rank \
                    and (self.stack[-1].heading.kind in STATUTE_HEADINGS
                         or self.stack[-1].is_article):
                self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        labels = parent.labels if parent else ()
        numbers = (parent.numbers if parent else ()) + (heading.number,)
        if heading.parents and parent is not None and _decimal_path(parent) == heading.parents:
            labels = labels[:-1]  # "3.1" is cited whole, not as "3" + "3.1"
        elif heading.parents:
            # A subclause whose chapter number was never printed keeps its whole number.
            numbers = numbers[:-1] + heading.parents + (heading.number,)
        node = _Node(
            heading=heading,
            numbers=numbers,
            labels=labels + (heading.label,),
            titles=(parent.titles if parent else ()) + (_joined(heading.label, _heading_title(heading)),),
            first_line=line,
        )
        (parent.children if parent else self.roots).append(node)
        self.stack.append(node)
        self.last_number[heading.kind] = (heading.number, heading.sub)
        for deeper, rank in KIND_RANK.items():
            # Item numbering restarts under each new statute level or article.
            if heading.kind in STATUTE_HEADINGS + ("article",) and rank > KIND_RANK[heading.kind] \
                    and deeper not in STATUTE_HEADINGS + ("article",):
                self.last_number.pop(deeper, None)

    def add_paragraph(self, text: str) -> None:
        if self.stack:
            self.stack[-1].paragraphs.append(text)
        else:
            self.loose.append(text)

    def extend_last(self, text: str) -> None:
        """Append a fragment to whatever text came last (page-break or responsibility line)."""
        if self.stack:
            node = self.stack[-1]
            if node.paragraphs:
                node.paragraphs[-1] = join_fragments(node.paragraphs[-1], text)
            else:
                node.first_line = join_fragments(node.first_line, text)
                node.heading = Heading(node.heading.kind, node.heading.number, node.heading.label,
                                       join_fragments(node.heading.rest, text), node.heading.sub)
        elif self.loose:
            self.loose[-1] = join_fragments(self.loose[-1], text)
        else:
            self.loose.append(text)

    def last_text(self) -> tuple[str, bool] | None:
        """The last text added and whether it is a bare heading (title without body)."""
        if self.stack:
            node = self.stack[-1]
            if node.paragraphs:
                return node.paragraphs[-1], False
            bare = ("。" not in node.heading.rest and not node.children
                    and not node.is_article and len(node.heading.rest) <= _HEADING_MAX)
            return node.first_line, bare
        if self.loose:
            return self.loose[-1], False
        return None


def _decimal_path(node: _Node) -> tuple[int, ...]:
    """A clause's full decimal number: (3, 1) for "3.1", (3,) for "3" or "3."."""
    return node.heading.parents + (node.heading.number,)


# How far a statute's numbering may jump (lost or repealed articles) and still be read in order.
_MAX_SKIP = 10
# A heading line without a full stop longer than this is prose cut by a page break, not a title.
_HEADING_MAX = 40


def _article_key(node: _Node) -> str:
    return f"a{node.heading.number}" + (f"-{node.heading.sub}" if node.heading.sub else "")


def _clauses_from_outline(doc_id: str, outline: _Outline, start_order: int) -> list[Clause]:
    clauses: list[Clause] = []
    order = start_order

    def emit(**kwargs) -> None:
        nonlocal order
        clauses.append(Clause(doc_id=doc_id, order=order, **kwargs))
        order += 1

    for index, paragraph in enumerate(outline.loose, start=1):
        emit(clause_id=f"{doc_id}/p{index}", key=f"p{index}", section=f"第{index}段",
             section_path=(f"第{index}段",), text=paragraph, kind="paragraph",
             heading=first_sentence(paragraph))

    def walk(node: _Node) -> None:
        key = ".".join(str(n) for n in node.numbers)
        section = "".join(node.labels)
        if node.is_article:
            # Statutes are cited by article alone (第二十四条), whatever chapter holds it; the
            # article's 款 and 项 stay in its text.
            emit(clause_id=f"{doc_id}/{_article_key(node)}", key=_article_key(node),
                 section=node.heading.label, section_path=node.titles, text=node.text,
                 kind="article", heading=first_sentence(node.heading.rest))
            for child in node.children:
                walk(child)
            return
        own_text = node.has_inline_body
        is_leaf = not node.children
        if node.lead_in and node.children and all(not c.children for c in node.children):
            # A lead-in and its list items are one clause: the items mean nothing without it.
            text = "\n".join([node.text, *(child.text for child in node.children)])
            emit(clause_id=f"{doc_id}/{key}", key=key, section=section, section_path=node.titles,
                 text=text, kind="clause", heading=node.title[len(node.heading.label):].strip())
            return
        # A standard's numbered clause (3.2) is cited whole, as an article is: its paragraphs
        # are its 段, not clauses of their own as the measures under a plan's heading are.
        # A heading that is itself a sentence ("一、将刑法第十七条修改为：“…", an amendment
        # with the quoted paragraphs that follow it) is not a title over them: kept whole.
        split_paragraphs = not own_text and is_leaf and len(node.paragraphs) > 1 \
            and not _reads_as_sentence(node.heading.rest) \
            and node.heading.kind not in DECIMAL_KINDS
        if split_paragraphs:
            for index, paragraph in enumerate(node.paragraphs, start=1):
                emit(clause_id=f"{doc_id}/{key}.p{index}", key=f"{key}.p{index}",
                     section=_joined(section, f"第{index}段"),
                     section_path=node.titles + (first_sentence(paragraph, limit=30),),
                     text=paragraph, kind="paragraph", heading=first_sentence(paragraph))
        elif own_text or node.paragraphs or not _is_title(node.heading.rest) or (
                is_leaf and node.heading.kind not in STATUTE_HEADINGS):
            emit(clause_id=f"{doc_id}/{key}", key=key, section=section,
                 section_path=node.titles, text=node.text, kind="clause",
                 heading=node.title[len(node.heading.label):].strip())
        for child in node.children:
            walk(child)

    for root in outline.roots:
        walk(root)
    return clauses


def _reads_as_sentence(rest: str) -> bool:
    """Clause words that lead into what follows (a colon, an opening quote), not a title.

    A comma alone does not count: "（三）强化政策支持，加大资金投入" is a plan's title over
    measures that are clauses of their own."""
    return bool(re.search(r"[：:“「]", rest))


def _is_title(rest: str) -> bool:
    """A heading's words, as opposed to a sentence that must be kept as text."""
    return "。" not in rest and len(rest) <= _HEADING_MAX and not rest.endswith(("；", ";"))


def _add_table(outline: _Outline, raw_lines: list[str]) -> None:
    """A table inside the body: a row per paragraph, read with its header, outside articles.

    A clause numbered "2 检验依据" whose text is its tables would otherwise be split into one
    clause per cell ("序号", "1", "感官要求"). An article keeps its cells as printed: it is
    quoted whole, and a statute's schedule reads as the law prints it.
    """
    table = parse_table(raw_lines)
    if table is None or outline.open_article() is not None:
        for raw in raw_lines:
            if text := squeeze_whitespace(raw):
                outline.add_paragraph(text)
        return
    if not table.rows:
        outline.add_paragraph("；".join(cell for cell in table.header if cell))
    for row in table.rows:
        note = row.cells[0]
        if note.startswith(("注：", "注:")) and not any(row.cells[1:]):
            outline.add_paragraph(note)  # a note under the table, in a cell of its own
        else:
            outline.add_paragraph(row_text(table.header, row))


def _parse_body(lines: list[_Line], *, lines_are_paragraphs: bool = False) -> _Outline:
    outline = _Outline()
    table: list[str] = []
    after_table = False  # a table row never runs on into the line after the table
    for line in lines:
        if is_cell_line(line.raw) or (table and not line.text):
            table.append(line.raw)
            continue
        if table:
            _add_table(outline, table)
            table = []
            after_table = True
        text = line.text
        if not text:
            continue
        follows_table, after_table = after_table, False
        heading = match_heading(text)
        if heading is not None and outline.absorbs(heading):
            outline.add_paragraph(text)
            continue
        if heading is not None and outline.accepts(heading):
            outline.open(heading, text)
            continue
        previous = outline.last_text()
        if previous is not None:
            previous_text, bare_heading = previous
            broken = not lines_are_paragraphs and not is_complete(previous_text) \
                and not follows_table
            if _RESPONSIBILITY.match(text) or (not bare_heading and broken):
                outline.extend_last(text)
                continue
        outline.add_paragraph(text)
    if table:
        _add_table(outline, table)
    return outline


def _annex_clauses(doc_id: str, lines: list[_Line], start_order: int,
                   annex_number: int) -> tuple[list[Clause], list[str]]:
    """Clauses of one annex (table rows, notes, paragraphs) and the annex titles it lists."""
    prefix = "annex" if annex_number == 1 else f"annex{annex_number}"
    label = "附件" if annex_number == 1 else f"附件{annex_number}"
    clauses: list[Clause] = []
    listed: list[str] = []
    title_parts: list[str] = []
    table_lines: list[str] = []
    trailing: list[str] = []
    for line in lines:
        found = _ANNEX.match(line.text)
        if found and not table_lines:
            if found.group(2):
                listed.append(found.group(2))
            continue
        if is_cell_line(line.raw) or (table_lines and not line.text.startswith(("注：", "注:"))
                                      and not trailing):
            table_lines.append(line.raw)
        elif line.text and not table_lines:
            title_parts.append(line.text)
        elif line.text:
            trailing.append(line.text)
    title = "".join(part for part in title_parts if not part.startswith("单位"))
    unit = next((part for part in title_parts if part.startswith("单位")), None)
    path_title = f"{title}（{unit}）" if unit and title else title or unit or label
    order = start_order
    table = parse_table(table_lines)
    if table is not None:
        data_index = 0
        for row in table.rows:
            first = row.cells[0]
            if row.is_total:
                key, row_label = f"{prefix}.total", first
            else:
                data_index += 1
                key = f"{prefix}.row{data_index}"
                row_label = f"{table.header[0]}{first}" if first.isdigit() else first
            clauses.append(Clause(
                clause_id=f"{doc_id}/{key}", doc_id=doc_id, key=key,
                section=f"{label} {row_label}", section_path=(label, path_title, row_label),
                text=row_text(table.header, row), kind="table_row", order=order,
                heading=row_label))
            order += 1
    elif title_parts and not trailing:
        trailing = title_parts[1:]
        path_title = title_parts[0]
    for index, text in enumerate(trailing, start=1):
        is_note = text.startswith(("注：", "注:"))
        key = f"{prefix}.note" if is_note and index == 1 else f"{prefix}.p{index}"
        clauses.append(Clause(
            clause_id=f"{doc_id}/{key}", doc_id=doc_id, key=key,
            section=f"{label} 注" if is_note else f"{label} 第{index}段",
            section_path=(label, path_title), text=text,
            kind="table_note" if is_note else "paragraph", order=order,
            heading=first_sentence(text)))
        order += 1
    return clauses, listed


def _opens_body(heading: Heading | None) -> bool:
    """A first number (一、 （一） 1. 第一章), or any article: an excerpt may start at 第四条."""
    return heading is not None and (heading.number == 1 or heading.kind == "article")


def _split(lines: list[_Line]) -> tuple[int, int, int]:
    """Indexes where the body starts, where annexes start and where back matter starts."""
    body_start = next((i for i, line in enumerate(lines)
                       if not is_cell_line(line.raw) and line.text
                       and _opens_body(match_heading(line.text))), None)
    if body_start is None:
        # No numbering: a table is the body (罪名 lists, catalogues), its rows the clauses;
        # read as front matter its cells would be taken for title lines and dropped.
        body_start = next((i for i, line in enumerate(lines)
                           if is_cell_line(line.raw) and line.text), len(lines))
    texts = [line.text for line in lines]
    annex_start = back_start = len(lines)
    for i in range(body_start, len(lines)):
        text = texts[i]
        if not text or is_cell_line(lines[i].raw):
            continue
        following = [t for t in texts[i + 1:i + 4] if t][:1]
        if annex_start == len(lines) and _ANNEX.match(text):
            annex_start = i
            continue
        if (BACK_MATTER.match(text) and not _ANNEX.match(text)) or is_signature(text, following) \
                or parse_date(text) or re.match(r"^[（(]此件.*[）)]$", text):
            back_start = i
            break
    annex_start = min(annex_start, back_start)
    return body_start, annex_start, back_start


def parse_text(text: str, *, doc_id: str, source_file: str,
               gazetteer: Gazetteer | None = None,
               overrides: dict[str, str | None] | None = None,
               title_hint: str | None = None, date_hint: str | None = None,
               lines_are_paragraphs: bool = False, hint_is_title: bool = False) -> Document:
    """Parse one policy text. `overrides` may set title, issuer, doc_number, date or region.

    `title_hint` and `date_hint` are what the file itself states outside the text (a markdown
    '# ' title, a date in the file name); the text's own title line wins when it has one,
    unless `hint_is_title` says the format itself marks the title (Markdown's level-1 heading:
    the lines after it are notes, section headings and case headings, never a second title).
    `lines_are_paragraphs` says the reader already knows paragraph ends (Word, HTML, Markdown),
    so a line without a closing 。 is not a fragment cut by a page break.
    """
    gazetteer = gazetteer or default_gazetteer()
    overrides = overrides or {}
    lines = [_Line(raw=raw, text=_line_text(raw)) for raw in text.split("\n")]
    if not any(line.text for line in lines):
        raise CorpusError(f"{source_file} is empty: there is no text to parse")
    contents: list[str] = []
    if block := _contents_block(lines):
        contents = [line.text for line in lines[block[0]:block[1]] if line.text]
        lines = lines[:block[0]] + [_Line("", "")] * (block[1] - block[0]) + lines[block[1]:]
    body_start, annex_start, back_start = _split(lines)

    front = read_front_matter([line.text for line in lines[:body_start] if line.text])
    title = _choose_title(overrides.get("title"),
                          [] if hint_is_title and title_hint else front.title_groups,
                          title_hint, source_file)
    # "序言"/"前言" printed above a preamble is its heading, not the document's title.
    preamble_heading = next((g for g in front.title_groups if _PREAMBLE_HEADING.match(g)), "前言")
    promulgation = read_promulgation(" ".join(front.promulgation))
    clauses: list[Clause] = []
    order = 0
    front_parts = (
        ("front", "题注", "preamble", [title, *front.promulgation] if front.promulgation else []),
        ("contents", "目录", "contents", contents),
        ("notice", "印发通知", "notice", front.notice),
        ("preamble", preamble_heading, "preamble", front.preamble),
    )
    for key, section, kind, paragraphs in front_parts:
        if paragraphs and body_start < len(lines):
            clauses.append(Clause(clause_id=f"{doc_id}/{key}", doc_id=doc_id, key=key,
                                  section=section, section_path=(section,),
                                  text="\n".join(paragraphs), kind=kind, order=order,
                                  heading=section))
            order += 1

    outline = _parse_body(lines[body_start:annex_start],
                          lines_are_paragraphs=lines_are_paragraphs)
    if body_start == len(lines):
        # No numbering at all: every paragraph after the title is a clause of its own.
        outline.loose = [*front.notice, *front.preamble]
    body_clauses = _clauses_from_outline(doc_id, outline, order)
    clauses.extend(body_clauses)
    order += len(body_clauses)

    attachments: list[str] = []
    annex_lines = lines[annex_start:back_start]
    if annex_lines:
        annex_clauses, attachments = _annex_clauses(doc_id, annex_lines, order, 1)
        clauses.extend(annex_clauses)

    back = front.back_matter + [line.text for line in lines[back_start:] if line.text]
    tail_front = read_front_matter([line.text for line in lines[back_start:] if line.text])
    signatures = front.signatures + tail_front.signatures
    dates = front.dates + tail_front.dates
    issuer = overrides.get("issuer", None) or _issuer(front, signatures) or promulgation.issuer
    signed = [iso for iso, tail in dates if not tail] or [iso for iso, _ in dates]
    date = (overrides.get("date") or (signed[0] if signed else None) or promulgation.issue_date
            or date_hint)
    region = _region(overrides.get("region"), title, issuer, gazetteer, source_file)
    clauses = _unique_keys(clauses)
    front_lines = [line.text for line in lines[:body_start] if line.text]
    effective = (overrides.get("effective_date") or promulgation.effective_date
                 or _stated_in_force(clauses, date))
    status, status_label = _status(overrides.get("status"), front.status_label, front_lines)
    return Document(
        doc_id=doc_id,
        title=title,
        issuer=issuer,
        doc_number=overrides.get("doc_number", front.doc_number or promulgation.doc_number),
        date=date,
        region=region,
        status=status,
        status_label=status_label,
        source_file=source_file,
        clauses=tuple(clauses),
        notes=tuple(front.notes),
        attachments=tuple(attachments),
        back_matter=tuple(back),
        effective_date=effective,
    )


# Lines that open a body or a chapter, never a document's title.
_NOT_A_TITLE = re.compile(r"^(目录|序言|总则|前言|附则|说明|正文|第[一二三四五六七八九十]+[章编节])")
_TITLE_MAX = 120


_PREAMBLE_HEADING = re.compile(r"^(序言|前言|序)$")


def _choose_title(override: str | None, title_groups: list[str], hint: str | None,
                  source_file: str) -> str:
    """The document's title: an override, its own title line, the file's stated title, its name.

    The last title group wins (a forwarding notice's own title comes before the plan it
    forwards), skipping words that open a body such as 目录 or 序言.
    """
    if override:
        return override
    for candidate in (*reversed(title_groups), hint):
        if candidate and 2 <= len(candidate) <= _TITLE_MAX and not _NOT_A_TITLE.match(candidate):
            return candidate
    return title_from_file_name(source_file)


def title_from_file_name(source_file: str) -> str:
    """"宁夏回族自治区…条例(2019-03-29).md" → 宁夏回族自治区…条例."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", source_file.rsplit("/", 1)[-1])
    stem = re.sub(r"[（(]\d{4}-\d{1,2}-\d{1,2}[）)]$", "", stem).strip()
    return stem or source_file


def _stated_in_force(clauses: list[Clause], issue_date: str | None) -> str | None:
    """The 施行 date in the closing clauses ("本法自2019年1月1日起施行")."""
    for clause in reversed(clauses[-3:]):
        found = in_force_date(clause.text, issue_date)
        if found:
            return found
    return None


def _status(override: str | None, draft_label: str | None,
            front_lines: list[str]) -> tuple[str, str]:
    """draft | final | repealed with the label shown to users (superseded is set corpus-wide)."""
    labels = {"draft": draft_label or "征求意见稿", "final": "正式文件", "repealed": "已废止",
              "superseded": "已被新版本替代"}
    if override in labels:
        return override, labels[override]
    if draft_label:
        return "draft", draft_label
    if is_repealed(front_lines):
        return "repealed", labels["repealed"]
    return "final", labels["final"]


def _issuer(front: FrontMatter, signatures: list[str]) -> str | None:
    for title in front.title_groups:
        issuer = issuer_from_title(title)
        if issuer:
            return issuer
    return signatures[0] if signatures else None


def _region(name: str | None, title: str, issuer: str | None, gazetteer: Gazetteer,
            source_file: str) -> Region:
    if name:
        if name in (NATIONAL.name, *NATIONAL.aliases):
            return NATIONAL
        region = gazetteer.by_name(name)
        if region is None:
            raise CorpusError(f"{source_file}: region {name!r} is not a known administrative "
                              "division; use a name such as 河南省三门峡市 or 全国")
        return region
    region = gazetteer.document_region(title, issuer)
    if region is not None:
        return region
    log.warning("%s: cannot tell which region %r belongs to from its title or issuer; loaded "
                "with region unknown (give the region in manifest.json to scope it)",
                source_file, title)
    return UNKNOWN_REGION


def _unique_keys(clauses: list[Clause]) -> list[Clause]:
    """Give a repeated key (numbering that restarts, a heading printed twice) a suffix by order.

    The first occurrence keeps its plain key, so the usual citation stays the natural one; the
    n-th repeat becomes key@n, which depends only on the document's own text.
    """
    seen: dict[str, int] = {}
    unique: list[Clause] = []
    for clause in clauses:
        count = seen.get(clause.key, 0) + 1
        seen[clause.key] = count
        if count > 1:
            key = f"{clause.key}@{count}"
            clause = replace(clause, key=key, clause_id=f"{clause.doc_id}/{key}")
        unique.append(clause)
    return unique


_CONTENTS = re.compile(r"^目\s*录$")


def _contents_block(lines: list[_Line]) -> tuple[int, int] | None:
    """Where a table of contents (目录 + its heading lines) starts and ends, if there is one.

    It ends where its first entry is printed again (the body starts) or at the first line that
    is not a heading; its lines become one "目录" clause instead of opening empty chapters.
    """
    start = next((i for i, line in enumerate(lines) if _CONTENTS.match(line.text)), None)
    if start is None:
        return None
    entries: list[str] = []
    end = start + 1
    while end < len(lines):
        text = lines[end].text
        if not text:
            end += 1
            continue
        if entries and text == entries[0]:
            break
        if "。" in text or len(text) > _HEADING_MAX * 2:
            break
        entries.append(text)
        end += 1
    return (start, end) if entries else None


# Formats whose readers emit whole paragraphs as lines (PDF and plain text break lines visually).
_PARAGRAPH_FORMATS = ("docx", "html", "md")
# Formats whose stated title is the title by the format's own rules. Measured on LawRefBook's
# 3,471 Markdown files: the last title-like line picked 181 promulgation-note lines, 86 section
# or case headings ("典型意义") and doubled titles, where the '# ' heading is right.
_STATED_TITLE_FORMATS = ("md",)


def parse_source(source: SourceText, *, doc_id: str, gazetteer: Gazetteer | None = None,
                 overrides: dict[str, str | None] | None = None) -> Document:
    """Parse a file read by any reader into a `Document` (the entry point for every format)."""
    document = parse_text("\n".join(source.lines), doc_id=doc_id,
                          source_file=source.source_file, gazetteer=gazetteer,
                          overrides=overrides, title_hint=source.title_hint,
                          date_hint=source.date_hint,
                          lines_are_paragraphs=source.format in _PARAGRAPH_FORMATS,
                          hint_is_title=source.format in _STATED_TITLE_FORMATS)
    return replace(document, source_sha256=source.sha256)
