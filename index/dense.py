"""Dense vector index over clause embeddings: FAISS inner-product search with an optional row mask.

This is the only module that imports faiss, so the rest of the project sees plain numpy arrays.
Vectors are expected to be L2-normalised float32 (what every `index.encoders.Encoder` returns),
which makes inner product equal to cosine similarity. Row ids are positions in the array given to
`DenseIndex.build`; mapping them to clause ids is the caller's job. Two kinds exist: ``flat``
(exact, the default: at the corpus sizes of a policy assistant a brute-force scan takes a few
milliseconds) and ``hnsw`` (approximate, for much larger corpora). `search` takes an optional
boolean mask over rows, e.g. "clauses of this region only", applied inside faiss through an ID
selector so the k hits returned are the best *allowed* ones rather than a post-filtered remnant.

A ``flat`` index is its matrix of rows, scored with one matrix product; `DenseIndex.mapped`
opens a saved `vectors.npy` memory-mapped, so server worker processes on one machine share a
single copy through the page cache instead of each holding its own.
"""

from __future__ import annotations

import os
from pathlib import Path

import faiss
import numpy as np

__all__ = ["AUTO_HNSW_FROM", "INDEX_KINDS", "DenseIndex", "resolve_kind"]

INDEX_KINDS: tuple[str, ...] = ("flat", "hnsw")
# `auto` (the setting's default) picks flat below this many rows and HNSW from it: the exact
# product costs 16.4 ms per 10^5 clauses on this machine (LawRefBook, bench_scale), so a flat
# search stays within the 20 ms budget of /search only up to about 54,000 clauses.
AUTO_HNSW_FROM = 50_000


def resolve_kind(kind: str, rows: int) -> str:
    """The dense index kind to build for `rows` vectors (`auto` decides by size)."""
    if kind == "auto":
        return "hnsw" if rows >= AUTO_HNSW_FROM else "flat"
    return kind

_DEFAULT_EF_SEARCH = 128


def _as_matrix(vectors: np.ndarray, what: str) -> np.ndarray:
    array = np.asarray(vectors)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2:
        raise ValueError(f"{what} must be a 2-D array (n, dim), got shape {array.shape}")
    # faiss reads raw float32 memory; any other dtype or a strided view would be misread.
    return np.ascontiguousarray(array, dtype=np.float32)


