"""The benchmark's numbers: clause containment, hit@k, clause-hit@k, and corpus facts.

Scoring follows the Legal-DC README: whitespace is not significant, so every whitespace
character (U+3000 included) and the two-character sequence backslash-n, which some gold strings
carry from their JSON source, are removed from both sides before comparing.

- clause containment: a gold string counts when it is contained in one clause of the parsed
  corpus (of the question's own document, and, reported separately, of any document);
- hit@k (the benchmark's rule): every gold string is contained in the concatenation of the
  top-k returned texts;
- clause-hit@k (stricter): every gold string is contained in one of the top-k texts.

Per question the smallest such k is kept (`hit_rank`), so every cut-off is read off one number.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

import numpy as np

from corpus import Document

from eval.corpus_records import BenchmarkQuestion, Retrieved

CUTOFFS = (1, 5, 10)
# The benchmark's classes, in the order its README lists them; others are appended as found.
CLASSES = ("概括归纳型", "逻辑推理型", "概念解释型", "其他")
_WHITESPACE = re.compile(r"\s+")  # \s is Unicode-aware: U+3000 and NBSP included
_SEPARATOR = "\x00"  # joins clause texts so that no match can span two clauses


def normalise(text: str) -> str:
    """Text without whitespace and without literal backslash-n sequences."""
    return _WHITESPACE.sub("", text.replace("\\n", ""))


# -- retrieval -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class QuestionScore:
    """Where one system first satisfied each rule for one question (None: not within the list)."""

    qid: str
    category: str
    hit_rank: int | None  # smallest k whose concatenated top-k contains every gold
    clause_hit_rank: int | None  # smallest k whose top-k has every gold inside one text
    error: str | None = None


def hit_rank(gold: Sequence[str], texts: Sequence[str]) -> int | None:
    """Smallest k for which the concatenation of texts[:k] contains every gold string."""
    needles = [normalise(g) for g in gold]
    joined = ""
    for k, text in enumerate(texts, 1):
        joined += normalise(text)
        if all(needle in joined for needle in needles):
            return k
    return None


def clause_hit_rank(gold: Sequence[str], texts: Sequence[str]) -> int | None:
    """Smallest k for which every gold string is contained in one of texts[:k]."""
    needles = [normalise(g) for g in gold]
    first: list[int] = []
    normalised = [normalise(t) for t in texts]
    for needle in needles:
        k = next((k for k, text in enumerate(normalised, 1) if needle in text), None)
        if k is None:
            return None
        first.append(k)
    return max(first)


def hit_at(gold: Sequence[str], texts: Sequence[str], k: int) -> bool:
    return hit_rank(gold, texts[:k]) is not None


def clause_hit_at(gold: Sequence[str], texts: Sequence[str], k: int) -> bool:
    return clause_hit_rank(gold, texts[:k]) is not None


def score_question(question: BenchmarkQuestion, retrieved: Retrieved) -> QuestionScore:
    return QuestionScore(qid=question.qid, category=question.category,
                         hit_rank=hit_rank(question.gold, retrieved.texts),
                         clause_hit_rank=clause_hit_rank(question.gold, retrieved.texts),
                         error=retrieved.error)


def _within(rank: int | None, k: int) -> bool:
    return rank is not None and rank <= k


def _rates(scores: Sequence[QuestionScore]) -> dict:
    n = len(scores)
    row: dict = {"n": n}
    for k in CUTOFFS:
        row[f"hit@{k}"] = sum(_within(s.hit_rank, k) for s in scores) / n if n else None
    for k in CUTOFFS:
        row[f"clause_hit@{k}"] = (sum(_within(s.clause_hit_rank, k) for s in scores) / n
                                  if n else None)
    return row


def class_order(categories: Iterable[str]) -> list[str]:
    found = set(categories)
    return [c for c in CLASSES if c in found] + sorted(found - set(CLASSES))


def summarise_retrieval(scores: Sequence[QuestionScore]) -> dict:
    """hit@k and clause-hit@k overall and per class, with the number of questions in each."""
    by_class: dict[str, list[QuestionScore]] = defaultdict(list)
    for score in scores:
        by_class[score.category].append(score)
    return {"overall": _rates(scores),
            "by_class": {c: _rates(by_class[c]) for c in class_order(by_class)},
            "errors": sum(s.error is not None for s in scores)}


def latency_summary(retrieved: Iterable[Retrieved]) -> dict:
    values = np.array([r.latency_ms for r in retrieved if r.error is None], dtype=float)
    if values.size == 0:
        return {"n": 0, "median_ms": None, "p95_ms": None, "mean_ms": None}
    return {"n": int(values.size), "median_ms": float(np.median(values)),
            "p95_ms": float(np.percentile(values, 95)), "mean_ms": float(values.mean())}


# -- parsing -------------------------------------------------------------------------------------
def file_title(document: Document) -> str:
    """The title the benchmark gives a document: its file name without the extension."""
    return PurePosixPath(document.source_file).stem


class TitleLookup:
    """Finds the document a question names by `title`: file stem first, then parsed title."""

    def __init__(self, documents: Sequence[Document]):
        self._by_stem: dict[str, Document] = {}
        self._by_title: dict[str, Document] = {}
        for document in documents:
            self._by_stem.setdefault(normalise(file_title(document)), document)
            self._by_title.setdefault(normalise(document.title), document)

    def find(self, title: str) -> Document | None:
        key = normalise(title)
        return self._by_stem.get(key) or self._by_title.get(key)


@dataclass(frozen=True)
class GoldPlacement:
    """Whether each gold string of a question lies inside one clause."""

    qid: str
    category: str
    document_found: bool
    in_document: tuple[bool, ...]  # inside one clause of the question's own document
    in_corpus: tuple[bool, ...]  # inside one clause of any document


def place_gold(questions: Sequence[BenchmarkQuestion],
               documents: Sequence[Document]) -> list[GoldPlacement]:
    lookup = TitleLookup(documents)
    clause_texts = {d.doc_id: [normalise(c.text) for c in d.clauses] for d in documents}
    # One string for the whole corpus, clauses separated by a character no gold contains:
    # one substring search per gold instead of one per gold and clause.
    corpus = _SEPARATOR.join(text for texts in clause_texts.values() for text in texts)
    placements = []
    for question in questions:
        document = lookup.find(question.title)
        own = clause_texts.get(document.doc_id, []) if document else []
        in_document, in_corpus = [], []
        for gold in question.gold:
            needle = normalise(gold)
            inside = any(needle in text for text in own)
            in_document.append(inside)
            in_corpus.append(inside or needle in corpus)
        placements.append(GoldPlacement(question.qid, question.category, document is not None,
                                        tuple(in_document), tuple(in_corpus)))
    return placements


def summarise_containment(placements: Sequence[GoldPlacement]) -> dict:
    golds = sum(len(p.in_document) for p in placements)
    in_document = sum(sum(p.in_document) for p in placements)
    in_corpus = sum(sum(p.in_corpus) for p in placements)
    return {
        "gold_strings": golds,
        "in_document": in_document,
        "in_corpus": in_corpus,
        "containment_document": in_document / golds if golds else None,
        "containment_corpus": in_corpus / golds if golds else None,
        # A question whose gold is in no clause cannot be clause-hit by any retriever.
        "questions_fully_contained": sum(all(p.in_document) for p in placements),
        "questions": len(placements),
        "questions_without_document": [p.qid for p in placements if not p.document_found],
    }


def corpus_facts(documents: Sequence[Document], *, mismatches_shown: int = 30) -> dict:
    """Metadata quality: titles equal to the file's title, documents with a date."""
    n = len(documents)
    wrong = [(file_title(d), d.title) for d in documents
             if normalise(d.title) != normalise(file_title(d))]
    return {
        "documents": n,
        "clauses": sum(len(d.clauses) for d in documents),
        "title_accuracy": (n - len(wrong)) / n if n else None,
        "with_date": sum(d.date is not None for d in documents) / n if n else None,
        "with_effective_date": (sum(d.effective_date is not None for d in documents) / n
                                if n else None),
        "title_mismatches": [{"file_title": stem, "parsed_title": title}
                             for stem, title in wrong[:mismatches_shown]],
        "title_mismatch_count": len(wrong),
    }

