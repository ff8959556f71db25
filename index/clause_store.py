"""Where clauses are searched: the `ClauseStore` protocol and the embedded store.

Retrieval (`assistant.retriever`) fuses five channels — BM25 over jieba words, BM25 over
character bigrams, the dense cosine, the clause's document's BM25, and the question's bigram
coverage — without knowing which engine produced them. A store answers one `StoreQuery` (the
lexical query text, the question's vector, a scope) with `ChannelScores`: every channel's raw
score for a set of candidate rows of the index version it serves, plus, where the candidates
are not the whole scope, each channel's lowest score over the scope, so that min-max
normalisation gives the same values it would over every row.

Two stores implement the protocol: `EmbeddedClauseStore` (this module: FAISS + bm25s in the
process, every row of the scope scored — the default) and `index.milvus_store.MilvusClauseStore`
(a Milvus endpoint shared by replicas: the union of each channel's best candidates). Both are
brought in line with a published index version by `sync`, which is how documents added or
removed through any replica reach every replica.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from corpus.errors import PolicyAssistantError
from index.store import BuiltIndex


@dataclass(frozen=True)
class StoreQuery:
    """One search of the store: what to match, and where (empty tuples: no restriction)."""

    lexical_text: str  # the question (plus glossary terms) as BM25 sees it
    vector: np.ndarray  # the question's embedding, shape (1, dim)
    doc_ids: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()  # full region names (河南省三门峡市)
    statuses: tuple[str, ...] = ()  # e.g. ("current",): superseded documents left out

    @property
    def scoped(self) -> bool:
        return bool(self.doc_ids or self.regions or self.statuses)


@dataclass(frozen=True)
class ChannelScores:
    """Every channel's raw score for the candidate rows of one scope (row order of `rows`)."""

    rows: np.ndarray  # index rows (positions in `BuiltIndex.clauses`)
    lexical: np.ndarray
    bigrams: np.ndarray
    dense: np.ndarray
    document: np.ndarray  # the row's document's score
    coverage: np.ndarray
    query_vector: np.ndarray | None = None  # the question's embedding the dense scores came from
    # Each channel's lowest score over the whole scope, in `FusionWeights` order, when `rows`
    # are only candidates; None when `rows` are the whole scope (the minimum is among them).
    lows: tuple[float | None, ...] | None = None  # None inside: the minimum is among `rows`

    def take(self, rows: np.ndarray) -> ChannelScores:
        """The scores of `rows`, from scores computed for every row of the index."""
        return ChannelScores(rows=rows, lexical=self.lexical[rows], bigrams=self.bigrams[rows],
                             dense=self.dense[rows], document=self.document[rows],
                             coverage=self.coverage[rows], query_vector=self.query_vector)


class StoreUnavailable(PolicyAssistantError):
    """The store's engine does not answer (the API answers 503 with the reason)."""


class ClauseStore(Protocol):
    """What retrieval and ingestion need from a clause store."""

    name: str

    def channels(self, index: BuiltIndex, query: StoreQuery) -> ChannelScores | None:
        """Channel scores for `query` over the rows of `index` (None: nothing in scope)."""
        ...

    def sync(self, index: BuiltIndex) -> SyncReport:
        """Make the store hold exactly the documents of `index` (upserts and deletions)."""
        ...

    def check(self) -> None:
        """Raise `StoreUnavailable` when the engine does not answer (readiness probe)."""
        ...


@dataclass(frozen=True)
class SyncReport:
    version: str
    upserted_documents: int = 0
    upserted_clauses: int = 0
    deleted_documents: int = 0
    skipped: str | None = None  # why nothing was done (already in sync, a newer version there)


def scope_mask(index: BuiltIndex, query: StoreQuery) -> np.ndarray:
    """Boolean mask of the index rows inside the query's scope."""
    allowed = (index.rows_of(query.doc_ids) if query.doc_ids
               else np.ones(len(index.clauses), dtype=bool))
    if query.regions or query.statuses:
        wanted = [doc.doc_id for doc in index.documents
                  if (not query.regions or doc.region.name in query.regions)
                  and (not query.statuses or doc.status in query.statuses)]
        allowed &= index.rows_of(wanted)
    return allowed


class EmbeddedClauseStore:
    """The index version in this process: every row of the scope scored exactly."""

    name = "embedded"

    def channels(self, index: BuiltIndex, query: StoreQuery) -> ChannelScores | None:
        allowed = (scope_mask(index, query) if query.scoped
                   else np.ones(len(index.clauses), dtype=bool))
        rows = np.flatnonzero(allowed)
        if rows.size == 0:
            return None
        text = query.lexical_text
        document_scores = index.document_bigrams.scores(text)
        return ChannelScores(
            rows=rows,
            lexical=index.lexical.scores(text)[rows],
            bigrams=index.bigrams.scores(text)[rows],
            dense=_dense_scores(index, query.vector, allowed, rows),
            document=document_scores[index.doc_code_of_row[rows]],
            coverage=index.bigrams.coverage(text)[rows], query_vector=query.vector)

    def sync(self, index: BuiltIndex) -> SyncReport:
        return SyncReport(index.version, skipped="the embedded store is the index itself")

    def check(self) -> None:
        return None


def _dense_scores(index: BuiltIndex, vector: np.ndarray, allowed: np.ndarray,
                  rows: np.ndarray) -> np.ndarray:
    exact = index.dense.scores_all(vector)
    if exact is not None:
        return exact[rows]
    # Candidates beyond the dense top-N get the N-th score as a floor: on a large corpus we
    # never score every row, on the shipped one N covers everything.
    k = min(rows.size, max(500, 20 * 10))
    scores, ids = index.dense.search(vector, k, allowed=allowed)
    floor = float(scores[0][-1]) if scores.shape[1] else 0.0
    every_row = np.full(len(index.clauses), floor, dtype=np.float32)
    found = ids[0] >= 0
    every_row[ids[0][found]] = scores[0][found]
    return every_row[rows]


__all__ = ["ChannelScores", "ClauseStore", "EmbeddedClauseStore", "StoreQuery",
           "StoreUnavailable", "SyncReport", "scope_mask"]
