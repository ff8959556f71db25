"""Conversations persisted in SQLite (stdlib): turns with answers, citations and context.

One long-lived connection per process, in WAL mode with `synchronous=NORMAL`: a commit is a
write to the log without waiting for the disk, so a turn costs well under a millisecond instead of
a full sync (≈ 23 ms each on this machine's disk). The trade-off: a committed turn survives the
process being killed at any point (the log is in the OS's page cache), but a power loss or kernel
crash can lose the last turns committed before the next checkpoint — never corrupt the file.
Other processes (server workers, the CLI) are waited for through SQLite's busy timeout; within
the process a mutex serialises use of the one connection (sqlite3 objects are not safe to use from
two threads at once), held only for the statement itself.

Each turn is one transaction, and a new conversation is created in the same transaction as its
first turn, so a failed request leaves nothing behind. A database that cannot be written (a
read-only file or folder, a full disk) does not stop the service: the store opens read-only, or
not at all, says so in `state`, and `append` raises `ConversationsUnwritable`, which the
assistant turns into an answer that says it was not stored. Conversation ids are 128-bit random
tokens (`secrets.token_urlsafe`), so they cannot be guessed.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from corpus.errors import NotFoundError, PolicyAssistantError

from assistant.followups import TurnContext

log = logging.getLogger("policy_assistant.conversations")
# How long a write waits for another process's transaction before giving up (SQLite's own
# retry loop, not a lock of ours).
BUSY_TIMEOUT_MS = 5000

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


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    # isolation_level=None: no implicit transactions; writes say BEGIN IMMEDIATE themselves.
    db = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, uri=uri,
                         check_same_thread=False, isolation_level=None)
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys=ON")
    return db


class ConversationStore:
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
            db.executescript(_SCHEMA)
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

    @staticmethod
    def new_id() -> str:
        """A fresh conversation id; the conversation exists once its first turn is stored."""
        return secrets.token_urlsafe(16)

    def check(self) -> StoreState:
        """The store's state, confirmed by a query (for the readiness probe)."""
        if self._db is not None:
            self._read("SELECT 1 FROM conversations LIMIT 1")
        return self.state

    def exists(self, conversation_id: str) -> bool:
        return bool(self._read("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)))

    def require(self, conversation_id: str) -> None:
        if not self.exists(conversation_id):
            raise NotFoundError(f"conversation {conversation_id!r} does not exist; "
                                "send conversation_id null to start a new one")

    def created_at(self, conversation_id: str) -> str:
        rows = self._read("SELECT created_at FROM conversations WHERE id = ?",
                          (conversation_id,))
        if not rows:
            self.require(conversation_id)
        return rows[0][0]

    def turns(self, conversation_id: str) -> list[StoredTurn]:
        self.require(conversation_id)
        rows = self._read(
            "SELECT turn, question, resolved_question, status, answer, citations, context, "
            "created_at FROM turns WHERE conversation_id = ? ORDER BY turn", (conversation_id,))
        return [StoredTurn(turn=r[0], question=r[1], resolved_question=r[2], status=r[3],
                           answer=r[4], citations=json.loads(r[5]),
                           context=_context(json.loads(r[6])), created_at=r[7])
                for r in rows]

    def last_context(self, conversation_id: str) -> TurnContext | None:
        self.require(conversation_id)
        rows = self._read("SELECT context FROM turns WHERE conversation_id = ? "
                          "ORDER BY turn DESC LIMIT 1", (conversation_id,))
        return _context(json.loads(rows[0][0])) if rows else None

    def append(self, conversation_id: str, *, new: bool = False, question: str,
               resolved_question: str, status: str, answer: str, citations: list[dict],
               context: TurnContext) -> int:
        """Store one turn (and, when `new`, its conversation) in one transaction."""
        if self.state.mode != "ok" or self._db is None:
            raise ConversationsUnwritable(self.state.reason or "no conversation database")
        row = (question, resolved_question, status, answer,
               json.dumps(citations, ensure_ascii=False),
               json.dumps(asdict(context), ensure_ascii=False), _now())
        try:
            with self._lock:
                db = self._db
                db.execute("BEGIN IMMEDIATE")
                try:
                    if new:
                        db.execute("INSERT INTO conversations (id, created_at) VALUES (?, ?)",
                                   (conversation_id, row[-1]))
                    (count,) = db.execute("SELECT COUNT(*) FROM turns WHERE conversation_id = ?",
                                          (conversation_id,)).fetchone()
                    db.execute("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               (conversation_id, count + 1, *row))
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:  # SQLite rolls back some failures (a full disk) itself
                        db.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            raise ConversationsUnwritable(f"the turn was not stored ({type(exc).__name__}: "
                                          f"{exc})") from exc
        return count + 1

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def _context(data: dict) -> TurnContext:
    return TurnContext(**{**data, "region_words": tuple(data.get("region_words", ()))})
