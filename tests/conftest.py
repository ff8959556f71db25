"""Shared fixtures: the real shipped corpus, parsed once per test session."""

from __future__ import annotations

import pytest

from corpus import Document, load_corpus


@pytest.fixture(scope="session")
def corpus_documents() -> list[Document]:
    return load_corpus()


@pytest.fixture(scope="session")
def docs_by_id(corpus_documents) -> dict[str, Document]:
    return {doc.doc_id: doc for doc in corpus_documents}


@pytest.fixture(scope="session")
def hash_settings(tmp_path_factory):
    """Settings for the real app and index with the deterministic hash encoder (fast)."""
    from api.settings import Settings

    folder = tmp_path_factory.mktemp("service")
    return Settings(encoder="hash", index_dir=folder / "index",
                    db_path=folder / "conversations.sqlite3")


@pytest.fixture(scope="session")
def hash_assistant(hash_settings):
    """A `PolicyAssistant` over the shipped corpus, index built once per session."""
    from api.deps import open_assistant

    assistant, _ = open_assistant(hash_settings)
    return assistant


@pytest.fixture(scope="session")
def client(hash_settings, hash_assistant):
    """The real FastAPI app (lifespan run) over the session's index."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(hash_settings)) as test_client:
        yield test_client
