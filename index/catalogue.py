"""documents.json, the catalogue of an index version: written one document per line, read whole
or a document at a time on demand.

The catalogue is what a clause is cited by (document, section number, text). A process that
searches the version itself (the embedded store) reads it whole. A replica over a shared clause
store (Milvus) must not: at tens of millions of clauses the catalogue alone (≈ 1.2 KB per
clause as Python objects) outgrows any replica. `read_catalogue` keeps each document's metadata,
its clause count and the place of its line in the file; a document's clauses are parsed when
something asks for them (a hit to cite, a clause named by number), and the most recently used
documents stay parsed (`KEPT_DOCUMENTS`). The file is held open, so a version pruned from disk
while a replica still serves it stays readable.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from corpus import Clause, Document, Region

FILE = "documents.json"
# Documents whose clauses a lazy catalogue keeps parsed: the documents of a few hundred hits.
KEPT_DOCUMENTS = 1024


def document_to_json(document: Document) -> dict:
    return dataclasses.asdict(document)


def document_from_json(data: dict) -> Document:
    data = dict(data)
    region = data.pop("region")
    region["aliases"] = tuple(region["aliases"])
    # Strings that repeat from clause to clause (the document id, the kind, the headings above
    # each clause) are kept once, not once per clause as the JSON parser returns them.
    shared: dict[str, str] = {}

    def once(text: str) -> str:
        return shared.setdefault(text, text)

    clauses = tuple(Clause(**{**clause, "doc_id": once(clause["doc_id"]),
                              "kind": sys.intern(clause["kind"]),
                              "section_path": tuple(once(h) for h in clause["section_path"])})
                    for clause in data.pop("clauses"))
    for key in ("notes", "attachments", "back_matter"):
        data[key] = tuple(data[key])
    return Document(region=Region(**region), clauses=clauses, **data)


def write_documents(path: Path, rows: Iterable[dict]) -> None:
    """A JSON list written one document per line, so that it can be read a document at a time."""
    with path.open("w", encoding="utf-8") as out:
        out.write("[\n")
        for i, row in enumerate(rows):
            out.write((",\n" if i else "") + json.dumps(row, ensure_ascii=False))
        out.write("\n]\n")


def stored_documents(folder: Path) -> Iterator[dict]:
    """The documents of documents.json as dicts, one at a time. Parsing the whole list at once
    held every clause twice (as dicts and as objects) and left the freed dicts' memory
    fragmented in the process (LawRefBook: a 483 MB peak for 195 MB of documents); versions
    written before the one-per-line layout are still read whole."""
    path = Path(folder) / FILE
    with path.open(encoding="utf-8") as lines:
        if lines.readline().strip() != "[":
            yield from json.loads(path.read_text(encoding="utf-8"))
            return
        for line in lines:
            line = line.strip().removesuffix(",")
            if line and line != "]":
                yield json.loads(line)


def read_documents(folder: Path) -> list[Document]:
    return [document_from_json(row) for row in stored_documents(folder)]


class _Shelf:
    """The lines of documents.json by byte range, parsed on demand, the recent ones kept."""

    def __init__(self, path: Path, starts: np.ndarray, ends: np.ndarray):
        self._fd = os.open(path, os.O_RDONLY)  # held open: readable even once pruned
        self._starts, self._ends = starts, ends
        self.clauses_of = lru_cache(maxsize=KEPT_DOCUMENTS)(self._parse)

    def _parse(self, code: int) -> tuple[Clause, ...]:
        start, end = int(self._starts[code]), int(self._ends[code])
        line = os.pread(self._fd, end - start, start).decode("utf-8").strip().removesuffix(",")
        return document_from_json(json.loads(line)).clauses

    def __del__(self) -> None:
        try:
            os.close(self._fd)
        except OSError:
            pass


class LazyClauses(Sequence):
    """A document's clauses, parsed from the catalogue file when first read."""

    def __init__(self, shelf: _Shelf, code: int, count: int):
        self._shelf, self._code, self._count = shelf, code, count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, item):
        return self._shelf.clauses_of(self._code)[item]

    def __iter__(self) -> Iterator[Clause]:
        return iter(self._shelf.clauses_of(self._code))

    def __eq__(self, other) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    def __hash__(self) -> int:  # a Document is hashable; its lazy clauses must be too
        return hash((id(self._shelf), self._code))


class LazyRows(Sequence):
    """Every clause of a lazy catalogue in row order (documents in order, their clauses in
    reading order): row r is clause r - starts[d] of the document d whose rows hold it."""

    def __init__(self, documents: Sequence[Document], row_starts: np.ndarray,
                 clause_ids: Iterable[str]):
        self._documents = documents
        self.row_starts = row_starts  # len(documents) + 1 entries: the last is the row count
        # Each clause id's hash, sorted, with its row (`BuiltIndex.positions` looks ids up).
        hashes = np.fromiter((hash(c) for c in clause_ids), dtype=np.int64,
                             count=int(row_starts[-1]))
        order = np.argsort(hashes, kind="stable")
        self.id_hashes, self.id_rows = hashes[order], order.astype(np.int64)

    def __len__(self) -> int:
        return int(self.row_starts[-1])

    def document_code(self, row: int) -> int:
        return int(np.searchsorted(self.row_starts, row, side="right")) - 1

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self[r] for r in range(*row.indices(len(self)))]
        row = int(row)
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        code = self.document_code(row)
        return self._documents[code].clauses[row - int(self.row_starts[code])]

    def __iter__(self) -> Iterator[Clause]:
        for document in self._documents:
            yield from document.clauses


def read_catalogue(folder: Path) -> tuple[list[Document], LazyRows]:
    """The documents of a version with their clauses read on demand, and all clauses by row.
    Versions written as one line are read whole (there is no line to seek to)."""
    path = Path(folder) / FILE
    with path.open("rb") as lines:
        one_per_line = lines.readline().strip() == b"["
    if not one_per_line:
        documents = read_documents(folder)
        return documents, _rows(documents, [len(d.clauses) for d in documents],
                                (c.clause_id for d in documents for c in d.clauses))
    pending, clause_ids, starts, ends = [], [], [], []
    with path.open("rb") as lines:
        offset = len(lines.readline())
        for raw in lines:
            stripped = raw.strip().removesuffix(b",")
            if stripped and stripped != b"]":
                row = json.loads(stripped)
                clause_ids.extend(clause["clause_id"] for clause in row["clauses"])
                pending.append((document_from_json({**row, "clauses": []}), len(row["clauses"])))
                starts.append(offset)
                ends.append(offset + len(raw))
            offset += len(raw)
    shelf = _Shelf(path, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))
    documents = [dataclasses.replace(document, clauses=LazyClauses(shelf, code, count))
                 for code, (document, count) in enumerate(pending)]
    return documents, _rows(documents, [count for _, count in pending], clause_ids)


def _rows(documents: list[Document], counts: list[int], clause_ids: Iterable[str]) -> LazyRows:
    starts = np.concatenate([[0], np.cumsum(np.asarray(counts, dtype=np.int64))])
    return LazyRows(documents, starts.astype(np.int64), clause_ids)


__all__ = ["KEPT_DOCUMENTS", "LazyClauses", "LazyRows", "document_from_json", "document_to_json",
           "read_catalogue", "read_documents", "stored_documents", "write_documents"]
