"""Two `policy-assistant serve` replicas over one PostgreSQL and one Milvus behave as one service.

Both replicas are real server processes on their own ports. They share the engines and the
index folder (the catalogue of documents each version publishes; on several machines a shared
volume). A conversation started on A continues on B; a document uploaded through A is answered
from B, out of Milvus; `/ready` fails while an engine is down and recovers by itself; an engine
killed mid-conversation gives a clear 503 and no acknowledged turn is lost.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from api.engines import MilvusLiteServer
from bench.live_server import ServerDidNotStart, free_port, stop, wait_until_ready
from corpus import SHIPPED_CORPUS

REPO = Path(__file__).resolve().parents[2]
TOKEN = "replica-admin-token-51d0"


@dataclass
class Replica:
    url: str
    process: subprocess.Popen

    def ask(self, question: str, conversation_id: str | None = None) -> httpx.Response:
        return httpx.post(f"{self.url}/ask", json={"question": question,
                                                   "conversation_id": conversation_id},
                          timeout=60)


def _wait(check, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.25)


@pytest.fixture(scope="module")
def deployment(postgres, tmp_path_factory):
    root = tmp_path_factory.mktemp("replicas")
    milvus = MilvusLiteServer(root / "milvus").start()
    env = {**os.environ, "POLICY_ASSISTANT_ENCODER": "hash",
           "POLICY_ASSISTANT_CORPUS_DIR": str(SHIPPED_CORPUS),
           "POLICY_ASSISTANT_INDEX_DIR": str(root / "shared" / "index"),
           "POLICY_ASSISTANT_LIBRARY_DIR": str(root / "shared" / "library"),
           "POLICY_ASSISTANT_CONVERSATIONS_URL": postgres.url,
           "POLICY_ASSISTANT_CLAUSE_STORE": "milvus",
           "POLICY_ASSISTANT_MILVUS_URI": milvus.uri,
           "POLICY_ASSISTANT_MILVUS_PREFIX": "replicas",
           "POLICY_ASSISTANT_ADMIN_TOKEN": TOKEN,
           # The SQLite file must never be used: a replica writing it would not be shared.
           "POLICY_ASSISTANT_DB_PATH": "/nonexistent/conversations.sqlite3"}
    subprocess.run([sys.executable, "-m", "api.cli", "index"], cwd=REPO, env=env, check=True,
                   capture_output=True, timeout=300)
    replicas = []
    for name in ("a", "b"):
        port = free_port()
        log_path = root / f"replica-{name}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port",
                                        str(port), "--workers", "1"], cwd=REPO, env=env,
                                       stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_ready(process, f"http://127.0.0.1:{port}/ready", timeout=120,
                             log=log_path)
        except ServerDidNotStart as exc:
            for replica in replicas:
                stop(replica.process)
            milvus.stop()
            pytest.fail(str(exc))
        replicas.append(Replica(f"http://127.0.0.1:{port}", process))
    yield replicas, milvus, postgres
    for replica in replicas:
        stop(replica.process)
    milvus.stop()


def test_a_conversation_started_on_one_replica_continues_on_the_other(deployment):
    (a, b), _, _ = deployment
    first = a.ask("白城市职业技能培训补贴标准是多少？")
    assert first.status_code == 200 and first.json()["stored"] is True
    conversation = first.json()["conversation_id"]
    second = b.ask("那綦江呢？", conversation)
    assert second.status_code == 200, second.text
    assert "綦江" in second.json()["resolved_question"]
    assert "补贴" in second.json()["resolved_question"]  # the topic came from A's turn
    turns = httpx.get(f"{a.url}/conversations/{conversation}").json()["turns"]
    assert [turn["question"] for turn in turns] == ["白城市职业技能培训补贴标准是多少？", "那綦江呢？"]


def test_a_document_uploaded_through_one_replica_is_answered_from_the_other(deployment):
    (a, b), _, _ = deployment
    text = (SHIPPED_CORPUS / "seeds" / "sanmenxia-2019.txt").read_text("utf-8")
    text = text.replace("职业技能提升", "星际航行技能提升")
    query = {"query": "星际航行技能提升", "top_k": 5}
    before = httpx.post(f"{b.url}/search", json=query, timeout=30).json()["hits"]
    assert not any("星际航行" in hit["text"] for hit in before)
    created = httpx.post(f"{a.url}/documents", files={"file": ("星际方案.txt", text.encode())},
                         headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)
    assert created.status_code == 201, created.text
    doc_id = created.json()["doc_id"]
    hits = httpx.post(f"{b.url}/search", json=query, timeout=30).json()["hits"]
    # B finds A's document: its clauses come first (every one carries the phrase in its title
    # and most in their heading path; which of them ranks first is the hash encoder's affair).
    assert hits and all(hit["doc_id"] == doc_id for hit in hits)
    assert "星际航行" in hits[0]["doc_title"]
    versions = {httpx.get(f"{r.url}/health").json()["index_version"] for r in (a, b)}
    assert len(versions) == 1  # B loaded the version A published


def test_ready_fails_while_milvus_is_down_and_recovers_by_itself(deployment):
    (a, b), milvus, _ = deployment
    milvus.kill()
    try:
        down = httpx.get(f"{b.url}/ready", timeout=60)
        assert down.status_code == 503 and "Milvus" in down.json()["reason"]
        search = httpx.post(f"{a.url}/search", json={"query": "培训补贴"}, timeout=60)
        assert search.status_code == 503 and "Milvus" in search.json()["detail"]
    finally:
        milvus.start()
    for replica in (a, b):
        assert _wait(lambda: httpx.get(f"{replica.url}/ready", timeout=60).status_code == 200)
    assert httpx.post(f"{a.url}/search", json={"query": "培训补贴"}, timeout=60).json()["hits"]


def test_postgres_killed_mid_conversation_is_a_503_and_loses_no_acknowledged_turn(deployment):
    (a, b), _, postgres = deployment
    first = a.ask("天津新型学徒制补贴标准是多少？")
    conversation = first.json()["conversation_id"]
    acknowledged = ["天津新型学徒制补贴标准是多少？"]
    postgres.kill()
    try:
        follow_up = b.ask("那白城呢？", conversation)
        assert follow_up.status_code == 503
        assert "conversation database" in follow_up.json()["detail"]
        assert "password" not in follow_up.json()["detail"]
        fresh = a.ask("三门峡的培训目标是什么？")
        assert fresh.status_code == 200 and fresh.json()["stored"] is False
        assert httpx.get(f"{a.url}/ready", timeout=60).status_code == 503
    finally:
        postgres.start()
    # Each replica reconnects on its own; the turns are read through the other one, so both
    # must be ready again (reading through `a` before it had reconnected failed once under load).
    for replica in (a, b):
        assert _wait(lambda: httpx.get(f"{replica.url}/ready", timeout=60).status_code == 200)
    again = b.ask("那白城呢？", conversation)
    assert again.status_code == 200 and again.json()["stored"] is True
    acknowledged.append("那白城呢？")
    stored = httpx.get(f"{a.url}/conversations/{conversation}", timeout=60)
    assert stored.status_code == 200, stored.text
    assert [turn["question"] for turn in stored.json()["turns"]] == acknowledged
