"""Conversations over HTTP: follow-ups, stored turns, restarts, concurrency, unguessable ids."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from api.app import create_app


def _ask(client, question, conversation_id=None, **extra):
    response = client.post("/ask", json={"question": question,
                                         "conversation_id": conversation_id, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def test_region_switch_keeps_the_topic(client):
    first = _ask(client, "三门峡以工代训补贴标准是多少？")
    second = _ask(client, "那綦江呢？", first["conversation_id"])
    assert second["conversation_id"] == first["conversation_id"]
    assert second["resolved_question"].startswith("綦江")
    assert "以工代训" in second["resolved_question"]
    assert second["citations"][0]["doc_id"] == "qijiang-2019"
    third = _ask(client, "最长能补多久？", first["conversation_id"])
    assert "綦江" in third["resolved_question"] and "以工代训" in third["resolved_question"]


def test_pronoun_refers_to_the_clause_just_discussed(client):
    first = _ask(client, "三门峡方案二（一）11讲什么？")
    assert first["citations"][0]["clause_id"] == "sanmenxia-2019/2.1.11"
    second = _ask(client, "这项培训由哪个部门负责？", first["conversation_id"])
    assert "城市管理" in second["resolved_question"]
    assert second["citations"][0]["clause_id"] == "sanmenxia-2019/2.1.11"
    assert "（责任单位：市城管局" in second["answer"]  # the responsibility note is quoted


def test_table_drill_down_reaches_the_row(client):
    first = _ask(client, "天津2019年分区培训计划")
    second = _ask(client, "其中和平区呢？", first["conversation_id"])
    assert "和平区" in second["resolved_question"]
    assert second["citations"][0]["clause_id"] == "tianjin-2019/annex.row2"
    third = _ask(client, "新型学徒制呢？", first["conversation_id"])
    assert "和平区" in third["resolved_question"]
    assert "tianjin-2019/annex.row2" in [c["clause_id"] for c in third["citations"]]


def test_a_complete_new_question_replaces_the_topic(client):
    first = _ask(client, "三门峡以工代训补贴标准是多少？")
    second = _ask(client, "白城“吉林三姐”品牌培训是什么？", first["conversation_id"])
    assert second["resolved_question"] == "白城“吉林三姐”品牌培训是什么？"
    assert second["citations"][0]["doc_id"] == "baicheng-2019"


def test_turns_are_stored_with_answers_and_citations(client):
    first = _ask(client, "三门峡以工代训补贴标准是多少？")
    second = _ask(client, "那綦江呢？", first["conversation_id"])
    stored = client.get(f"/conversations/{first['conversation_id']}").json()
    assert stored["conversation_id"] == first["conversation_id"]
    turns = stored["turns"]
    assert [t["n"] for t in turns] == [1, 2]
    assert turns[1]["question"] == "那綦江呢？"
    assert turns[1]["resolved_question"] == second["resolved_question"]
    assert turns[1]["answer"] == second["answer"]
    assert turns[1]["status"] == second["status"]
    assert turns[1]["citations"] == second["citations"]


def test_conversation_ids_are_unguessable(client):
    ids = {_ask(client, "三门峡以工代训补贴标准是多少？")["conversation_id"] for _ in range(5)}
    assert len(ids) == 5
    assert all(len(i) >= 20 and not i.isdigit() for i in ids)


def test_a_restart_loses_nothing(hash_settings, client):
    first = _ask(client, "三门峡以工代训补贴标准是多少？")
    # A second app over the same SQLite file and index: a restarted service.
    with TestClient(create_app(hash_settings)) as restarted:
        second = _ask(restarted, "那綦江呢？", first["conversation_id"])
        assert second["resolved_question"].startswith("綦江")
        turns = restarted.get(f"/conversations/{first['conversation_id']}").json()["turns"]
        assert [t["question"] for t in turns] == ["三门峡以工代训补贴标准是多少？", "那綦江呢？"]


def test_concurrent_turns_are_all_stored(client):
    conversation_id = _ask(client, "三门峡以工代训补贴标准是多少？")["conversation_id"]
    questions = ["最长能补多久？", "那綦江呢？", "白城呢？", "天津呢？",
                 "谁负责？", "台儿庄呢？", "标准是多少？", "三门峡呢？"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        bodies = list(pool.map(lambda q: _ask(client, q, conversation_id), questions))
    assert all(b["conversation_id"] == conversation_id for b in bodies)
    turns = client.get(f"/conversations/{conversation_id}").json()["turns"]
    assert [t["n"] for t in turns] == list(range(1, 10))
    assert sorted(t["question"] for t in turns[1:]) == sorted(questions)


def test_the_next_clause_and_which_clause_over_http(client):
    first = _ask(client, "三门峡方案二（一）11讲什么？")
    assert first["citations"][0]["clause_id"] == "sanmenxia-2019/2.1.11"
    following = _ask(client, "下一条呢", first["conversation_id"])
    assert following["status"] == "answered"
    assert following["citations"][0]["clause_id"] == "sanmenxia-2019/2.1.12"
    assert following["citations"][0]["section"] in following["answer"]
    back = _ask(client, "上一条", first["conversation_id"])
    assert back["citations"][0]["clause_id"] == "sanmenxia-2019/2.1.11"
    which = _ask(client, "具体是第几条规定的？", first["conversation_id"])
    assert which["citations"][0]["clause_id"] == "sanmenxia-2019/2.1.11"
    assert which["resolved_question"].endswith("（出自哪一条）？")
    stored = client.get(f"/conversations/{first['conversation_id']}").json()
    assert len(stored["turns"]) == 4
