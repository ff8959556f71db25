"""Every clause's BM25 tokens as rows of ids into a compact vocabulary (what bm25s indexes).

Rows are copied from the previous version where the clause's text is unchanged and tokenized
otherwise, so an update tokenizes only new clauses and tokenizes them as the old ones were.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from index.lexical import EMPTY_TOKEN, Tokenizer


@dataclass(frozen=True)
class TokenRows:
    """Row i's token ids are ids[offsets[i]:offsets[i + 1]], indexes into `vocab`."""

    vocab: list[str]
    ids: np.ndarray  # concatenated, int32
    offsets: np.ndarray  # int64, len(rows) + 1

    def row(self, i: int) -> np.ndarray:
        return self.ids[self.offsets[i]:self.offsets[i + 1]]

    def rows(self) -> list[list[int]]:
        ids, offsets = self.ids.tolist(), self.offsets.tolist()
        return [ids[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1)]

    def save(self, path: Path) -> None:
        np.savez(path, vocab=np.array(self.vocab, dtype=str), ids=self.ids, offsets=self.offsets)

    @classmethod
    def load(cls, path: Path) -> TokenRows:
        with np.load(path, allow_pickle=False) as data:
            return cls(data["vocab"].tolist(), data["ids"], data["offsets"])


def tokenize_rows(texts: Sequence[str], tokenizer: Tokenizer, *,
                  keys: Sequence[bytes] = (), previous: TokenRows | None = None,
                  previous_rows: Mapping[bytes, int] | None = None) -> TokenRows:
    """Token ids per text: row `previous_rows[key]` of `previous` where the key is known,
    tokenized otherwise; the vocabulary is then compacted to the tokens still in use."""
    previous_rows = previous_rows or {}
    index = {token: i for i, token in enumerate(previous.vocab)} if previous else {}
    pieces: list[np.ndarray] = []
    for i, text in enumerate(texts):
        row = previous_rows.get(keys[i]) if previous is not None and keys else None
        if row is not None:
            pieces.append(previous.row(row))
        else:
            tokens = tokenizer.tokenize(text) or [EMPTY_TOKEN]
            pieces.append(np.array([index.setdefault(t, len(index)) for t in tokens],
                                   dtype=np.int64))
    lengths = np.array([len(piece) for piece in pieces], dtype=np.int64)
    used, compact = np.unique(np.concatenate(pieces), return_inverse=True)
    extended = list(index)
    offsets = np.zeros(len(pieces) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return TokenRows([extended[i] for i in used.tolist()], compact.astype(np.int32), offsets)


__all__ = ["TokenRows", "tokenize_rows"]
