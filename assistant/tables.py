"""Table rows of figures: quoted only when the question asks for the table's figures.

An annex table of figures ("区：红桥区；补贴培训总数（人次）：4500；新型学徒制（人）：100") repeats
its column headers in every row, so a question about 新型学徒制补贴 matches all seventeen district
rows as well as the clause that states the policy. Such a row answers only a question that
picks it out: one naming its row (红桥区, or 总计 for the total), or asking across the rows by
the label column (各区, 哪个区, 每个区, 分区). Rows whose other cells hold text (a unit's duties)
are clauses like any other and are not affected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from corpus import Clause

_NUMBER = re.compile(r"[\d.,，%％]+")
# Chinese distributive and interrogative determiners before the label column's header: 各区,
# 每个区, 哪个区, 哪些单位, 分区.
_ACROSS_ROWS = ("各", "每个", "每一个", "哪个", "哪一个", "哪些", "分")
# The label of a table's total row, and the words that ask for a total (一共多少人次 asks for
# the 总计 row as surely as naming it does; 总数 is not one: it names columns, 补贴培训总数).
_TOTAL_LABEL = re.compile(r"^(?:总计|合计|共计|总数)$")
_ASKS_TOTAL = re.compile(r"一共|共计|合计|总计|加起来")


def row_cells(clause: Clause) -> tuple[tuple[str, str], ...]:
    """(header, value) of every cell; a cell without a header ("总计") has it as its header."""
    return _cells_of(clause.text)


@lru_cache(maxsize=65536)
def _cells_of(text: str) -> tuple[tuple[str, str], ...]:
    # Cached by the row's text (a string hashes once): ranking asks every question's best
    # candidates whether the question names their row (`names_row`), ~70 rows a question.
    return tuple((header.strip(), value.strip())
                 for header, _, value in (cell.partition("：") for cell in text.split("；"))
                 if header.strip())


def _label_cell(cells: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    """The cell naming the row: the first whose value is not a number, or a lone word."""
    for header, value in cells:
        if not value:
            return header, header
        if not _NUMBER.fullmatch(value):
            return header, value
    return None


def row_label_cell(clause: Clause) -> tuple[str, str] | None:
    """(header, value) of the cell naming a table row (区, 和平区), None when no cell does."""
    return _label_cell(row_cells(clause))


def is_total_label(label: str) -> bool:
    """A row label naming a table's total (总计, 合计)."""
    return bool(_TOTAL_LABEL.match(label))


def row_label(clause: Clause) -> str:
    """What names a table row ("区：和平区；…" → 和平区, "总计；…" → 总计), else ""."""
    if clause.kind != "table_row":
        return ""
    label = _label_cell(row_cells(clause))
    return label[1] if label else ""


def is_figures_row(clause: Clause) -> bool:
    """A table row whose cells, its label apart, are all numbers."""
    if clause.kind != "table_row":
        return False
    cells = row_cells(clause)
    label = _label_cell(cells)
    figures = [value for header, value in cells if (header, value or header) != label]
    return bool(figures) and all(_NUMBER.fullmatch(value) for value in figures)


def asks_for_row(question: str, terms: Sequence[str], clause: Clause) -> bool:
    """The question picks out this row: it names the row's label (or a key term of the question
    is part of it), or it asks across the rows by the label column's header."""
    label = _label_cell(row_cells(clause))
    if label is None:
        return False
    header, name = label
    if name in question or any(len(term) >= 2 and term in name for term in terms) or \
            _asks_total_of(question, name):
        return True
    # A lone-word label (总计) has no column header to ask across.
    return header != name and any(f"{word}{header}" in question for word in _ACROSS_ROWS)


def names_row(question: str, clause: Clause) -> bool:
    """The question names this table row by its label: "綦江区人力社保局三年的指导计划" names the
    row whose 责任单位 is 区人力社保局, not the rows where that unit only assists. Labels of one
    character or of digits only (a 序号 column) name nothing."""
    if clause.kind != "table_row":
        return False
    label = row_label(clause)
    return len(label) >= 2 and not _NUMBER.fullmatch(label) and label in question


def _asks_total_of(question: str, label: str) -> bool:
    """The row is the table's total and the question asks for a total."""
    return is_total_label(label) and bool(_ASKS_TOTAL.search(question))


__all__ = ["asks_for_row", "is_figures_row", "is_total_label", "names_row", "row_cells",
           "row_label", "row_label_cell"]
