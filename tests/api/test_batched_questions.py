"""The server embeds the questions of concurrent requests together, and answers the same."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from index.query_batching import BatchingEncoder

DEV = Path(__file__).resolve().parents[2] / "eval" / "questions" / "dev.jsonl"


def test_the_servers_encoder_batches_and_concurrent_answers_equal_serial_ones(client):
    live = client.app.state.live
    assert isinstance(live.encoder, BatchingEncoder)
    questions = [json.loads(line)["question"] for line in DEV.read_text("utf-8").splitlines()
                 if line.strip()][:40]
    serial = [client.post("/search", json={"query": q, "top_k": 5}).json() for q in questions]
    with ThreadPoolExecutor(8) as pool:
        concurrent = list(pool.map(
            lambda q: client.post("/search", json={"query": q, "top_k": 5}).json(), questions))
    assert [[h["clause_id"] for h in r["hits"]] for r in concurrent] == \
        [[h["clause_id"] for h in r["hits"]] for r in serial]
    assert all(r["hits"] for r in serial)


def test_query_batch_of_one_embeds_each_question_alone(hash_settings, hash_assistant):
    settings = hash_settings.model_copy(update={"query_batch": 1})
    with TestClient(create_app(settings)) as other:
        assert not isinstance(other.app.state.live.encoder, BatchingEncoder)
        assert other.post("/search", json={"query": "以工代训补贴"}).json()["hits"]
