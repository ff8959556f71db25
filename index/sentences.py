"""Sentence vectors beside clause vectors: a long clause is also read one sentence at a time.

One vector for a clause of five sentences averages them: a question about one of them (the
living allowance inside a clause about poor families' training) meets a vector that is mostly
about the others. So every clause of more than one sentence also gets a vector per sentence,
each read with the clause's place and heading path in front (as `store.dense_text` reads the
clause), and a clause's dense score is the best of its own cosine and its sentences'.

Measured before it was built, with the service's fusion weights unchanged (dense channel alone /
the fusion, hit@1 and hit@5): the seeds' development set 0.538 / 0.750 → 0.571 / 0.821 alone,
0.910 / 0.955 → 0.917 / 0.968 fused; the independent questions 0.442 / 0.708 → 0.458 / 0.783
alone, 0.683 / 0.883 → 0.700 / 0.875 fused; Legal-DC hit@1/5/10 0.314 / 0.578 / 0.676 →
0.342 / 0.632 / 0.727 alone, 0.621 / 0.817 / 0.882 → 0.621 / 0.827 / 0.885 fused. Averaging the
two cosines instead of taking the best did less on Legal-DC's fusion and no better on the seeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# A sentence ends at 。；！？ (and ; as typed in some files) or at a line break: the numbered
# items of a clause are lines of their own.
_SENTENCE_END = re.compile(r"(?<=[。；！？;])|\n")
# Shorter pieces (一是, 为此, a heading repeated as a line) say nothing a vector could match.
MIN_SENTENCE_CHARS = 6

VECTORS_FILE = "sentences.npy"
ROWS_FILE = "sentence_rows.npy"


def sentences(text: str) -> list[str]:
    """The sentences of a clause worth a vector of their own; empty for a clause of one
    sentence, whose clause vector already is its sentence's."""
    pieces = [piece.strip() for piece in _SENTENCE_END.split(text)]
    pieces = [piece for piece in pieces if len(piece) >= MIN_SENTENCE_CHARS]
    return pieces if len(pieces) > 1 else []


@dataclass(frozen=True)
class SentenceVectors:
    """The sentence vectors of an index version, in row order: `rows[i]` is the clause row
    that sentence i belongs to (ascending), `vectors[i]` its unit-length vector."""

    vectors: np.ndarray  # (sentences, dim) float32
    rows: np.ndarray  # (sentences,) int64, ascending

    def __post_init__(self) -> None:
        # Each clause's sentences are one run of `rows`: where each run starts, and its row.
        starts = np.flatnonzero(np.r_[True, self.rows[1:] != self.rows[:-1]]) \
            if self.rows.size else np.zeros(0, dtype=np.int64)
        object.__setattr__(self, "_starts", starts)
        object.__setattr__(self, "_run_rows", self.rows[starts] if starts.size else starts)
        object.__setattr__(self, "_ends", np.r_[starts[1:], self.rows.size].astype(np.int64))

    def __len__(self) -> int:
        return int(self.rows.size)

    def lift_rows(self, clause_scores: np.ndarray, rows: np.ndarray,
                  query_vector: np.ndarray) -> np.ndarray:
        """`clause_scores` (`clause_scores[i]` the cosine of index row `rows[i]`) raised to the
        best cosine of each row's sentences; rows of one sentence keep their own."""
        lifted = np.array(clause_scores, dtype=np.float32, copy=True)
        if not len(self) or not len(rows):
            return lifted
        runs = np.minimum(np.searchsorted(self._run_rows, rows), self._run_rows.size - 1)
        has = self._run_rows[runs] == rows
        if not has.any():
            return lifted
        starts, lengths = self._starts[runs[has]], self._ends[runs[has]] - self._starts[runs[has]]
        # Every sentence of those rows, row after row: run k's sentences start at offsets[k].
        offsets = np.r_[0, np.cumsum(lengths)[:-1]]
        picked = np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()))
        query = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        best = np.maximum.reduceat(self.vectors[picked] @ query, offsets)
        lifted[has] = np.maximum(lifted[has], best)
        return lifted

    def save(self, folder: Path) -> None:
        np.save(folder / VECTORS_FILE, self.vectors)
        np.save(folder / ROWS_FILE, self.rows)

    @classmethod
    def load(cls, folder: Path) -> SentenceVectors:
        """Memory-mapped, as the clause vectors are: the workers of one server share them."""
        return cls(np.load(folder / VECTORS_FILE, mmap_mode="r"),
                   np.load(folder / ROWS_FILE).astype(np.int64))


__all__ = ["MIN_SENTENCE_CHARS", "SentenceVectors", "sentences"]
