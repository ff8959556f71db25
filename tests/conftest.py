"""Shared fixtures: the real shipped corpus, parsed once per test session."""

from __future__ import annotations

from pathlib import Path

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


@pytest.fixture(scope="session")
def two_rules(tmp_path_factory):
    """Two real Legal-DC rules behind the real index (hash encoder) and assistant."""
    legal_dc = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "legal-dc" / "docs"
    if not legal_dc.is_dir():
        pytest.skip("needs ../shared/corpora/legal-dc")
    from assistant.service import PolicyAssistant
    from corpus.loader import read_corpus
    from index.encoders import make_encoder
    from index.store import build_index
    folder = tmp_path_factory.mktemp("rules")
    for name in ("互联网广告管理办法.docx", "食品生产许可管理办法.docx"):
        (folder / name).symlink_to(legal_dc / name)
    encoder = make_encoder("hash")
    index = build_index(read_corpus(folder).documents, encoder,
                        tmp_path_factory.mktemp("index"), corpus_hash="t")
    return PolicyAssistant(index, encoder)
