"""The managed library: documents added while the service runs, and documents removed from it.

The configured corpus folder belongs to its owner and is never written to. Added files are
copied into the library's `files/` folder, which is read as part of the corpus (keys
`library/<path>`), so restarts and rebuilds keep them; re-adding a file under the same name
replaces it (same key, same document id). Removing a library document deletes its file;
removing a document of the corpus folder records its id in `removed.json`, which the loader
skips — delete the entry there to bring the document back.

Every write goes through a temporary file and `os.replace`, so a crash leaves either the old or
the new file, never half of one. Callers serialise writers (the index write lock).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from corpus.errors import CorpusError
from corpus.loader import LIBRARY_PREFIX, skip_reason

FILES_FOLDER = "files"
REMOVED_FILE = "removed.json"


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")  # hidden: never read as a document
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def safe_relative(name: str) -> PurePosixPath:
    """A client-given file name or relative path made safe to store under the library.

    Raises CorpusError for names that are empty, escape the folder, or are not documents.
    """
    parts = [part for part in str(name).replace("\\", "/").split("/") if part not in ("", ".")]
    if not parts or any(part == ".." or "\x00" in part for part in parts):
        raise CorpusError(f"{name!r} is not a usable file name; send the document under its "
                          "own name, e.g. 某某办法.docx")
    relative = PurePosixPath(*parts)
    reason = skip_reason(relative)
    if reason is not None:
        raise CorpusError(f"{relative.name} is not loaded as a document ({reason})")
    return relative


class Library:
    """The library folder: `files/` (added documents) and `removed.json` (excluded ids)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    @property
    def files_dir(self) -> Path:
        return self.folder / FILES_FOLDER

    @property
    def removed_path(self) -> Path:
        return self.folder / REMOVED_FILE

    @staticmethod
    def key(relative: PurePosixPath) -> str:
        return LIBRARY_PREFIX + relative.as_posix()

    @staticmethod
    def relative_of(key: str) -> PurePosixPath | None:
        """The library path of a corpus key, or None when the key is not a library file."""
        return PurePosixPath(key[len(LIBRARY_PREFIX):]) if key.startswith(LIBRARY_PREFIX) else None

    def read(self, relative: PurePosixPath) -> bytes | None:
        try:
            return (self.files_dir / relative).read_bytes()
        except FileNotFoundError:
            return None

    def store(self, relative: PurePosixPath, data: bytes) -> Path:
        path = self.files_dir / relative
        _atomic_write(path, data)
        return path

    def discard(self, relative: PurePosixPath) -> None:
        path = self.files_dir / relative
        path.unlink(missing_ok=True)
        # Drop folders left empty, up to files/ itself.
        for parent in path.parents:
            if parent == self.files_dir or self.files_dir not in parent.parents:
                break
            try:
                parent.rmdir()
            except OSError:
                break

    # -- exclusions of corpus-folder documents --------------------------------------------------
    def _removed_entries(self) -> list[dict]:
        try:
            data = json.loads(self.removed_path.read_text(encoding="utf-8"))
            return list(data.get("removed", []))
        except FileNotFoundError:
            return []
        except (ValueError, AttributeError) as exc:
            raise CorpusError(f"{self.removed_path} is damaged ({exc}); fix or delete it "
                              "(deleting brings removed documents back)") from exc

    def excluded(self) -> frozenset[str]:
        return frozenset(entry["doc_id"] for entry in self._removed_entries() if "doc_id" in entry)

    def exclude(self, doc_id: str, key: str) -> None:
        entries = [e for e in self._removed_entries() if e.get("doc_id") != doc_id]
        entries.append({"doc_id": doc_id, "file": key,
                        "removed_at": datetime.now(timezone.utc).isoformat(timespec="seconds")})
        body = {"_comment": "Documents of the corpus folder removed through the service; "
                            "delete an entry to bring that document back.", "removed": entries}
        _atomic_write(self.removed_path,
                      json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8"))

    def restore(self, entries: list[dict] | None) -> None:
        """Put back a previous `removed.json` state (used to undo a failed removal)."""
        if entries is None:
            self.removed_path.unlink(missing_ok=True)
            return
        _atomic_write(self.removed_path, json.dumps({"removed": entries}, ensure_ascii=False,
                                                    indent=2).encode("utf-8"))

    def snapshot_removed(self) -> list[dict] | None:
        return self._removed_entries() if self.removed_path.exists() else None
