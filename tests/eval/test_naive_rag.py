"""The naive-RAG baseline: ~500-character chunks of the real documents, evidence-based hits."""

from __future__ import annotations

import re

import pytest

from eval.naive_rag import CHUNK_SIZE, NaiveRag, chunk_documents, covered_gold, full_text
from eval.records import Question
from index.encoders import HashEncoder


@pytest.fixture(scope="module")
def chunks(corpus_documents):
    return chunk_documents(corpus_documents)


def _question(gold: tuple[str, ...], evidence: tuple[str, ...], text: str = "") -> Question:
    return Question(qid="t1", question=text or "三门峡以工代训补贴标准是多少？",
                    category="figure", answerable=True, gold=gold, evidence=evidence,
                    region=None, source="test")


def test_chunks_are_about_500_characters(corpus_documents, chunks) -> None:
    sizes = [len(chunk.text) for chunk in chunks]
    assert max(sizes) <= CHUNK_SIZE
    # Splitting at paragraphs and sentences leaves some short tails, but most chunks are full.
    assert sum(size >= 250 for size in sizes) >= 0.7 * len(sizes)
    assert {chunk.doc_id for chunk in chunks} == {d.doc_id for d in corpus_documents}
    # Nothing of a document is lost between its chunks (whitespace at the cuts aside).
    for document in corpus_documents:
        joined = "".join(c.text for c in chunks if c.doc_id == document.doc_id)
        assert len(re.sub(r"\s+", "", joined)) >= len(re.sub(r"\s+", "", full_text(document)))


def test_evidence_decides_which_gold_a_chunk_holds(docs_by_id, chunks) -> None:
    clause = docs_by_id["sanmenxia-2019"].clause("2.3.1")
    evidence = "按每人每月200元的标准给予生产经营主体以工代训补贴"
    assert evidence in re.sub(r"\s+", "", clause.text)
    question = _question(("sanmenxia-2019/2.3.1", "qijiang-2019/4.1"),
                         (evidence, "各类生产经营主体吸纳贫困劳动力就业并开展以工代训"))
    holding = [c for c in chunks if covered_gold(c, question)]
    assert holding, "some chunk must contain the evidence sentence"
    assert {c.doc_id for c in holding} == {"sanmenxia-2019", "qijiang-2019"}
    assert all(covered_gold(c, question) == ("sanmenxia-2019/2.3.1",)
               for c in holding if c.doc_id == "sanmenxia-2019")
    other = next(c for c in chunks if c.doc_id == "baicheng-2019")
    assert covered_gold(other, question) == ()


def test_rankings_name_gold_clauses_or_chunks(corpus_documents) -> None:
    rag = NaiveRag(corpus_documents, HashEncoder())
    evidence = "按每人每月200元的标准给予生产经营主体以工代训补贴"
    # Asking with the evidence itself: even a character-hash encoder finds that chunk.
    question = _question(("sanmenxia-2019/2.3.1",), (evidence,), text=evidence)
    ranking = rag.rank([question], top_k=10)["t1"]
    assert len(ranking) == 10 and len(set(ranking)) == 10
    assert "sanmenxia-2019/2.3.1" in ranking[:3]
    assert all(r == "sanmenxia-2019/2.3.1" or r.startswith("chunk:") for r in ranking)
