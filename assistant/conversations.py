"""Where conversations live: the store protocol, its records, and what both stores share.

Two stores implement `ConversationStore`: SQLite in a local file (`sqlite_conversations`, the
default, for one machine) and PostgreSQL (`postgres_conversations`, for replicas that must
continue each other's conversations). Both keep the same two tables — a conversation, and its
turns with the answer, the citations and the follow-up context — created and migrated by the
service itself through numbered migrations (`MIGRATIONS`, recorded in the database), and both
store one turn per transaction, a new conversation in the same transaction as its first turn.

Failures are told apart because the API treats them differently: `ConversationsUnavailable`
(the stored conversations cannot be read: 503 with the reason) and `ConversationsUnwritable` (a
turn could not be stored: the answer is still given, marked as not stored).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any, Protocol

from corpus.errors import NotFoundError, PolicyAssistantError

from assistant.followups import TurnContext


class ConversationsUnavailable(PolicyAssistantError):
    """The conversation database cannot be read (the API answers 503 with the reason)."""


class ConversationsUnwritable(PolicyAssistantError):
    """A turn could not be stored (read-only or full database); the answer is still given."""


@dataclass(frozen=True)
class StoreState:
    """`ok`, `read_only` or `unavailable`, and why when it is not ok."""

    mode: str
    reason: str | None = None


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


class ConversationStore(Protocol):
    """What the assistant and the API need from a conversation store."""

    state: StoreState

    def new_id(self) -> str: ...
    def check(self) -> StoreState: ...
    def exists(self, conversation_id: str) -> bool: ...
    def require(self, conversation_id: str) -> None: ...
    def created_at(self, conversation_id: str) -> str: ...
    def turns(self, conversation_id: str) -> list[StoredTurn]: ...
    def last_context(self, conversation_id: str) -> TurnContext | None: ...
    def append(self, conversation_id: str, *, new: bool = False, question: str,
               resolved_question: str, status: str, answer: str, citations: list[dict],
               context: TurnContext) -> int: ...
    def close(self) -> None: ...


def stamp(value: Any) -> str:
    """A stored time as ISO 8601 to the second (SQLite keeps text, PostgreSQL timestamps)."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="seconds")
    return str(value)


def now() -> str:
    return stamp(datetime.now(timezone.utc))


def _json(value: Any) -> Any:
    """A JSON column's value (SQLite returns the text, PostgreSQL's jsonb the object)."""
    return json.loads(value) if isinstance(value, (str, bytes)) else value


_TUPLE_FIELDS = ("region_words", "scope_doc_ids", "scope_regions", "scope_documents",
                 "cited_clauses", "topic_terms", "places_discussed")


def _context(data: dict) -> TurnContext:
    # JSON gives lists; turns stored before a field existed simply lack it (its default holds).
    return TurnContext(**{**data, **{name: tuple(data[name]) for name in _TUPLE_FIELDS
                                     if name in data}})


class SQLConversations:
    """The reads both stores share, written once: a subclass supplies `_read(sql, params)` and
    the parameter marker of its driver (`?` for sqlite3, `%s` for psycopg)."""

    marker = "?"

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        raise NotImplementedError

    def _sql(self, sql: str) -> str:
        return sql.replace("{p}", self.marker)

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self._read(self._sql(sql), params)

    def _hold(self, db: Any, conversation_id: str) -> None:
        """Order this turn after any other writer's turn of the same conversation (inside the
        transaction). SQLite's BEGIN IMMEDIATE already holds the whole database."""

    def _write_turn(self, db: Any, conversation_id: str, new: bool, row: tuple) -> int:
        """One turn's statements, inside the caller's transaction on `db` (a sqlite3 or psycopg
        connection): the conversation when `new`, then the turn numbered after the stored
        ones. Its number is returned."""
        if new:
            db.execute(self._sql("INSERT INTO conversations (id, created_at) VALUES ({p}, {p})"),
                       (conversation_id, row[-1]))
        self._hold(db, conversation_id)
        (count,) = db.execute(self._sql("SELECT COUNT(*) FROM turns WHERE conversation_id = {p}"),
                              (conversation_id,)).fetchone()
        db.execute(self._sql("INSERT INTO turns VALUES (" + ", ".join(["{p}"] * 9) + ")"),
                   (conversation_id, count + 1, *row))
        return count + 1

    @staticmethod
    def new_id() -> str:
        """A fresh conversation id (128 random bits, so it cannot be guessed); the conversation
        exists once its first turn is stored."""
        return secrets.token_urlsafe(16)

    def exists(self, conversation_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM conversations WHERE id = {p}",
                                (conversation_id,)))

    def require(self, conversation_id: str) -> None:
        if not self.exists(conversation_id):
            raise NotFoundError(f"conversation {conversation_id!r} does not exist; "
                                "send conversation_id null to start a new one")

    def created_at(self, conversation_id: str) -> str:
        rows = self._query("SELECT created_at FROM conversations WHERE id = {p}",
                           (conversation_id,))
        if not rows:
            self.require(conversation_id)
        return stamp(rows[0][0])

    def turns(self, conversation_id: str) -> list[StoredTurn]:
        self.require(conversation_id)
        rows = self._query(
            "SELECT turn, question, resolved_question, status, answer, citations, context, "
            "created_at FROM turns WHERE conversation_id = {p} ORDER BY turn", (conversation_id,))
        return [StoredTurn(turn=r[0], question=r[1], resolved_question=r[2], status=r[3],
                           answer=r[4], citations=_json(r[5]), context=_context(_json(r[6])),
                           created_at=stamp(r[7]))
                for r in rows]

    def last_context(self, conversation_id: str) -> TurnContext | None:
        self.require(conversation_id)
        rows = self._query("SELECT context FROM turns WHERE conversation_id = {p} "
                           "ORDER BY turn DESC LIMIT 1", (conversation_id,))
        return _context(_json(rows[0][0])) if rows else None


def turn_row(question: str, resolved_question: str, status: str, answer: str,
             citations: list[dict], context: TurnContext) -> tuple:
    """A turn's stored columns after (conversation_id, turn), in table order."""
    return (question, resolved_question, status, answer,
            json.dumps(citations, ensure_ascii=False),
            json.dumps(asdict(context), ensure_ascii=False), now())


__all__ = ["ConversationStore", "ConversationsUnavailable", "ConversationsUnwritable",
           "SQLConversations", "StoreState", "StoredTurn", "now", "stamp", "turn_row"]
