"""Conversations persisted in SQLite (stdlib): turns with answers, citations and context.

WAL mode and a connection per operation make concurrent requests safe; each turn is written in
one transaction, so a crash never leaves half a turn. Conversation ids are 128-bit random tokens
(`secrets.token_urlsafe`), so they cannot be guessed.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from corpus.errors import NotFoundError

from assistant.followups import TurnContext

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    turn INTEGER NOT NULL,
    question TEXT NOT NULL,
    resolved_question TEXT NOT NULL,
    status TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    context TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (conversation_id, turn)
);
"""


@dataclass(frozen=True)
class StoredTurn:
    turn: int
    question: str
    resolved_question: str
    status: str
    answer: str
    citations: list[dict]
    context: TurnContext
    created_at: str


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ConversationStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._write_lock = threading.Lock()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA foreign_keys=ON")
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise
        finally:
            db.close()

    def create(self) -> str:
        conversation_id = secrets.token_urlsafe(16)
        with self._write_lock, self._connect() as db:
            db.execute("INSERT INTO conversations (id, created_at) VALUES (?, ?)",
                       (conversation_id, _now()))
        return conversation_id

    def exists(self, conversation_id: str) -> bool:
        with self._connect() as db:
            row = db.execute("SELECT 1 FROM conversations WHERE id = ?",
                             (conversation_id,)).fetchone()
        return row is not None

    def require(self, conversation_id: str) -> None:
        if not self.exists(conversation_id):
            raise NotFoundError(f"conversation {conversation_id!r} does not exist; "
                                "send conversation_id null to start a new one")

    def created_at(self, conversation_id: str) -> str:
        with self._connect() as db:
            row = db.execute("SELECT created_at FROM conversations WHERE id = ?",
                             (conversation_id,)).fetchone()
        if row is None:
            self.require(conversation_id)
        return row[0]

    def turns(self, conversation_id: str) -> list[StoredTurn]:
        self.require(conversation_id)
        with self._connect() as db:
            rows = db.execute(
                "SELECT turn, question, resolved_question, status, answer, citations, context, "
                "created_at FROM turns WHERE conversation_id = ? ORDER BY turn",
                (conversation_id,)).fetchall()
        return [StoredTurn(turn=r[0], question=r[1], resolved_question=r[2], status=r[3],
                           answer=r[4], citations=json.loads(r[5]),
                           context=_context(json.loads(r[6])), created_at=r[7])
                for r in rows]

    def last_context(self, conversation_id: str) -> TurnContext | None:
        turns = self.turns(conversation_id)
        return turns[-1].context if turns else None

    def append(self, conversation_id: str, *, question: str, resolved_question: str,
               status: str, answer: str, citations: list[dict], context: TurnContext) -> int:
        with self._write_lock, self._connect() as db:
            (count,) = db.execute("SELECT COUNT(*) FROM turns WHERE conversation_id = ?",
                                  (conversation_id,)).fetchone()
            db.execute(
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (conversation_id, count + 1, question, resolved_question, status, answer,
                 json.dumps(citations, ensure_ascii=False),
                 json.dumps(asdict(context), ensure_ascii=False), _now()))
        return count + 1


def _context(data: dict) -> TurnContext:
    return TurnContext(**{**data, "region_words": tuple(data.get("region_words", ()))})
