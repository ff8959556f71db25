"""Reading a question file in the Legal-DC format, validated with pydantic.

One JSON object a line: `id`, `question`, `title` (the document asked about), `gold` (a
non-empty list of verbatim clause texts; blank entries are dropped, and a question left with
none is `unscorable`), `answer` (a reference answer) and `class` (the question type; some files
carry it with a leading space, so it is stripped). Every problem is an `InputError` naming the
file and line, raised before any slow work starts.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from corpus.errors import InputError

from eval.corpus_metrics import normalise
from eval.corpus_records import BenchmarkQuestion
from eval.questions import question_lines

__all__ = ["read_benchmark_questions", "unscorable"]


class _QuestionLine(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    title: str = Field(min_length=1)
    gold: list[str] = Field(min_length=1)
    answer: str = ""
    category: str = Field(alias="class", min_length=1)

    @field_validator("id", "question", "title", "category")
    @classmethod
    def _stripped(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("gold")
    @classmethod
    def _gold_with_text(cls, value: list[str]) -> list[str]:
        # An empty gold string would be "contained" in every text and inflate hits; the
        # benchmark has one (its README counts 1,741 gold strings, the file 1,742), so blank
        # entries are dropped rather than refused. A question left with none is unscorable.
        return [text for text in value if normalise(text)]


def _describe(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        field = ".".join(str(p) for p in problem["loc"]) or "line"
        parts.append(f"{field}: {problem['msg']}")
    return "; ".join(parts)


def read_benchmark_questions(path: Path) -> list[BenchmarkQuestion]:
    """Every question of the file, in file order; InputError on the first bad line."""
    path = Path(path)
    lines = question_lines(path, encoding="utf-8-sig")
    questions: list[BenchmarkQuestion] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}); "
                             "each line must be one JSON object") from exc
        if not isinstance(record, dict):
            raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
        try:
            row = _QuestionLine.model_validate(record)
        except ValidationError as exc:
            raise InputError(f"{where}: {_describe(exc)} (fields: id, question, title, "
                             "gold: [clause text, …], answer, class)") from exc
        if row.id in seen:
            raise InputError(f"{where}: question id {row.id!r} already used on line "
                             f"{seen[row.id]}")
        seen[row.id] = number
        questions.append(BenchmarkQuestion(
            qid=row.id, question=row.question, title=row.title, gold=tuple(row.gold),
            answer=row.answer, category=row.category, line=number))
    if not questions:
        raise InputError(f"{path} holds no questions (one JSON object per line expected)")
    return questions


def unscorable(questions: list[BenchmarkQuestion]) -> list[BenchmarkQuestion]:
    """Questions whose gold held only blank strings: no retrieval can be scored against them."""
    return [q for q in questions if not q.gold]


def scorable_questions(path: Path) -> list[BenchmarkQuestion]:
    """The questions of a benchmark file, in order, without the `unscorable` ones."""
    return [q for q in read_benchmark_questions(path) if q.gold]
