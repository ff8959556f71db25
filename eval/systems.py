"""The systems compared in-process: BM25 only, dense only, the hybrid service, and naive RAG.

All four rank the same questions against the same built index and encoder. `bm25` and
`dense` are the service's own retriever with one side of the fusion switched off, searched
within the region scope the service infers, so they differ from `hybrid` only in fusion and in
the direct section-reference lookup. `hybrid` is `PolicyAssistant.search` for rankings and
`PolicyAssistant.answer` for answers; conversations go through `PolicyAssistant.ask` with a
throw-away SQLite store, exactly the path the HTTP API takes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.sqlite_conversations import SQLiteConversationStore
from assistant.records import Answer
from assistant.retriever import FusionWeights
from assistant.service import PolicyAssistant
from index.encoders import Encoder, WrappedEncoder

from eval.metrics import marked_ids
from eval.naive_rag import NaiveRag
from eval.questions import ClauseCatalog
from eval.records import AnswerOutcome, Conversation, Question

RANKING_SYSTEMS = ("bm25", "dense", "hybrid", "naive-rag")
RANK_DEPTH = 10  # deepest cut-off of the ranking metrics (mrr@10, ndcg@10)
ANSWER_TOP_K = 5  # the API's default number of citations
# The baselines are one channel each: every other channel, the kind-of-clause preference and
# the cited articles off (before, they kept the defaults of the bigram, document and coverage
# channels, so "bm25" and "dense" were partial hybrids).
_NOTHING = dict(lexical=0.0, bigrams=0.0, dense=0.0, document=0.0, coverage=0.0, definition=0.0,
                citation_depth=0)
LEXICAL_ONLY = FusionWeights(**{**_NOTHING, "lexical": 1.0})
DENSE_ONLY = FusionWeights(**{**_NOTHING, "dense": 1.0})

Advance = Callable[[], None]


def _noop() -> None:
    pass


class PrimedQueryEncoder(WrappedEncoder):
    """The service's encoder with question vectors computed up front in one batch.

    The retriever embeds one question per call; priming lets an evaluation run embed the whole
    question set at once and serve the retriever from memory. Vectors are the encoder's own,
    so rankings are unchanged; texts that were not primed (resolved follow-ups) pass through.
    """

    def __init__(self, encoder: Encoder):
        super().__init__(encoder)
        self._vectors: dict[str, np.ndarray] = {}

    def prime(self, texts: Sequence[str]) -> None:
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            vectors = self.inner.encode(missing, is_query=True)
            self._vectors.update(zip(missing, vectors))

    def encode(self, texts: Sequence[str], *, is_query: bool = False) -> np.ndarray:
        if not is_query:
            return self.inner.encode(texts, is_query=False)
        texts = list(texts)
        self.prime(texts)
        return np.stack([self._vectors[text] for text in texts]) if texts else \
            self.inner.encode([], is_query=True)


def outcome_from_answer(qid: str, answer: Answer, latency_ms: float) -> AnswerOutcome:
    cited = tuple(hit.clause.clause_id for hit in answer.hits)
    return AnswerOutcome(qid=qid, status=answer.status, text=answer.text,
                         resolved_question=answer.resolved_question, cited=cited,
                         marked=marked_ids(answer.text, cited), latency_ms=latency_ms,
                         cited_texts=tuple(hit.clause.text for hit in answer.hits))


def failed(qid: str, question: str, error: Exception, latency_ms: float = 0.0) -> AnswerOutcome:
    # A crash on one question is a finding to report, not a reason to lose the whole run.
    return AnswerOutcome(qid=qid, status="error", text="", resolved_question=question, cited=(),
                         marked=(), latency_ms=latency_ms,
                         error=f"{type(error).__name__}: {error}")


class LocalSystems:
    """Every system, run in this process over one opened `PolicyAssistant`."""

    mode = "in-process"
    systems = RANKING_SYSTEMS
    skipped: tuple[tuple[str, str], ...] = ()  # (system, why) pairs; none in-process

    def __init__(self, assistant: PolicyAssistant, conversation_db: Path):
        self.encoder = encoder = assistant.retriever.encoder
        self.index = assistant.index
        self.queries = PrimedQueryEncoder(encoder)
        # Two views of the same index and configuration: rankings read primed vectors; answers
        # and conversations embed each question as the live service does, so latency is honest.
        # Both search the clause store the settings chose (embedded, or Milvus).
        store = assistant.retriever.store
        self.ranker = PolicyAssistant(assistant.index, self.queries, None, assistant.config,
                                      clause_store=store)
        self.service = PolicyAssistant(assistant.index, encoder,
                                       SQLiteConversationStore(conversation_db), assistant.config,
                                       clause_store=store)
        self._naive: NaiveRag | None = None
        self.errors: dict[str, dict[str, str]] = {}

    def info(self) -> dict:
        params = self.index.params
        return {"encoder": params.encoder_id, "clause_store": self.ranker.retriever.store.name,
                "index_built_at": params.built_at,
                "index_folder": str(self.index.folder), "documents": params.document_count,
                "clauses": params.clause_count}

    def catalog(self) -> ClauseCatalog:
        return ClauseCatalog.from_documents(self.index.documents)

    @property
    def naive(self) -> NaiveRag:
        # Built on first use: chunking and embedding the chunks is the only extra indexing.
        if self._naive is None:
            self._naive = NaiveRag(self.index.documents, self.encoder)
        return self._naive

    def rank(self, system: str, questions: Sequence[Question], *, top_k: int = RANK_DEPTH,
             advance: Advance = _noop) -> dict[str, tuple[str, ...]]:
        """Clause ids ranked best first for each question."""
        if system == "naive-rag":
            rankings = self.naive.rank(questions, top_k)
            for _ in questions:
                advance()
            return rankings
        if system not in RANKING_SYSTEMS:
            raise ValueError(f"unknown system {system!r}; expected one of {RANKING_SYSTEMS}")
        self.queries.prime([q.question for q in questions])
        rankings = {}
        for question in questions:
            try:
                hits = self._hits(system, question.question, top_k)
                rankings[question.qid] = tuple(hit.clause.clause_id for hit in hits)
            except Exception as error:  # noqa: BLE001 - recorded and reported per question
                why = f"{type(error).__name__}: {error}"
                self.errors.setdefault(system, {})[question.qid] = why
                rankings[question.qid] = ()
            advance()
        return rankings

    def _hits(self, system: str, text: str, top_k: int):
        if system == "hybrid":
            return self.ranker.search(text, top_k=top_k)
        # The baselines get the region scope the service would infer, nothing more.
        scope = self.ranker.scope_for(text, None)
        weights = LEXICAL_ONLY if system == "bm25" else DENSE_ONLY
        return self.ranker.retriever.search(text, doc_ids=scope.doc_ids, top_k=top_k,
                                            weights=weights)

    def answer(self, questions: Sequence[Question], *, top_k: int = ANSWER_TOP_K,
               advance: Advance = _noop) -> dict[str, AnswerOutcome]:
        outcomes = {}
        for question in questions:
            started = time.perf_counter()
            try:
                answer = self.service.answer(question.question, top_k=top_k)
                outcomes[question.qid] = outcome_from_answer(
                    question.qid, answer, (time.perf_counter() - started) * 1000)
            except Exception as error:  # noqa: BLE001
                outcomes[question.qid] = failed(question.qid, question.question, error)
            advance()
        return outcomes

    def converse(self, conversations: Sequence[Conversation], *, top_k: int = ANSWER_TOP_K,
                 advance: Advance = _noop) -> dict[str, AnswerOutcome]:
        """Every turn through `ask`, so follow-ups are resolved from the stored conversation."""
        outcomes = {}
        for conversation in conversations:
            conversation_id = None
            for turn in conversation.turns:
                started = time.perf_counter()
                try:
                    turn_outcome = self.service.ask(
                        turn.question, conversation_id=conversation_id, top_k=top_k)
                    conversation_id = turn_outcome.conversation_id
                    outcomes[turn.qid] = outcome_from_answer(
                        turn.qid, turn_outcome.answer, (time.perf_counter() - started) * 1000)
                except Exception as error:  # noqa: BLE001
                    outcomes[turn.qid] = failed(turn.qid, turn.question, error)
                advance()
        return outcomes

    def close(self) -> None:
        pass
