"""The corpus stage: reading policy files, their metadata, the clause parser, corpus folders."""

from corpus.errors import CorpusError, NotFoundError, PolicyAssistantError
from corpus.gazetteer import Gazetteer, default_gazetteer
from corpus.library import Library
from corpus.loader import (
    DOCUMENT_EXTENSIONS,
    SHIPPED_CORPUS,
    CorpusLoad,
    LoadFailure,
    corpus_hash,
    document_id,
    load_corpus,
    load_document,
    parse_bytes,
    read_corpus,
)
from corpus.parser import parse_text
from corpus.reading import read_text
from corpus.records import Clause, Document, Region

__all__ = [
    "Clause", "CorpusError", "CorpusLoad", "DOCUMENT_EXTENSIONS", "Document", "Gazetteer",
    "Library", "LoadFailure", "NotFoundError", "PolicyAssistantError", "Region",
    "SHIPPED_CORPUS", "corpus_hash", "default_gazetteer", "document_id", "load_corpus",
    "load_document", "parse_bytes", "parse_text", "read_corpus", "read_text",
]
