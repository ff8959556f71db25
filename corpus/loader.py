"""Loading a corpus: the shipped manifest plus any user documents, parsed into `Document`s.

A corpus folder holds `manifest.json` (doc ids, files, optional metadata overrides) and the text
files it names. The corpus hash (over manifest entries and file bytes) lets the index notice
when the corpus changed and must be rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from corpus.errors import CorpusError
from corpus.parser import parse_text
from corpus.reading import decode_bytes, read_text
from corpus.records import Document

SHIPPED_CORPUS = Path(__file__).parent
_DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def validate_doc_id(doc_id: str) -> str:
    if not _DOC_ID.match(doc_id):
        raise CorpusError(f"document id {doc_id!r} is invalid: use 2–63 lower-case letters, "
                          "digits and hyphens, e.g. sanmenxia-2019")
    return doc_id


def _manifest(corpus_dir: Path) -> list[dict]:
    path = corpus_dir / "manifest.json"
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["documents"]
    except FileNotFoundError as exc:
        raise CorpusError(f"no manifest.json in {corpus_dir}: a corpus folder lists its "
                          "documents there") from exc
    except (ValueError, KeyError) as exc:
        raise CorpusError(f"{path} is not a valid manifest: {exc}") from exc
    ids = [validate_doc_id(entry["doc_id"]) for entry in entries]
    duplicates = {doc_id for doc_id in ids if ids.count(doc_id) > 1}
    if duplicates:
        raise CorpusError(f"{path} lists these document ids twice: {sorted(duplicates)}")
    return entries


def load_document(path: Path, *, doc_id: str, source_file: str | None = None,
                  overrides: dict | None = None) -> Document:
    """Read and parse one text file."""
    return parse_text(read_text(path), doc_id=validate_doc_id(doc_id),
                      source_file=source_file or path.name, overrides=overrides)


def parse_bytes(data: bytes, *, doc_id: str, source_file: str,
                overrides: dict | None = None) -> Document:
    """Parse an uploaded file's bytes."""
    return parse_text(decode_bytes(data, name=source_file), doc_id=validate_doc_id(doc_id),
                      source_file=source_file, overrides=overrides)


def load_corpus(corpus_dir: Path = SHIPPED_CORPUS) -> list[Document]:
    """Parse every document a corpus manifest lists, in manifest order."""
    return [
        load_document(corpus_dir / entry["file"], doc_id=entry["doc_id"],
                      source_file=entry.get("original_file") or Path(entry["file"]).name,
                      overrides=entry.get("overrides"))
        for entry in _manifest(corpus_dir)
    ]


def corpus_hash(corpus_dir: Path = SHIPPED_CORPUS) -> str:
    """A digest of the manifest entries and the bytes of every file they name."""
    digest = hashlib.sha256()
    for entry in _manifest(corpus_dir):
        digest.update(json.dumps(entry, sort_keys=True, ensure_ascii=False).encode())
        digest.update((corpus_dir / entry["file"]).read_bytes())
    return digest.hexdigest()[:16]
