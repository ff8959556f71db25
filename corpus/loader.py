"""Loading a corpus: every document file under a folder (and the managed library), parsed.

A corpus is a folder read recursively. What counts as a document file:

- a file whose extension a reader handles (`DOCUMENT_EXTENSIONS`: .txt .md .docx .pdf .html
  .htm), or a known office format no reader handles (`UNREADABLE_EXTENSIONS`: a legacy .doc,
  .wps…) — those are reported as failures with the reader's advice, never silently dropped;
- not hidden (no path part starts with "."), not an Office lock file ("~$…"), not inside
  `__pycache__`/`node_modules`;
- not named README (any case, any extension): in a folder of markdown laws a README.md
  describes the folder, it is not a policy. Rename the file to load a policy called README.

`manifest.json` is optional and only overrides: its `documents` entries are keyed by `file` (the
path relative to the folder) and may set `doc_id`, `title`, `issuer`, `doc_number`, `date`,
`region`, `status` (or an `overrides` object with the same keys) and `original_file` (the name
the text arrived under). Its optional `folders` list restricts the scan to those subfolders —
the shipped corpus lives inside the `corpus` package and scans only `seeds/`. A corpus folder may
carry `gazetteer.json` with extra region rows for its documents.

Document ids are stable and derived from the file: an ASCII slug of the file stem (pinyin
initials for Chinese) plus the first 8 hex digits of the sha1 of the file's corpus key (its path
relative to the folder; library files are keyed `library/<path>`). The same path always gets the
same id, whatever its content, so citations survive re-ingestion and edits.

Loading never stops at a bad file: `read_corpus` returns a `CorpusLoad` with the documents and a
`LoadFailure` (file, reason) for each file that could not be read or parsed. The corpus hash
covers each candidate file's key, size and mtime, the manifest, the folder's gazetteer and the
exclusions, so any changed file changes it without reading every byte.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Sequence

from corpus.errors import CorpusError
from corpus.gazetteer import GAZETTEER_FILE, Gazetteer, default_gazetteer
from corpus.parser import PARSER_VERSION, parse_source
from corpus.reading import read_source, read_source_bytes
from corpus.records import Document

log = logging.getLogger(__name__)

SHIPPED_CORPUS = Path(__file__).parent
MANIFEST_NAME = "manifest.json"
GAZETTEER_NAME = "gazetteer.json"
LIBRARY_PREFIX = "library/"  # corpus keys of files in the managed library start with this

DOCUMENT_EXTENSIONS = frozenset({".txt", ".md", ".docx", ".pdf", ".html", ".htm"})
# Office formats people keep policies in that no reader handles: listed so that they are
# reported (with the reader's "save it as .docx" advice) instead of silently ignored.
UNREADABLE_EXTENSIONS = frozenset({".doc", ".wps", ".rtf", ".odt", ".ofd", ".docm"})
_SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules"})
_OVERRIDE_KEYS = ("title", "issuer", "doc_number", "date", "region", "status", "status_label")
_STATUSES = ("draft", "final", "superseded", "repealed")

# A slug is kept short so that slug + "-" + 8 hex digits stays well inside the id pattern.
SLUG_MAX_CHARS = 40
ID_HASH_CHARS = 8
_DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_CJK = re.compile(r"[\u3400-\u9fff]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class LoadFailure:
    """A file of the corpus that could not be read or parsed, and why."""

    file: str  # the corpus key: path relative to the corpus folder (library files: library/…)
    reason: str


@dataclass(frozen=True)
class CorpusLoad:
    """What loading a corpus gives: the documents that parsed and the files that did not."""

    documents: tuple[Document, ...]
    failures: tuple[LoadFailure, ...] = ()


@dataclass(frozen=True)
class CorpusFile:
    """One document file found in a corpus folder, before it is read."""

    path: Path  # on disk
    key: str  # stable corpus key: relative posix path, library files prefixed library/
    doc_id: str
    source_name: str  # the name shown for the file (manifest original_file or the file name)
    overrides: dict = field(default_factory=dict, compare=False, hash=False)


def validate_doc_id(doc_id: str) -> str:
    if not isinstance(doc_id, str) or not _DOC_ID.match(doc_id):
        raise CorpusError(f"document id {doc_id!r} is invalid: use 2–63 lower-case letters, "
                          "digits and hyphens, e.g. sanmenxia-2019")
    return doc_id


# -- ids ---------------------------------------------------------------------------------------
def _pinyin_initials(run: str) -> str:
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:  # ids stay stable per path either way; only readability suffers
        return ""
    return "".join(lazy_pinyin(run, style=Style.FIRST_LETTER, errors="ignore")).lower()


def slug(stem: str) -> str:
    """An ASCII slug of a file stem: ASCII words kept, Chinese runs as pinyin initials.

    中华人民共和国专利法 → zhrmghgzlf, tianjin-2019 → tianjin-2019.
    """
    words: list[str] = []
    for piece in re.split(r"([\u3400-\u9fff]+)", stem.lower()):
        if _CJK.fullmatch(piece):
            initials = _pinyin_initials(piece)
            if initials:
                words.append(initials)
        else:
            words.extend(_ASCII_WORD.findall(piece))
    text = "-".join(words)[:SLUG_MAX_CHARS].strip("-")
    return text or "doc"


def document_id(key: str) -> str:
    """The stable id of the document at corpus key `key` (see the module docstring)."""
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:ID_HASH_CHARS]
    return validate_doc_id(f"{slug(PurePosixPath(key).stem)}-{digest}")


# -- which files are documents -------------------------------------------------------------------
def skip_reason(relative: PurePosixPath) -> str | None:
    """Why a file at this path (relative to its corpus folder) is not a document, or None."""
    parts = relative.parts
    if any(part.startswith(".") for part in parts):
        return "hidden"
    if any(part in _SKIPPED_FOLDERS for part in parts[:-1]):
        return "tool folder"
    name = relative.name
    if name.startswith("~$"):
        return "Office lock file"
    suffix = relative.suffix.lower()
    if suffix not in DOCUMENT_EXTENSIONS and suffix not in UNREADABLE_EXTENSIONS:
        return "not a document format"
    if relative.stem.lower() == "readme":
        return "README files describe the folder; rename the file to load it as a policy"
    return None


def _scan(folder: Path, subfolders: Sequence[str] | None) -> list[PurePosixPath]:
    """Relative paths of the document files under `folder`, sorted for a stable order."""
    if not folder.is_dir():
        return []
    starts = [folder / sub for sub in subfolders] if subfolders else [folder]
    found: list[PurePosixPath] = []
    for start in starts:
        for dirpath, dirnames, filenames in os.walk(start):
            # Prune hidden and tool folders early instead of walking them.
            dirnames[:] = [d for d in dirnames if not d.startswith(".")
                           and d not in _SKIPPED_FOLDERS]
            for name in filenames:
                relative = PurePosixPath(Path(dirpath, name).relative_to(folder).as_posix())
                if skip_reason(relative) is None:
                    found.append(relative)
    return sorted(set(found))


# -- manifest and gazetteer ----------------------------------------------------------------------
@dataclass(frozen=True)
class Manifest:
    """The optional overrides file of a corpus folder."""

    entries: dict[str, dict]  # corpus-relative file path → its entry
    folders: tuple[str, ...] | None
    raw: bytes = b""


def read_manifest(folder: Path) -> Manifest:
    path = folder / MANIFEST_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Manifest({}, None)
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(raw.decode("utf-8-sig"))
        entries = data.get("documents", [])
        by_file = {PurePosixPath(entry["file"]).as_posix(): dict(entry) for entry in entries}
        folders = data.get("folders")
        if folders is not None and not all(isinstance(f, str) for f in folders):
            raise ValueError("'folders' must be a list of subfolder names")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CorpusError(f"{path} is not a valid manifest ({exc}); it holds "
                          '{"documents": [{"file": "…", "doc_id": "…", …}]}') from exc
    return Manifest(by_file, tuple(folders) if folders is not None else None, raw)


def _overrides(entry: dict) -> dict:
    found = {key: entry[key] for key in _OVERRIDE_KEYS if entry.get(key) is not None}
    found.update({k: v for k, v in (entry.get("overrides") or {}).items() if v is not None})
    return found


def _gazetteer_rows(folder: Path) -> tuple[list[dict], bytes]:
    path = folder / GAZETTEER_NAME
    if not path.is_file():
        return [], b""
    # The shipped corpus folder is the package folder, whose gazetteer.json is the default one.
    if path.resolve() == GAZETTEER_FILE.resolve():
        return [], b""
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
        rows = data["regions"] if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise ValueError("expected a list of region rows")
    except (ValueError, KeyError) as exc:
        raise CorpusError(f"{path} is not a valid gazetteer ({exc}); it holds "
                          '{"regions": [{"name": …, "province": …, "city": …}]}') from exc
    return rows, raw


def gazetteer_with(rows: list[dict]) -> Gazetteer:
    """The default gazetteer plus a corpus folder's own rows.

    Adapter: uses `Gazetteer.with_extra_rows` where it exists (being built alongside this
    loader); until then it rebuilds a gazetteer from the default file's rows plus `rows`.
    """
    base = default_gazetteer()
    if not rows:
        return base
    if hasattr(base, "with_extra_rows"):
        return base.with_extra_rows(rows)
    shipped = json.loads(GAZETTEER_FILE.read_text(encoding="utf-8"))["regions"]
    return Gazetteer([*shipped, *rows])


def corpus_gazetteer(corpus_dir: Path) -> Gazetteer:
    """The gazetteer documents of this corpus folder are parsed with."""
    return gazetteer_with(_gazetteer_rows(Path(corpus_dir))[0])


def document_files(folder: Path) -> list[PurePosixPath]:
    """The document files under `folder` by the rules above, relative to it, in path order."""
    return _scan(Path(folder), None)


# -- listing and loading -------------------------------------------------------------------------
@dataclass(frozen=True)
class CorpusListing:
    """The document files of a corpus (folder plus library), before any is read."""

    files: tuple[CorpusFile, ...]
    failures: tuple[LoadFailure, ...]
    gazetteer_rows: tuple[dict, ...]
    fingerprint: str  # the corpus hash


def _stat_line(key: str, path: Path) -> str:
    try:
        stat = path.stat()
        return f"{key}\t{stat.st_size}\t{stat.st_mtime_ns}"
    except OSError:
        return f"{key}\tmissing"


def list_corpus(corpus_dir: Path, *, library_dir: Path | None = None,
                excluded: Iterable[str] = ()) -> CorpusListing:
    """Find every document file, give it its id, and apply the manifest and exclusions."""
    corpus_dir = Path(corpus_dir)
    excluded = frozenset(excluded)
    manifest = read_manifest(corpus_dir)
    rows, gazetteer_raw = _gazetteer_rows(corpus_dir)
    failures: list[LoadFailure] = []
    files: list[CorpusFile] = []
    seen: dict[str, str] = {}  # doc_id → key of the file that has it
    digest = hashlib.sha256()
    digest.update(f"parser {PARSER_VERSION}\n".encode())
    digest.update(manifest.raw)
    digest.update(gazetteer_raw)
    digest.update(json.dumps(sorted(excluded)).encode())

    def consider(key: str, path: Path, entry: dict) -> None:
        digest.update(_stat_line(key, path).encode("utf-8") + b"\n")
        try:
            doc_id = validate_doc_id(entry["doc_id"]) if entry.get("doc_id") else document_id(key)
        except CorpusError as exc:
            failures.append(LoadFailure(key, f"{MANIFEST_NAME}: {exc}"))
            return
        if doc_id in excluded:
            return
        if doc_id in seen:
            failures.append(LoadFailure(key, f"document id {doc_id!r} is already used by "
                                             f"{seen[doc_id]}; give one of them another doc_id "
                                             f"in {MANIFEST_NAME}"))
            return
        seen[doc_id] = key
        files.append(CorpusFile(path=path, key=key, doc_id=doc_id,
                                source_name=entry.get("original_file") or PurePosixPath(key).name,
                                overrides=_overrides(entry)))

    # Manifest order first (the shipped documents keep their historical order, which fixes
    # row order and so score ties), then every other file in path order.
    scanned = {relative.as_posix() for relative in _scan(corpus_dir, manifest.folders)}
    for key, entry in manifest.entries.items():
        if (corpus_dir / key).is_file():
            # Listed explicitly: loaded even where the folder rules would skip it.
            consider(key, corpus_dir / key, entry)
        else:
            failures.append(LoadFailure(key, f"{MANIFEST_NAME} names {key}, but there is no "
                                             "such file in the corpus folder"))
    for key in sorted(scanned - set(manifest.entries)):
        consider(key, corpus_dir / key, {})
    if library_dir is not None:
        for relative in _scan(Path(library_dir), None):
            consider(LIBRARY_PREFIX + relative.as_posix(), Path(library_dir) / relative, {})
    return CorpusListing(tuple(files), tuple(failures), tuple(rows), digest.hexdigest()[:16])


def apply_overrides(document: Document, overrides: dict) -> Document:
    """Metadata a manifest states wins over what the parser read (region is the parser's job)."""
    changes = {key: overrides[key] for key in ("title", "issuer", "doc_number", "date")
               if key in overrides}
    status = overrides.get("status")
    if status is not None:
        if status not in _STATUSES:
            raise CorpusError(f"status {status!r} is not one of {', '.join(_STATUSES)}")
        changes["status"] = status
        changes["status_label"] = overrides.get("status_label") or document.status_label
    return dataclasses.replace(document, **changes) if changes else document


def parse_file_source(source, *, doc_id: str, key: str, overrides: dict | None = None,
                      gazetteer: Gazetteer | None = None) -> Document:
    """Parse a read file into a `Document` that remembers its corpus key."""
    overrides = dict(overrides or {})
    parser_overrides = {k: v for k, v in overrides.items()
                        if k in ("title", "issuer", "doc_number", "date", "region")}
    document = parse_source(source, doc_id=validate_doc_id(doc_id), gazetteer=gazetteer,
                            overrides=parser_overrides or None)
    document = apply_overrides(document, overrides)
    return dataclasses.replace(document, extra={**document.extra, "corpus_file": key})


def load_file(file: CorpusFile, gazetteer: Gazetteer | None = None) -> Document:
    """Read and parse one listed file; CorpusError when it cannot be."""
    source = read_source(file.path)
    if source.source_file != file.source_name:
        source = dataclasses.replace(source, source_file=file.source_name)
    return parse_file_source(source, doc_id=file.doc_id, key=file.key, overrides=file.overrides,
                             gazetteer=gazetteer)


def read_corpus(corpus_dir: Path = SHIPPED_CORPUS, *, library_dir: Path | None = None,
                excluded: Iterable[str] = (), progress: Progress | None = None) -> CorpusLoad:
    """Parse every document of a corpus; a file that fails is recorded and the rest load."""
    try:
        listing = list_corpus(corpus_dir, library_dir=library_dir, excluded=excluded)
        gazetteer = gazetteer_with(list(listing.gazetteer_rows))
    except CorpusError as exc:
        # A broken manifest or gazetteer is the whole folder's problem: nothing can be trusted.
        raise CorpusError(f"the corpus at {corpus_dir} cannot be loaded: {exc}") from exc
    documents: list[Document] = []
    failures = list(listing.failures)
    for done, file in enumerate(listing.files, 1):
        try:
            documents.append(load_file(file, gazetteer))
        except CorpusError as exc:
            failures.append(LoadFailure(file.key, str(exc)))
        except Exception as exc:  # a parser bug on one file must not stop the corpus
            log.exception("unexpected failure reading %s", file.path)
            failures.append(LoadFailure(file.key, f"could not be parsed ({type(exc).__name__}: "
                                                  f"{exc}); please report this file"))
        if progress:
            progress(done, len(listing.files))
    for failure in failures:
        log.warning("skipped %s: %s", failure.file, failure.reason)
    return CorpusLoad(tuple(documents), tuple(failures))


def load_corpus(corpus_dir: Path = SHIPPED_CORPUS, *, library_dir: Path | None = None,
                excluded: Iterable[str] = ()) -> list[Document]:
    """The documents of a corpus (failures are logged; use `read_corpus` to see them)."""
    return list(read_corpus(corpus_dir, library_dir=library_dir, excluded=excluded).documents)


def corpus_hash(corpus_dir: Path = SHIPPED_CORPUS, *, library_dir: Path | None = None,
                excluded: Iterable[str] = ()) -> str:
    """A digest of which files the corpus holds, their sizes and mtimes, manifest and exclusions."""
    return list_corpus(corpus_dir, library_dir=library_dir, excluded=excluded).fingerprint


# -- single files (tests, uploads) ---------------------------------------------------------------
def load_document(path: Path, *, doc_id: str, source_file: str | None = None,
                  overrides: dict | None = None) -> Document:
    """Read and parse one file outside any corpus folder."""
    source = read_source(Path(path))
    if source_file and source.source_file != source_file:
        source = dataclasses.replace(source, source_file=source_file)
    return parse_file_source(source, doc_id=doc_id, key=Path(path).name, overrides=overrides)


def parse_bytes(data: bytes, *, doc_id: str, source_file: str,
                overrides: dict | None = None, key: str | None = None,
                gazetteer: Gazetteer | None = None) -> Document:
    """Parse an uploaded file's bytes (the format is chosen by `source_file`'s extension)."""
    return parse_file_source(read_source_bytes(data, source_file), doc_id=doc_id,
                             key=key or source_file, overrides=overrides, gazetteer=gazetteer)
