"""documents.json, the catalogue of an index version: written one document per line and read a
document at a time; versions written as one long line before still load; the strings that
repeat from clause to clause are shared; and the lazy catalogue of a replica over a shared
clause store gives every document, clause, row and position the whole catalogue gives."""

from __future__ import annotations

import json

import numpy as np

from index.catalogue import (
    KEPT_DOCUMENTS,
    document_to_json,
    read_catalogue,
    read_documents,
    write_documents,
)
from index.store import load_index


def test_documents_round_trip_one_per_line(corpus_documents, tmp_path):
    write_documents(tmp_path / "documents.json",
                     (document_to_json(d) for d in corpus_documents))
    lines = (tmp_path / "documents.json").read_text("utf-8").splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert len(lines) == len(corpus_documents) + 2
    assert json.loads((tmp_path / "documents.json").read_text("utf-8"))[0]["doc_id"] == \
        corpus_documents[0].doc_id  # still one JSON list for any other reader
    assert read_documents(tmp_path) == corpus_documents


def test_a_version_written_as_one_line_still_loads(corpus_documents, tmp_path):
    (tmp_path / "documents.json").write_text(
        json.dumps([document_to_json(d) for d in corpus_documents], ensure_ascii=False),
        encoding="utf-8")
    assert read_documents(tmp_path) == corpus_documents


def test_repeated_strings_are_held_once(corpus_documents, tmp_path):
    write_documents(tmp_path / "documents.json",
                     (document_to_json(d) for d in corpus_documents))
    document = next(d for d in read_documents(tmp_path) if len(d.clauses) > 10)
    assert len({id(c.doc_id) for c in document.clauses}) == 1
    headings = [c.section_path[0] for c in document.clauses if c.section_path]
    by_text = {}
    for heading in headings:
        by_text.setdefault(heading, set()).add(id(heading))
    assert len(headings) > len(by_text)  # some heading repeats…
    assert all(len(ids) == 1 for ids in by_text.values())  # …and is one object


def test_the_lazy_catalogue_gives_what_the_whole_one_gives(hash_settings, hash_assistant):
    full = hash_assistant.index
    lazy = load_index(hash_settings.index_dir, local_search=False)
    assert type(lazy.clauses).__name__ == "LazyRows" and len(lazy.clauses) == len(full.clauses)
    assert lazy.documents == full.documents  # metadata and (parsed on demand) clauses
    assert list(lazy.clauses) == list(full.clauses)
    assert [lazy.clauses[row] for row in range(len(full.clauses))] == list(full.clauses)
    assert lazy.clauses[-1] == full.clauses[-1] and lazy.clauses[2:5] == list(full.clauses[2:5])
    ids = [clause.clause_id for clause in full.clauses]
    np.testing.assert_array_equal(lazy.positions(ids), np.arange(len(ids)))
    assert lazy.position(ids[7]) == 7
    assert lazy.position("no-such-document/1") is None
    assert list(lazy.positions(["no-such-document/1", ids[3]])) == [-1, 3]
    np.testing.assert_array_equal(lazy.doc_code_of_row, full.doc_code_of_row)
    np.testing.assert_array_equal(lazy.row_starts, full.row_starts)


def test_the_lazy_catalogue_parses_a_document_only_when_asked(corpus_documents, tmp_path):
    write_documents(tmp_path / "documents.json",
                    (document_to_json(d) for d in corpus_documents))
    documents, rows = read_catalogue(tmp_path)
    shelf = documents[0].clauses._shelf
    assert shelf.clauses_of.cache_info().currsize == 0  # nothing parsed to open it
    assert [len(d.clauses) for d in documents] == [len(d.clauses) for d in corpus_documents]
    assert shelf.clauses_of.cache_info().currsize == 0  # counts come from the index, too
    assert rows[len(corpus_documents[0].clauses)] == corpus_documents[1].clauses[0]
    assert shelf.clauses_of.cache_info().currsize == 1
    assert shelf.clauses_of.cache_info().maxsize == KEPT_DOCUMENTS


def test_a_pruned_version_stays_readable(corpus_documents, tmp_path):
    write_documents(tmp_path / "documents.json",
                    (document_to_json(d) for d in corpus_documents))
    documents, _ = read_catalogue(tmp_path)
    (tmp_path / "documents.json").unlink()  # a newer version was published, this one pruned
    assert documents[-1].clauses[0] == corpus_documents[-1].clauses[0]
