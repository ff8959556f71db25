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

from corpus.errors import IndexStateError, PolicyAssistantError
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
    # The clause vectors' own cosines when `dense` was raised to the best sentence's
    # (`retriever.with_sentences`); None when `dense` is the clause's own.
    clause_dense: np.ndarray | None = None

    def take(self, rows: np.ndarray) -> ChannelScores:
        """The scores of `rows`, from scores computed for every row of the index."""
        return ChannelScores(rows=rows, lexical=self.lexical[rows], bigrams=self.bigrams[rows],
                             dense=self.dense[rows], document=self.document[rows],
                             coverage=self.coverage[rows], query_vector=self.query_vector,
                             clause_dense=None if self.clause_dense is None
                             else self.clause_dense[rows])


class StoreUnavailable(PolicyAssistantError):
    """The store's engine does not answer (the API answers 503 with the reason)."""


class ClauseStore(Protocol):
    """What retrieval and ingestion need from a clause store."""

    name: str
    # Whether the store searches the postings and vectors of the index version in this process
    # (then the process loads them) or its own engine's (the process keeps only the catalogue:
    # `BuiltIndex.without_local_search`).
    local_search: bool

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


def _best_rows(scores: np.ndarray, allowed: np.ndarray | None, limit: int) -> np.ndarray:
    """The rows of the `limit` best positive scores (within `allowed`). Lexical channels are
    sparse — most rows share no term with the question — so the partial sort runs over the
    matching rows only, not over every row of a large corpus."""
    matching = np.flatnonzero(scores > 0)
    if allowed is not None:
        matching = matching[allowed[matching]]
    if matching.size <= limit:
        return matching
    return matching[np.argpartition(-scores[matching], limit - 1)[:limit]]


def scope_documents(index: BuiltIndex, query: StoreQuery) -> np.ndarray:
    """Boolean mask of the documents (code order of `index.documents`) in the query's scope."""
    allowed = (index.document_mask(query.doc_ids) if query.doc_ids
               else np.ones(len(index.documents), dtype=bool))
    if query.regions or query.statuses:
        allowed = allowed & np.array([(not query.regions or doc.region.name in query.regions)
                             and (not query.statuses or doc.status in query.statuses)
                             for doc in index.documents], dtype=bool)
    return allowed


def scope_mask(index: BuiltIndex, query: StoreQuery) -> np.ndarray:
    """Boolean mask of the index rows inside the query's scope."""
    return scope_documents(index, query)[index.doc_code_of_row]


class EmbeddedClauseStore:
    """The index version in this process.

    With a ``flat`` dense index every row of the scope is scored exactly. With ``hnsw`` (large
    corpora, where the exact product over every row is most of a search's time) the lexical
    channels are still scored for every row, but only candidates are handed to fusion: each
    channel's best `candidates` rows in scope, the dense ones from the graph, with their exact
    dense scores and each channel's scope minimum — the same scheme as the Milvus store.
    """

    name = "embedded"
    local_search = True

    def __init__(self, candidates: int = 200):
        self.candidates = candidates

    def channels(self, index: BuiltIndex, query: StoreQuery) -> ChannelScores | None:
        if index.dense is None:
            raise IndexStateError(f"index version {index.version} was loaded without its dense "
                                  "index (for a shared clause store); the embedded store "
                                  "cannot search it")
        in_scope = scope_documents(index, query) if query.scoped else None  # None: everything
        allowed = in_scope[index.doc_code_of_row] if in_scope is not None else None
        rows = np.flatnonzero(allowed) if allowed is not None else np.arange(len(index.clauses))
        if rows.size == 0:
            return None
        text = query.lexical_text
        document_scores = index.document_bigrams.scores(text)
        lexical, bigram_scores = index.lexical.scores(text), index.bigrams.scores(text)
        coverage = index.bigrams.coverage(text)
        if index.dense.kind == "flat":
            # Unscoped, every row is searched: the arrays are used as they are (copying five
            # channels of 154k rows through an index array took ~3 ms on LawRefBook).
            def cut(values: np.ndarray) -> np.ndarray:
                return values if allowed is None else values[rows]
            return ChannelScores(
                rows=rows, lexical=cut(lexical), bigrams=cut(bigram_scores),
                dense=cut(index.dense.scores_all(query.vector)),
                document=document_scores[cut(index.doc_code_of_row)],
                coverage=cut(coverage), query_vector=query.vector)
        return self._candidates(index, query, allowed, rows, (lexical, bigram_scores, coverage),
                                document_scores, in_scope)

    def _candidates(self, index: BuiltIndex, query: StoreQuery, allowed: np.ndarray | None,
                    rows: np.ndarray, lexical_channels: tuple[np.ndarray, ...],
                    document_scores: np.ndarray,
                    in_scope: np.ndarray | None) -> ChannelScores:
        limit = min(self.candidates, rows.size)
        restricted = allowed if allowed is not None and rows.size < len(index.clauses) else None
        _, dense_rows = index.dense.search(query.vector, limit, allowed=restricted)
        picked = [dense_rows[0]] + [_best_rows(scores, restricted, limit)
                                    for scores in lexical_channels]
        union = np.unique(np.concatenate(picked))
        lowest, _ = index.dense.search(-np.asarray(query.vector), 1, allowed=restricted)
        lexical, bigram_scores, coverage = lexical_channels

        def scope_min(values: np.ndarray) -> float:
            return float((values[rows] if restricted is not None else values).min())

        # The scope's documents as a mask: np.unique over the scope's rows cost ~1.2 ms.
        documents = in_scope if restricted is not None else slice(None)
        return ChannelScores(
            rows=union, lexical=lexical[union], bigrams=bigram_scores[union],
            dense=index.dense.scores_of(query.vector, union),
            document=document_scores[index.doc_code_of_row[union]], coverage=coverage[union],
            query_vector=query.vector,
            # Exact minima over the scope for the channels scored on every row; the dense one
            # is the graph's best score for the negated vector.
            lows=(scope_min(lexical), scope_min(bigram_scores),
                  -float(lowest[0][0]) if lowest.size else None,
                  float(document_scores[documents].min()), None))

    def sync(self, index: BuiltIndex) -> SyncReport:
        return SyncReport(index.version, skipped="the embedded store is the index itself")

    def check(self) -> None:
        return None


__all__ = ["ChannelScores", "ClauseStore", "EmbeddedClauseStore", "StoreQuery",
           "StoreUnavailable", "SyncReport", "scope_documents", "scope_mask"]
