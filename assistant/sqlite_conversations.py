"""Conversations in a local SQLite file (stdlib): the default store, for one machine.

One long-lived connection per process, in WAL mode with `synchronous=NORMAL`: a commit is a
write to the log without waiting for the disk, so a turn costs well under a millisecond instead of
a full sync (≈ 23 ms each on this machine's disk). The trade-off: a committed turn survives the
process being killed at any point (the log is in the OS's page cache), but a power loss or kernel
crash can lose the last turns committed before the next checkpoint — never corrupt the file.
Other processes (server workers, the CLI) are waited for through SQLite's busy timeout; within
the process a mutex serialises use of the one connection (sqlite3 objects are not safe to use from
two threads at once), held only for the statement itself.

A database that cannot be written (a read-only file or folder, a full disk) does not stop the
service: the store opens read-only, or not at all, says so in `state`, and `append` raises
`ConversationsUnwritable`, which the assistant turns into an answer that says it was not stored.
The schema is migrated by number (`MIGRATIONS`; the version is kept in `PRAGMA user_version`).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

from assistant.conversations import (
    ConversationsUnavailable,
    ConversationsUnwritable,
    SQLConversations,
    StoreState,
    turn_row,
)
from assistant.followups import TurnContext

log = logging.getLogger("policy_assistant.conversations")
# How long a write waits for another process's transaction before giving up (SQLite's own
# retry loop, not a lock of ours).
BUSY_TIMEOUT_MS = 5000

# Migration n (1-based) takes the schema from version n-1 to n; one that shipped is never edited.
# Version 1 says IF NOT EXISTS because files made before versioning already hold its tables.
MIGRATIONS: tuple[str, ...] = (
    """
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
    """,
)


def migrate(db: sqlite3.Connection) -> int:
    """Apply the migrations the file lacks, each in one transaction; the version reached."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        db.executescript(f"BEGIN IMMEDIATE; {script}; PRAGMA user_version={number}; COMMIT;")
    return max(version, len(MIGRATIONS))


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    # isolation_level=None: no implicit transactions; writes say BEGIN IMMEDIATE themselves.
    db = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, uri=uri,
                         check_same_thread=False, isolation_level=None)
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys=ON")
    return db


class SQLiteConversationStore(SQLConversations):
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self.state = StoreState("unavailable", "not opened")
        self._open()

    def _open(self) -> None:
        db = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = _connect(str(self.path))
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            migrate(db)
            # SQLite opens a file it may not write read-only without a word (and with a
            # read-only WAL index even grants the write lock): a row written and rolled back
            # says whether turns can be stored.
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("INSERT INTO conversations (id, created_at) VALUES ('', '')")
            finally:
                db.execute("ROLLBACK")
        except (sqlite3.Error, OSError) as exc:
            writable_problem = f"{type(exc).__name__}: {exc}"
            if db is not None:  # opened, but not writable: the read-only one replaces it
                db.close()
        else:
            self._db, self.state = db, StoreState("ok")
            return
        # Not writable: serve the stored conversations read-only if the file can be read.
        for query in ("mode=ro", "immutable=1"):
            db = None
            try:
                db = _connect(f"{self.path.resolve().as_uri()}?{query}", uri=True)
                db.execute("SELECT COUNT(*) FROM conversations").fetchone()
            except (sqlite3.Error, OSError, ValueError):
                if db is not None:
                    db.close()
                continue
            self._db = db
            self.state = StoreState("read_only", f"the conversation database {self.path} "
                                    f"cannot be written ({writable_problem}); new turns are "
                                    "answered but not stored")
            log.error("%s", self.state.reason)
            return
        self.state = StoreState("unavailable", f"the conversation database {self.path} cannot "
                                f"be opened ({writable_problem}); answers are not stored")
        log.error("%s", self.state.reason)

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self._db is None:
            raise ConversationsUnavailable(self.state.reason or "no conversation database")
        try:
            with self._lock:
                return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise ConversationsUnavailable(f"the conversation database cannot be read "
                                           f"({type(exc).__name__}: {exc})") from exc

    def check(self) -> StoreState:
        """The store's state, confirmed by a query (for the readiness probe)."""
        if self._db is not None:
            self._read("SELECT 1 FROM conversations LIMIT 1")
        return self.state

    def append(self, conversation_id: str, *, new: bool = False, question: str,
               resolved_question: str, status: str, answer: str, citations: list[dict],
               context: TurnContext) -> int:
        """Store one turn (and, when `new`, its conversation) in one transaction."""
        if self.state.mode != "ok" or self._db is None:
            raise ConversationsUnwritable(self.state.reason or "no conversation database")
        row = turn_row(question, resolved_question, status, answer, citations, context)
        try:
            with self._lock:
                db = self._db
                db.execute("BEGIN IMMEDIATE")
                try:
                    number = self._write_turn(db, conversation_id, new, row)
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:  # SQLite rolls back some failures (a full disk) itself
                        db.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise ConversationsUnwritable(f"the turn was not stored ({type(exc).__name__}: "
                                          f"{exc})") from exc
        return number

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


__all__ = ["MIGRATIONS", "SQLiteConversationStore", "migrate"]
