"""The naive-RAG baseline: fixed-size chunks of each document's full text, ranked by cosine.

It stands for what a generic RAG tutorial would build over the same files: no clause
structure, no titles or heading paths, no BM25 and no region filter, only
`RecursiveCharacterTextSplitter` (about 500 characters, 50 overlap, Chinese separators) and the
service's own encoder, so the comparison isolates what the structure-aware pipeline adds.
Chunks know no clause ids, so a chunk counts as retrieving a gold clause when it contains that
clause's evidence sentence (whitespace ignored).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter

from corpus import Document
from index.encoders import Encoder

from eval.metrics import squash
from eval.records import Question

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50
# Paragraph, line, sentence, clause, comma, then characters: Chinese has no spaces to fall back on.
SEPARATORS = ["\n\n", "\n", "。", "；", "，", ""]


@dataclass(frozen=True)
class Chunk:
    chunk_id: str  # "<doc_id>#<n>", n from 0 in reading order
    doc_id: str
    text: str


def full_text(document: Document) -> str:
    """The document as one text: title, then every clause in reading order."""
    return "\n\n".join([document.title, *(clause.text for clause in document.clauses)])


def chunk_documents(documents: Sequence[Document], *, chunk_size: int = CHUNK_SIZE,
                    chunk_overlap: int = CHUNK_OVERLAP) -> list[Chunk]:
    # keep_separator="end": 。 and ； stay on the sentence they close, not the next one.
    splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap,
                                              separators=SEPARATORS, keep_separator="end")
    return [Chunk(f"{document.doc_id}#{n}", document.doc_id, text)
            for document in documents
            for n, text in enumerate(splitter.split_text(full_text(document)))]


def covered_gold(chunk: Chunk, question: Question) -> tuple[str, ...]:
    """The gold clause ids whose evidence sentence this chunk contains."""
    text = squash(chunk.text)
    return tuple(gold for gold, evidence in zip(question.gold, question.evidence)
                 if squash(evidence) in text)


class NaiveRag:
    def __init__(self, documents: Sequence[Document], encoder: Encoder):
        self.chunks = chunk_documents(documents)
        self.encoder = encoder
        self.vectors = encoder.encode([chunk.text for chunk in self.chunks])

    def retrieve(self, questions: Sequence[Question], top_k: int = 10) -> dict[str, list[Chunk]]:
        """Top chunks per question; all questions are embedded in one batch."""
        if not questions:
            return {}
        queries = self.encoder.encode([q.question for q in questions], is_query=True)
        # Rows are unit length, so the inner product is the cosine.
        scores = queries @ self.vectors.T
        ranked = np.argsort(-scores, axis=1, kind="stable")[:, :top_k]
        return {q.qid: [self.chunks[i] for i in row] for q, row in zip(questions, ranked)}

    def rank(self, questions: Sequence[Question], top_k: int = 10) -> dict[str, tuple[str, ...]]:
        """Rankings in clause-id terms, so the same ranking metrics apply as to the others.

        A chunk becomes the gold ids it newly covers (in gold order), or its own chunk id when
        it covers none: a chunk repeating an already found answer is a wasted slot, as it
        would be for a reader.
        """
        retrieved = self.retrieve(questions, top_k)
        rankings = {}
        for question in questions:
            seen: set[str] = set()
            ranking: list[str] = []
            for chunk in retrieved[question.qid]:
                new = [gold for gold in covered_gold(chunk, question) if gold not in seen]
                seen.update(new)
                ranking.extend(new or [f"chunk:{chunk.chunk_id}"])
            rankings[question.qid] = tuple(ranking)
        return rankings
