"""The SQLite conversation store itself: one transaction per turn, WAL, and a full disk.

The full disk is real: a child process lowers its own file-size limit (RLIMIT_FSIZE, with
SIGXFSZ ignored, so a write past it fails with EFBIG as on a full volume) and writes turns until
SQLite refuses one. The refusal must be `ConversationsUnwritable` — which `/ask` turns into an
answer marked not stored — and every turn acknowledged before it must still read back intact.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from assistant.sqlite_conversations import SQLiteConversationStore as ConversationStore
from assistant.followups import TurnContext

REPO = Path(__file__).resolve().parents[2]


def _context(question: str) -> TurnContext:
    return TurnContext(resolved_question=question, region_words=(), topic="")


def test_a_new_conversation_exists_only_with_its_first_turn(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    conversation = store.new_id()
    assert not store.exists(conversation)  # an id alone stores nothing
    store.append(conversation, new=True, question="q1", resolved_question="q1",
                 status="answered", answer="a1", citations=[], context=_context("q1"))
    store.append(conversation, question="q2", resolved_question="q2", status="not_found",
                 answer="a2", citations=[{"n": 1}], context=_context("q2"))
    turns = store.turns(conversation)
    assert [t.turn for t in turns] == [1, 2] and turns[1].citations == [{"n": 1}]
    assert store.last_context(conversation).resolved_question == "q2"
    with sqlite3.connect(tmp_path / "c.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert store.check().mode == "ok"


def test_a_full_disk_refuses_the_turn_and_keeps_the_others(tmp_path):
    script = textwrap.dedent(f"""
        import json, resource, signal, sys
        sys.path.insert(0, {str(REPO)!r})
        from assistant.conversations import ConversationsUnwritable
        from assistant.sqlite_conversations import SQLiteConversationStore as ConversationStore
        from assistant.followups import TurnContext

        store = ConversationStore({str(tmp_path / "c.sqlite3")!r})
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        limit = 256 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        conversation = store.new_id()
        stored, refused = 0, None
        for n in range(1000):
            try:
                store.append(conversation, new=(n == 0), question=f"q{{n}}",
                             resolved_question=f"q{{n}}", status="answered",
                             answer="答" * 2000, citations=[],
                             context=TurnContext(resolved_question=f"q{{n}}",
                                                 region_words=(), topic=""))
            except ConversationsUnwritable as exc:
                refused = str(exc)
                break
            stored += 1
        print(json.dumps({{"conversation": conversation, "stored": stored,
                           "refused": refused}}))
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["refused"] and result["stored"] > 5, result
    assert "not stored" in result["refused"]

    store = ConversationStore(tmp_path / "c.sqlite3")  # no limit in this process
    turns = store.turns(result["conversation"])
    assert len(turns) == result["stored"]
    assert all(t.answer == "答" * 2000 for t in turns)
    with sqlite3.connect(tmp_path / "c.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
