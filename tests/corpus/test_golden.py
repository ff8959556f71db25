"""Golden clause listings of the shipped documents, reviewed line by line.

Each golden line is `key<TAB>section<TAB>first 24 characters of the clause text`. A parser change
that moves, merges or splits a clause fails here. Regenerate deliberately with
`UPDATE_GOLDEN=1 pytest tests/corpus/test_golden.py` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
EXPECTED_COUNTS = {
    "tianjin-2019": 35,
    "qijiang-2019": 38,
    "taierzhuang-2019": 21,
    "sanmenxia-2019": 27,
    "baicheng-2019": 29,
}


def _listing(document) -> str:
    lines = [f"{c.key}\t{c.section}\t{c.text[:24].replace(chr(10), '⏎')}" for c in document.clauses]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("doc_id", sorted(EXPECTED_COUNTS))
def test_clause_listing_matches_golden(docs_by_id, doc_id):
    listing = _listing(docs_by_id[doc_id])
    path = GOLDEN / f"{doc_id}.tsv"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(listing, encoding="utf-8")
    assert listing == path.read_text(encoding="utf-8")


def test_clause_counts_per_document(docs_by_id):
    assert {doc_id: len(doc.clauses) for doc_id, doc in docs_by_id.items()} == EXPECTED_COUNTS


def test_clause_ids_are_unique_and_derive_from_doc_and_key(corpus_documents):
    ids = [c.clause_id for d in corpus_documents for c in d.clauses]
    assert len(ids) == len(set(ids))
    for document in corpus_documents:
        for clause in document.clauses:
            assert clause.clause_id == f"{document.doc_id}/{clause.key}"
            assert clause.doc_id == document.doc_id
