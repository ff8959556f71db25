"""Evaluating a running service over HTTP, through the public contract in `API.md` only.

Rankings come from `POST /search`, answers from `POST /ask` (a new conversation per question,
`region` null so the service infers it), conversations from `POST /ask` with the returned
`conversation_id`, and gold is resolved against the service's own corpus (`GET /documents/…`).
Only the hybrid service can be reached this way; the baselines need the index in-process.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import httpx

from corpus.errors import InputError

from eval.questions import ClauseCatalog
from eval.records import AnswerOutcome, ClauseRef, Conversation, Question
from eval.metrics import marked_ids
from eval.systems import ANSWER_TOP_K, RANK_DEPTH, RANKING_SYSTEMS

Advance = Callable[[], None]
_SKIPPED_WHY = "needs the index in-process; not reachable through the HTTP API (--url)"


def _noop() -> None:
    pass


def get_json(client: httpx.Client, url: str, path: str) -> dict:
    """GET `path` of the service at `url`; InputError saying how to reach it otherwise."""
    try:
        response = client.get(path)
    except httpx.HTTPError as exc:
        raise InputError(f"cannot reach the service at {url} ({exc}); start it with "
                         "`policy-assistant serve` or check --url") from exc
    if response.status_code != 200:
        raise InputError(f"GET {url}{path} answered {response.status_code}: "
                         f"{response.text[:200]}")
    return response.json()


class RemoteSystems:
    """The hybrid service of a running deployment, as an outside evaluator sees it."""

    mode = "http"
    systems = ("hybrid",)
    skipped = tuple((name, _SKIPPED_WHY) for name in RANKING_SYSTEMS if name != "hybrid")

    def __init__(self, url: str, *, timeout: float = 60.0, client: httpx.Client | None = None):
        self.url = url.rstrip("/")
        self.client = client or httpx.Client(base_url=self.url, timeout=timeout)
        self.errors: dict[str, dict[str, str]] = {}
        self._health = self._get("/health")

    def _get(self, path: str) -> dict:
        return get_json(self.client, self.url, path)

    def _post(self, path: str, body: dict) -> tuple[dict, float]:
        started = time.perf_counter()
        response = self.client.post(path, json=body)
        latency = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"POST {path} answered {response.status_code}: "
                               f"{response.text[:200]}")
        return response.json(), latency

    def info(self) -> dict:
        return {"encoder": self._health.get("encoder"),
                "index_built_at": self._health.get("index_built_at"), "url": self.url,
                "documents": self._health.get("documents"),
                "clauses": self._health.get("clauses")}

    def catalog(self) -> ClauseCatalog:
        refs = []
        for summary in self._get("/documents")["documents"]:
            document = self._get(f"/documents/{summary['doc_id']}")
            refs.extend(ClauseRef(c["clause_id"], c["doc_id"], c["section"], c["text"])
                        for c in document["clauses"])
        return ClauseCatalog(refs)

    def rank(self, system: str, questions: Sequence[Question], *, top_k: int = RANK_DEPTH,
             advance: Advance = _noop) -> dict[str, tuple[str, ...]]:
        if system != "hybrid":
            raise ValueError(f"system {system!r} {_SKIPPED_WHY}")
        rankings = {}
        for question in questions:
            try:
                data, _ = self._post("/search", {"query": question.question, "top_k": top_k,
                                                 "region": None})
                rankings[question.qid] = tuple(hit["clause_id"] for hit in data["hits"])
            except Exception as error:  # noqa: BLE001 - one bad answer must not end the run
                why = f"{type(error).__name__}: {error}"
                self.errors.setdefault(system, {})[question.qid] = why
                rankings[question.qid] = ()
            advance()
        return rankings

    def _ask(self, turn: Question, conversation_id: str | None,
             top_k: int) -> tuple[str | None, AnswerOutcome]:
        try:
            data, latency = self._post("/ask", {"question": turn.question,
                                                "conversation_id": conversation_id,
                                                "region": None, "top_k": top_k})
        except Exception as error:  # noqa: BLE001
            return conversation_id, AnswerOutcome(
                qid=turn.qid, status="error", text="", resolved_question=turn.question,
                cited=(), marked=(), latency_ms=0.0, error=f"{type(error).__name__}: {error}")
        citations = sorted(data["citations"], key=lambda c: c["n"])
        cited = tuple(c["clause_id"] for c in citations)
        return data["conversation_id"], AnswerOutcome(
            qid=turn.qid, status=data["status"], text=data["answer"],
            resolved_question=data["resolved_question"], cited=cited,
            marked=marked_ids(data["answer"], cited), latency_ms=latency,
            cited_texts=tuple(c["text"] for c in citations))

    def answer(self, questions: Sequence[Question], *, top_k: int = ANSWER_TOP_K,
               advance: Advance = _noop) -> dict[str, AnswerOutcome]:
        outcomes = {}
        for question in questions:
            outcomes[question.qid] = self._ask(question, None, top_k)[1]
            advance()
        return outcomes

    def converse(self, conversations: Sequence[Conversation], *, top_k: int = ANSWER_TOP_K,
                 advance: Advance = _noop) -> dict[str, AnswerOutcome]:
        outcomes = {}
        for conversation in conversations:
            conversation_id = None
            for turn in conversation.turns:
                conversation_id, outcomes[turn.qid] = self._ask(turn, conversation_id, top_k)
                advance()
        return outcomes

    def close(self) -> None:
        self.client.close()
