"""Loading a benchmark's document folder: parsed documents for the product, texts for the baseline.

The documents come from the product's own folder loader (`corpus.loader.read_corpus`: every
supported file, recursively, a failing file reported and skipped), so corpus mode measures what
a user loading that folder would get. Where a loader without it is installed, a minimal
equivalent (`read_source` + `parse_source`, ids `ldc-<sha1 of the relative path>`) stands in.
The baseline reads the same files again with `read_source` only: it must see the text as the
reader gives it, not as the parser shaped it. `documents_fingerprint` digests the parsed
documents themselves, so a saved index is reused only when parsing would give the same result
— a changed parser invalidates it even when no file changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath

from corpus import CorpusLoad, Document, LoadFailure
from corpus import loader as corpus_loader
from corpus.errors import CorpusError
from corpus.parser import parse_source
from corpus.reading import read_source
from corpus.records import SourceText

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
_FALLBACK_EXTENSIONS = frozenset({".txt", ".md", ".docx", ".pdf", ".html", ".htm"})


def fallback_doc_id(relative: str) -> str:
    """A stable ASCII id from the file's path relative to the folder."""
    return f"ldc-{hashlib.sha1(relative.encode('utf-8')).hexdigest()[:10]}"


def _fallback_load(folder: Path, progress: Progress | None) -> CorpusLoad:
    files = sorted(p for p in folder.rglob("*") if p.is_file()
                   and p.suffix.lower() in _FALLBACK_EXTENSIONS
                   and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    documents, failures = [], []
    for done, path in enumerate(files, 1):
        key = path.relative_to(folder).as_posix()
        try:
            document = parse_source(read_source(path), doc_id=fallback_doc_id(key))
            documents.append(dataclasses.replace(
                document, extra={**document.extra, "corpus_file": key}))
        except Exception as exc:  # noqa: BLE001 - one bad file is reported, never fatal
            reason = str(exc) if isinstance(exc, CorpusError) else \
                f"could not be parsed ({type(exc).__name__}: {exc})"
            failures.append(LoadFailure(key, reason))
        if progress:
            progress(done, len(files))
    return CorpusLoad(tuple(documents), tuple(failures))


def load_documents(folder: Path, *, progress: Progress | None = None) -> CorpusLoad:
    """Every document under `folder` and every file that failed, with its reason."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"document folder {folder} does not exist or is not a folder")
    read_corpus = getattr(corpus_loader, "read_corpus", None)
    if read_corpus is None:
        return _fallback_load(folder, progress)
    return read_corpus(folder, progress=progress)


def corpus_file(document: Document) -> str:
    """The document's path relative to the corpus folder."""
    return document.extra.get("corpus_file") or PurePosixPath(document.source_file).name


def read_sources(folder: Path, documents: Sequence[Document], *,
                 progress: Progress | None = None,
                 ) -> tuple[list[SourceText], list[LoadFailure]]:
    """The reader's text of each loaded document's file, for the baseline."""
    sources, failures = [], []
    for done, document in enumerate(documents, 1):
        key = corpus_file(document)
        try:
            sources.append(read_source(Path(folder) / key))
        except Exception as exc:  # noqa: BLE001
            failures.append(LoadFailure(key, f"{type(exc).__name__}: {exc}"))
        if progress:
            progress(done, len(documents))
    return sources, failures


def documents_fingerprint(documents: Sequence[Document]) -> str:
    """A digest of the parsed documents (ids, metadata, clauses) in order."""
    digest = hashlib.sha256(b"corpus-mode/1\n")
    for document in documents:
        digest.update(json.dumps(dataclasses.asdict(document), ensure_ascii=False,
                                 sort_keys=True, default=str).encode("utf-8"))
        digest.update(b"\n")
    return "parsed-" + digest.hexdigest()[:24]
