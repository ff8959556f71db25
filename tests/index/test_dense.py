"""Tests for index.dense.DenseIndex: exactness of flat search against numpy, the allowed-row mask,
small indexes, save/load round trips and HNSW recall against flat."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.dense import DenseIndex


def _unit_rows(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _brute_force(
    vectors: np.ndarray, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
) -> np.ndarray:
    scores = queries @ vectors.T
    if allowed is not None:
        scores[:, ~allowed] = -np.inf
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    return _unit_rows(rng, 2000, 64), _unit_rows(rng, 50, 64)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_properties(kind: str, data: tuple[np.ndarray, np.ndarray]) -> None:
    vectors, _ = data
    index = DenseIndex.build(vectors, kind=kind)
    assert index.ntotal == 2000
    assert index.dim == 64
    assert index.kind == kind


def test_flat_search_matches_numpy(data: tuple[np.ndarray, np.ndarray]) -> None:
    vectors, queries = data
    index = DenseIndex.build(vectors)
    scores, ids = index.search(queries, 10)
    assert scores.shape == ids.shape == (50, 10)
    assert scores.dtype == np.float32 and ids.dtype == np.int64
    np.testing.assert_array_equal(ids[:, 0], _brute_force(vectors, queries, 1)[:, 0])
    np.testing.assert_allclose(scores, np.take_along_axis(queries @ vectors.T, ids, axis=1), atol=1e-5)
    assert (np.diff(scores, axis=1) <= 1e-6).all()  # best first


def test_single_query_vector_is_accepted(data: tuple[np.ndarray, np.ndarray]) -> None:
    vectors, queries = data
    index = DenseIndex.build(vectors)
    scores, ids = index.search(queries[0], 3)
    assert ids.shape == (1, 3)
    assert ids[0, 0] == _brute_force(vectors, queries[:1], 1)[0, 0]


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_allowed_mask_is_respected(kind: str, data: tuple[np.ndarray, np.ndarray]) -> None:
    vectors, queries = data
    allowed = np.random.default_rng(3).random(len(vectors)) < 0.2
    index = DenseIndex.build(vectors, kind=kind)
    scores, ids = index.search(queries, 10, allowed=allowed)
    assert ids.shape == (50, 10)
    assert allowed[ids].all()
    if kind == "flat":
        # Filtering happens inside the search: these are the best allowed rows, not leftovers.
        np.testing.assert_array_equal(ids[:, 0], _brute_force(vectors, queries, 1, allowed)[:, 0])


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_sparse_mask_returns_only_the_allowed_rows(
    kind: str, data: tuple[np.ndarray, np.ndarray]
) -> None:
    vectors, queries = data
    allowed = np.zeros(len(vectors), dtype=bool)
    allowed[[5, 500, 1999]] = True
    scores, ids = DenseIndex.build(vectors, kind=kind).search(queries, 10, allowed=allowed)
    assert ids.shape == (50, 3)
    assert all(set(row) == {5, 500, 1999} for row in ids.tolist())
    assert np.isfinite(scores).all()


def test_nothing_allowed_gives_empty_results(data: tuple[np.ndarray, np.ndarray]) -> None:
    vectors, queries = data
    scores, ids = DenseIndex.build(vectors).search(queries, 10, allowed=np.zeros(2000, dtype=bool))
    assert scores.shape == ids.shape == (50, 0)


def test_bad_mask_is_rejected(data: tuple[np.ndarray, np.ndarray]) -> None:
    vectors, queries = data
    index = DenseIndex.build(vectors)
    with pytest.raises(ValueError, match="boolean mask"):
        index.search(queries, 5, allowed=np.ones(10, dtype=bool))
    with pytest.raises(ValueError, match="boolean mask"):
        index.search(queries, 5, allowed=np.ones(2000, dtype=np.int64))


def test_query_dim_mismatch_is_rejected(data: tuple[np.ndarray, np.ndarray]) -> None:
    vectors, _ = data
    with pytest.raises(ValueError, match="dim"):
        DenseIndex.build(vectors).search(np.ones((1, 32), dtype=np.float32), 5)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_k_larger_than_ntotal(kind: str) -> None:
    vectors = _unit_rows(np.random.default_rng(1), 4, 16)
    index = DenseIndex.build(vectors, kind=kind)
    scores, ids = index.search(vectors, 10)
    assert ids.shape == (4, 4)
    assert (ids >= 0).all()
    np.testing.assert_array_equal(ids[:, 0], np.arange(4))  # each vector finds itself
    assert sorted(ids[0].tolist()) == [0, 1, 2, 3]


def test_empty_index() -> None:
    index = DenseIndex.build(np.zeros((0, 16), dtype=np.float32))
    assert index.ntotal == 0
    scores, ids = index.search(np.ones((2, 16), dtype=np.float32) / 4, 5)
    assert ids.shape == (2, 0)


def test_unknown_kind_is_rejected(data: tuple[np.ndarray, np.ndarray]) -> None:
    with pytest.raises(ValueError, match="flat"):
        DenseIndex.build(data[0], kind="ivf")


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_save_load_round_trip(kind: str, data: tuple[np.ndarray, np.ndarray], tmp_path: Path) -> None:
    vectors, queries = data
    allowed = np.random.default_rng(5).random(len(vectors)) < 0.5
    index = DenseIndex.build(vectors, kind=kind, ef_search=40)
    path = tmp_path / f"{kind}.faiss"
    index.save(path)
    loaded = DenseIndex.load(path)
    assert (loaded.kind, loaded.ntotal, loaded.dim) == (kind, 2000, 64)
    assert loaded.ef_search == index.ef_search
    for mask in (None, allowed):
        expected_scores, expected_ids = index.search(queries, 10, allowed=mask)
        scores, ids = loaded.search(queries, 10, allowed=mask)
        np.testing.assert_array_equal(ids, expected_ids)
        np.testing.assert_array_equal(scores, expected_scores)
    assert not list(tmp_path.glob("*.tmp"))


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        DenseIndex.load(tmp_path / "missing.faiss")


def test_ef_search_is_settable_for_hnsw_only(data: tuple[np.ndarray, np.ndarray]) -> None:
    hnsw = DenseIndex.build(data[0], kind="hnsw")
    hnsw.ef_search = 16
    assert hnsw.ef_search == 16
    flat = DenseIndex.build(data[0])
    assert flat.ef_search is None
    with pytest.raises(ValueError):
        flat.ef_search = 16


def test_hnsw_recall_against_flat() -> None:
    # 128-d random vectors: uniformly random data is the hard case for graph search, and higher
    # dimensions only make the test slower without testing anything else.
    rng = np.random.default_rng(11)
    vectors, queries = _unit_rows(rng, 5000, 128), _unit_rows(rng, 200, 128)
    _, exact = DenseIndex.build(vectors).search(queries, 10)
    _, approx = DenseIndex.build(vectors, kind="hnsw").search(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact.tolist(), approx.tolist())])
    assert recall >= 0.9


def test_mapped_flat_index_scores_like_the_built_one(data, tmp_path: Path) -> None:
    vectors, queries = data
    np.save(tmp_path / "vectors.npy", vectors)
    mapped = DenseIndex.mapped(tmp_path / "vectors.npy")
    built = DenseIndex.build(vectors)
    assert mapped.memory_mapped and not built.memory_mapped
    assert (mapped.kind, mapped.ntotal, mapped.dim) == ("flat", 2000, 64)
    np.testing.assert_allclose(mapped.scores_all(queries[0]), built.scores_all(queries[0]),
                               atol=1e-6)
    allowed = np.zeros(2000, dtype=bool)
    allowed[::7] = True
    for index in (mapped, built):
        scores, ids = index.search(queries, 5, allowed=allowed)
        np.testing.assert_array_equal(ids, _brute_force(vectors, queries, 5, allowed))


def test_auto_picks_flat_for_small_corpora_and_hnsw_for_large_ones():
    from dataclasses import replace

    from index.dense import AUTO_HNSW_FROM, resolve_kind
    from index.lexical import TOKENIZER_ID
    from index.store import FORMAT_VERSION, IndexParams, mismatch

    assert resolve_kind("auto", AUTO_HNSW_FROM - 1) == "flat"
    assert resolve_kind("auto", AUTO_HNSW_FROM) == "hnsw"
    assert resolve_kind("flat", 10 * AUTO_HNSW_FROM) == "flat"
    small = IndexParams(format_version=FORMAT_VERSION, encoder_id="e", dim=4, corpus_hash="h",
                        dense_kind="flat", built_at="", build_seconds=0.0, document_count=1,
                        clause_count=150, versions={}, tokenizer_id=TOKENIZER_ID)
    assert mismatch(small, encoder_id="e", corpus_hash="h", dense_kind="auto") is None
    large = replace(small, clause_count=AUTO_HNSW_FROM)
    assert mismatch(large, encoder_id="e", corpus_hash="h", dense_kind="auto") == \
        "index uses dense kind flat, not hnsw"
    assert mismatch(replace(large, dense_kind="hnsw"), encoder_id="e", corpus_hash="h",
                    dense_kind="auto") is None
