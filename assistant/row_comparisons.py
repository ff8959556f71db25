"""Questions across the rows of a table of figures: which row is highest or lowest, what the
rows a question names add up to, and how far two of them differ.

An annex table of figures (区 · 补贴培训总数（人次） · 新型学徒制（人）) answers "哪一个区的培训任务最重"
only when every row is compared, and "和平区和河西区加起来多少" only when the two figures are
added: ranking clauses by their words finds rows that share the question's words, not the one
with the largest figure, and quoting one row of two answers half the question with a number that
is wrong for it. `asks_across_rows` reads such a question's form once (`Asked.across_rows`);
`compare` reads the whole table — every row of it in its document, the total row apart — and
returns what the answer states, each figure with the row it comes from, so that every number in
the lead is quoted from a cited row or computed from such quotes.

A table is compared only when the question is about it: the rows it asks across are named by
the label column ("哪些区" of a table whose rows are districts; "哪一个单位" of one labelled
责任单位), and some key term of the question occurs in the table's title or column headers. A
question asking which subsidy is highest does not pick a district table that happens to share
the word 补贴.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from corpus import Clause

from assistant.tables import is_total_label, row_cells, row_label, row_label_cell

# 最 + a one-syllable adjective of size (Chinese grammar's superlative): which of the rows is
# largest (多, 高, 大, 重, 长) or smallest (少, 低, 小, 轻, 短).
SUPERLATIVE = re.compile(r"最([多高大重长少低小轻短])")
_LARGE = frozenset("多高大重长")
# 哪 + a measure word + what the rows are (哪一个区, 哪一个单位, 哪些县, 哪家): the question asks
# which row. The noun is read up to four characters and matched against the label column.
_WHICH = r"哪(?:一|几)?(?:个|些|家|所|座)?"
WHICH_ROW = re.compile(rf"{_WHICH}([\u4e00-\u9fff]{{1,4}})")
# Adding up the rows named (和平区和河西区加起来, 两区合计), and how far two differ (A比B多多少,
# 相差多少, 差距; read also with the places taken out: 比多多少).
SUM_WORDS = re.compile(r"加起来|加在一起|合起来|一共|共计|合计|总计|总共|总和|之和")
DIFFERENCE_WORDS = re.compile(r"比[^，,？?。；]{0,30}?[多少高低][^，,？?。；]{0,10}?多少|相差|差多少|差距|差了多少")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_YEAR = re.compile(r"(?:19|20)\d\d")

# The first or last so many (排名前三, 前5位, 后两名, 倒数第一; not 前三年, a period), and a
# superlative counted (最多的三个区).
_RANKED = re.compile(r"(?:排名|排在|排)?(前|后|倒数)(?:第)?([一二两三四五六七八九十]|\d+)(?:名|位|个|大)?"
                     r"(?![年月日天周季度期批])")
_COUNTED = re.compile(r"最([多高大重长少低小轻短])的([一二两三四五六七八九十]|\d+)个")
_CHINESE_COUNT = {character: value for value, character in enumerate("一二三四五六七八九十", 1)}
_CHINESE_COUNT["两"] = 2
# Each row's figure: a distributive before the rows' noun (各区, 每个单位, 所有区) and a question
# asking a number (分别是多少, 各有多少).
_EACH_ROW = re.compile(r"(?:各|每个|每一个|所有)([\u4e00-\u9fff]{1,4})")
_ASKS_NUMBER = re.compile(r"多少|几")
# Where a question across rows starts asking, for a follow-up to put its subject before:
# 哪一个区, 前三, 最多 (a superlative); 加起来; 比…多多少; 分别是多少.
ASKING_AT = {
    "most": (WHICH_ROW, _RANKED, SUPERLATIVE), "least": (WHICH_ROW, _RANKED, SUPERLATIVE),
    "sum": (SUM_WORDS,), "difference": (DIFFERENCE_WORDS,),
    "each": (re.compile(r"分别|各是|各有|都是|是多少|有多少|多少|几"),)}
# Where the rows' noun may stand: after 哪 and a measure word (哪一个区), a distributive (各区,
# 每个单位), a count (三个区) or 的 (最多的区).
# Read at every position (a lookahead), as one place may open another: 的两个区 holds 个区.
_ROWS_NOUN = re.compile(rf"(?=(?:{_WHICH}|各|每个|每一个|所有|个|些|的)([\u4e00-\u9fff]{{1,4}}))")
_MAX_LISTED = 40  # rows a list names one by one; a longer table is cut there, said so

MOST, LEAST, SUM, DIFFERENCE, EACH = "most", "least", "sum", "difference", "each"


def asks_across_rows(question: str) -> str:
    """What a question asks across a table's rows, by its form: "most" or "least" (a
    superlative with 哪 + a noun: 哪一个区…最多; the first or last so many: 排名前三, 最多的三个,
    倒数第一), "difference" (A比B多多少, 相差), "sum" (加起来, 合计, 一共), "each" (各区…分别是
    多少); "" otherwise. Which rows, and of which table, `compare` reads."""
    superlative = SUPERLATIVE.search(question)
    if superlative and (WHICH_ROW.search(question) or _COUNTED.search(question)):
        return MOST if superlative.group(1) in _LARGE else LEAST
    ranked = _RANKED.search(question)
    if ranked:
        return MOST if ranked.group(1) == "前" and not (superlative and
                                                       superlative.group(1) not in _LARGE) \
            else LEAST
    if DIFFERENCE_WORDS.search(question):
        return DIFFERENCE
    if SUM_WORDS.search(question):
        return SUM
    if _EACH_ROW.search(question) and _ASKS_NUMBER.search(question):
        return EACH
    return ""


def _count(question: str) -> int:
    """How many rows a superlative asks for: 前三 → 3, 最多的两个 → 2, else 1."""
    found = _RANKED.search(question) or _COUNTED.search(question)
    if not found:
        return 1
    written = found.group(2)
    return int(written) if written.isdigit() else _CHINESE_COUNT[written]


@dataclass(frozen=True)
class RowFigure:
    """One row's figure in the column compared, as its cell reads (`cell` is verbatim in the
    row's text)."""

    row: Clause
    label: str
    value: float
    cell: str  # "补贴培训总数（人次）：50000"


