"""The Milvus clause store on a real milvus-lite server, against the embedded store.

The same retrieval runs over both stores for every question of the seeds' development set: the
top clause must agree for every question, and hit@5 must be within 0.02 of the embedded
store's. Then what ingestion through the protocol must do (a removed document disappears from
Milvus, an older version never undoes a newer one), scope filters, and an engine that dies and
comes back.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from api.deps import open_assistant
from api.settings import Settings
from corpus.errors import IndexStateError
from assistant.service import PolicyAssistant
from index.clause_store import EmbeddedClauseStore, StoreQuery, StoreUnavailable
from index.milvus_store import DEFAULT_CANDIDATES, MilvusClauseStore
from index.store import load_index

REPO = Path(__file__).resolve().parents[2]
DEV = REPO / "eval" / "questions" / "dev.jsonl"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("milvus-index")
    settings = Settings(encoder="hash", index_dir=folder / "index",
                        library_dir=folder / "library", db_path=folder / "c.sqlite3")
    assistant, _ = open_assistant(settings, with_conversations=False)
    return settings, assistant


@pytest.fixture(scope="module")
def milvus_store(milvus, built):
    _, assistant = built
    store = MilvusClauseStore(milvus.uri, prefix="agreement")
    report = store.sync(assistant.index)
    assert report.upserted_clauses == len(assistant.index.clauses)
    return store


def _dev_questions() -> list[dict]:
    rows = [json.loads(line) for line in DEV.read_text("utf-8").splitlines() if line.strip()]
    return [row for row in rows if row.get("answerable") and row.get("gold")]


# The shipped corpus has fewer clauses than the default candidate count, so the default scores
# every row of a scope; 30 candidates per channel exercises the union-then-exact path too.
@pytest.mark.parametrize("candidates", [DEFAULT_CANDIDATES, 30])
def test_both_stores_rank_the_development_questions_alike(built, milvus_store, candidates):
    _, embedded = built
    milvus_store.candidates = candidates
    over_milvus = PolicyAssistant(embedded.index, embedded.retriever.encoder,
                                  config=embedded.config, clause_store=milvus_store)
    questions = _dev_questions()
    assert len(questions) > 100
    disagreements, hits = [], {"embedded": 0, "milvus": 0}
    for row in questions:
        rankings = {name: [hit.clause.clause_id for hit in
                           assistant.search(row["question"], top_k=10)]
                    for name, assistant in (("embedded", embedded), ("milvus", over_milvus))}
        for name, ranking in rankings.items():
            hits[name] += any(clause_id in row["gold"] for clause_id in ranking[:5])
        if rankings["embedded"][:1] != rankings["milvus"][:1]:
            disagreements.append((row["id"], rankings["embedded"][:3], rankings["milvus"][:3]))
    assert not disagreements, disagreements[:5]
    if candidates == DEFAULT_CANDIDATES:  # the answer decision reads raw scores: the same too
        statuses = [(row["id"], embedded.answer(row["question"]).status,
                     over_milvus.answer(row["question"]).status) for row in questions]
        assert [s for s in statuses if s[1] != s[2]] == []
    difference = abs(hits["embedded"] - hits["milvus"]) / len(questions)
    milvus_store.candidates = DEFAULT_CANDIDATES
    assert difference <= 0.02, hits


def test_channel_scores_match_the_embedded_store(built, milvus_store):
    _, assistant = built
    index = assistant.index
    question = "企业新型学徒制培训补贴标准"
    vector = assistant.retriever.query_vector(question)
    query = StoreQuery(question, vector)
    every_row = EmbeddedClauseStore().channels(index, query)
    milvus_store.candidates = 20
    try:
        candidates = milvus_store.channels(index, query)
    finally:
        milvus_store.candidates = DEFAULT_CANDIDATES
    assert 20 <= candidates.rows.size < every_row.rows.size
    on_rows = every_row.take(candidates.rows)
    np.testing.assert_allclose(candidates.dense, on_rows.dense, atol=1e-4)
    np.testing.assert_allclose(candidates.coverage, on_rows.coverage, atol=1e-6)
    for name in ("lexical", "bigrams"):  # raw BM25, as the answer decision's thresholds see it
        np.testing.assert_allclose(getattr(candidates, name), getattr(on_rows, name), rtol=1e-3,
                                   atol=1e-4)
    assert candidates.lows[2] == pytest.approx(float(every_row.dense.min()), abs=1e-4)


def test_a_replica_over_milvus_keeps_the_catalogue_not_the_index(built, milvus_store):
    """The vectors and postings live in Milvus: the replica loads no dense index, maps the
    BM25 postings from disk and reads the catalogue on demand; its channel scores are the same
    as with everything loaded."""
    settings, embedded = built
    lean = load_index(settings.index_dir, local_search=False)
    assert lean.dense is None and not lean.local_search
    assert type(lean.clauses).__name__ == "LazyRows"  # clauses parsed when asked for
    for postings in (lean.lexical._retriever, lean.bigrams._retriever,
                     lean.document_bigrams._retriever):
        assert isinstance(postings.scores["data"], np.memmap)
    over_milvus = PolicyAssistant(embedded.index, embedded.retriever.encoder,
                                  config=embedded.config, clause_store=milvus_store)
    assert over_milvus.index.dense is None  # given a full version, it drops what it need not hold
    question = "企业新型学徒制培训补贴标准"
    vector = embedded.retriever.query_vector(question)
    full = milvus_store.channels(embedded.index, StoreQuery(question, vector))
    mapped = milvus_store.channels(lean, StoreQuery(question, vector))
    np.testing.assert_array_equal(full.rows, mapped.rows)
    for name in ("lexical", "bigrams", "dense", "document", "coverage"):
        np.testing.assert_allclose(getattr(mapped, name), getattr(full, name), rtol=1e-6)
    with pytest.raises(IndexStateError, match="without its dense index"):
        EmbeddedClauseStore().channels(lean, StoreQuery(question, vector))


def test_scope_filters_keep_to_the_asked_documents_regions_and_statuses(built, milvus_store):
    _, assistant = built
    index = assistant.index
    vector = assistant.retriever.query_vector("职业技能培训补贴")
    one = index.documents[1]
    for query in (StoreQuery("职业技能培训补贴", vector, doc_ids=(one.doc_id,)),
                  StoreQuery("职业技能培训补贴", vector, regions=(one.region.name,)),
                  StoreQuery("职业技能培训补贴", vector, doc_ids=(one.doc_id,),
                             statuses=(one.status,))):
        scores = milvus_store.channels(index, query)
        documents = {index.clauses[row].doc_id for row in scores.rows}
        assert documents == {one.doc_id}
    assert milvus_store.channels(index, StoreQuery("职业技能培训补贴", vector,
                                                   doc_ids=(one.doc_id,),
                                                   statuses=("no-such-status",))) is None


def test_sync_follows_removals_and_never_goes_back_a_version(milvus, built, tmp_path):
    settings, assistant = built
    folder = tmp_path / "copy"
    shutil.copytree(Path(settings.index_dir), folder / "index")
    copy = settings.model_copy(update={"index_dir": folder / "index",
                                       "library_dir": folder / "library"})
    from api.deps import make_updater

    updater = make_updater(copy)
    first, _ = updater.open()
    store = MilvusClauseStore(milvus.uri, prefix="sync")
    assert store.sync(first).upserted_documents == len(first.documents)
    assert store.sync(first).skipped == "already in sync"
    gone = first.documents[0].doc_id
    second = updater.remove(gone)
    report = store.sync(second)
    assert report.deleted_documents == 1 and report.upserted_documents == 0
    assert store.stored_version() == second.version
    assert store.sync(first).skipped.startswith("Milvus holds")  # an older replica
    vector = assistant.retriever.query_vector("培训")
    rows = store._search("vector", vector.reshape(-1).tolist(), StoreQuery("培训", vector), 1000)
    assert rows and not any(clause_id.startswith(gone + "/") for clause_id in rows)


def _until_it_answers(store, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            store.check()
            return
        except StoreUnavailable:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def test_a_dead_engine_is_a_clear_error_and_the_store_recovers(built, tmp_path):
    from api.engines import MilvusLiteServer

    _, assistant = built
    server = MilvusLiteServer(tmp_path / "milvus").start()
    try:
        store = MilvusClauseStore(server.uri, prefix="faults", timeout=3)
        store.sync(assistant.index)
        vector = assistant.retriever.query_vector("培训补贴")
        assert store.channels(assistant.index, StoreQuery("培训补贴", vector)) is not None
        server.kill()
        with pytest.raises(StoreUnavailable, match=f"127.0.0.1:{server.port}"):
            store.channels(assistant.index, StoreQuery("培训补贴", vector))
        with pytest.raises(StoreUnavailable):
            store.check()
        server.start()
        _until_it_answers(store)  # gRPC reconnects after its backoff, about a second here
        assert store.channels(assistant.index, StoreQuery("培训补贴", vector)) is not None
    finally:  # a failing assertion must not leave the server running
        server.stop()
