"""Typed records handed between the stages of corpus mode (evaluation on an external benchmark).

A benchmark question file is read into `BenchmarkQuestion`s; every system's answer to one
question is a `Retrieved` (the texts it returned, best first, which is all the benchmark's
scoring rule looks at); the baseline works on `Chunk`s. Metrics take these records only, so
the same code scores the product in-process, a deployment over HTTP and the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BenchmarkQuestion:
    """One question of a Legal-DC-format file; `gold` holds verbatim clause texts."""

    qid: str
    question: str
    title: str  # the title of the document the question is about (its file stem)
    gold: tuple[str, ...]
    answer: str
    category: str  # the file's `class`, stripped: 概括归纳型 | 逻辑推理型 | 概念解释型 | 其他
    line: int  # line number in the question file, for messages


@dataclass(frozen=True)
class Retrieved:
    """What one system returned for one question, best first."""

    qid: str
    texts: tuple[str, ...]  # clause (or chunk) texts as returned
    ids: tuple[str, ...]  # clause ids (chunk ids for the baseline), aligned with texts
    latency_ms: float
    error: str | None = None


@dataclass(frozen=True)
class Chunk:
    """A fixed-size window of one document's full text (the baseline's retrieval unit)."""

    chunk_id: str  # "<file>#<n>", n from 0 in reading order
    source_file: str
    text: str