@dataclass(frozen=True)
class RowComparison:
    """The answer to one column of a question across rows: the rows it rests on, in the order
    the lead names them, and the figure computed from them (the sum or the difference; the
    largest or smallest value for a superlative)."""

    kind: str
    header: str  # the column compared, as the table heads it
    table: str  # where the table stands: its annex and title, 附件（2019年…分区培训计划）
    figures: tuple[RowFigure, ...]
    result: float
    compared: int  # rows compared (a superlative reads every row but the total)
    label_header: str = ""  # what the rows are (区, 责任单位)
    count: int = 1  # rows asked for by a superlative (前三: 3)
    total: RowFigure | None = None  # the table's own total row, beside a list of every row


def table_rows(row: Clause, clauses: Sequence[Clause]) -> list[Clause]:
    """The rows of the table `row` belongs to, in reading order: its document's table rows
    under the same annex and table title."""
    return [clause for clause in clauses if clause.kind == "table_row"
            and clause.doc_id == row.doc_id and clause.section_path[:2] == row.section_path[:2]]


def compare(kind: str, question: str, terms: Sequence[str], hits: Sequence[Clause],
            rows_of: Callable[[Clause], list[Clause]]) -> list[RowComparison]:
    """For a question asking `kind` across rows, the comparisons that answer it, one per column
    compared, read from the first table of figures among `hits` (clauses in ranking order) that
    the question is about; [] when none is. `rows_of(row)` gives every row of a row's table."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for hit in hits:
        if hit.kind != "table_row":
            continue
        table = (hit.doc_id, hit.section_path[:2])
        if table in seen:
            continue
        seen.add(table)
        found = _compare_table(kind, question, terms, rows_of(hit))
        if found:
            return found
    return []


def _compare_table(kind: str, question: str, terms: Sequence[str],
                   rows: Sequence[Clause]) -> list[RowComparison]:
    totals = [row for row in rows if _is_total(row)]
    data = [row for row in rows if row not in totals]
    label = row_label_cell(data[0]) if data else None
    if label is None:
        return []
    label_header = label[0]
    labels = {row.clause_id: row_label(row) for row in data}
    # Each row's cells by header, read once for every column and figure below.
    cells = {row.clause_id: dict(row_cells(row)) for row in rows}
    columns = _numeric_columns(data, label_header, cells)
    if not columns:
        return []
    title = data[0].section_path[1] if len(data[0].section_path) > 1 else ""
    # Key terms naming a row (和平区) or the label column say which rows, not what about.
    topic = [term for term in terms
             if term not in label_header and not any(term in name for name in labels.values())]
    about_table = any(term in title or any(term in header for header in columns)
                      for term in topic)
    if kind in (MOST, LEAST, EACH):
        # The rows must be named (哪一个区, 各单位), but for a rank asked (前三, 倒数第一), which
        # only rows have: "哪项补贴最高" asks across subsidies, not a district table's rows.
        if not about_table or not (_RANKED.search(question) or _asks_for_rows_of(
                question, label_header, list(labels.values()))):
            return []
        chosen = data
    else:
        # Two rows named are the table asked about, whatever else the question says
        # (团区委比区妇联多多少？ names nothing but them).
        chosen = [row for row in data if labels[row.clause_id] in question]
        chosen.sort(key=lambda row: question.index(labels[row.clause_id]))
        if len(chosen) < 2 or (kind == DIFFERENCE and len(chosen) != 2):
            return []
    found = []
    for header in _columns_asked(question, topic, columns):
        figures = [_figure(row, labels[row.clause_id], header, cells) for row in chosen]
        figures = [figure for figure in figures if figure is not None]
        if len(figures) < 2:
            continue
        total = next((_figure(row, row_label(row), header, cells) for row in totals), None)
        found.append(_comparison(kind, header, _location(data[0]), figures, _count(question),
                                 label_header, total))
    return found


def compared_terms(terms: Sequence[str], rows: Sequence[Clause]) -> tuple[str, ...]:
    """The key terms naming a column of figures of these rows (补贴培训总数, 2020 of
    指导计划2020年): what a comparison across them was about, which a next turn carries as its
    subject, not the words asking (加起来 leaves 起来) nor the label column's (单位)."""
    headers = [header for row in rows for header, value in row_cells(row)
               if _number(value) is not None]
    return tuple(term for term in terms if any(term in header for header in headers))


