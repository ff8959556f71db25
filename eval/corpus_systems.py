"""The product as corpus mode runs it: its own index and `PolicyAssistant.search`, or its HTTP API.

Each system also answers (`answer`: `PolicyAssistant.answer`, or `POST /ask`), for the answer
figures of `eval.corpus_answers`.

In-process, the benchmark's documents are indexed with `index.store.load_or_build` (reusing a
saved index in `--index-dir` when it was built from the same parsed documents with the same
encoder) and searched with `PolicyAssistant.search(question, top_k=10)`: the path the service's
`POST /search` takes, with nothing re-implemented. Over HTTP (`--url`), a running deployment is
asked through `POST /search` and only the returned texts count, as for any outside evaluator.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx

from assistant.service import PolicyAssistant
from corpus import CorpusLoad
from index.encoders import Encoder
from index.store import BuiltIndex, load_or_build

from eval.corpus_answers import Answered, answer_in_process, answer_over_http
from eval.corpus_loading import documents_fingerprint
from eval.corpus_records import Retrieved
from eval.remote import get_json

DENSE_KIND = "auto"  # the service's default (flat below 50,000 clauses), so figures match a default install
Progress = Callable[[int, int], None]


def open_index(load: CorpusLoad, encoder: Encoder, index_dir: Path, *,
               progress: Progress | None = None,
               sentence_vectors: bool = True) -> tuple[BuiltIndex, str | None]:
    """The product index of `load` at `index_dir`: reused when it matches, else built.

    Returns the index and why it was built (None when reused).
    """
    return load_or_build(Path(index_dir), encoder=encoder, load_corpus=lambda: load,
                         corpus_hash=documents_fingerprint(load.documents),
                         dense_kind=DENSE_KIND, progress=progress,
                         sentence_vectors=sentence_vectors)


def _failed(qid: str, error: Exception, latency_ms: float) -> Retrieved:
    # One failing question is a finding for the report, not a reason to lose the run.
    return Retrieved(qid=qid, texts=(), ids=(), latency_ms=latency_ms,
                     error=f"{type(error).__name__}: {error}")


class ProductSearch:
    """`PolicyAssistant.search` over an opened index."""

    mode = "in-process"

    def __init__(self, index: BuiltIndex, encoder: Encoder):
        self.assistant = PolicyAssistant(index, encoder)
        # USE loads its weights on the first encode; do it now so no query's latency includes it.
        encoder.encode(["政策"], is_query=True)

    def retrieve(self, qid: str, query: str, top_k: int = 10) -> Retrieved:
        started = time.perf_counter()
        try:
            hits = self.assistant.search(query, top_k=top_k)
        except Exception as error:  # noqa: BLE001
            return _failed(qid, error, (time.perf_counter() - started) * 1000)
        return Retrieved(qid=qid, texts=tuple(h.clause.text for h in hits),
                         ids=tuple(h.clause.clause_id for h in hits),
                         latency_ms=(time.perf_counter() - started) * 1000)

    def answer(self, qid: str, question: str) -> Answered:
        return answer_in_process(self.assistant, qid, question)

    def close(self) -> None:
        pass


class RemoteSearch:
    """`POST /search` of a running deployment; latency is the HTTP round trip."""

    mode = "http"

    def __init__(self, url: str, *, timeout: float = 60.0, client: httpx.Client | None = None):
        self.url = url.rstrip("/")
        self.client = client or httpx.Client(base_url=self.url, timeout=timeout)
        self.health = get_json(self.client, self.url, "/health")

    def retrieve(self, qid: str, query: str, top_k: int = 10) -> Retrieved:
        started = time.perf_counter()
        try:
            response = self.client.post("/search", json={"query": query, "top_k": top_k})
            latency = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"POST /search answered {response.status_code}: "
                                   f"{response.text[:200]}")
            hits = response.json()["hits"]
            return Retrieved(qid=qid, texts=tuple(h["text"] for h in hits),
                             ids=tuple(h.get("clause_id", "") for h in hits), latency_ms=latency)
        except Exception as error:  # noqa: BLE001
            return _failed(qid, error, (time.perf_counter() - started) * 1000)

    def answer(self, qid: str, question: str) -> Answered:
        return answer_over_http(self.client, qid, question)

    def close(self) -> None:
        self.client.close()