class DenseIndex:
    """Inner-product search over row vectors: exact ``flat`` (a float32 matrix, possibly
    memory-mapped) or approximate ``hnsw`` (a FAISS graph)."""

    def __init__(self, index: faiss.Index | None = None, *,
                 rows: np.ndarray | None = None) -> None:
        """Wrap a faiss index, or a (n, dim) float32 matrix of rows (``flat``); prefer
        `DenseIndex.build`, `DenseIndex.load` or `DenseIndex.mapped`."""
        # No faiss.downcast_index here: it returns a non-owning proxy, and the C++ index would be
        # freed with the caller's owning object. build() and read_index() give concrete types.
        self._index: faiss.Index | None = None
        self._rows: np.ndarray | None = None
        if rows is not None:
            if rows.ndim != 2 or rows.dtype != np.float32:
                raise ValueError(f"rows must be a (n, dim) float32 matrix, got {rows.dtype} "
                                 f"{rows.shape}")
            self._kind, self._rows = "flat", rows
            return
        if isinstance(index, faiss.IndexHNSWFlat):
            self._kind = "hnsw"
        elif isinstance(index, faiss.IndexFlat):
            self._kind = "flat"
        else:
            raise TypeError(f"unsupported faiss index type {type(index).__name__}")
        if index.metric_type != faiss.METRIC_INNER_PRODUCT:
            raise ValueError("DenseIndex needs an inner-product index (METRIC_INNER_PRODUCT)")
        if self._kind == "flat":  # a flat index is its rows: keep them, not the faiss object
            n, dim = int(index.ntotal), int(index.d)
            self._rows = (faiss.rev_swig_ptr(index.get_xb(), n * dim).reshape(n, dim).copy()
                          if n else np.zeros((0, dim), dtype=np.float32))
        else:
            self._index = index

    @classmethod
    def mapped(cls, path: Path) -> DenseIndex:
        """A ``flat`` index over a saved (n, dim) float32 `.npy` matrix, memory-mapped."""
        rows = np.load(Path(path), mmap_mode="r")
        return cls(rows=rows)

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        kind: str = "flat",
        hnsw_m: int = 32,
        *,
        ef_construction: int = 80,
        ef_search: int = _DEFAULT_EF_SEARCH,
    ) -> DenseIndex:
        """Index `vectors` (n, dim), normalised float32; row i gets id i.

        `hnsw_m`, `ef_construction` and `ef_search` only apply to ``hnsw``.
        """
        if kind not in INDEX_KINDS:
            raise ValueError(f"unknown index kind {kind!r}; expected one of {INDEX_KINDS}")
        matrix = _as_matrix(vectors, "vectors")
        dim = matrix.shape[1]
        if dim < 1:
            raise ValueError("vectors must have at least one column")
        if kind == "flat":
            return cls(rows=matrix.copy() if matrix is vectors else matrix)
        else:
            if hnsw_m < 2:
                raise ValueError("hnsw_m must be at least 2")
            index = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = ef_construction
            index.hnsw.efSearch = ef_search
        if len(matrix):
            index.add(matrix)
        return cls(index)

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        """Read an index written by `save` (faiss's own format; efSearch is kept)."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no dense index at {path}")
        return cls(faiss.read_index(str(path)))

    def save(self, path: Path) -> None:
        """Write the index to `path`, atomically so a reader never sees a half-written file."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        index = self._index
        if index is None:  # flat: faiss's own format, so `load` reads either kind
            index = faiss.IndexFlatIP(self.dim)
            if self.ntotal:
                index.add(np.ascontiguousarray(self._rows))
        faiss.write_index(index, str(tmp))
        os.replace(tmp, path)

    @property
    def memory_mapped(self) -> bool:
        """Whether the rows are read from their file through the page cache (`mapped`)."""
        return isinstance(self._rows, np.memmap)

    @property
    def kind(self) -> str:
        return self._kind

    @property
    def ntotal(self) -> int:
        return int(self._rows.shape[0]) if self._rows is not None else int(self._index.ntotal)

    @property
    def dim(self) -> int:
        return int(self._rows.shape[1]) if self._rows is not None else int(self._index.d)

    @property
    def ef_search(self) -> int | None:
        """HNSW breadth of search (higher: better recall, slower); None for ``flat``."""
        return int(self._index.hnsw.efSearch) if self._kind == "hnsw" else None

    @ef_search.setter
    def ef_search(self, value: int) -> None:
        if self._kind != "hnsw":
            raise ValueError("ef_search only applies to an hnsw index")
        if value < 1:
            raise ValueError("ef_search must be positive")
        self._index.hnsw.efSearch = int(value)

    def scores_of(self, query_vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Exact inner products of one query with the given rows (either kind: an HNSW graph
        keeps its vectors in a flat storage, read here as a view, not a copy)."""
        query = _as_matrix(query_vector, "query_vectors")[0]
        if self._kind == "flat":
            stored = self._rows
        else:
            storage = faiss.downcast_index(self._index.storage)
            stored = faiss.rev_swig_ptr(storage.get_xb(), self.ntotal * self.dim).reshape(
                self.ntotal, self.dim)
        return np.asarray(stored[np.asarray(rows)] @ query, dtype=np.float32)

    def scores_all(self, query_vector: np.ndarray) -> np.ndarray | None:
        """Inner product of one query with every row (flat only; None for hnsw).

        One matrix-vector product over the index's own storage (a view, not a copy) scores
        20k rows in a few milliseconds, three times faster than a k=500 heap search, and gives
        every row its true score instead of a floor.
        """
        if self._kind != "flat":
            return None
        query = _as_matrix(query_vector, "query_vectors")[0]
        if self.ntotal == 0:
            return np.zeros(0, dtype=np.float32)
        return self._rows @ query

    def search(
        self, query_vectors: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return (scores, ids) of the best `k` rows for each query, best first.

        `query_vectors` is (nq, dim), or (dim,) for one query. `allowed`, if given, is a boolean
        mask of length `ntotal`; only rows where it is True are returned. Both results have shape
        (nq, m) with m = min(k, number of candidate rows): every returned id is a real allowed row
        (no -1 padding), scores are float32 inner products and ids int64.
        """
        queries = _as_matrix(query_vectors, "query_vectors")
        if queries.shape[1] != self.dim:
            raise ValueError(f"query dim {queries.shape[1]} does not match index dim {self.dim}")
        if k < 1:
            raise ValueError("k must be at least 1")
        nq = queries.shape[0]

        restricted = None  # the mask, when it leaves some rows out
        candidates = self.ntotal
        if allowed is not None:
            mask = np.asarray(allowed)
            if mask.dtype != np.bool_ or mask.shape != (self.ntotal,):
                raise ValueError(
                    f"allowed must be a boolean mask of shape ({self.ntotal},), "
                    f"got {mask.dtype} {mask.shape}"
                )
            candidates = int(mask.sum())
            if candidates < self.ntotal:
                restricted = mask

        m = min(k, candidates)
        if m == 0 or nq == 0:
            return np.zeros((nq, m), dtype=np.float32), np.zeros((nq, m), dtype=np.int64)

        if self._kind == "flat":
            scores, ids = self._search_rows(queries, m, restricted)
        else:
            # A bitmap makes each membership test O(1), unlike IDSelectorBatch's hash set;
            # faiss keeps a reference to the packed array for the selector's lifetime.
            selector = (None if restricted is None else
                        faiss.IDSelectorBitmap(np.packbits(restricted, bitorder="little")))
            # efSearch below k would cap the result list at efSearch hits.
            params = faiss.SearchParametersHNSW(efSearch=max(self._index.hnsw.efSearch, m))
            if selector is not None:
                params.sel = selector
            scores, ids = self._index.search(queries, m, params=params)
            # Graph search can come back short (a sparse mask, an unreachable region); those
            # queries are redone exactly on the stored vectors so the result shape is uniform.
            short = (ids < 0).any(axis=1)
            if short.any():
                storage = faiss.downcast_index(self._index.storage)
                scores[short], ids[short] = self._search_flat(storage, queries[short], m, selector)

        return scores.astype(np.float32, copy=False), ids.astype(np.int64, copy=False)

    def _search_rows(self, queries: np.ndarray, m: int,
                     allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-m of a flat index: one matrix product, then a partial sort."""
        scores = queries @ self._rows.T
        if allowed is not None:
            scores[:, ~allowed] = -np.inf
        if m < scores.shape[1]:
            top = np.argpartition(-scores, m - 1, axis=1)[:, :m]
        else:
            top = np.broadcast_to(np.arange(scores.shape[1]), scores.shape).copy()
        order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1, kind="stable")
        ids = np.take_along_axis(top, order, axis=1)
        return np.take_along_axis(scores, ids, axis=1), ids

    @staticmethod
    def _search_flat(
        index: faiss.Index, queries: np.ndarray, m: int, selector: faiss.IDSelector | None
    ) -> tuple[np.ndarray, np.ndarray]:
        if selector is None:
            return index.search(queries, m)
        return index.search(queries, m, params=faiss.SearchParameters(sel=selector))

    def __repr__(self) -> str:
        return f"DenseIndex(kind={self._kind!r}, ntotal={self.ntotal}, dim={self.dim})"
