"""Concurrent small `encode` calls share one forward pass of the encoder.

A server worker answers several requests at once, and each embeds its question alone. For the
bundled USE model most of a one-question forward pass is per-call overhead: 4.3 ms for one
question, 1.6 ms a question in a batch of 8, 1.3 ms in a batch of 16 (32 development questions,
this 2-core machine). On the shipped corpus that one-question call was 62% of the CPU of an
`/ask` (cProfile, 300 requests), so batching the questions of concurrent requests is what lets
a worker answer more of them per second.

`BatchingEncoder` batches by group commit, with no timer: a caller queues its texts and takes
the encoder's run lock; whoever holds the lock encodes everything queued so far (up to
`max_batch` texts) and hands each caller its rows. A caller alone pays nothing extra, and under
load the callers that arrived during one forward pass share the next. Rows are the ones the
inner encoder gives for the same texts alone (a batch only pads; measured difference ≤ 2e-7).
Calls larger than `max_batch` (an index build, an upload) go straight to the inner encoder.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from index.encoders import Encoder, WrappedEncoder

__all__ = ["BatchingEncoder"]


@dataclass(eq=False)
class _Pending:
    """One caller's texts, waiting for their rows."""

    texts: list[str]
    is_query: bool
    rows: np.ndarray | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


class BatchingEncoder(WrappedEncoder):
    """An `Encoder` whose concurrent small calls are encoded together."""

    def __init__(self, inner: Encoder, *, max_batch: int = 16) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be positive")
        super().__init__(inner)
        self.max_batch = max_batch
        self._queue: deque[_Pending] = deque()
        self._queue_lock = threading.Lock()
        self._run_lock = threading.Lock()  # one forward pass at a time: it uses the whole core

    @property
    def queued(self) -> int:
        """Calls waiting for a forward pass right now."""
        with self._queue_lock:
            return len(self._queue)

    def encode(self, texts: Sequence[str], *, is_query: bool = False) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not a single str; wrap it in a list")
        items = list(texts)
        if not items or len(items) > self.max_batch:
            return self.inner.encode(items, is_query=is_query)
        pending = _Pending(items, is_query)
        with self._queue_lock:
            self._queue.append(pending)
        while not pending.done.is_set():
            with self._run_lock:
                if not pending.done.is_set():
                    self._encode_next_batch()
        if pending.error is not None:
            raise pending.error
        assert pending.rows is not None
        return pending.rows

    def _encode_next_batch(self) -> None:
        """Encode the oldest queued calls (same `is_query`, up to `max_batch` texts) together."""
        with self._queue_lock:
            batch = [self._queue.popleft()]
            size = len(batch[0].texts)
            kept: deque[_Pending] = deque()
            while self._queue:
                candidate = self._queue.popleft()
                if (candidate.is_query == batch[0].is_query
                        and size + len(candidate.texts) <= self.max_batch):
                    batch.append(candidate)
                    size += len(candidate.texts)
                else:
                    kept.append(candidate)
            self._queue.extendleft(reversed(kept))
        try:
            rows = self.inner.encode([text for call in batch for text in call.texts],
                                     is_query=batch[0].is_query)
        except BaseException as exc:
            if len(batch) == 1:  # a lone call's failure is its own: no second attempt
                batch[0].error = exc
                batch[0].done.set()
                return
            # One caller's texts must not fail the others': each is encoded alone instead.
            for call in batch:
                self._finish_alone(call)
            return
        start = 0
        for call in batch:
            call.rows = rows[start : start + len(call.texts)]
            start += len(call.texts)
            call.done.set()

    def _finish_alone(self, call: _Pending) -> None:
        try:
            call.rows = self.inner.encode(call.texts, is_query=call.is_query)
        except BaseException as exc:  # handed to the caller, raised in its own thread
            call.error = exc
        call.done.set()

    def __repr__(self) -> str:
        return f"BatchingEncoder({self.inner!r}, max_batch={self.max_batch})"
