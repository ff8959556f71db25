"""The corpus stage: shipped policy texts, their metadata and the clause parser."""

from corpus.errors import CorpusError, NotFoundError, PolicyAssistantError
from corpus.gazetteer import Gazetteer, default_gazetteer
from corpus.loader import SHIPPED_CORPUS, corpus_hash, load_corpus, load_document, parse_bytes
from corpus.parser import parse_text
from corpus.reading import read_text
from corpus.records import Clause, Document, Region

__all__ = [
    "Clause", "CorpusError", "Document", "Gazetteer", "NotFoundError", "PolicyAssistantError",
    "Region", "SHIPPED_CORPUS", "corpus_hash", "default_gazetteer", "load_corpus",
    "load_document", "parse_bytes", "parse_text", "read_text",
]
