"""Fixtures for the evaluation tests: a hash-encoder index of the shipped corpus, built once.

The hash encoder is the one stand-in the house rules allow (at the model boundary); everything
else — corpus, parser, BM25, FAISS, the assistant — is the real code.
"""

from __future__ import annotations

import pytest

from api.deps import open_assistant
from api.settings import Settings


@pytest.fixture(scope="session")
def hash_settings(tmp_path_factory) -> Settings:
    folder = tmp_path_factory.mktemp("eval-hash")
    return Settings(encoder="hash", index_dir=folder / "index", db_path=folder / "conv.sqlite3")


@pytest.fixture(scope="session")
def hash_assistant(hash_settings):
    assistant, _ = open_assistant(hash_settings, with_conversations=False)
    return assistant
