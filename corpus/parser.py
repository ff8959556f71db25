"""The clause parser: policy text → `Document` with attributed `Clause` records.

The text is cut into front matter (titles, notice, preamble), the numbered body, annexes
(tables) and back matter (signatures, 抄送, 印发). The body becomes an outline from its numbering
— the nesting of 一、 / （一） / 1． is learnt from the order in which kinds appear, and numbers
must run in sequence (1 or previous+1 at their level, which also accepts Taierzhuang's
（一）…（二十） running straight through its parts) so that cross-references and decimals never
open clauses. Lines cut by page breaks are joined, a standalone "（责任单位：…）" line joins the
clause above it, and a heading followed by several unnumbered paragraphs yields one clause per
paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.errors import CorpusError
from corpus.frontmatter import (
    BACK_MATTER,
    FrontMatter,
    is_signature,
    issuer_from_title,
    read_front_matter,
)
from corpus.gazetteer import Gazetteer, default_gazetteer
from corpus.numbering import Heading, match_heading
from corpus.records import Clause, Document, Region, SourceText
from corpus.tables import is_cell_line, parse_table, row_text
from corpus.text import first_sentence, is_complete, join_fragments, parse_date, squeeze_whitespace

_ANNEX = re.compile(r"^附\s*件\s*(\d*|[一二三四五六七八九十]*)\s*(?:[:：]\s*(.*))?$")
# A bracketed line that only says who is responsible belongs to the clause above it.
_RESPONSIBILITY = re.compile(r"^[（(].*(责任|负责|牵头|配合).*[）)]$")
_BODY_KINDS_FIRST = ("cn", "chapter", "article", "paren_cn", "arabic", "paren_arabic", "circled")


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
    def has_inline_body(self) -> bool:
        rest = self.heading.rest
        return "。" in rest and bool(rest.split("。", 1)[1].strip())


@dataclass
class _Line:
    raw: str
    text: str  # whitespace-squeezed


def _heading_title(heading: Heading) -> str:
    return first_sentence(heading.rest) if heading.rest else ""


class _Outline:
    """Builds the numbered outline of a document body, line by line."""

    def __init__(self) -> None:
        self.roots: list[_Node] = []
        self.stack: list[_Node] = []
        self.last_number: dict[str, int] = {}
        self.loose: list[str] = []  # paragraphs before any heading

    def accepts(self, heading: Heading) -> bool:
        previous = self.last_number.get(heading.kind, 0)
        return heading.number in (1, previous + 1)

    def open(self, heading: Heading, line: str) -> None:
        kinds = [node.heading.kind for node in self.stack]
        if heading.kind in kinds:
            del self.stack[kinds.index(heading.kind):]
        parent = self.stack[-1] if self.stack else None
        node = _Node(
            heading=heading,
            numbers=(parent.numbers if parent else ()) + (heading.number,),
            labels=(parent.labels if parent else ()) + (heading.label,),
            titles=(parent.titles if parent else ()) + (f"{heading.label}{_heading_title(heading)}",),
            first_line=line,
        )
        (parent.children if parent else self.roots).append(node)
        self.stack.append(node)
        self.last_number[heading.kind] = heading.number

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
                                       join_fragments(node.heading.rest, text))
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
            bare = "。" not in node.heading.rest and not node.children
            return node.first_line, bare
        if self.loose:
            return self.loose[-1], False
        return None


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
        own_text = node.has_inline_body
        split_paragraphs = not own_text and not node.children and len(node.paragraphs) > 1
        if split_paragraphs:
            for index, paragraph in enumerate(node.paragraphs, start=1):
                emit(clause_id=f"{doc_id}/{key}.p{index}", key=f"{key}.p{index}",
                     section=f"{section}第{index}段",
                     section_path=node.titles + (first_sentence(paragraph, limit=30),),
                     text=paragraph, kind="paragraph", heading=first_sentence(paragraph))
        elif own_text or node.paragraphs or (not node.children and "。" in node.heading.rest):
            text = "\n".join([node.first_line, *node.paragraphs])
            emit(clause_id=f"{doc_id}/{key}", key=key, section=section,
                 section_path=node.titles, text=text, kind="clause", heading=node.title[
                     len(node.heading.label):])
        for child in node.children:
            walk(child)

    for root in outline.roots:
        walk(root)
    return clauses


def _parse_body(lines: list[_Line]) -> _Outline:
    outline = _Outline()
    for line in lines:
        text = line.text
        if not text:
            continue
        heading = match_heading(text)
        if heading is not None and outline.accepts(heading):
            outline.open(heading, text)
            continue
        previous = outline.last_text()
        if previous is not None:
            previous_text, bare_heading = previous
            if _RESPONSIBILITY.match(text) or (not bare_heading and not is_complete(previous_text)):
                outline.extend_last(text)
                continue
        outline.add_paragraph(text)
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


def _split(lines: list[_Line]) -> tuple[int, int, int]:
    """Indexes where the body starts, where annexes start and where back matter starts."""
    body_start = next((i for i, line in enumerate(lines)
                       if not is_cell_line(line.raw) and line.text
                       and match_heading(line.text) is not None
                       and match_heading(line.text).number == 1), len(lines))
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
               overrides: dict[str, str | None] | None = None) -> Document:
    """Parse one policy text. `overrides` may set title, issuer, doc_number, date or region."""
    gazetteer = gazetteer or default_gazetteer()
    overrides = overrides or {}
    lines = [_Line(raw=raw, text=squeeze_whitespace(raw)) for raw in text.split("\n")]
    if not any(line.text for line in lines):
        raise CorpusError(f"{source_file} is empty: there is no text to parse")
    body_start, annex_start, back_start = _split(lines)

    front = read_front_matter([line.text for line in lines[:body_start] if line.text])
    clauses: list[Clause] = []
    order = 0
    for key, section, kind, paragraphs in (("notice", "印发通知", "notice", front.notice),
                                           ("preamble", "前言", "preamble", front.preamble)):
        if paragraphs and body_start < len(lines):
            clauses.append(Clause(clause_id=f"{doc_id}/{key}", doc_id=doc_id, key=key,
                                  section=section, section_path=(section,),
                                  text="\n".join(paragraphs), kind=kind, order=order,
                                  heading=section))
            order += 1

    outline = _parse_body(lines[body_start:annex_start])
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
    title = overrides.get("title") or front.title or source_file
    issuer = overrides.get("issuer", None) or _issuer(front, signatures)
    signed = [iso for iso, tail in dates if not tail] or [iso for iso, _ in dates]
    region = _region(overrides.get("region"), title, issuer, gazetteer, source_file)
    _check_unique(clauses, source_file)
    return Document(
        doc_id=doc_id,
        title=title,
        issuer=issuer,
        doc_number=overrides.get("doc_number", front.doc_number),
        date=overrides.get("date") or (signed[0] if signed else None),
        region=region,
        status="draft" if front.status_label else "final",
        status_label=front.status_label or "正式文件",
        source_file=source_file,
        clauses=tuple(clauses),
        notes=tuple(front.notes),
        attachments=tuple(attachments),
        back_matter=tuple(back),
    )


def _issuer(front: FrontMatter, signatures: list[str]) -> str | None:
    for title in front.title_groups:
        issuer = issuer_from_title(title)
        if issuer:
            return issuer
    return signatures[0] if signatures else None


def _region(name: str | None, title: str, issuer: str | None, gazetteer: Gazetteer,
            source_file: str) -> Region:
    if name:
        region = gazetteer.by_name(name)
        if region is None:
            raise CorpusError(f"{source_file}: region {name!r} is not in the gazetteer; "
                              "add it to corpus/gazetteer.json")
        return region
    region = gazetteer.most_specific(f"{title} {issuer or ''}")
    if region is None:
        raise CorpusError(f"{source_file}: cannot tell which region the document belongs to "
                          "from its title or issuer; give the region explicitly")
    return region


def _check_unique(clauses: list[Clause], source_file: str) -> None:
    seen: set[str] = set()
    for clause in clauses:
        if clause.clause_id in seen:
            raise CorpusError(f"{source_file}: two clauses share the id {clause.clause_id}; "
                              "the numbering repeats itself")
        seen.add(clause.clause_id)


def parse_source(source: SourceText, *, doc_id: str, gazetteer: Gazetteer | None = None,
                 overrides: dict[str, str | None] | None = None) -> Document:
    """Parse a file read by any reader into a `Document` (the entry point for every format)."""
    return parse_text("\n".join(source.lines), doc_id=doc_id, source_file=source.source_file,
                      gazetteer=gazetteer, overrides=overrides)
