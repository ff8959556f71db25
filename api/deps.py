"""Dependency providers for the API and the CLI: the one place that reads `Settings`.

`get_settings` is cached and overridable (tests pass a `Settings` to `create_app`).
`make_updater` turns settings into a `CorpusUpdater` (corpus folder, library, index, encoder);
`open_assistant` into a ready `PolicyAssistant`: it loads the index (syncing it first when the
corpus changed) and opens the conversation store.

`LiveAssistant` is what the server answers with. Each request asks it for the assistant; it
stats the index's `CURRENT` pointer (at most every `reload_check_seconds`) and, when another
process published a new version, loads it fully and only then swaps the reference — requests
already running finish with the assistant they started with, and a half-written version is
never seen because versions are published by an atomic pointer replacement. Uploads and
deletions handled by this server swap to the version they wrote at once.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import lru_cache

from api.heap import release_free_heap
from api.settings import Settings
from assistant.conversations import ConversationStore, StoreState
from assistant.sqlite_conversations import SQLiteConversationStore
from assistant.service import AssistantConfig, PolicyAssistant
from corpus import Document
from index.clause_store import ClauseStore, EmbeddedClauseStore, StoreUnavailable
from index.encoders import Encoder, make_encoder
from index.query_batching import BatchingEncoder
from index.store import BuiltIndex, load_index, mismatch
from index.updates import AddOutcome, CorpusUpdater
from index.versions import current_name, pointer_stamp

log = logging.getLogger("policy_assistant.api")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def make_encoder_for(settings: Settings) -> Encoder:
    return make_encoder(settings.encoder, model_name=settings.model_name,
                        query_instruction=settings.query_instruction,
                        cache_dir=settings.cache_path)


def make_updater(settings: Settings, encoder: Encoder | None = None) -> CorpusUpdater:
    return CorpusUpdater(corpus_dir=settings.corpus_dir, library_dir=settings.library_path,
                         index_dir=settings.index_dir,
                         encoder=encoder or make_encoder_for(settings),
                         dense_kind=settings.dense_index,
                         sentence_vectors=settings.sentence_vectors,
                         local_search=settings.clause_store != "milvus")


def open_conversations(settings: Settings) -> ConversationStore:
    """PostgreSQL when `conversations_url` is set (replicas), else the local SQLite file."""
    if settings.conversations_url:
        # Imported here: psycopg is an optional extra (`.[scale]`), needed only for this store.
        from assistant.postgres_conversations import PostgresConversationStore
        return PostgresConversationStore(settings.conversations_url.get_secret_value())
    return SQLiteConversationStore(settings.db_path)


def make_clause_store(settings: Settings) -> ClauseStore:
    """The embedded store, or the Milvus endpoint replicas share (`clause_store=milvus`)."""
    if settings.clause_store == "milvus":
        # Imported here: pymilvus is an optional extra (`.[scale]`), needed only for this store.
        from index.milvus_store import MilvusClauseStore
        token = settings.milvus_token.get_secret_value() if settings.milvus_token else None
        return MilvusClauseStore(settings.milvus_uri, token=token, prefix=settings.milvus_prefix)
    return EmbeddedClauseStore()


def synced(store: ClauseStore, index: BuiltIndex) -> bool:
    """Bring a shared store in line with the version this process serves (a no-op when it is
    already, or when another replica synced a newer one); a store that does not answer is
    logged, and searches answer 503 until it does."""
    try:
        report = store.sync(index)
    except StoreUnavailable as problem:
        log.error("clause store not synced with index version %s: %s", index.version, problem)
        return False
    if report.skipped is None:
        log.info("clause store %s synced with index version %s: %d documents (%d clauses) "
                 "upserted, %d deleted", store.name, report.version, report.upserted_documents,
                 report.upserted_clauses, report.deleted_documents)
    return True


def open_assistant(settings: Settings, *, force_rebuild: bool = False, progress=None,
                   with_conversations: bool = True) -> tuple[PolicyAssistant, str | None]:
    """A ready assistant and, when the index had to be (re)built, the reason why."""
    updater = make_updater(settings)
    index, rebuilt = updater.open(force=force_rebuild, progress=progress)
    store = open_conversations(settings) if with_conversations else None
    clause_store = make_clause_store(settings)
    synced(clause_store, index)
    return PolicyAssistant(index, updater.encoder, store, assistant_config(settings),
                           clause_store=clause_store), rebuilt


def assistant_config(settings: Settings) -> AssistantConfig:
    """The assistant's tuned configuration with what a deployment may switch."""
    config = AssistantConfig()
    if not settings.thesaurus:
        config.synonyms_per_term = 0
    if not settings.english_dictionary:
        config.english_words_per_phrase = 0
    return config