def _comparison(kind: str, header: str, title: str, figures: list[RowFigure], count: int,
                label_header: str, total: RowFigure | None) -> RowComparison:
    values = [figure.value for figure in figures]
    if kind in (MOST, LEAST):
        ranked = sorted(figures, key=lambda figure: figure.value, reverse=kind == MOST)
        # The first `count`, and any row tied with the last of them.
        bar = ranked[min(count, len(ranked)) - 1].value
        winners = tuple(figure for figure in ranked
                        if (figure.value >= bar if kind == MOST else figure.value <= bar))
        return RowComparison(kind, header, title, winners, ranked[0].value, len(figures),
                             label_header, count)
    if kind == EACH:
        return RowComparison(kind, header, title, tuple(figures[:_MAX_LISTED]), sum(values),
                             len(figures), label_header, total=total)
    result = sum(values) if kind == SUM else values[0] - values[1]
    return RowComparison(kind, header, title, tuple(figures), result, len(figures),
                         label_header)


def _location(row: Clause) -> str:
    """The annex and the table's title, the title in brackets (附件（…分区培训计划）), not in
    quotation marks: a quoted passage before [n] must be citation n's own words."""
    path = row.section_path
    return f"{path[0]}（{path[1]}）" if len(path) > 2 else (path[0] if path else "")


def _is_total(row: Clause) -> bool:
    return row.key.endswith(".total") or is_total_label(row_label(row))


def _number(value: str) -> float | None:
    """A cell's figure (1,200 → 1200.0), None when the cell holds no number."""
    plain = value.replace(",", "")
    return float(plain) if _NUMBER.fullmatch(plain) else None


def _numeric_columns(rows: Sequence[Clause], label_header: str,
                     cells: dict[str, dict[str, str]]) -> list[str]:
    """The headers whose cell is a number in every row, in the table's order; not a column
    numbering the rows (序号: 1, 2, 3…), which measures nothing."""
    headers = [header for header in cells[rows[0].clause_id] if header != label_header]
    numbering = [float(position) for position in range(1, len(rows) + 1)]
    columns = []
    for header in headers:
        values = [_number(cells[row.clause_id].get(header, "")) for row in rows]
        if None not in values and values != numbering:
            columns.append(header)
    return columns


