"""Sentence vectors (`index.sentences`): which sentences of a clause get a vector, and a row's
dense score as the best of its clause's and its sentences' cosines — over every row and over
candidate rows — checked against a direct computation, and on a real index of the shipped
corpus through the retriever (`assistant.retriever.with_sentences`)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.retriever import HybridRetriever, with_sentences
from corpus import read_corpus
from index.clause_store import ChannelScores, EmbeddedClauseStore, StoreQuery
from index.encoders import HashEncoder
from index.sentences import SentenceVectors, sentences
from index.store import build_index, load_index, sentence_texts


def test_a_clause_of_several_sentences_is_split_and_a_one_sentence_clause_is_not():
    text = ("一、总体要求。为贯彻落实国务院决定，制定本方案；主要任务如下！\n"
            "（一）加强培训，提高技能水平")
    assert sentences(text) == ["一、总体要求。", "为贯彻落实国务院决定，制定本方案；",
                               "主要任务如下！", "（一）加强培训，提高技能水平"]
    assert sentences("按每人每月200元的标准给予以工代训补贴。") == []
    # Pieces too short to say anything (为此。) are left out; one long piece left is no split.
    assert sentences("为此。按每人每月200元的标准给予以工代训补贴。") == []


def _direct(vectors, rows, base, query):
    expected = base.copy()
    for row in set(rows.tolist()):
        expected[row] = max(base[row], float((vectors[rows == row] @ query).max()))
    return expected


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lift_takes_the_best_of_clause_and_sentences(seed):
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(12, size=20))
    vectors = rng.normal(size=(20, 8)).astype(np.float32)
    store = SentenceVectors(vectors, rows.astype(np.int64))
    query = rng.normal(size=8).astype(np.float32)
    base = rng.normal(size=12).astype(np.float32)
    expected = _direct(vectors, rows, base, query)
    assert np.allclose(store.lift_rows(base, np.arange(12), query), expected)
    candidates = rng.permutation(12)[:7]  # any order, rows with and without sentences
    assert np.allclose(store.lift_rows(base[candidates], candidates, query),
                       expected[candidates])
    # Rows with no sentences keep the clause's own score.
    alone = np.setdiff1d(np.arange(12), rows)
    assert np.array_equal(store.lift_rows(base, np.arange(12), query)[alone], base[alone])


def test_no_sentences_changes_nothing():
    base = np.array([0.1, 0.5], dtype=np.float32)
    none = SentenceVectors(np.zeros((0, 4), dtype=np.float32), np.zeros(0, dtype=np.int64))
    query = np.ones(4, dtype=np.float32)
    assert np.array_equal(none.lift_rows(base, np.array([1, 0]), query), base)


def test_retrieval_scores_a_row_by_its_best_sentence(tmp_path):
    documents = list(read_corpus().documents)
    encoder = HashEncoder()
    built = build_index(documents, encoder, tmp_path / "index", corpus_hash="a")
    index = load_index(tmp_path / "index")
    assert index.sentences.vectors.shape == (len(built.sentences), encoder.dim)
    # The stored sentence vectors are those of the texts `sentence_texts` gives, in row order.
    texts = [(row, text) for row, clause in enumerate(index.clauses)
             for text in sentence_texts(index.document(clause.doc_id), clause)]
    assert [row for row, _ in texts] == index.sentences.rows.tolist()
    assert np.allclose(index.sentences.vectors, encoder.encode([t for _, t in texts]))
    # A question that is one sentence of a long clause word for word: that sentence's vector
    # is the question's, so the clause's dense score is 1.0, above its own vector's cosine.
    row, text = texts[len(texts) // 2]
    retriever = HybridRetriever(index, encoder)
    query = retriever.query_vector(text)
    own = EmbeddedClauseStore().channels(index, StoreQuery(text, query))
    read = retriever.channels(text, query_vector=query)
    assert own.dense[row] < 0.99
    assert read.dense[row] == pytest.approx(1.0, abs=1e-5)
    assert np.all(read.dense >= own.dense - 1e-6)
    # The floor of the dense channel stays the clause vectors' minimum.
    assert read.lows[2] == pytest.approx(float(own.dense.min()))
    hits = retriever.search(text, top_k=1)
    assert hits[0].clause.clause_id == index.clauses[row].clause_id
    # The hit keeps its clause vector's own cosine beside the lifted one (the decision reads it).
    assert hits[0].dense == pytest.approx(1.0, abs=1e-5)
    assert hits[0].clause_dense == pytest.approx(float(own.dense[row]), abs=1e-5)


def test_only_candidate_rows_are_read_by_sentence():
    """Beyond `candidates` rows, only the best rows of some channel are lifted."""
    rows = np.arange(50)
    channels = ChannelScores(rows=rows, lexical=np.zeros(50), bigrams=np.zeros(50),
                             dense=np.linspace(0, 0.49, 50).astype(np.float32),
                             document=np.zeros(50), coverage=np.zeros(50),
                             query_vector=np.ones(4, dtype=np.float32) / 2)
    vectors = np.tile(np.ones(4, dtype=np.float32) / 2, (50, 1))  # cosine 1.0 with the query
    sentences_of_all = SentenceVectors(vectors, rows.astype(np.int64))
    lifted = with_sentences(channels, sentences_of_all, candidates=5)
    # Zero lexical channels tie: their candidates are some 5 rows; the dense channel's are
    # the 5 best, 45–49. Every lifted row is a candidate; the others keep their own scores.
    assert set(np.flatnonzero(lifted.dense == 1.0)) >= set(range(45, 50))
    assert (lifted.dense == 1.0).sum() <= 20
    assert np.array_equal(with_sentences(channels, sentences_of_all, candidates=50).dense,
                          np.ones(50, dtype=np.float32))
    assert with_sentences(channels, None, candidates=5) is channels


def test_the_setting_turns_sentence_vectors_off_for_the_service(tmp_path, monkeypatch):
    from api.deps import open_assistant
    from api.settings import Settings

    monkeypatch.setenv("POLICY_ASSISTANT_SENTENCE_VECTORS", "false")
    settings = Settings(encoder="hash", index_dir=tmp_path / "index",
                        db_path=tmp_path / "conversations.sqlite3")
    assert settings.sentence_vectors is False
    assistant, _ = open_assistant(settings)
    assert len(assistant.index.sentences) == 0
    assert not assistant.index.params.sentence_vectors
    answer = assistant.answer("三门峡以工代训补贴标准是多少？")
    assert answer.hits and answer.hits[0].document.doc_id == "sanmenxia-2019"
