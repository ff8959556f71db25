"""The PostgreSQL conversation store on a real server, and the contract both stores keep.

The contract tests run against SQLite and PostgreSQL alike. The PostgreSQL ones add what only
a shared server brings: migrations run once when several replicas start together, two stores
(two replicas) appending to one conversation at once get consecutive turns, and a server killed
and restarted mid-use loses no acknowledged turn while the store recovers by itself.
"""

from __future__ import annotations

import threading

import psycopg
import pytest

from assistant.conversations import ConversationsUnavailable, ConversationsUnwritable
from assistant.followups import TurnContext
from assistant.postgres_conversations import MIGRATIONS, PostgresConversationStore
from assistant.sqlite_conversations import SQLiteConversationStore


def _turn(store, conversation: str, n: int, *, new: bool = False) -> int:
    question = f"第{n}个问题：白城的补贴标准？"
    return store.append(conversation, new=new, question=question, resolved_question=question,
                         status="answered", answer=f"答案{n}", citations=[{"n": 1, "doc": "x"}],
                         context=TurnContext(resolved_question=question, region_words=("白城",),
                                             topic="补贴"))


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    if request.param == "sqlite":
        opened = SQLiteConversationStore(tmp_path / "c.sqlite3")
    else:
        opened = PostgresConversationStore(request.getfixturevalue("postgres_url"))
    yield opened
    opened.close()


def test_both_stores_keep_the_same_contract(store):
    conversation = store.new_id()
    assert not store.exists(conversation)  # an id alone stores nothing
    assert _turn(store, conversation, 1, new=True) == 1
    assert _turn(store, conversation, 2) == 2
    turns = store.turns(conversation)
    assert [t.turn for t in turns] == [1, 2]
    assert turns[1].citations == [{"n": 1, "doc": "x"}] and turns[1].answer == "答案2"
    assert turns[0].context.region_words == ("白城",)  # a tuple again after the JSON round trip
    assert store.last_context(conversation).resolved_question.startswith("第2个问题")
    assert store.created_at(conversation).endswith("+00:00")
    assert store.check().mode == "ok"
    with pytest.raises(Exception, match="does not exist"):
        store.require(store.new_id())


def test_migrations_run_once_when_replicas_start_together(postgres_url):
    stores, errors = [], []

    def open_one():
        try:
            stores.append(PostgresConversationStore(postgres_url))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and all(s.state.mode == "ok" for s in stores)
    with psycopg.connect(postgres_url) as connection:
        versions = [v for (v,) in connection.execute("SELECT version FROM schema_migrations")]
    assert versions == list(range(1, len(MIGRATIONS) + 1))
    for opened in stores:
        opened.close()


def test_two_replicas_appending_to_one_conversation_get_consecutive_turns(postgres_url):
    first, second = PostgresConversationStore(postgres_url), PostgresConversationStore(postgres_url)
    conversation = first.new_id()
    _turn(first, conversation, 0, new=True)
    numbers: list[int] = []

    def write(store, offset):
        for n in range(15):
            numbers.append(_turn(store, conversation, offset + n))

    threads = [threading.Thread(target=write, args=(s, o)) for s, o in ((first, 100),
                                                                         (second, 200))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == list(range(2, 32))
    assert [t.turn for t in second.turns(conversation)] == list(range(1, 32))
    first.close()
    second.close()


def test_a_killed_server_loses_no_acknowledged_turn_and_the_store_recovers(postgres):
    store = PostgresConversationStore(postgres.url)
    conversation = store.new_id()
    acknowledged = [_turn(store, conversation, 1, new=True)]
    acknowledged.append(_turn(store, conversation, 2))
    postgres.kill()
    try:
        with pytest.raises(ConversationsUnwritable, match="not stored"):
            _turn(store, conversation, 3)
        with pytest.raises(ConversationsUnavailable, match="does not answer"):
            store.turns(conversation)
        assert store.state.mode == "unavailable"
    finally:
        postgres.start()
    # The same store object, no reopening: its pool replaces the dead connections.
    assert store.check().mode == "ok"
    acknowledged.append(_turn(store, conversation, 4))
    assert [t.turn for t in store.turns(conversation)] == acknowledged == [1, 2, 3]
    store.close()


def test_an_unreachable_server_at_start_does_not_stop_the_store(postgres):
    from api.engines import free_port

    url = f"postgresql://postgres@127.0.0.1:{free_port()}/policy"
    store = PostgresConversationStore(url, wait_seconds=1)
    assert store.state.mode == "unavailable" and "does not answer" in store.state.reason
    assert "127.0.0.1" in store.state.reason
    with pytest.raises(ConversationsUnwritable):
        _turn(store, store.new_id(), 1, new=True)
    store.close()
