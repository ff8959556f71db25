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
