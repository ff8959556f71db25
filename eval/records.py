"""Typed records handed between the evaluation stages: questions, clause catalog rows, outcomes.

A question file is parsed into `QuestionSpec`s (gold still in whatever form the file used),
resolved against a `ClauseRef` catalog into `Question`s (gold as clause ids), run through the
systems into rankings and `AnswerOutcome`s, and only then turned into numbers. Keeping each
hand-off a frozen record means the metrics never see a live service object, so the same metric
code scores an in-process run and an HTTP run.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GoldRef:
    """One `gold` entry as written in a question file, before it is resolved to a clause id."""

    clause_id: str | None = None  # form 1: "sanmenxia-2019/2.3.1"
    doc_id: str | None = None  # form 2: with `section`
    section: str | None = None
    quote: str | None = None  # form 3: verbatim clause text

    def describe(self) -> str:
        if self.clause_id is not None:
            return repr(self.clause_id)
        if self.quote is not None:
            return f"quote {self.quote[:40]!r}"
        return f"{{doc_id: {self.doc_id!r}, section: {self.section!r}}}"


@dataclass(frozen=True)
class ClauseRef:
    """The part of a clause the evaluation needs; built from documents or from GET /documents."""

    clause_id: str
    doc_id: str
    section: str
    text: str


@dataclass(frozen=True)
class QuestionSpec:
    """A question (or one conversation turn) as read from a file; gold not yet resolved."""

    qid: str
    question: str
    category: str
    answerable: bool
    gold: tuple[GoldRef, ...]
    evidence: tuple[str, ...]
    region: str | None
    source: str  # "dev.jsonl:12", so resolution errors can point at the line
    reference_resolved: str | None = None  # conversations only; never shown to a system
    turn: int = 0  # 1-based turn number inside a conversation, 0 for single questions


@dataclass(frozen=True)
class Question:
    """A question with its gold resolved to clause ids (aligned with `evidence`)."""

    qid: str
    question: str
    category: str
    answerable: bool
    gold: tuple[str, ...]
    evidence: tuple[str, ...]
    region: str | None
    source: str
    reference_resolved: str | None = None
    turn: int = 0


@dataclass(frozen=True)
class Conversation:
    cid: str
    kind: str
    turns: tuple[Question, ...]


@dataclass(frozen=True)
class ConversationSpec:
    cid: str
    kind: str
    turns: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class AnswerOutcome:
    """What a system answered to one question (or one conversation turn)."""

    qid: str
    status: str  # answered | not_found | error
    text: str
    resolved_question: str
    cited: tuple[str, ...]  # clause ids of the citations, citations[n-1] first
    marked: tuple[str, ...]  # clause ids the answer text actually refers to with [n]
    latency_ms: float
    error: str | None = None
    cited_texts: tuple[str, ...] = ()  # the citations' clause texts, citations[n-1] first
