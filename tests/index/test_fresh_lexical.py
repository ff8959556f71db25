"""The lexical side of a full build: in a child process it gives exactly what the same work gives
in place (terms, token rows, bigram indexes), a failed child costs nothing, and token rows copied
from a previous version equal freshly tokenized ones.

Real Legal-DC documents read through the product's loader, real jieba and bm25s.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corpus import read_corpus
from index import fresh_lexical as job_module
from index.encoders import HashEncoder
from index.fresh_lexical import FreshLexical, LexicalTexts, build_lexical_parts
from index.lexical import Tokenizer
from index.store import build_index, document_text, lexical_text, load_index
from index.token_rows import tokenize_rows

LEGAL_DC_DOCS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "legal-dc" / "docs"


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """Twelve Legal-DC laws through the product's folder loader (a folder of symlinks)."""
    if not LEGAL_DC_DOCS.is_dir():
        pytest.skip("../shared/corpora/legal-dc is not beside the project")
    folder = tmp_path_factory.mktemp("legal-dc-12")
    for file in sorted(LEGAL_DC_DOCS.glob("*.docx"))[:12]:
        (folder / file.name).symlink_to(file)
    return list(read_corpus(folder).documents)


@pytest.fixture(scope="module")
def texts(documents):
    by_id = {d.doc_id: d for d in documents}
    clauses = [c for d in documents for c in d.clauses]
    assert len(clauses) > 300
    return LexicalTexts([c.text for c in clauses],
                        [lexical_text(by_id[c.doc_id], c) for c in clauses],
                        [document_text(d) for d in documents])


@pytest.fixture(scope="module")
def in_place(texts):
    return build_lexical_parts(texts)


def _rows_as_tokens(rows) -> list[list[str]]:
    return [[rows.vocab[i] for i in row] for row in rows.rows()]


def _same_parts(one, other) -> None:
    assert one.terms == other.terms and len(one.terms) > 20
    assert _rows_as_tokens(one.tokens) == _rows_as_tokens(other.tokens)
    query = "国务院有关部门应当依法履行监督管理职责"
    for a, b in ((one.clause_bigrams, other.clause_bigrams),
                 (one.document_bigrams, other.document_bigrams)):
        assert a.size == b.size
        assert np.allclose(a.scores(query), b.scores(query))
        assert np.allclose(a.coverage(query), b.coverage(query))


def test_the_child_process_gives_what_the_same_work_gives_in_place(texts, in_place, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setattr(job_module, "MIN_ROWS_FOR_CHILD", 10)
    job = FreshLexical(texts, tmp_path / "job")
    assert job.in_child
    parts = job.result()
    assert not (tmp_path / "job").exists()  # the hand-off files are removed
    _same_parts(parts, in_place)
    assert len(parts.tokens.offsets) == len(texts.lexical) + 1


def test_few_rows_stay_in_process(texts, tmp_path):
    small = LexicalTexts(texts.clauses[:50], texts.lexical[:50], texts.documents[:2])
    job = FreshLexical(small, tmp_path / "job")
    assert not job.in_child
    assert len(job.result().tokens.offsets) == 51


def test_a_closed_job_stops_its_child(texts, tmp_path, monkeypatch):
    monkeypatch.setattr(job_module, "MIN_ROWS_FOR_CHILD", 10)
    job = FreshLexical(texts, tmp_path / "job")
    process = job._process
    job.close()
    assert process.returncode is not None  # killed and reaped, not left running
    assert not (tmp_path / "job").exists()


def test_a_failing_child_is_replaced_by_the_work_in_place(texts, in_place, tmp_path, monkeypatch,
                                                          caplog):
    monkeypatch.setattr(job_module, "MIN_ROWS_FOR_CHILD", 10)
    monkeypatch.setattr(job_module.sys, "executable", "/bin/false")
    job = FreshLexical(texts, tmp_path / "job")
    assert job.in_child
    parts = job.result()
    assert "building it here" in caplog.text
    _same_parts(parts, in_place)


def test_copied_rows_equal_tokenized_rows(texts):
    lexical_texts = texts.lexical
    tokenizer = Tokenizer()
    first = tokenize_rows(lexical_texts[:200], tokenizer)
    keys = [text.encode() for text in lexical_texts[:300]]
    previous_rows = {keys[i]: i for i in range(200)}
    mixed = tokenize_rows(lexical_texts[:300], tokenizer, keys=keys, previous=first,
                          previous_rows=previous_rows)
    fresh = tokenize_rows(lexical_texts[:300], tokenizer)
    assert _rows_as_tokens(mixed) == _rows_as_tokens(fresh)
    # The vocabulary is compact: every token id is used.
    assert np.unique(mixed.ids).size == len(mixed.vocab)


def test_a_full_build_through_the_child_searches_like_one_in_place(documents, tmp_path,
                                                                    monkeypatch):
    encoder = HashEncoder(64)
    in_place = build_index(documents, encoder, tmp_path / "a", corpus_hash="x")
    monkeypatch.setattr(job_module, "MIN_ROWS_FOR_CHILD", 10)
    in_child = build_index(documents, encoder, tmp_path / "b", corpus_hash="x")
    assert in_child.lexical.tokenizer.terms == in_place.lexical.tokenizer.terms
    assert not (in_child.folder / ".lexical").exists()  # nothing of the hand-off is published
    query = documents[0].clauses[3].text[:30]
    loaded = load_index(tmp_path / "b")
    assert np.allclose(loaded.lexical.scores(query), in_place.lexical.scores(query))
    assert np.allclose(loaded.bigrams.scores(query), in_place.bigrams.scores(query))
    assert np.allclose(loaded.document_bigrams.coverage(query),
                       in_place.document_bigrams.coverage(query))


def test_derived_terms_are_bounded_keeping_the_most_widespread(corpus_documents):
    """Derived terms grow with the corpus; beyond the bound the quoted terms stay and then
    the n-grams found in the most clauses."""
    from index.lexical import _QUOTED, corpus_terms

    texts = [clause.text for document in corpus_documents for clause in document.clauses]
    every = corpus_terms(texts)
    quoted = {match for text in texts for match in _QUOTED.findall(text)}
    bound = len(quoted) + 10
    assert len(every) > bound
    kept = corpus_terms(texts, max_terms=bound)
    assert len(kept) == bound and set(kept) <= set(every) and quoted <= set(kept)

    # A larger bound keeps everything a smaller one kept: one order, the most widespread first.
    wider = corpus_terms(texts, max_terms=bound + 20)
    assert len(wider) == bound + 20 and set(kept) < set(wider) <= set(every)


def test_a_derived_term_never_starts_with_a_number_s_unit(corpus_documents):
    """2019年培训18万人次 is cut into runs after each digit (年培训, 万人次以上): the unit there
    belongs to the number, so no term starts with it; the same words elsewhere still make one."""
    from index.lexical import corpus_terms

    texts = [clause.text for document in corpus_documents for clause in document.clauses]
    terms = set(corpus_terms(texts))
    assert "年培训" not in terms and "万人次" not in terms
    assert "职业技能培训" in terms or "技能培训" in terms
    made_up = ["其中2019年培训18万人次以上"] * 4 + ["组织三年培训计划"] * 4
    assert set(corpus_terms(made_up)) >= {"三年培训", "培训计划"}
    assert not {term for term in corpus_terms(made_up) if term.startswith(("年", "万"))}