class LiveAssistant:
    """The current `PolicyAssistant`, replaced when the index gets a new version."""

    def __init__(self, assistant: PolicyAssistant, *, updater: CorpusUpdater,
                 check_seconds: float = 0.0):
        self._assistant = assistant
        self.updater = updater
        self.check_seconds = check_seconds
        self._stamp = pointer_stamp(updater.index_dir)
        self._checked_at = time.monotonic()
        self._reload = threading.Lock()  # one loader at a time; readers never wait otherwise
        self.encoder_ready = False
        self.last_error: str | None = None
        self._synced_version: str | None = None  # the version the clause store last took
        self._sync(assistant)

    @classmethod
    def open(cls, settings: Settings) -> tuple[LiveAssistant, str | None]:
        # The server embeds the questions of concurrent requests together (query_batching).
        encoder = make_encoder_for(settings)
        if settings.query_batch > 1:
            encoder = BatchingEncoder(encoder, max_batch=settings.query_batch)
        updater = make_updater(settings, encoder)
        index, rebuilt = updater.open()
        assistant = PolicyAssistant(index, updater.encoder, open_conversations(settings),
                                    assistant_config(settings),
                                    clause_store=make_clause_store(settings))
        return cls(assistant, updater=updater,
                   check_seconds=settings.reload_check_seconds), rebuilt

    @property
    def encoder(self) -> Encoder:
        return self.updater.encoder

    def check_stores(self) -> StoreState | None:
        """Raise when a store does not answer; sync a shared clause store that missed the
        version this process serves (it was down when the version was loaded). The
        conversation store's state is returned."""
        assistant = self._assistant
        state = assistant.conversations.check() if assistant.conversations else None
        assistant.retriever.store.check()
        if self._synced_version != assistant.index.version:
            self._sync(assistant)
        return state

    def _sync(self, assistant: PolicyAssistant) -> None:
        if synced(assistant.retriever.store, assistant.index):
            self._synced_version = assistant.index.version

    def warm_up(self) -> None:
        """Load the encoder's weights now (USE loads lazily on the first encode), and the
        English dictionary: either would otherwise hold up the first question that needs it
        for seconds (a fuzzing client timed out on it). Then the memory loading freed is
        given back."""
        self.encoder.encode(["政策"], is_query=True)
        self.encoder_ready = True
        glossary = self._assistant.analyser.glossary
        if glossary is not None:
            glossary.load()
        release_free_heap()  # what loading freed (api.heap: ~30 MB per worker)

    def get(self) -> PolicyAssistant:
        """The assistant to answer this request with (a newer version if one was published)."""
        now = time.monotonic()
        if self.check_seconds and now - self._checked_at < self.check_seconds:
            return self._assistant
        self._checked_at = now
        stamp = pointer_stamp(self.updater.index_dir)
        if stamp != self._stamp:
            with self._reload:
                if stamp != self._stamp:
                    self._load_published(stamp)
        return self._assistant

    def _load_published(self, stamp) -> None:
        name = current_name(self.updater.index_dir)
        if name is not None and name != self._assistant.index.version:
            try:
                index = load_index(self.updater.index_dir,
                                   local_search=self.updater.local_search)
                problem = mismatch(index.params, encoder_id=self.encoder.encoder_id,
                                   corpus_hash=None, dense_kind=self.updater.dense_kind,
                                   sentence_vectors=self.updater.sentence_vectors)
                if problem:
                    raise RuntimeError(problem)
            except Exception as exc:  # keep serving the version we have, and say why
                self.last_error = f"index version {name} was not loaded: {exc}"
                log.error("%s; still serving version %s", self.last_error,
                          self._assistant.index.version)
            else:
                self._swap(index)
                log.info("serving index version %s", index.version)
        self._stamp = stamp

    def _swap(self, index: BuiltIndex) -> None:
        assistant = PolicyAssistant(index, self.encoder, self._assistant.conversations,
                                    self._assistant.config,
                                    clause_store=self._assistant.retriever.store)
        self._sync(assistant)  # before it serves: a shared store then answers for its version
        self._assistant = assistant
        self.last_error = None

    def _after_update(self, index: BuiltIndex) -> None:
        with self._reload:
            self._swap(index)
            # Only remember the pointer if it still names our version: if another writer
            # published since, the next request loads that one.
            if current_name(self.updater.index_dir) == index.version:
                self._stamp = pointer_stamp(self.updater.index_dir)

    def add_upload(self, filename: str, data: bytes) -> AddOutcome:
        outcome = self.updater.add_upload(filename, data)
        self._after_update(outcome.index)
        return outcome

    def remove(self, doc_id: str) -> Document:
        document = self.get().document(doc_id)  # NotFoundError naming the id when unknown
        self._after_update(self.updater.remove(doc_id))
        return document
