"""The embedded clause store: exact over every row with a flat index, candidates with HNSW.

With an HNSW graph the store hands fusion only candidates (each channel's best rows, dense ones
from the graph) with their exact scores and the scope's minima. On the shipped corpus, with few
enough candidates that the path really prunes, every development question must rank its top
clause as the exact flat search does, and the candidates' scores must be the flat ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from api.deps import open_assistant
from api.settings import Settings
from assistant.service import PolicyAssistant
from index.clause_store import EmbeddedClauseStore, StoreQuery

DEV = Path(__file__).resolve().parents[2] / "eval" / "questions" / "dev.jsonl"


@pytest.fixture(scope="module")
def flat_and_hnsw(tmp_path_factory):
    assistants = {}
    for kind in ("flat", "hnsw"):
        folder = tmp_path_factory.mktemp(kind)
        settings = Settings(encoder="hash", dense_index=kind, index_dir=folder / "index",
                            library_dir=folder / "library", db_path=folder / "c.sqlite3")
        assistants[kind], _ = open_assistant(settings, with_conversations=False)
    return assistants


def test_hnsw_candidates_rank_the_development_questions_as_the_exact_search(flat_and_hnsw):
    flat, hnsw = flat_and_hnsw["flat"], flat_and_hnsw["hnsw"]
    assert hnsw.index.dense.kind == "hnsw"
    pruning = PolicyAssistant(hnsw.index, hnsw.retriever.encoder, config=hnsw.config,
                              clause_store=EmbeddedClauseStore(candidates=20))
    questions = [json.loads(line)["question"] for line in DEV.read_text("utf-8").splitlines()
                 if line.strip()]
    differ = [(q, a, b) for q in questions
              if (a := [h.clause.clause_id for h in flat.search(q, top_k=1)])
              != (b := [h.clause.clause_id for h in pruning.search(q, top_k=1)])]
    assert len(questions) > 150 and not differ, differ[:5]


def test_candidates_carry_the_exact_scores_and_the_scope_minima(flat_and_hnsw):
    flat, hnsw = flat_and_hnsw["flat"], flat_and_hnsw["hnsw"]
    question = "企业新型学徒制培训补贴标准"
    vector = hnsw.retriever.query_vector(question)
    one = hnsw.index.documents[0].doc_id
    for query in (StoreQuery(question, vector), StoreQuery(question, vector, doc_ids=(one,))):
        every = EmbeddedClauseStore().channels(flat.index, query)
        some = EmbeddedClauseStore(candidates=20).channels(hnsw.index, query)
        assert 20 <= some.rows.size < every.rows.size
        position = {row: n for n, row in enumerate(every.rows)}
        same = np.array([position[row] for row in some.rows])
        for name in ("lexical", "bigrams", "dense", "document", "coverage"):
            np.testing.assert_allclose(getattr(some, name), getattr(every, name)[same],
                                       rtol=1e-5, atol=1e-5)
        lows = [every.lexical.min(), every.bigrams.min(), every.dense.min(),
                every.document.min()]
        np.testing.assert_allclose(some.lows[:4], lows, rtol=1e-5, atol=1e-5)


def test_scope_masks_are_the_documents_rows_and_are_kept_read_only(flat_and_hnsw):
    from index.clause_store import scope_documents, scope_mask

    index = flat_and_hnsw["flat"].index
    doc_ids = tuple(d.doc_id for d in index.documents[1:3]) + ("no-such-document",)
    rows = index.rows_of(doc_ids)
    expected = np.array([c.doc_id in doc_ids for c in index.clauses])
    assert rows.dtype == bool and np.array_equal(rows, expected) and rows.any()
    mask = index.document_mask(doc_ids)
    assert mask is index.document_mask(list(doc_ids))  # kept, whatever the sequence type
    assert not mask.flags.writeable
    assert [d.doc_id for d, inside in zip(index.documents, mask) if inside] == list(doc_ids[:2])
    # A status filter narrows the scope without touching the kept mask.
    vector = np.zeros((1, index.params.dim), dtype=np.float32)
    query = StoreQuery("补贴", vector, doc_ids=doc_ids, statuses=("no-such-status",))
    assert not scope_documents(index, query).any() and not scope_mask(index, query).any()
    assert index.document_mask(doc_ids).sum() == 2
