"""Index versions on disk: immutable version folders, an atomic pointer, and a writer lock.

Layout of an index folder::

    CURRENT              the name of the version being served (one line), replaced atomically
    .lock                fcntl lock file: one writer at a time, across processes
    versions/000007/     a finished version (never modified once published)
    versions/.staging-…  a version being written (invisible to readers)

A writer takes the lock, writes a staging folder, renames it to the next version number and
then replaces `CURRENT` through a temporary file and `os.replace` — so a reader sees the old
version or the new one, never half of one, and a writer killed at any point leaves the previous
version current. Staging folders found while holding the lock belong to a dead writer and are
removed. Old versions are deleted only after the switch, keeping the newest few so that a
reader that has just read the pointer can still load the version it named.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

POINTER = "CURRENT"
LOCK_FILE = ".lock"
VERSIONS = "versions"
STAGING_PREFIX = ".staging-"
# The current version and the one before it: a server that read the pointer just before a
# switch still finds the version it is loading.
KEEP_VERSIONS = 2
# Files of the single-folder layout (index format ≤ 4), removed once a versioned index exists.
_LEGACY_ENTRIES = ("params.json", "documents.json", "dense.faiss", "lexical")


@dataclass(frozen=True)
class PointerStamp:
    """What `stat` says about the pointer file: any replacement changes it (new inode)."""

    inode: int
    mtime_ns: int
    size: int


def versions_dir(index_dir: Path) -> Path:
    return Path(index_dir) / VERSIONS


def pointer_stamp(index_dir: Path) -> PointerStamp | None:
    """A cheap check (one `stat`) of whether the pointer changed; None without a pointer."""
    try:
        stat = os.stat(Path(index_dir) / POINTER)
    except FileNotFoundError:
        return None
    return PointerStamp(stat.st_ino, stat.st_mtime_ns, stat.st_size)


def current_name(index_dir: Path) -> str | None:
    try:
        name = (Path(index_dir) / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def current_version(index_dir: Path) -> Path | None:
    """The folder of the version being served, or None when no version was published."""
    name = current_name(index_dir)
    if name is None:
        return None
    folder = versions_dir(index_dir) / name
    return folder if folder.is_dir() else None


# -- the writer lock ---------------------------------------------------------------------------
class _ProcessLock:
    """flock on the lock file, re-entrant within a process (flock itself is per open file, so a
    second acquisition through another descriptor in the same process would deadlock)."""

    def __init__(self, path: Path):
        self.path = path
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def acquire(self) -> None:
        self._thread_lock.acquire()
        if self._depth == 0:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                self._thread_lock.release()
                raise
            self._fd = fd
        self._depth += 1

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        self._thread_lock.release()


_locks: dict[Path, _ProcessLock] = {}
_locks_guard = threading.Lock()


@contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's writer lock (blocking): one update at a time, across processes."""
    path = (Path(index_dir) / LOCK_FILE).resolve()
    with _locks_guard:
        lock = _locks.setdefault(path, _ProcessLock(path))
    lock.acquire()
    try:
        if lock._depth == 1:
            _remove_stale_staging(Path(index_dir))
        yield
    finally:
        lock.release()


def _remove_stale_staging(index_dir: Path) -> list[str]:
    # Only writers create staging folders and we hold the lock: any left belong to a writer
    # that died (killed mid-update), as do temporary pointer files.
    removed = []
    folder = versions_dir(index_dir)
    if folder.is_dir():
        for child in folder.iterdir():
            if child.name.startswith(STAGING_PREFIX):
                shutil.rmtree(child, ignore_errors=True)
                removed.append(child.name)
    for child in Path(index_dir).glob(f".{POINTER}.tmp-*"):
        child.unlink(missing_ok=True)
        removed.append(child.name)
    return removed


def clean_stale_builds(index_dir: Path) -> list[str]:
    """At start-up: remove what killed writers left behind, unless a writer is running now.

    Takes the writer lock without waiting; when another process holds it, its staging folder
    is live and nothing is touched. Returns the names removed.
    """
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        return []
    try:
        fd = os.open(index_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:  # a read-only index folder: nothing can have been left by a writer here
        return []
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return []
        try:
            return _remove_stale_staging(index_dir)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# -- writing a version --------------------------------------------------------------------------
def new_staging(index_dir: Path) -> Path:
    """An empty folder to write the next version into (call with the lock held)."""
    folder = versions_dir(index_dir) / f"{STAGING_PREFIX}{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _numbered(index_dir: Path) -> list[Path]:
    folder = versions_dir(index_dir)
    if not folder.is_dir():
        return []
    return sorted((child for child in folder.iterdir() if child.name.isdigit()),
                  key=lambda child: int(child.name))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(index_dir: Path, staging: Path, *, keep: int = KEEP_VERSIONS) -> Path:
    """Make a finished staging folder the current version; return its final folder."""
    index_dir = Path(index_dir)
    existing = _numbered(index_dir)
    number = int(existing[-1].name) + 1 if existing else 1
    final = versions_dir(index_dir) / f"{number:06d}"
    staging.rename(final)
    _fsync_dir(final.parent)
    tmp = index_dir / f".{POINTER}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(final.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / POINTER)
    _fsync_dir(index_dir)
    prune(index_dir, keep=keep)
    return final


def prune(index_dir: Path, *, keep: int = KEEP_VERSIONS) -> None:
    """Delete all but the newest `keep` versions (never the current one) and legacy files."""
    current = current_name(index_dir)
    for old in _numbered(index_dir)[:-keep] if keep > 0 else []:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)
    if current is not None:
        for name in _LEGACY_ENTRIES:
            path = Path(index_dir) / name
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif path.exists():
                path.unlink(missing_ok=True)
