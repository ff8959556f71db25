"""documents.json, the index's own copy of the corpus: written one document per line and read a
document at a time; versions written as one long line before still load, and the strings that
repeat from clause to clause are shared."""

from __future__ import annotations

import json

from index.store import _document_to_json, _write_documents, read_documents


def test_documents_round_trip_one_per_line(corpus_documents, tmp_path):
    _write_documents(tmp_path / "documents.json",
                     (_document_to_json(d) for d in corpus_documents))
    lines = (tmp_path / "documents.json").read_text("utf-8").splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert len(lines) == len(corpus_documents) + 2
    assert json.loads((tmp_path / "documents.json").read_text("utf-8"))[0]["doc_id"] == \
        corpus_documents[0].doc_id  # still one JSON list for any other reader
    assert read_documents(tmp_path) == corpus_documents


def test_a_version_written_as_one_line_still_loads(corpus_documents, tmp_path):
    (tmp_path / "documents.json").write_text(
        json.dumps([_document_to_json(d) for d in corpus_documents], ensure_ascii=False),
        encoding="utf-8")
    assert read_documents(tmp_path) == corpus_documents


def test_repeated_strings_are_held_once(corpus_documents, tmp_path):
    _write_documents(tmp_path / "documents.json",
                     (_document_to_json(d) for d in corpus_documents))
    document = next(d for d in read_documents(tmp_path) if len(d.clauses) > 10)
    assert len({id(c.doc_id) for c in document.clauses}) == 1
    headings = [c.section_path[0] for c in document.clauses if c.section_path]
    by_text = {}
    for heading in headings:
        by_text.setdefault(heading, set()).add(id(heading))
    assert len(headings) > len(by_text)  # some heading repeats…
    assert all(len(ids) == 1 for ids in by_text.values())  # …and is one object
