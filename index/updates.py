"""Adding and removing documents while the service runs: library files plus a new index version.

`CorpusUpdater` ties the corpus folder, the managed library (`corpus.library`) and the versioned
index together for the CLI (`policy-assistant add/remove`) and the HTTP routes
(`POST/DELETE /documents`). Each change holds the index's writer lock from reading the current
version to publishing the next, so a CLI `add` and a server upload never interleave:

1. new files are read and parsed first — a file that cannot be added changes nothing;
2. the files are written into the library (or a corpus-folder document is excluded);
3. a new index version is written with only the added documents' clauses encoded, and
   switched to; if that fails, the library is put back as it was.

A process killed between 2 and 3 leaves the library ahead of the index; the corpus hash then
differs, and the next start-up (or `policy-assistant index --if-needed`) syncs the index,
encoding only what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Sequence

from corpus import CorpusLoad, Document, Library, LoadFailure, read_corpus
from corpus.errors import CorpusError, NotFoundError
from corpus.loader import (
    corpus_gazetteer,
    corpus_hash,
    document_files,
    document_id,
    parse_bytes,
    skip_reason,
)
from index.encoders import Encoder
from index.store import BuiltIndex, apply_changes, load_or_build
from index.versions import write_lock

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class AddOutcome:
    """What an add did: documents added or replaced, files refused, and the new index."""

    added: tuple[Document, ...]
    replaced: tuple[Document, ...]
    failures: tuple[LoadFailure, ...]  # files not added (nothing of them was stored)
    index: BuiltIndex | None  # the new version; None when nothing could be added


@dataclass(frozen=True)
class _Candidate:
    relative: PurePosixPath  # where the file goes in the library
    data: bytes
    document: Document


class CorpusUpdater:
    """Corpus folder + library + index folder, updated together under the index's lock."""

    def __init__(self, *, corpus_dir: Path, library_dir: Path, index_dir: Path,
                 encoder: Encoder, dense_kind: str = "flat", local_search: bool = True,
                 sentence_vectors: bool = True):
        self.corpus_dir = Path(corpus_dir)
        self.library = Library(library_dir)
        self.index_dir = Path(index_dir)
        self.encoder = encoder
        self.dense_kind = dense_kind
        self.sentence_vectors = sentence_vectors  # long clauses also read by sentence
        # False for a replica over a shared clause store: indexes are loaded without the dense
        # index and with mapped postings (`BuiltIndex.without_local_search`).
        self.local_search = local_search

    # -- the corpus as it is on disk --------------------------------------------------------------
    def read(self, progress: Progress | None = None) -> CorpusLoad:
        return read_corpus(self.corpus_dir, library_dir=self.library.files_dir,
                           excluded=self.library.excluded(), progress=progress)

    def corpus_hash(self) -> str:
        return corpus_hash(self.corpus_dir, library_dir=self.library.files_dir,
                           excluded=self.library.excluded())

    def open(self, *, force: bool = False,
             progress: Progress | None = None) -> tuple[BuiltIndex, str | None]:
        """The current index, synced with the corpus first when it changed."""
        return load_or_build(self.index_dir, encoder=self.encoder, load_corpus=self.read,
                             corpus_hash=self.corpus_hash, dense_kind=self.dense_kind,
                             force=force, progress=progress, local_search=self.local_search,
                             sentence_vectors=self.sentence_vectors)

    # -- adding --------------------------------------------------------------------------------
    def _parse(self, relative: PurePosixPath, data: bytes, gazetteer) -> Document:
        key = Library.key(relative)
        try:
            return parse_bytes(data, doc_id=document_id(key), source_file=relative.name, key=key,
                               gazetteer=gazetteer)
        except CorpusError:
            raise
        except Exception as exc:  # a parser bug on a client's file is still the file's failure
            raise CorpusError(f"{relative.name} could not be parsed ({type(exc).__name__}: "
                              f"{exc}); please report this file") from exc

    def add_upload(self, filename: str, data: bytes) -> AddOutcome:
        """Add one uploaded file; CorpusError (nothing changed) when it cannot be added."""
        from corpus.library import safe_relative

        relative = safe_relative(filename)
        if not data:
            raise CorpusError(f"{relative.name} is empty: there is no text to add")
        document = self._parse(relative, data, corpus_gazetteer(self.corpus_dir))
        outcome = self._commit([_Candidate(relative, data, document)], failures=[])
        if outcome.index is None:
            raise CorpusError(outcome.failures[0].reason)
        return outcome

    def add_files(self, paths: Sequence[Path], *, progress: Progress | None = None) -> AddOutcome:
        """Add files and folders (read recursively, by the corpus folder rules)."""
        wanted: list[tuple[PurePosixPath, Path]] = []
        failures: list[LoadFailure] = []
        for path in map(Path, paths):
            if path.is_dir():
                wanted.extend((PurePosixPath(path.resolve().name) / rel, path / rel)
                              for rel in document_files(path))
            elif path.is_file():
                reason = skip_reason(PurePosixPath(path.name))
                if reason:
                    failures.append(LoadFailure(str(path), f"not added: {reason}"))
                else:
                    wanted.append((PurePosixPath(path.name), path))
            else:
                failures.append(LoadFailure(str(path), "no such file or folder"))
        gazetteer = corpus_gazetteer(self.corpus_dir)
        candidates: list[_Candidate] = []
        for done, (relative, path) in enumerate(wanted, 1):
            try:
                data = path.read_bytes()
                candidates.append(_Candidate(relative, data, self._parse(relative, data,
                                                                         gazetteer)))
            except (CorpusError, OSError) as exc:
                failures.append(LoadFailure(str(path), str(exc)))
            if progress:
                progress(done, len(wanted))
        return self._commit(candidates, failures=failures)

    def _commit(self, candidates: list[_Candidate], *,
                failures: list[LoadFailure]) -> AddOutcome:
        failures = list(failures)
        with write_lock(self.index_dir):
            current, _ = self.open()
            accepted: list[_Candidate] = []
            for candidate in candidates:
                existing = current.document(candidate.document.doc_id)
                key = candidate.document.extra.get("corpus_file")
                if existing is not None and existing.extra.get("corpus_file") != key:
                    failures.append(LoadFailure(key, f"document id {existing.doc_id!r} is "
                                                     "already used by "
                                                     f"{existing.extra.get('corpus_file')}"))
                else:
                    accepted.append(candidate)
            if not accepted:
                return AddOutcome((), (), tuple(failures), None)
            backups = {c.relative: self.library.read(c.relative) for c in accepted}
            try:
                for candidate in accepted:
                    self.library.store(candidate.relative, candidate.data)
                added_keys = {Library.key(c.relative) for c in accepted}
                index = apply_changes(
                    self.index_dir, encoder=self.encoder, corpus_hash=self.corpus_hash(),
                    add=[c.document for c in accepted], dense_kind=self.dense_kind,
                    sentence_vectors=self.sentence_vectors,
                    failures=[f for f in current.failures if f.file not in added_keys])
            except BaseException:
                self._restore_files(backups)
                raise
        replaced = tuple(c.document for c in accepted if current.document(c.document.doc_id))
        added = tuple(c.document for c in accepted if not current.document(c.document.doc_id))
        return AddOutcome(added, replaced, tuple(failures), index)

    def _restore_files(self, backups: dict[PurePosixPath, bytes | None]) -> None:
        for relative, data in backups.items():
            if data is None:
                self.library.discard(relative)
            else:
                self.library.store(relative, data)

    # -- removing ------------------------------------------------------------------------------
    def remove(self, doc_id: str) -> BuiltIndex:
        """Remove a document: delete its library file, or exclude a corpus-folder document."""
        with write_lock(self.index_dir):
            current, _ = self.open()
            document = current.document(doc_id)
            if document is None:
                raise NotFoundError(f"no document with id {doc_id!r}; `policy-assistant "
                                    "documents` (or GET /documents) lists them")
            key = document.extra.get("corpus_file", document.source_file)
            relative = Library.relative_of(key)
            backup = self.library.read(relative) if relative else None
            removed_before = self.library.snapshot_removed()
            try:
                if relative is not None:
                    self.library.discard(relative)
                else:  # the corpus folder is the owner's: record the removal instead
                    self.library.exclude(doc_id, key)
                return apply_changes(self.index_dir, encoder=self.encoder,
                                     corpus_hash=self.corpus_hash(), remove=[doc_id],
                                     dense_kind=self.dense_kind,
                                     sentence_vectors=self.sentence_vectors)
            except BaseException:
                if relative is not None and backup is not None:
                    self.library.store(relative, backup)
                self.library.restore(removed_before)
                raise

