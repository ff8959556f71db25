"""BatchingEncoder: concurrent small calls share one inner call and get exactly their own rows."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from index.encoders import HashEncoder
from index.query_batching import BatchingEncoder


class GatedEncoder(HashEncoder):
    """A HashEncoder whose first call waits for `gate`, so that later callers queue behind it."""

    def __init__(self, fail_on: str | None = None) -> None:
        super().__init__(dim=64)
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.calls: list[tuple[list[str], bool]] = []
        self.fail_on = fail_on

    def encode(self, texts, *, is_query=False):
        self.calls.append((list(texts), is_query))
        if len(self.calls) == 1:
            self.entered.set()
            assert self.gate.wait(10), "test gate never opened"
        if self.fail_on is not None and self.fail_on in texts:
            raise RuntimeError(f"cannot encode {self.fail_on}")
        return super().encode(texts, is_query=is_query)


def wait_until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.005)


def run_concurrently(batcher: BatchingEncoder, inner: GatedEncoder, calls):
    """First call alone (it holds the encoder), the others queued behind it, then release."""
    results: dict[int, object] = {}

    def call(n: int, texts: list[str], is_query: bool) -> None:
        try:
            results[n] = batcher.encode(texts, is_query=is_query)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[n] = exc

    threads = [threading.Thread(target=call, args=(n, texts, q))
               for n, (texts, q) in enumerate(calls)]
    threads[0].start()
    assert inner.entered.wait(10)
    for thread in threads[1:]:
        thread.start()
    wait_until(lambda: batcher.queued == len(calls) - 1)
    inner.gate.set()
    for thread in threads:
        thread.join(10)
    return [results[n] for n in range(len(calls))]


def test_a_lone_call_is_the_inner_encoders_answer():
    inner = HashEncoder(dim=64)
    batcher = BatchingEncoder(inner, max_batch=8)
    texts = ["职业技能提升补贴", "以工代训"]
    assert np.array_equal(batcher.encode(texts, is_query=True), inner.encode(texts))
    assert batcher.encoder_id == inner.encoder_id and batcher.dim == inner.dim
    assert batcher.encode([]).shape == (0, 64)
    with pytest.raises(TypeError):
        batcher.encode("一个字符串")


def test_queued_calls_share_one_inner_call_and_each_gets_its_own_rows():
    inner = GatedEncoder()
    batcher = BatchingEncoder(inner, max_batch=8)
    calls = [(["第一个问题"], True), (["天津补贴多少"], True), (["白城", "綦江以工代训"], True),
             (["三门峡培训"], True)]
    results = run_concurrently(batcher, inner, calls)
    reference = HashEncoder(dim=64)
    for (texts, _), rows in zip(calls, results):
        assert np.allclose(rows, reference.encode(texts), atol=1e-6)
    # The first call alone; the three that queued behind it in one call, in arrival order.
    assert [len(texts) for texts, _ in inner.calls] == [1, 4]
    assert sorted(inner.calls[1][0]) == sorted(["天津补贴多少", "白城", "綦江以工代训", "三门峡培训"])


def test_a_batch_respects_max_batch_and_never_mixes_queries_with_documents():
    inner = GatedEncoder()
    batcher = BatchingEncoder(inner, max_batch=3)
    calls = [(["甲"], True), (["乙", "丙"], True), (["丁"], False), (["戊", "己"], True),
             (["庚"], True)]
    results = run_concurrently(batcher, inner, calls)
    reference = HashEncoder(dim=64)
    for (texts, _), rows in zip(calls, results):
        assert np.allclose(rows, reference.encode(texts), atol=1e-6)
    for texts, is_query in inner.calls:
        assert len(texts) <= 3
        assert all(q == is_query for t, q in calls for text in t if text in texts)
    assert len(inner.calls) < len(calls)  # at least one batch was shared


def test_a_failing_call_fails_alone_not_its_batch_partners():
    inner = GatedEncoder(fail_on="坏")
    batcher = BatchingEncoder(inner, max_batch=8)
    results = run_concurrently(batcher, inner, [(["先来"], True), (["坏"], True), (["好"], True)])
    assert isinstance(results[0], np.ndarray)
    assert isinstance(results[1], RuntimeError) and "坏" in str(results[1])
    assert np.allclose(results[2], HashEncoder(dim=64).encode(["好"]), atol=1e-6)
    assert batcher.encode(["好"]).shape == (1, 64)  # the batcher still works afterwards


def test_calls_larger_than_max_batch_go_straight_through():
    inner = GatedEncoder()
    inner.gate.set()
    batcher = BatchingEncoder(inner, max_batch=2)
    rows = batcher.encode(["一", "二", "三"])
    assert rows.shape == (3, 64) and inner.calls == [(["一", "二", "三"], False)]
    with pytest.raises(ValueError):
        BatchingEncoder(inner, max_batch=0)


def test_a_lone_failing_call_is_tried_once():
    inner = GatedEncoder(fail_on="坏")
    inner.gate.set()
    with pytest.raises(RuntimeError, match="坏"):
        BatchingEncoder(inner, max_batch=8).encode(["坏"])
    assert inner.calls == [(["坏"], False)]
