"""The index stage: encoders, the lexical (jieba BM25) and dense (FAISS) indexes, versioned
persistence with incremental updates, and the updater that ties corpus changes to new versions."""

from index.dense import DenseIndex
from index.encoders import Encoder, EncoderError, HashEncoder, make_encoder
from index.lexical import LexicalIndex, Tokenizer
from index.store import BuiltIndex, apply_changes, build_index, load_index, load_or_build

__all__ = ["BuiltIndex", "DenseIndex", "Encoder", "EncoderError", "HashEncoder", "LexicalIndex",
           "Tokenizer", "apply_changes", "build_index", "load_index", "load_or_build",
           "make_encoder"]
