"""The evaluation stage: the development question sets, metrics, baselines and the report.

`run_evaluation` (behind `policy-assistant eval`) ranks the dev questions with BM25 only, dense
only, the hybrid service and a naive fixed-size-chunk RAG baseline, scores the service's
answers and multi-turn follow-ups, and writes `report.json`, `report.md` and a chart. The
question files and their gold forms are described in `eval/questions/README.md`.
`run_corpus_evaluation` (corpus mode, `eval.corpus_mode`) scores the product on an external
benchmark in the Legal-DC format beside a BM25-over-chunks baseline.
"""

from eval.floors import REGRESSION_FLOOR_HIT5
from eval.questions import (
    DEFAULT_CONVERSATIONS,
    DEFAULT_QUESTIONS,
    ClauseCatalog,
    load_conversations,
    load_questions,
    read_conversations,
    read_questions,
)
from eval.records import AnswerOutcome, ClauseRef, Conversation, GoldRef, Question

__all__ = [
    "AnswerOutcome", "ClauseCatalog", "ClauseRef", "Conversation", "DEFAULT_CONVERSATIONS",
    "DEFAULT_QUESTIONS", "GoldRef", "Question", "REGRESSION_FLOOR_HIT5", "load_conversations",
    "load_questions", "read_conversations", "read_questions", "run_corpus_evaluation",
    "run_evaluation",
]


def __getattr__(name: str):
    # The runner pulls in matplotlib, rich and the service; load it only when asked for.
    if name == "run_evaluation":
        from eval.runner import run_evaluation

        return run_evaluation
    if name == "run_corpus_evaluation":  # corpus mode: an external benchmark's folder
        from eval.corpus_mode import run_corpus_evaluation

        return run_corpus_evaluation
    raise AttributeError(f"module 'eval' has no attribute {name!r}")
