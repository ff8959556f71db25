"""The benchmark's floor: plain jieba BM25 over 500-character chunks with 50 overlap.

This is what the Legal-DC README measured (hit@1/5/10 = 0.478 / 0.688 / 0.745 on 600 questions
of the whole benchmark) and what any clause-level system must clear. It is deliberately naive
and identical for every document: the file's text as its reader gives it (the `SourceText`
lines joined by newlines; no parser, no titles, no metadata), cut into fixed windows of 500
characters that start every 450, tokenized by jieba's precise mode with its default dictionary
(none of the product's term dictionary or stop-words), scored by bm25s with the product's BM25
parameters. The chunks a query ranks are the "returned clauses" of the benchmark's hit rule.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence

import bm25s
import jieba
import numpy as np

from corpus.records import SourceText

from eval.corpus_records import Chunk, Retrieved

jieba.setLogLevel(logging.WARNING)

CHUNK_CHARS = 500  # the README's baseline definition
CHUNK_OVERLAP = 50
BM25_K1 = 1.2  # the product's BM25 parameters (index.lexical), so only the units differ
BM25_B = 0.75
_WORD = re.compile(r"\w")  # a token without a letter, digit or CJK character is punctuation


def full_text(source: SourceText) -> str:
    """A file's whole text, the same way for every format: its reader's lines, one per line."""
    return "\n".join(source.lines)


def chunk_text(text: str, *, size: int = CHUNK_CHARS, overlap: int = CHUNK_OVERLAP) -> list[str]:
    """Windows of `size` characters starting every `size - overlap`; the last may be shorter.

    A window is only started while it would add characters beyond the previous overlap, so no
    chunk is a pure repeat of the previous one's tail.
    """
    if not 0 <= overlap < size:
        raise ValueError(f"overlap {overlap} must be at least 0 and below the size {size}")
    step = size - overlap
    return [text[start:start + size]
            for start in range(0, max(len(text) - overlap, 1), step) if text[start:start + size]]


def chunk_sources(sources: Sequence[SourceText], *, size: int = CHUNK_CHARS,
                  overlap: int = CHUNK_OVERLAP) -> list[Chunk]:
    return [Chunk(f"{source.source_file}#{n}", source.source_file, text)
            for source in sources
            for n, text in enumerate(chunk_text(full_text(source), size=size, overlap=overlap))]


class ChunkBm25:
    """BM25 over jieba tokens of the chunks; `search` returns the top chunks of a query."""

    def __init__(self, chunks: Sequence[Chunk]):
        if not chunks:
            raise ValueError("the baseline needs at least one chunk of text")
        self.chunks = list(chunks)
        # An own instance, never jieba's global tokenizer, so nothing else can change it.
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        started = time.perf_counter()
        self._bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        self._bm25.index([self.tokenize(chunk.text) or ["∅"] for chunk in self.chunks],
                         show_progress=False)
        self.build_seconds = time.perf_counter() - started

    def tokenize(self, text: str) -> list[str]:
        return [t for t in self._jieba.lcut(text.lower()) if _WORD.search(t)]

    def search(self, query: str, top_k: int = 10) -> list[Chunk]:
        tokens = [t for t in self.tokenize(query) if t in self._bm25.vocab_dict]
        if not tokens:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens))
        # Stable sort: ties go to the earlier chunk, so runs are reproducible.
        order = np.argsort(-scores, kind="stable")[:top_k]
        return [self.chunks[i] for i in order if scores[i] > 0]

    def retrieve(self, qid: str, query: str, top_k: int = 10) -> Retrieved:
        started = time.perf_counter()
        found = self.search(query, top_k)
        return Retrieved(qid=qid, texts=tuple(c.text for c in found),
                         ids=tuple(c.chunk_id for c in found),
                         latency_ms=(time.perf_counter() - started) * 1000)