def _columns_asked(question: str, topic: Sequence[str], columns: list[str]) -> list[str]:
    """The columns the question asks about: those of the year it names, if it names one;
    then those holding most of its key terms; when several remain that differ only in their
    digits (指导计划2019年, 指导计划2020年) they are one measure over the years and each is
    answered, else the first (a table's columns lead with its main measure)."""
    years = set(_YEAR.findall(question))
    if years:
        dated = [header for header in columns if set(_YEAR.findall(header)) & years]
        columns = dated or columns
    scores = [sum(term in header for term in topic) for header in columns]
    best = [header for header, score in zip(columns, scores) if score == max(scores)]
    stems = {re.sub(r"\d", "", header) for header in best}
    return best if len(stems) == 1 else best[:1]


def _asks_for_rows_of(question: str, label_header: str, labels: Sequence[str]) -> bool:
    """A noun naming the label column, where a question names the rows (哪一个区, 各单位, 最多的
    区): the column's header ends with it (单位 of 责任单位), or it is the ending the labels
    share (区 of 和平区, 河西区…)."""
    for match in _ROWS_NOUN.finditer(question):
        noun = match.group(1)
        for end in range(len(noun), 0, -1):
            word = noun[:end]
            if label_header.endswith(word) or \
                    sum(label.endswith(word) for label in labels) * 2 > len(labels):
                return True
    return False


def _figure(row: Clause, label: str, header: str,
            cells: dict[str, dict[str, str]]) -> RowFigure | None:
    value = cells[row.clause_id].get(header, "")
    number = _number(value)
    return RowFigure(row, label, number, f"{header}：{value}") if number is not None else None


def number_text(value: float) -> str:
    """A figure as a table prints it: 50000, not 50000.0."""
    return str(int(value)) if value == int(value) else f"{value:g}"


def lead_line(comparison: RowComparison, document_title: str,
              citation: Callable[[Clause], int]) -> str:
    """The lead stating one comparison; each figure quotes its row's cell with the row's
    citation number, so that the computed number rests on quotes the reader can check."""
    where = f"《{document_title}》{comparison.table}"
    # One row found is named once, before its cell; several are each named beside theirs.
    quoted = "，".join((f"{figure.label}" if len(comparison.figures) > 1 else "") +
                      f"“{figure.cell}”[{citation(figure.row)}]" for figure in comparison.figures)
    header, result = comparison.header, number_text(comparison.result)
    if comparison.kind == EACH or comparison.count > 1:
        # A list: each row's figure quoted as its cell holds it, the header said once.
        listed = "、".join(f"{figure.label}“{figure.cell.partition('：')[2]}”"
                          f"[{citation(figure.row)}]" for figure in comparison.figures)
        if comparison.kind == EACH:
            rest = f"等{comparison.compared}行" if comparison.compared > len(comparison.figures) \
                else ""
            total = comparison.total
            summed = f"；{total.label}“{total.cell.partition('：')[2]}”[{citation(total.row)}]" \
                if total is not None else ""
            return f"{where}中，各{comparison.label_header}的{header}：{listed}{rest}{summed}。"
        word = "最多" if comparison.kind == MOST else "最少"
        tied = f"（并列在内共{len(comparison.figures)}个）" \
            if len(comparison.figures) > comparison.count else ""
        return (f"{where}中，{header}{word}的前{comparison.count}位{tied}：{listed}"
                f"（比较了{comparison.compared}行，不含合计行）。")
    if comparison.kind in (MOST, LEAST):
        word = "最多" if comparison.kind == MOST else "最少"
        names = "、".join(figure.label for figure in comparison.figures)
        tie = f"（并列，均为{result}）" if len(comparison.figures) > 1 else ""
        return (f"{where}中，{header}{word}的是{names}{tie}：{quoted}"
                f"（比较了{comparison.compared}行，不含合计行）。")
    names = ("与" if len(comparison.figures) == 2 else "、").join(
        figure.label for figure in comparison.figures)
    if comparison.kind == SUM:
        return f"{where}中，{names}的{header}合计{result}：{quoted}。"
    first, second = comparison.figures
    if comparison.result == 0:
        return f"{where}中，{first.label}与{second.label}的{header}相同：{quoted}。"
    word = "多" if comparison.result > 0 else "少"
    return (f"{where}中，{first.label}的{header}比{second.label}{word}"
            f"{number_text(abs(comparison.result))}：{quoted}。")


__all__ = ["ASKING_AT", "DIFFERENCE", "EACH", "LEAST", "MOST", "SUM",
           "RowComparison", "RowFigure", "asks_across_rows", "compare", "compared_terms",
           "lead_line",
           "number_text", "table_rows"]
