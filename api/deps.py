"""Dependency providers for the API and the CLI: the one place that reads `Settings`.

`get_settings` is cached and overridable (tests pass a `Settings` to `create_app`).
`open_assistant` turns settings into a ready `PolicyAssistant`: it makes the configured encoder,
loads the index (or rebuilds it when corpus or encoder changed) and opens the conversation store.
"""

from __future__ import annotations

from functools import lru_cache

from api.settings import Settings
from assistant.conversations import ConversationStore
from assistant.service import PolicyAssistant
from corpus import corpus_hash, load_corpus
from index.encoders import make_encoder
from index.store import load_or_build


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def open_assistant(settings: Settings, *, force_rebuild: bool = False, progress=None,
                   with_conversations: bool = True) -> tuple[PolicyAssistant, str | None]:
    """A ready assistant and, when the index had to be (re)built, the reason why."""
    encoder = make_encoder(settings.encoder, model_name=settings.model_name,
                           query_instruction=settings.query_instruction)
    index, rebuilt = load_or_build(
        settings.index_dir, encoder=encoder,
        load_documents=lambda: load_corpus(settings.corpus_dir),
        corpus_hash=corpus_hash(settings.corpus_dir), dense_kind=settings.dense_index,
        force=force_rebuild, progress=progress)
    store = ConversationStore(settings.db_path) if with_conversations else None
    return PolicyAssistant(index, encoder, store), rebuilt
