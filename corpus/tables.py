"""Turning a tab-laid-out table (as pasted from a PDF or Word file) into header + rows.

In the shipped texts a table cell starts on a line that begins with a tab; a line without a tab
continues the cell above (a header such as "补贴培训总数" + "（人次）"), and blank lines usually
but not always separate rows (a cell can contain a blank line). So rows are rebuilt from the cell
stream by column count, a two-level header (指导计划 over 2019年/2020年/2021年) is merged, and a
short total row ("合计" + three numbers) is aligned to the right-hand columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.text import join_fragments, squeeze_whitespace

_TOTAL_LABEL = re.compile(r"^(合计|总计|小计|总数|合\s*计|总\s*计)$")


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]  # aligned to the header; "" where the row has no value
    is_total: bool = False


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[TableRow, ...]


def is_cell_line(raw_line: str) -> bool:
    return raw_line.startswith("\t")


def _cell_blocks(raw_lines: list[str]) -> list[list[str]]:
    """Group cells into blank-line-separated blocks; continuation lines extend the last cell."""
    blocks: list[list[str]] = [[]]
    for raw in raw_lines:
        if not raw.strip():
            if is_cell_line(raw):
                blocks[-1].append("")  # an empty cell: a tab and nothing else
            elif blocks[-1]:
                blocks.append([])
            continue
        text = squeeze_whitespace(raw)
        if is_cell_line(raw):
            blocks[-1].append(text)
            continue
        # Continuation of the previous cell, even across a blank line.
        if not blocks[-1] and len(blocks) > 1:
            blocks.pop()
        if blocks[-1]:
            blocks[-1][-1] = join_fragments(blocks[-1][-1], text)
        else:
            blocks[-1].append(text)
    return [block for block in blocks if block]


def _rows_by_width(blocks: list[list[str]], width: int) -> list[list[str]]:
    rows: list[list[str]] = []
    current: list[str] = []
    for block in blocks:
        if current and len(current) + len(block) > width:
            rows.append(current)
            current = []
        current = current + block
        if len(current) == width:
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return rows


def parse_table(raw_lines: list[str]) -> Table | None:
    """Parse the raw lines of one table; None when there is no tab-separated content."""
    blocks = _cell_blocks(raw_lines)
    if not blocks:
        return None
    width = max(len(block) for block in blocks)
    rows = _rows_by_width(blocks, width)
    header = list(rows[0]) + [""] * (width - len(rows[0]))
    body = rows[1:]
    if body and len(body[0]) == width and not body[0][0] and any(body[0]):
        # A second header level: empty leading cells, labels under the last top-level cell.
        sub = body.pop(0)
        top_last = rows[0][-1]
        header = [
            (rows[0][i] if i < len(rows[0]) - 1 else top_last) + sub[i] if sub[i] else
            (rows[0][i] if i < len(rows[0]) else "")
            for i in range(width)
        ]
    parsed: list[TableRow] = []
    for cells in body:
        if len(cells) == width:
            parsed.append(TableRow(tuple(cells), is_total=bool(_TOTAL_LABEL.match(cells[0]))))
        else:
            # A short row: its label goes first, its values align with the last columns.
            values = cells[1:]
            aligned = [cells[0]] + [""] * (width - 1 - len(values)) + values
            parsed.append(TableRow(tuple(aligned), is_total=bool(_TOTAL_LABEL.match(cells[0]))))
    return Table(header=tuple(header), rows=tuple(parsed))


def row_text(header: tuple[str, ...], row: TableRow) -> str:
    """The row with its header: "区：滨海新区；补贴培训总数（人次）：50000；…"."""
    parts = []
    for name, value in zip(header, row.cells):
        if not value:
            continue
        parts.append(f"{name}：{value}" if name and not (row.is_total and value == row.cells[0])
                     else value)
    return "；".join(parts)
