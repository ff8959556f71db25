"""Conversations in PostgreSQL, for several API replicas that continue each other's conversations.

`POLICY_ASSISTANT_CONVERSATIONS_URL=postgresql://…` selects this store. A connection pool
(psycopg_pool) serves the request threads; every connection is checked before use, so after the
server restarts the pool replaces its dead connections by itself. A turn is one transaction that
locks its conversation's row first, so two replicas appending to one conversation at once get
turns n and n+1, never a duplicate number. The schema is created and migrated by the service:
`MIGRATIONS` are applied in order under a transaction-scoped advisory lock (replicas starting
together migrate once) and recorded in `schema_migrations`.

When the server cannot be reached the store says so instead of failing the service: reads raise
`ConversationsUnavailable` (503 with the reason), a turn that cannot be committed raises
`ConversationsUnwritable` (the answer is given and marked not stored, so an acknowledged turn
is always a committed one), and the next request tries again — the store recovers on its own.
"""

from __future__ import annotations

import logging
import threading

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from assistant.conversations import (
    ConversationsUnavailable,
    ConversationsUnwritable,
    SQLConversations,
    StoreState,
    turn_row,
)
from assistant.followups import TurnContext

log = logging.getLogger("policy_assistant.conversations")

# Any fixed number shared by every replica: the advisory lock that serialises migrations.
_MIGRATION_LOCK = 7_154_211
# Migration n (1-based) takes the schema from version n-1 to n; one that shipped is never edited.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        created_at TIMESTAMPTZ NOT NULL
    );
    CREATE TABLE turns (
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        turn INTEGER NOT NULL,
        question TEXT NOT NULL,
        resolved_question TEXT NOT NULL,
        status TEXT NOT NULL,
        answer TEXT NOT NULL,
        citations JSONB NOT NULL,
        context JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (conversation_id, turn)
    );
    """,
)


def migrate(connection: psycopg.Connection) -> int:
    """Bring the schema up to date, once even when replicas start together; the version."""
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        connection.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                           "version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL "
                           "DEFAULT now())")
        (version,) = connection.execute(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            connection.execute(script)
            connection.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (number,))
    return max(version, len(MIGRATIONS))


class PostgresConversationStore(SQLConversations):
    marker = "%s"

    def __init__(self, url: str, *, max_connections: int = 8, wait_seconds: float = 3.0):
        # A request waits at most `wait_seconds` for a connection, so an unreachable server
        # costs a bounded delay and a clear message, not a hung request.
        self.url = url
        self._pool = ConnectionPool(url, min_size=1, max_size=max_connections,
                                    timeout=wait_seconds, open=False,
                                    check=ConnectionPool.check_connection,
                                    kwargs={"autocommit": True,
                                            "connect_timeout": max(1, int(wait_seconds))})
        self._pool.open(wait=False)
        self._migrated = False
        self._migrating = threading.Lock()
        self.state = StoreState("unavailable", "not connected yet")
        try:
            self._ensure_schema()
        except ConversationsUnavailable as problem:
            log.error("%s", problem)

    def _problem(self, exc: Exception) -> str:
        return f"the conversation database at {self._where()} does not answer " \
               f"({type(exc).__name__}: {str(exc).strip() or 'no detail'})"

    def _where(self) -> str:
        """The server's address without the password, for messages."""
        info = psycopg.conninfo.conninfo_to_dict(self.url)
        return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"

    def _ensure_schema(self) -> None:
        if self._migrated:
            return
        with self._migrating:
            if self._migrated:
                return
            try:
                with self._pool.connection() as connection:
                    migrate(connection)
            except (psycopg.Error, PoolTimeout) as exc:
                self.state = StoreState("unavailable", self._problem(exc))
                raise ConversationsUnavailable(self.state.reason) from exc
            self._migrated = True
            self.state = StoreState("ok")

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        self._ensure_schema()
        try:
            with self._pool.connection() as connection:
                return connection.execute(sql, params).fetchall()
        except (psycopg.Error, PoolTimeout) as exc:
            self.state = StoreState("unavailable", self._problem(exc))
            raise ConversationsUnavailable(self.state.reason) from exc

    def check(self) -> StoreState:
        """The store's state, confirmed by a query (for the readiness probe)."""
        self._read("SELECT 1")
        self.state = StoreState("ok")
        return self.state

    def _hold(self, connection: psycopg.Connection, conversation_id: str) -> None:
        # The row lock orders concurrent turns of one conversation (other replicas).
        locked = connection.execute("SELECT 1 FROM conversations WHERE id = %s FOR UPDATE",
                                    (conversation_id,)).fetchone()
        if locked is None:
            raise ConversationsUnwritable(f"conversation {conversation_id!r} does not exist; "
                                          "the turn was not stored")

    def append(self, conversation_id: str, *, new: bool = False, question: str,
               resolved_question: str, status: str, answer: str, citations: list[dict],
               context: TurnContext) -> int:
        """Store one turn (and, when `new`, its conversation) in one transaction."""
        row = turn_row(question, resolved_question, status, answer, citations, context)
        try:
            self._ensure_schema()
            with self._pool.connection() as connection, connection.transaction():
                number = self._write_turn(connection, conversation_id, new, row)
        except ConversationsUnavailable as exc:
            raise ConversationsUnwritable(f"the turn was not stored ({exc})") from exc
        except (psycopg.Error, PoolTimeout) as exc:
            self.state = StoreState("unavailable", self._problem(exc))
            raise ConversationsUnwritable(f"the turn was not stored ({self.state.reason})") \
                from exc
        self.state = StoreState("ok")
        return number

    def close(self) -> None:
        self._pool.close()


__all__ = ["MIGRATIONS", "PostgresConversationStore", "migrate"]
